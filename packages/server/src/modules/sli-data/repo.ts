/**
 * The SLI bucket store: (good, total) per stream per epoch minute, on SQLite and PostgreSQL with
 * the same SQL. Every write also keeps the stream's row in sli_streams in step (first and last
 * minute, bucket count, the earliest minute changed since the evaluator last looked), so data
 * age and the streams listing never scan buckets. Writers — ingest today, the Prometheus poller
 * later — go through addBuckets / replaceBuckets.
 */
import { type Kysely, sql } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import {
  type BucketRow,
  isPostgres,
  type StreamDelta,
  sumHoursAgain,
  upsertBuckets,
  upsertHours,
  upsertStreams,
} from './bucket-sql.js';

export type { BucketRow };

export interface StreamRow {
  stream: string;
  firstMinute: number;
  lastMinute: number;
  buckets: number;
  /** Epoch ms of the last write. */
  updatedAt: number;
}

/** Names per `in (…)` list. */
const CHUNK = 1000;
/** PostgreSQL advisory lock key that serialises bucket writers across Headroom processes. */
const WRITE_LOCK = 7_206_319_201;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Inside a transaction: waits until no other bucket writer (of any Headroom process) is in its
 * transaction. PostgreSQL only; SQLite has one writer at a time anyway. Taking it twice is fine.
 */
export async function lockBucketWriters(trx: Kysely<Database>): Promise<void> {
  if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(${WRITE_LOCK})`.execute(trx);
}

/** One row per (stream, minute), sorted, so that writers always lock rows in the same order. */
function normalise(rows: readonly BucketRow[], mode: 'add' | 'replace'): BucketRow[] {
  const byKey = new Map<string, BucketRow>();
  for (const row of rows) {
    const key = `${row.minute} ${row.stream}`;
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, { ...row });
    else if (mode === 'add') {
      seen.good += row.good;
      seen.total += row.total;
    } else byKey.set(key, { ...row });
  }
  return [...byKey.values()].sort((a, b) =>
    a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : a.minute - b.minute,
  );
}

/**
 * Adds good and total to each (stream, minute) bucket, creating missing ones, in one
 * transaction (the caller's, when `db` is one). Rows may repeat a bucket; they are summed.
 */
export function addBuckets(
  db: Kysely<Database>,
  rows: readonly BucketRow[],
  now = Date.now(),
): Promise<void> {
  return writeBuckets(db, normalise(rows, 'add'), 'add', now);
}

/** Sets each (stream, minute) bucket to the given values (a poller re-reading a minute); last row wins. */
export function replaceBuckets(
  db: Kysely<Database>,
  rows: readonly BucketRow[],
  now = Date.now(),
): Promise<void> {
  return writeBuckets(db, normalise(rows, 'replace'), 'replace', now);
}

/**
 * Writes rows that are unique per (stream, minute) and sorted by stream, then minute (the
 * order every writer locks rows in), and keeps each stream's sli_streams row in step.
 */
export async function writeBuckets(
  db: Kysely<Database>,
  rows: readonly BucketRow[],
  mode: 'add' | 'replace',
  now: number,
): Promise<void> {
  if (rows.length === 0) return;
  await withTransaction(db, async (trx) => {
    // Serialise writers on PostgreSQL so that the bucket counts stay exact under concurrency.
    await lockBucketWriters(trx);
    const deltas = new Map<string, StreamDelta>();
    for (const row of rows) {
      const d = deltas.get(row.stream);
      if (d === undefined)
        deltas.set(row.stream, {
          stream: row.stream,
          firstMinute: row.minute,
          lastMinute: row.minute,
          newBuckets: 0,
        });
      else d.lastMinute = row.minute; // sorted by minute within a stream
    }
    await countNewBuckets(trx, rows, deltas);
    await upsertBuckets(trx, rows, mode, now);
    await upsertHours(trx, rows, mode);
    await upsertStreams(trx, [...deltas.values()], now);
  });
}

/**
 * Sets each stream's newBuckets. A stream's first and last minute always hold a bucket (every
 * write widens them to minutes it writes; retention moves first_minute to the oldest bucket
 * left), so a minute outside [first, last] is new, one on either end exists, and only minutes
 * strictly between — late data — are looked up. Data arriving in time order needs no look-up.
 */
async function countNewBuckets(
  trx: Kysely<Database>,
  rows: readonly BucketRow[],
  deltas: Map<string, StreamDelta>,
): Promise<void> {
  const known = new Map<string, { first: number; last: number }>();
  for (const part of chunks([...deltas.keys()])) {
    const found = await trx
      .selectFrom('sli_streams')
      .select(['stream', 'first_minute', 'last_minute'])
      .where('stream', 'in', part)
      .execute();
    for (const f of found)
      known.set(f.stream, { first: Number(f.first_minute), last: Number(f.last_minute) });
  }
  const inside: BucketRow[] = [];
  for (const row of rows) {
    const k = known.get(row.stream);
    if (k === undefined || row.minute < k.first || row.minute > k.last) deltas.get(row.stream)!.newBuckets++;
    else if (row.minute !== k.first && row.minute !== k.last) inside.push(row);
  }
  for (const part of chunks(inside, 400)) {
    const groups = new Map<string, number[]>();
    for (const r of part) {
      const minutes = groups.get(r.stream);
      if (minutes) minutes.push(r.minute);
      else groups.set(r.stream, [r.minute]);
    }
    const found = await trx
      .selectFrom('sli_buckets')
      .select(['stream', (eb) => eb.fn.countAll<number>().as('n')])
      .where((eb) =>
        eb.or(
          [...groups].map(([stream, minutes]) =>
            eb.and([eb('stream', '=', stream), eb('minute', 'in', minutes)]),
          ),
        ),
      )
      .groupBy('stream')
      .execute();
    const existing = new Map(found.map((f) => [f.stream, Number(f.n)]));
    for (const [stream, minutes] of groups)
      deltas.get(stream)!.newBuckets += minutes.length - (existing.get(stream) ?? 0);
  }
}

/** Buckets of a stream with fromMinute ≤ minute < toMinute, oldest first. */
export async function readBuckets(
  db: Kysely<Database>,
  stream: string,
  fromMinute: number,
  toMinute: number,
): Promise<BucketRow[]> {
  const rows = await db
    .selectFrom('sli_buckets')
    .select(['stream', 'minute', 'good', 'total'])
    .where('stream', '=', stream)
    .where('minute', '>=', fromMinute)
    .where('minute', '<', toMinute)
    .orderBy('minute')
    .execute();
  return rows.map((r) => ({
    stream: r.stream,
    minute: Number(r.minute),
    good: Number(r.good),
    total: Number(r.total),
  }));
}

/** Hour roll-ups of a stream with fromHour ≤ hour < toHour, oldest first. */
export async function readHours(
  db: Kysely<Database>,
  stream: string,
  fromHour: number,
  toHour: number,
): Promise<{ hour: number; good: number; total: number }[]> {
  const rows = await db
    .selectFrom('sli_hours')
    .select(['hour', 'good', 'total'])
    .where('stream', '=', stream)
    .where('hour', '>=', fromHour)
    .where('hour', '<', toHour)
    .orderBy('hour')
    .execute();
  return rows.map((r) => ({ hour: Number(r.hour), good: Number(r.good), total: Number(r.total) }));
}

/**
 * Buckets of many streams over minute ranges, in as few statements as possible: requests with
 * the same range (the common case: every stream's newest hour) share one `stream in (…)` query.
 * Each stream's rows come once per minute, oldest first, whatever the requests' overlaps.
 */
export async function readBucketRanges(
  db: Kysely<Database>,
  requests: readonly { stream: string; fromMinute: number; toMinute: number }[],
): Promise<Map<string, BucketRow[]>> {
  const byRange = new Map<string, { from: number; to: number; streams: string[] }>();
  for (const r of requests) {
    if (r.toMinute <= r.fromMinute) continue;
    const key = `${r.fromMinute}:${r.toMinute}`;
    const group = byRange.get(key);
    if (group) group.streams.push(r.stream);
    else byRange.set(key, { from: r.fromMinute, to: r.toMinute, streams: [r.stream] });
  }
  const out = new Map<string, BucketRow[]>();
  for (const { from, to, streams } of byRange.values()) {
    for (const part of chunks([...new Set(streams)], 500)) {
      const rows = await db
        .selectFrom('sli_buckets')
        .select(['stream', 'minute', 'good', 'total'])
        .where('stream', 'in', part)
        .where('minute', '>=', from)
        .where('minute', '<', to)
        .orderBy('stream')
        .orderBy('minute')
        .execute();
      for (const r of rows) {
        const row = {
          stream: r.stream,
          minute: Number(r.minute),
          good: Number(r.good),
          total: Number(r.total),
        };
        const list = out.get(r.stream);
        if (list) list.push(row);
        else out.set(r.stream, [row]);
      }
    }
  }
  // Overlapping requests of a stream read some minutes twice: keep each minute once, in order.
  if (byRange.size > 1) {
    for (const [stream, rows] of out) {
      rows.sort((a, b) => a.minute - b.minute);
      out.set(
        stream,
        rows.filter((r, i) => i === 0 || rows[i - 1]!.minute !== r.minute),
      );
    }
  }
  return out;
}

/** Recomputes every hour roll-up from the minute buckets (bulk loads that wrote sli_buckets directly). */
export async function rollUpHours(db: Kysely<Database>): Promise<void> {
  await withTransaction(db, async (trx) => {
    await lockBucketWriters(trx);
    await trx.deleteFrom('sli_hours').execute();
    await sql`insert into sli_hours (stream, hour, good, total)
      select stream, minute / 60, sum(good), sum(total) from sli_buckets group by stream, minute / 60`.execute(
      trx,
    );
  });
}

/** The last minute with data of every stream (one query for a whole evaluation pass). */
export async function lastMinutes(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db.selectFrom('sli_streams').select(['stream', 'last_minute']).execute();
  return new Map(rows.map((r) => [r.stream, Number(r.last_minute)]));
}

/** The newest minute with data for a stream, or null when it has none (for data age). */
export async function lastMinute(db: Kysely<Database>, stream: string): Promise<number | null> {
  const row = await db
    .selectFrom('sli_streams')
    .select('last_minute')
    .where('stream', '=', stream)
    .executeTakeFirst();
  return row ? Number(row.last_minute) : null;
}

/** Every stream with data, by name. */
export async function streams(db: Kysely<Database>): Promise<StreamRow[]> {
  const rows = await db.selectFrom('sli_streams').selectAll().orderBy('stream').execute();
  return rows.map((r) => ({
    stream: r.stream,
    firstMinute: Number(r.first_minute),
    lastMinute: Number(r.last_minute),
    buckets: Number(r.buckets),
    updatedAt: Number(r.updated_at),
  }));
}

/**
 * Streams written since the last claim, with the earliest minute each write touched, and
 * clears the marks in the same transaction: the evaluator re-evaluates from there (late data).
 * A write after the claim marks the stream again.
 */
export async function claimDirtyStreams(
  db: Kysely<Database>,
): Promise<{ stream: string; fromMinute: number }[]> {
  return withTransaction(db, async (trx) => {
    // Under the writers' lock no write falls between reading the marks and clearing them.
    await lockBucketWriters(trx);
    const rows = await trx
      .selectFrom('sli_streams')
      .select(['stream', 'dirty_from_minute'])
      .where('dirty_from_minute', 'is not', null)
      .orderBy('stream')
      .execute();
    if (rows.length > 0)
      await trx
        .updateTable('sli_streams')
        .set({ dirty_from_minute: null })
        .where('dirty_from_minute', 'is not', null)
        .execute();
    return rows.map((r) => ({ stream: r.stream, fromMinute: Number(r.dirty_from_minute) }));
  });
}

/** Deletes buckets and values older than `oldestMinute` (retention) and streams left without any. */
export async function deleteExpiredBuckets(
  db: Kysely<Database>,
  oldestMinute: number,
): Promise<{ buckets: number; streams: number }> {
  const cutHour = Math.floor(oldestMinute / 60);
  return withTransaction(db, async (trx) => {
    await lockBucketWriters(trx);
    const expiring = await trx
      .selectFrom('sli_streams')
      .select(['stream', 'last_minute'])
      .where('first_minute', '<', oldestMinute)
      .execute();
    let buckets = 0;
    let gone = 0;
    for (const s of expiring) {
      const deleted = await trx
        .deleteFrom('sli_buckets')
        .where('stream', '=', s.stream)
        .where('minute', '<', oldestMinute)
        .executeTakeFirst();
      buckets += Number(deleted.numDeletedRows);
      // Threshold and raw SLI values (0008_sli_values) share the stream's row and its retention.
      const deletedValues = await trx
        .deleteFrom('sli_values')
        .where('stream', '=', s.stream)
        .where('minute', '<', oldestMinute)
        .executeTakeFirst();
      // Whole hours go; the hour the cut falls in is summed again from the minutes it keeps.
      await trx.deleteFrom('sli_hours').where('stream', '=', s.stream).where('hour', '<', cutHour).execute();
      if (oldestMinute % 60 !== 0) await sumHoursAgain(trx, s.stream, cutHour * 60, cutHour * 60 + 60);
      if (Number(s.last_minute) < oldestMinute) {
        await trx.deleteFrom('sli_streams').where('stream', '=', s.stream).execute();
        gone++;
        continue;
      }
      const first = await trx
        .selectFrom('sli_buckets')
        .select((eb) => eb.fn.min('minute').as('m'))
        .where('stream', '=', s.stream)
        .executeTakeFirstOrThrow();
      const firstValue = await trx
        .selectFrom('sli_values')
        .select((eb) => eb.fn.min('minute').as('m'))
        .where('stream', '=', s.stream)
        .executeTakeFirstOrThrow();
      const firsts = [first.m, firstValue.m].filter((m) => m !== null).map(Number);
      await trx
        .updateTable('sli_streams')
        .set({
          first_minute: Math.min(...firsts),
          buckets: sql`sli_streams.buckets - ${Number(deleted.numDeletedRows) + Number(deletedValues.numDeletedRows)}`,
        })
        .where('stream', '=', s.stream)
        .execute();
    }
    return { buckets, streams: gone };
  });
}
