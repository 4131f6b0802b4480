/**
 * Rows of notification channels (written by apply). Secrets live in their own column; readers
 * that only show channels get them without (`withSecrets: false`).
 */
import { type NotificationChannelConfig, redactChannelDocument } from '@headroom/core/notifications/channel';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database, NotificationChannelsTable } from '../../db/schema.js';
import { json } from '../catalog/refs.js';
import { joinSecrets, openSecrets, sealSecrets, splitSecrets, storedSecretNames } from './secrets.js';

/** A channel as apply compares and writes it: secrets included, the document redacted. */
export interface ChannelRecord {
  name: string;
  channel: NotificationChannelConfig;
  document: unknown;
}

export interface StoredChannel {
  id: string;
  name: string;
  /** Without secret values. */
  definition: NotificationChannelConfig;
  /** Names of the secrets that are set (`secret`, `headers`, `webhookUrl`, `smtp.password`). */
  secretNames: string[];
  /** The `secrets` column: open with `fullChannel`. */
  sealedSecrets: string;
  document: unknown;
  createdAt: number;
  updatedAt: number;
}

function loadRow(row: Selectable<NotificationChannelsTable>): StoredChannel {
  return {
    id: row.id,
    name: row.name,
    definition: json.parse<NotificationChannelConfig>(row.definition),
    secretNames: storedSecretNames(row.secrets),
    sealedSecrets: row.secrets,
    document: json.parse(row.document),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The channel with its secrets, ready to deliver through; throws SecretUnavailableError without their key. */
export const fullChannel = (c: StoredChannel): NotificationChannelConfig =>
  joinSecrets(c.definition, openSecrets(c.sealedSecrets, c.name));

export async function findChannel(db: Kysely<Database>, name: string): Promise<StoredChannel | undefined> {
  const row = await db
    .selectFrom('notification_channels')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  return row && loadRow(row);
}

export async function listChannels(db: Kysely<Database>): Promise<StoredChannel[]> {
  const rows = await db.selectFrom('notification_channels').selectAll().orderBy('name').execute();
  return rows.map(loadRow);
}

export async function writeChannel(db: Kysely<Database>, record: ChannelRecord): Promise<void> {
  const now = Date.now();
  const { definition, secrets } = splitSecrets(record.channel);
  const columns = {
    type: definition.spec.type,
    owner_ref: definition.owner,
    definition: json.stringify(definition),
    secrets: await sealSecrets(db, record.name, secrets),
    // Apply passes the redacted document already; redacting again costs nothing and is safe.
    document: json.stringify(redactChannelDocument(record.document, definition.spec.type)),
    updated_at: now,
  };
  const existing = await db
    .selectFrom('notification_channels')
    .select('id')
    .where('name', '=', record.name)
    .executeTakeFirst();
  if (existing)
    await db.updateTable('notification_channels').set(columns).where('id', '=', existing.id).execute();
  else
    await db
      .insertInto('notification_channels')
      .values({ id: uuidv7(), name: record.name, created_at: now, ...columns })
      .execute();
}

export async function deleteChannel(db: Kysely<Database>, name: string): Promise<void> {
  await db.deleteFrom('notification_channels').where('name', '=', name).execute();
}
