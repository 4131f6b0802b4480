/**
 * Poll state per Prometheus-backed stream: the epoch minutes already read, and the last success
 * and error. A chunk's buckets (set, not added: re-reading a minute is harmless) and the widened
 * covered range are committed in one transaction, the state row locked first. A poll that fails
 * leaves the range as it was and records the error; the next one starts where the range ends,
 * so it catches up over everything missed.
 */
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import type { BucketRow } from './sli-poll.js';

export interface PollState {
  stream: string;
  /** Epoch minutes [coveredFrom, coveredTo) read into the bucket store; null before the first. */
  coveredFrom: number | null;
  coveredTo: number | null;
  lastSuccessAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  /** Consecutive failed polls. */
  failures: number;
  updatedAt: number;
}

/** Sets the per-minute buckets of the rows (the bucket store's replaceBuckets). */
export type WriteBuckets = (db: Kysely<Database>, rows: BucketRow[]) => Promise<unknown>;

function fromRow(row: {
  stream: string;
  covered_from: number | null;
  covered_to: number | null;
  last_success_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  failures: number;
  updated_at: number;
}): PollState {
  return {
    stream: row.stream,
    coveredFrom: row.covered_from === null ? null : Number(row.covered_from),
    coveredTo: row.covered_to === null ? null : Number(row.covered_to),
    lastSuccessAt: row.last_success_at === null ? null : Number(row.last_success_at),
    lastError: row.last_error,
    lastErrorAt: row.last_error_at === null ? null : Number(row.last_error_at),
    failures: Number(row.failures),
    updatedAt: Number(row.updated_at),
  };
}

export async function getPollState(db: Kysely<Database>, stream: string): Promise<PollState | null> {
  const row = await db
    .selectFrom('prometheus_poll_state')
    .selectAll()
    .where('stream', '=', stream)
    .executeTakeFirst();
  return row ? fromRow(row) : null;
}

export async function listPollStates(db: Kysely<Database>): Promise<PollState[]> {
  const rows = await db.selectFrom('prometheus_poll_state').selectAll().orderBy('stream').execute();
  return rows.map(fromRow);
}

/**
 * How old the newest polled minute is at `now`, in ms (the end of the covered range); null
 * before any poll. It grows while Prometheus cannot be read.
 */
export function sourceLagMs(state: PollState | null, now: number): number | null {
  if (state?.coveredTo == null) return null;
  return Math.max(0, now - state.coveredTo * 60_000);
}

/** Creates the row if missing and, on PostgreSQL, locks it for the rest of the transaction. */
async function lockState(trx: Kysely<Database>, stream: string, now: number): Promise<PollState> {
  await trx
    .insertInto('prometheus_poll_state')
    .values({ stream, covered_from: null, covered_to: null, updated_at: now })
    .onConflict((oc) => oc.column('stream').doUpdateSet({ updated_at: now }))
    .execute();
  const state = await getPollState(trx, stream);
  if (!state) throw new Error(`poll state of ${stream} vanished`);
  return state;
}

/** The covered range moved under this chunk (another poll of the same stream): nothing was written. */
export class PollRaceError extends Error {}

/**
 * Writes the buckets of the chunk [from, to) (epoch minutes) and widens the covered range to
 * include it; the chunk must touch or overlap the covered range, so that it stays one stretch.
 */
export async function commitChunk(
  db: Kysely<Database>,
  writeBuckets: WriteBuckets,
  chunk: { stream: string; from: number; to: number; rows: BucketRow[] },
  now: number,
): Promise<{ written: number }> {
  return withTransaction(db, async (trx) => {
    const state = await lockState(trx, chunk.stream, now);
    const { coveredFrom, coveredTo } = state;
    let from = chunk.from;
    let to = chunk.to;
    if (coveredFrom !== null && coveredTo !== null) {
      if (chunk.to < coveredFrom || chunk.from > coveredTo) {
        throw new PollRaceError(
          `chunk [${chunk.from}, ${chunk.to}) of ${chunk.stream} does not touch the covered [${coveredFrom}, ${coveredTo})`,
        );
      }
      from = Math.min(from, coveredFrom);
      to = Math.max(to, coveredTo);
    }
    if (chunk.rows.length > 0) await writeBuckets(trx, chunk.rows);
    await trx
      .updateTable('prometheus_poll_state')
      .set({ covered_from: from, covered_to: to, updated_at: now })
      .where('stream', '=', chunk.stream)
      .execute();
    return { written: chunk.rows.length };
  });
}

export async function recordPollSuccess(db: Kysely<Database>, stream: string, now: number): Promise<void> {
  await db
    .insertInto('prometheus_poll_state')
    .values({
      stream,
      covered_from: null,
      covered_to: null,
      last_success_at: now,
      failures: 0,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .column('stream')
        .doUpdateSet({ last_success_at: now, last_error: null, failures: 0, updated_at: now }),
    )
    .execute();
}

export async function recordPollError(
  db: Kysely<Database>,
  stream: string,
  message: string,
  now: number,
): Promise<void> {
  const text = message.length > 2000 ? `${message.slice(0, 2000)}…` : message;
  await db
    .insertInto('prometheus_poll_state')
    .values({
      stream,
      covered_from: null,
      covered_to: null,
      last_error: text,
      last_error_at: now,
      failures: 1,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column('stream').doUpdateSet((eb) => ({
        last_error: text,
        last_error_at: now,
        failures: eb('prometheus_poll_state.failures', '+', 1),
        updated_at: now,
      })),
    )
    .execute();
}

export async function deletePollState(db: Kysely<Database>, stream: string): Promise<void> {
  await db.deleteFrom('prometheus_poll_state').where('stream', '=', stream).execute();
}

/**
 * Deletes the poll state of an SLO that is being deleted: its default stream (`name`) and its
 * composite objectives' (`name.<i>`), the only streams a Prometheus source polls into. SLO names
 * are RFC 1123 labels, so `name.%` never reaches another SLO's streams. Returns the streams.
 */
export async function deleteSloPollStates(db: Kysely<Database>, sloName: string): Promise<string[]> {
  const rows = await db
    .selectFrom('prometheus_poll_state')
    .select('stream')
    .where((eb) => eb.or([eb('stream', '=', sloName), eb('stream', 'like', `${sloName}.%`)]))
    .execute();
  const streams = rows
    .map((r) => r.stream)
    .filter((s) => s === sloName || /^\.\d+$/.test(s.slice(sloName.length)));
  if (streams.length > 0)
    await db.deleteFrom('prometheus_poll_state').where('stream', 'in', streams).execute();
  return streams;
}
