/**
 * Where the key that seals credentials at rest comes from, chosen once at start:
 *
 *  1. HEADROOM_SECRET_KEY (32 bytes, hex or base64): the key lives outside Headroom's data, so
 *     a copy of the database (or of its backups) alone reveals no credential. Needed when several
 *     Headroom processes share a PostgreSQL database, unless the database keeps the key (3).
 *  2. Else, with a SQLite database file: a key generated on first start and kept in a file beside
 *     it, `<database>.secret-key` (mode 0600). The database file alone reveals nothing; back the
 *     two up together.
 *  3. Else (PostgreSQL, in-memory SQLite): a key generated on first start and kept in the
 *     database's `secrets` table, shared by every process using it. That keeps credentials out of
 *     API answers, exports and the rows that hold them, but not from someone with the whole
 *     database, so a warning recommends HEADROOM_SECRET_KEY.
 *
 * The database records which key sealed its secrets (`datasource-key-id`): writers seal with that
 * key, and a process started with another key says so at start instead of failing at the first
 * poll. Losing the key means applying the DataSources again with their credentials.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { ServerConfig } from '../../config.js';
import type { Db } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { hasKey, parseSecretKey, registerKey, releaseKey } from './keyring.js';

const KEY_ID = 'datasource-key-id';
const STORED_KEY = 'datasource-key';

export type KeySource = 'environment' | 'file' | 'database';

export interface SecretKeySetup {
  keyId: string;
  source: KeySource;
  /** The key file, when the key is kept in one. */
  file: string | null;
  /** Releases the key from this process (the app's onClose). */
  release(): void;
}

interface Log {
  info(message: string): void;
  warn(message: string): void;
}

/** The key file beside a SQLite database file. */
export function keyFileOf(databasePath: string): string {
  return `${databasePath}.secret-key`;
}

function keyFromFile(path: string): Buffer {
  try {
    return parseSecretKey(readFileSync(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  try {
    // `wx`: never overwrite a key another process wrote a moment ago; read that one instead.
    writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return parseSecretKey(readFileSync(path, 'utf8'), path);
  }
}

async function keyFromDatabase(db: Kysely<Database>, now: number): Promise<Buffer> {
  await db
    .insertInto('secrets')
    .values({ name: STORED_KEY, value: randomBytes(32).toString('base64'), created_at: now, updated_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('secrets')
    .select('value')
    .where('name', '=', STORED_KEY)
    .executeTakeFirstOrThrow();
  return parseSecretKey(row.value, 'the key in the secrets table');
}

/** The id of the key this database's secrets are sealed with (set at start). */
export async function activeKeyId(db: Kysely<Database>): Promise<string> {
  const row = await db.selectFrom('secrets').select('value').where('name', '=', KEY_ID).executeTakeFirst();
  if (!row) throw new Error('no secret key is set up for this database (setUpSecretKey runs at start)');
  if (!hasKey(row.value)) {
    throw new Error(
      `this database's secrets are sealed with key ${row.value}, which this process does not have: every Headroom process sharing a database needs the same HEADROOM_SECRET_KEY`,
    );
  }
  return row.value;
}

/** Chooses and loads the key (see above) and records it as the database's. */
export async function setUpSecretKey(database: Db, config: ServerConfig, log: Log): Promise<SecretKeySetup> {
  const now = Date.now();
  const file =
    database.dialect === 'sqlite' && database.location !== ':memory:' ? keyFileOf(database.location) : null;
  let key: Buffer;
  let source: KeySource;
  if (config.secretKey) {
    key = parseSecretKey(config.secretKey);
    source = 'environment';
  } else if (file) {
    key = keyFromFile(file);
    source = 'file';
  } else {
    key = await keyFromDatabase(database.db, now);
    source = 'database';
    if (database.dialect === 'postgres')
      log.warn(
        'HEADROOM_SECRET_KEY is not set: DataSource credentials are encrypted with a key kept in the database itself, which does not protect them from someone with a copy of the database; set HEADROOM_SECRET_KEY (openssl rand -base64 32)',
      );
  }
  const keyId = registerKey(key);
  key.fill(0);
  const previous = await database.db
    .selectFrom('secrets')
    .select('value')
    .where('name', '=', KEY_ID)
    .executeTakeFirst();
  if (previous?.value !== keyId) {
    await database.db
      .insertInto('secrets')
      .values({ name: KEY_ID, value: keyId, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: keyId, updated_at: now }))
      .execute();
    if (previous)
      log.warn(
        `The secret key changed (from ${previous.value} to ${keyId}, ${source}): credentials sealed with the old key cannot be read until their DataSources are applied again`,
      );
  }
  return {
    keyId,
    source,
    file: source === 'file' ? file : null,
    release: () => releaseKey(keyId),
  };
}
