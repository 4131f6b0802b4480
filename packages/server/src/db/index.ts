import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface Db {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Where the data lives, without credentials, for logs. */
  location: string;
  /** The URL it was opened with (credentials included), for connections of their own (leader lock). */
  url: string;
  close(): Promise<void>;
}

// PostgreSQL returns int8 as text to avoid precision loss; our int8 values are epoch
// milliseconds and counts, well inside Number.MAX_SAFE_INTEGER.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/** `postgres://…` / `postgresql://…`, `sqlite:path`, `sqlite::memory:`, or a plain file path. */
export function openDatabase(url: string): Db {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10, types: pgTypes });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const location = url.replace(/\/\/[^@/]*@/, '//');
    return { db, dialect: 'postgres', location, url, close: () => db.destroy() };
  }
  let path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (path.startsWith('//')) path = path.slice(2);
  if (path !== ':memory:') {
    path = resolve(path);
    mkdirSync(dirname(path), { recursive: true });
  }
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  // FULL: every commit is fsynced before it returns, so a success reply (an ingest batch, any
  // change) survives power loss, not only a crash of the process (NORMAL's guarantee in WAL).
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', location: path, url, close: () => db.destroy() };
}

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every known migration has been applied (for /readyz). */
export async function migrationsComplete(db: Kysely<Database>): Promise<boolean> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const all = await migrator.getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}

export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}

export type { Database };

/** Runs `fn` in a transaction, joining the caller's when `db` already is one (apply composes services). */
export function withTransaction<T>(
  db: Kysely<Database>,
  fn: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** A write broke a unique constraint: another request created the same thing first. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // PostgreSQL's unique_violation; better-sqlite3's extended result codes.
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Runs a create whose "already exists" check happened before its transaction; when a concurrent
 * request wins the race the database's unique constraint decides, and the loser gets `conflict()`
 * (the same 409 the check gives) instead of a 500.
 */
export async function unlessDuplicate<T>(write: Promise<T>, conflict: () => Error): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict();
    throw error;
  }
}
