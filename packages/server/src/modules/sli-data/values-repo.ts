/**
 * The SLI value store: one number per stream per epoch minute for threshold SLIs (a latency
 * percentile) and raw SLIs (a precomputed ratio). Values are gauges: writing a minute again
 * replaces it. A write keeps the stream's sli_streams row in step like a bucket write does (first
 * and last minute, rows kept, the evaluator's dirty mark), so data age, the streams listing and
 * re-evaluation of late data work the same for both kinds. Retention is deleteExpiredBuckets'.
 */
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type StreamDelta, upsertStreams } from './bucket-sql.js';
import { lockBucketWriters } from './repo.js';

export interface ValueRow {
  stream: string;
  /** Epoch minute: floor(epoch ms / 60000). */
  minute: number;
  value: number;
}

/** Rows per statement: 4 parameters each, far below SQLite's 32,766. */
const ROWS_PER_STATEMENT = 1000;
/** Minutes per `in (…)` look-up of existing rows. */
const LOOKUP_CHUNK = 500;

/** One row per (stream, minute), the last given winning, sorted by stream then minute (lock order). */
function normalise(rows: readonly ValueRow[]): ValueRow[] {
  const byKey = new Map<string, ValueRow>();
  for (const row of rows) byKey.set(`${row.minute} ${row.stream}`, row);
  return [...byKey.values()].sort((a, b) =>
    a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : a.minute - b.minute,
  );
}

/** Sets each (stream, minute) to its value in one transaction (the caller's, when `db` is one). */
export async function writeValues(
  db: Kysely<Database>,
  given: readonly ValueRow[],
  now = Date.now(),
): Promise<void> {
  const rows = normalise(given);
  if (rows.length === 0) return;
  await withTransaction(db, async (trx) => {
    // The same lock as bucket writers: sli_streams rows are shared, and counts stay exact.
    await lockBucketWriters(trx);
    const byStream = new Map<string, number[]>();
    for (const r of rows) {
      const minutes = byStream.get(r.stream);
      if (minutes) minutes.push(r.minute);
      else byStream.set(r.stream, [r.minute]);
    }
    const deltas: StreamDelta[] = [];
    for (const [stream, minutes] of byStream) {
      let existing = 0;
      for (let i = 0; i < minutes.length; i += LOOKUP_CHUNK) {
        const found = await trx
          .selectFrom('sli_values')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('stream', '=', stream)
          .where('minute', 'in', minutes.slice(i, i + LOOKUP_CHUNK))
          .executeTakeFirstOrThrow();
        existing += Number(found.n);
      }
      deltas.push({
        stream,
        firstMinute: minutes[0]!,
        lastMinute: minutes.at(-1)!,
        newBuckets: minutes.length - existing,
      });
    }
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      await trx
        .insertInto('sli_values')
        .values(
          rows.slice(i, i + ROWS_PER_STATEMENT).map((r) => ({
            stream: r.stream,
            minute: r.minute,
            value: r.value,
            updated_at: now,
          })),
        )
        .onConflict((oc) =>
          oc.columns(['stream', 'minute']).doUpdateSet((eb) => ({
            value: eb.ref('excluded.value'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    await upsertStreams(trx, deltas, now);
  });
}

/** Values of a stream with fromMinute ≤ minute < toMinute, oldest first. */
export async function readValues(
  db: Kysely<Database>,
  stream: string,
  fromMinute: number,
  toMinute: number,
): Promise<{ minute: number; value: number }[]> {
  const rows = await db
    .selectFrom('sli_values')
    .select(['minute', 'value'])
    .where('stream', '=', stream)
    .where('minute', '>=', fromMinute)
    .where('minute', '<', toMinute)
    .orderBy('minute')
    .execute();
  return rows.map((r) => ({ minute: Number(r.minute), value: Number(r.value) }));
}
