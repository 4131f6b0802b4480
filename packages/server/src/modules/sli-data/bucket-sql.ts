/**
 * The two hot statements of the bucket store, written as SQL text rather than through kysely's
 * builder: an ingest batch upserts thousands of rows, and building and compiling a query tree
 * per 1,000 rows cost more than SQLite's own work. The statements are the same upsert on both
 * databases; only how many rows travel in one statement differs — PostgreSQL takes a batch as
 * four arrays through unnest() in one round trip, SQLite takes multi-row VALUES whose text is
 * built once per row count and reused.
 */
import { CompiledQuery, type Kysely, PostgresAdapter } from 'kysely';
import type { Database } from '../../db/schema.js';

export interface BucketRow {
  stream: string;
  /** Epoch minute: floor(epoch ms / 60000). */
  minute: number;
  good: number;
  total: number;
}

/** One stream's share of a write: what sli_streams learns from it. */
export interface StreamDelta {
  stream: string;
  firstMinute: number;
  lastMinute: number;
  /** Buckets this write created. */
  newBuckets: number;
}

/** Rows per SQLite statement: 5 parameters each stays far below SQLite's 32,766. */
const SQLITE_ROWS = 1000;

export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

const BUCKET_SET = {
  add: 'good = sli_buckets.good + excluded.good, total = sli_buckets.total + excluded.total, updated_at = excluded.updated_at',
  replace: 'good = excluded.good, total = excluded.total, updated_at = excluded.updated_at',
} as const;

const STREAM_SET =
  'first_minute = case when excluded.first_minute < sli_streams.first_minute then excluded.first_minute else sli_streams.first_minute end, ' +
  'last_minute = case when excluded.last_minute > sli_streams.last_minute then excluded.last_minute else sli_streams.last_minute end, ' +
  'buckets = sli_streams.buckets + excluded.buckets, ' +
  'dirty_from_minute = case when sli_streams.dirty_from_minute is null or excluded.dirty_from_minute < sli_streams.dirty_from_minute ' +
  'then excluded.dirty_from_minute else sli_streams.dirty_from_minute end, ' +
  'updated_at = excluded.updated_at';

const sqliteText = new Map<string, string>();

/**
 * `insert … values (?, …), … on conflict …` for `rows` rows of `width` columns. The text of a
 * full statement is kept (a handful of shapes); the shorter last one of a batch is built afresh.
 */
function sqliteInsert(head: string, width: number, rows: number, tail: string, full: number): string {
  const key = `${head}|${rows}|${tail}`;
  let text = sqliteText.get(key);
  if (text === undefined) {
    const tuple = `(${Array.from({ length: width }, () => '?').join(', ')})`;
    text = `${head} values ${Array.from({ length: rows }, () => tuple).join(', ')} ${tail}`;
    if (rows === full) sqliteText.set(key, text);
  }
  return text;
}

/** Upserts rows that are unique per (stream, minute): adds to or replaces each bucket. */
export async function upsertBuckets(
  trx: Kysely<Database>,
  rows: readonly BucketRow[],
  mode: 'add' | 'replace',
  now: number,
): Promise<void> {
  const conflict = `on conflict (stream, minute) do update set ${BUCKET_SET[mode]}`;
  if (isPostgres(trx)) {
    await trx.executeQuery(
      CompiledQuery.raw(
        'insert into sli_buckets (stream, minute, good, total, updated_at) ' +
          'select u.stream, u.minute, u.good, u.total, $5::bigint ' +
          'from unnest($1::text[], $2::bigint[], $3::float8[], $4::float8[]) as u(stream, minute, good, total) ' +
          conflict,
        [
          rows.map((r) => r.stream),
          rows.map((r) => r.minute),
          rows.map((r) => r.good),
          rows.map((r) => r.total),
          now,
        ],
      ),
    );
    return;
  }
  const head = 'insert into sli_buckets (stream, minute, good, total, updated_at)';
  for (let start = 0; start < rows.length; start += SQLITE_ROWS) {
    const end = Math.min(rows.length, start + SQLITE_ROWS);
    const parameters: unknown[] = new Array((end - start) * 5);
    let p = 0;
    for (let i = start; i < end; i++) {
      const r = rows[i]!;
      parameters[p++] = r.stream;
      parameters[p++] = r.minute;
      parameters[p++] = r.good;
      parameters[p++] = r.total;
      parameters[p++] = now;
    }
    await trx.executeQuery(
      CompiledQuery.raw(sqliteInsert(head, 5, end - start, conflict, SQLITE_ROWS), parameters),
    );
  }
}

/** Widens each stream's first/last minute, adds its new buckets and marks it dirty from its first minute. */
export async function upsertStreams(
  trx: Kysely<Database>,
  deltas: readonly StreamDelta[],
  now: number,
): Promise<void> {
  const conflict = `on conflict (stream) do update set ${STREAM_SET}`;
  const head =
    'insert into sli_streams (stream, first_minute, last_minute, buckets, dirty_from_minute, created_at, updated_at)';
  if (isPostgres(trx)) {
    await trx.executeQuery(
      CompiledQuery.raw(
        `${head} select u.stream, u.first_minute, u.last_minute, u.buckets, u.first_minute, $5::bigint, $5::bigint ` +
          'from unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) as u(stream, first_minute, last_minute, buckets) ' +
          conflict,
        [
          deltas.map((d) => d.stream),
          deltas.map((d) => d.firstMinute),
          deltas.map((d) => d.lastMinute),
          deltas.map((d) => d.newBuckets),
          now,
        ],
      ),
    );
    return;
  }
  const perStatement = SQLITE_ROWS / 2; // 7 parameters each
  for (let start = 0; start < deltas.length; start += perStatement) {
    const part = deltas.slice(start, start + perStatement);
    const parameters = part.flatMap((d) => [
      d.stream,
      d.firstMinute,
      d.lastMinute,
      d.newBuckets,
      d.firstMinute,
      now,
      now,
    ]);
    await trx.executeQuery(
      CompiledQuery.raw(sqliteInsert(head, 7, part.length, conflict, perStatement), parameters),
    );
  }
}

/**
 * Keeps sli_hours equal to the sum of each hour's minute buckets after `upsertBuckets` wrote
 * `rows` (unique per (stream, minute), sorted by stream then minute). An added batch adds its
 * per-hour sums; a replacing write cannot know what it replaced, so the hours it touched are
 * summed again from their minutes.
 */
export async function upsertHours(
  trx: Kysely<Database>,
  rows: readonly BucketRow[],
  mode: 'add' | 'replace',
): Promise<void> {
  if (mode === 'replace') {
    for (let i = 0; i < rows.length; ) {
      const stream = rows[i]!.stream;
      const from = Math.floor(rows[i]!.minute / 60) * 60;
      let j = i;
      while (j + 1 < rows.length && rows[j + 1]!.stream === stream) j++;
      const to = (Math.floor(rows[j]!.minute / 60) + 1) * 60;
      await sumHoursAgain(trx, stream, from, to);
      i = j + 1;
    }
    return;
  }
  const sums: { stream: string; hour: number; good: number; total: number }[] = [];
  for (const r of rows) {
    const hour = Math.floor(r.minute / 60);
    const last = sums[sums.length - 1];
    if (last !== undefined && last.stream === r.stream && last.hour === hour) {
      last.good += r.good;
      last.total += r.total;
    } else sums.push({ stream: r.stream, hour, good: r.good, total: r.total });
  }
  const conflict =
    'on conflict (stream, hour) do update set good = sli_hours.good + excluded.good, total = sli_hours.total + excluded.total';
  if (isPostgres(trx)) {
    await trx.executeQuery(
      CompiledQuery.raw(
        'insert into sli_hours (stream, hour, good, total) ' +
          'select * from unnest($1::text[], $2::bigint[], $3::float8[], $4::float8[]) ' +
          conflict,
        [
          sums.map((s) => s.stream),
          sums.map((s) => s.hour),
          sums.map((s) => s.good),
          sums.map((s) => s.total),
        ],
      ),
    );
    return;
  }
  const head = 'insert into sli_hours (stream, hour, good, total)';
  for (let start = 0; start < sums.length; start += SQLITE_ROWS) {
    const part = sums.slice(start, start + SQLITE_ROWS);
    const parameters = part.flatMap((s) => [s.stream, s.hour, s.good, s.total]);
    await trx.executeQuery(
      CompiledQuery.raw(sqliteInsert(head, 4, part.length, conflict, SQLITE_ROWS), parameters),
    );
  }
}

/**
 * Sets the hour roll-ups of one stream over whole hours [fromMinute, toMinute) to the sums of
 * their minute buckets; an hour left without buckets keeps no row.
 */
export async function sumHoursAgain(
  trx: Kysely<Database>,
  stream: string,
  fromMinute: number,
  toMinute: number,
): Promise<void> {
  const pg = isPostgres(trx);
  const p = pg ? ['$1', '$2', '$3'] : ['?', '?', '?'];
  await trx.executeQuery(
    CompiledQuery.raw(`delete from sli_hours where stream = ${p[0]} and hour >= ${p[1]} and hour < ${p[2]}`, [
      stream,
      Math.floor(fromMinute / 60),
      Math.ceil(toMinute / 60),
    ]),
  );
  await trx.executeQuery(
    CompiledQuery.raw(
      'insert into sli_hours (stream, hour, good, total) ' +
        'select stream, minute / 60, sum(good), sum(total) from sli_buckets ' +
        `where stream = ${p[0]} and minute >= ${p[1]} and minute < ${p[2]} group by stream, minute / 60`,
      [stream, fromMinute, toMinute],
    ),
  );
}
