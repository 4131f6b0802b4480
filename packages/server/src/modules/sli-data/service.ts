/**
 * Ingest of SLI records: authorise, honour the Idempotency-Key, validate and sum the batch in
 * memory, then write its buckets, its values and the key's record in one transaction — a 200 is sent only
 * after that commit. Records that fail validation are listed and the rest are written (as
 * Prometheus remote-write and most ingest APIs do); a batch with nothing valid is a 400.
 * Retention runs on the back of ingest (sweepIfDue), as nothing else grows the store as fast.
 */
import { createHash } from 'node:crypto';
import type { IngestResult, IngestStream } from '@headroom/core/api/ingest';
import { type Actor, hasRole } from '@headroom/core/auth/policy';
import { ConflictError, type FieldProblem, ForbiddenError, InputError } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import { isUniqueViolation } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { acceptWindow, aggregateArray, aggregateNdjson, type BatchAggregator } from './records.js';
import { type BucketRow, deleteExpiredBuckets, lockBucketWriters, streams, writeBuckets } from './repo.js';
import { type ValueRow, writeValues } from './values-repo.js';

/** How long a batch's Idempotency-Key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
/** Retention and key expiry run at most this often, on the back of an ingest request. */
const SWEEP_EVERY_MS = 3_600_000;

export interface IngestInput {
  format: 'ndjson' | 'json';
  text: string;
  idempotencyKey: string | undefined;
}

export interface IngestOptions {
  retentionDays: number;
  now?: number;
}

export interface IngestOutcome {
  result: IngestResult;
  /** The stored reply of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

export function assertMayIngest(actor: Actor): void {
  if (!hasRole(actor, 'editor'))
    throw new ForbiddenError('Sending SLI data needs the editor or admin role; viewers may only read.');
}

function scopeOf(actor: Actor): string {
  return actor.userId ?? `principal:${actor.name}`;
}

async function storedReply(
  db: Kysely<Database>,
  scope: string,
  key: string,
  hash: string,
): Promise<IngestOutcome | undefined> {
  const row = await db
    .selectFrom('ingest_batches')
    .select(['request_hash', 'response'])
    .where('scope', '=', scope)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.request_hash !== hash)
    throw new ConflictError(
      `Idempotency-Key '${key}' was already used for a different batch; use a new key for new data.`,
      'IDEMPOTENCY_KEY_REUSED',
    );
  return { result: JSON.parse(row.response) as IngestResult, replayed: true };
}

function parse(input: IngestInput, now: number, retentionDays: number): BatchAggregator {
  const window = acceptWindow(now, retentionDays);
  if (input.format === 'ndjson') return aggregateNdjson(input.text, window);
  let records: unknown;
  try {
    records = JSON.parse(input.text);
  } catch (error) {
    throw new InputError(
      `The body is not valid JSON: ${(error as Error).message}`,
      undefined,
      'INVALID_JSON',
    );
  }
  if (!Array.isArray(records))
    throw new InputError('An application/json body must be an array of records (or send NDJSON).');
  return aggregateArray(records, window);
}

/** Every record was refused: a 400 naming each (up to the listed limit). */
function allRejected(batch: BatchAggregator): InputError {
  const errors: FieldProblem[] = batch.errors.map((e) => {
    const path = e.index === undefined ? `/${e.field ?? ''}` : `/${e.index}${e.field ? `/${e.field}` : ''}`;
    return { path, message: e.reason, code: e.code, ...(e.line !== undefined && { line: e.line }) };
  });
  const first = batch.errors[0];
  const where = first?.line !== undefined ? `line ${first.line}` : `record ${first?.index}`;
  const detail =
    batch.rejected === 0
      ? 'The body holds no records.'
      : `All ${batch.rejected} records were rejected; nothing was written (first: ${where}: ${first?.reason}).`;
  return new InputError(detail, errors);
}

function bucketRows(batch: BatchAggregator): {
  rows: BucketRow[];
  values: ValueRow[];
  from: number;
  to: number;
} {
  const rows: BucketRow[] = [];
  const values: ValueRow[] = [];
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const stream of [...batch.streams.keys()].sort()) {
    const buckets = batch.streams.get(stream)!;
    for (const minute of [...buckets.keys()].sort((a, b) => a - b)) {
      const b = buckets.get(minute)!;
      rows.push({ stream, minute, good: b.good, total: b.total });
      if (minute < from) from = minute;
      if (minute > to) to = minute;
    }
  }
  for (const stream of [...batch.values.keys()].sort()) {
    const byMinute = batch.values.get(stream)!;
    for (const minute of [...byMinute.keys()].sort((a, b) => a - b)) {
      values.push({ stream, minute, value: byMinute.get(minute)! });
      if (minute < from) from = minute;
      if (minute > to) to = minute;
    }
  }
  return { rows, values, from, to };
}

export async function ingestEvents(
  db: Kysely<Database>,
  actor: Actor,
  input: IngestInput,
  options: IngestOptions,
): Promise<IngestOutcome> {
  assertMayIngest(actor);
  const now = options.now ?? Date.now();
  const key = input.idempotencyKey;
  const scope = scopeOf(actor);
  let hash = '';
  if (key !== undefined) {
    if (!IDEMPOTENCY_KEY.test(key))
      throw new InputError(
        'Idempotency-Key must be 1 to 255 printable ASCII characters without spaces.',
        [{ path: 'headers/idempotency-key', message: 'is not a valid key' }],
        'INVALID_IDEMPOTENCY_KEY',
      );
    hash = createHash('sha256').update(input.format).update('\n').update(input.text).digest('hex');
    const earlier = await storedReply(db, scope, key, hash);
    if (earlier) return earlier;
  }

  const batch = parse(input, now, options.retentionDays);
  if (batch.accepted === 0) throw allRejected(batch);
  const { rows, values, from, to } = bucketRows(batch);
  const result: IngestResult = {
    accepted: batch.accepted,
    rejected: batch.rejected,
    errors: batch.errors,
    errorsTruncated: batch.errorsTruncated,
    streams: batch.streamCount,
    buckets: rows.length,
    ...(values.length > 0 && { values: values.length }),
    from: new Date(from * 60_000).toISOString(),
    to: new Date(to * 60_000).toISOString(),
  };

  let outcome: IngestOutcome;
  try {
    outcome = await db.transaction().execute(async (trx) => {
      if (key !== undefined) {
        // Checked again inside the transaction (behind the writers' lock on PostgreSQL): a
        // concurrent retry of the same batch either sees this one's record or waits for it.
        await lockBucketWriters(trx);
        const earlier = await storedReply(trx, scope, key, hash);
        if (earlier) return earlier;
      }
      await writeBuckets(trx, rows, 'add', now);
      await writeValues(trx, values, now);
      if (key !== undefined)
        await trx
          .insertInto('ingest_batches')
          .values({
            scope,
            idempotency_key: key,
            request_hash: hash,
            response: JSON.stringify(result),
            created_at: now,
          })
          .execute();
      return { result, replayed: false };
    });
  } catch (error) {
    if (key === undefined || !isUniqueViolation(error)) throw error;
    const earlier = await storedReply(db, scope, key, hash);
    if (!earlier) throw error;
    outcome = earlier;
  }
  return outcome;
}

const lastSweep = new WeakMap<Kysely<Database>, number>();

/**
 * Deletes buckets past retention and expired Idempotency-Key records, at most once an hour per
 * database. Called after an ingest request's commit; its failure must not fail that request.
 */
export async function sweepIfDue(db: Kysely<Database>, now: number, retentionDays: number): Promise<void> {
  const last = lastSweep.get(db);
  if (last !== undefined && now - last < SWEEP_EVERY_MS) return;
  lastSweep.set(db, now);
  await deleteExpiredBuckets(db, acceptWindow(now, retentionDays).oldestMinute);
  await db
    .deleteFrom('ingest_batches')
    .where('created_at', '<', now - IDEMPOTENCY_TTL_MS)
    .execute();
}

export async function listStreams(db: Kysely<Database>, now = Date.now()): Promise<IngestStream[]> {
  return (await streams(db)).map((s) => ({
    stream: s.stream,
    firstMinute: new Date(s.firstMinute * 60_000).toISOString(),
    lastMinute: new Date(s.lastMinute * 60_000).toISOString(),
    dataAgeSeconds: Math.max(0, Math.floor((now - (s.lastMinute + 1) * 60_000) / 1000)),
    buckets: s.buckets,
    lastIngestAt: new Date(s.updatedAt).toISOString(),
  }));
}
