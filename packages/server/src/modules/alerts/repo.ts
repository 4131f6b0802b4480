/** Rows of the alert store and their conversion to core's AlertState. */
import type { AlertState } from '@headroom/core/alerting/lifecycle';
import type { AlertSource } from '@headroom/core/api/alert';
import { type Kysely, PostgresAdapter, type Selectable, sql } from 'kysely';
import type { AlertsTable, Database } from '../../db/schema.js';

/** A stored alert with its row id and the sequence number of its latest event. */
export interface StoredAlert {
  id: string;
  lastSeq: number;
  state: AlertState;
}

/** Fingerprints per `in (…)` list. */
const CHUNK = 500;
/** PostgreSQL advisory lock key serialising alert writers, so `seq` order is commit order. */
const ALERT_WRITE_LOCK = 7_221_183_641_902_201_810n;

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Inside a transaction: waits until no other alert writer (of any Headroom process) is in its
 * transaction. A reader of `seq > cursor` then never misses a change that commits later with a
 * lower number. SQLite has one writer at a time anyway.
 */
export async function lockAlertWriters(trx: Kysely<Database>): Promise<void> {
  if (isPostgres(trx))
    await sql`select pg_advisory_xact_lock(${String(ALERT_WRITE_LOCK)}::bigint)`.execute(trx);
}

export function toState(row: Selectable<AlertsTable>): StoredAlert {
  return {
    id: row.id,
    lastSeq: Number(row.last_seq),
    state: {
      fingerprint: row.fingerprint,
      status: row.status,
      acknowledged: Number(row.acknowledged) === 1,
      resolution: row.resolution,
      labels: row.labels,
      annotations: row.annotations,
      details: row.details,
      generatorUrl: row.generator_url,
      startsAt: Number(row.starts_at),
      endsAt: row.ends_at === null ? null : Number(row.ends_at),
      source: row.source as AlertSource,
      integrationId: row.integration_id,
      firstReceivedAt: Number(row.first_received_at),
      lastReceivedAt: Number(row.last_received_at),
    },
  };
}

export function toRow(id: string, lastSeq: number, s: AlertState): Selectable<AlertsTable> {
  return {
    id,
    fingerprint: s.fingerprint,
    status: s.status,
    acknowledged: s.acknowledged ? 1 : 0,
    resolution: s.resolution,
    labels: s.labels,
    annotations: s.annotations,
    details: s.details,
    generator_url: s.generatorUrl,
    starts_at: s.startsAt,
    ends_at: s.endsAt,
    source: s.source,
    integration_id: s.integrationId,
    first_received_at: s.firstReceivedAt,
    last_received_at: s.lastReceivedAt,
    last_seq: lastSeq,
  };
}

export async function loadByFingerprints(
  db: Kysely<Database>,
  fingerprints: readonly string[],
): Promise<Map<string, StoredAlert>> {
  const out = new Map<string, StoredAlert>();
  for (const part of chunks(fingerprints)) {
    const rows = await db.selectFrom('alerts').selectAll().where('fingerprint', 'in', part).execute();
    for (const row of rows) out.set(row.fingerprint, toState(row));
  }
  return out;
}

export async function findAlert(db: Kysely<Database>, idOrFingerprint: string) {
  const column = /^[0-9a-f]{16}$/.test(idOrFingerprint) ? 'fingerprint' : 'id';
  return db.selectFrom('alerts').selectAll().where(column, '=', idOrFingerprint).executeTakeFirst();
}

/** The highest sequence number used so far (0 when none). Call it holding the writer lock. */
export async function lastSequence(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('alert_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}
