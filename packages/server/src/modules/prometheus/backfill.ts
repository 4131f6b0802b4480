/**
 * Fills a Prometheus-backed stream's history: from the start of what is already covered (or
 * from now, for a stream never polled) back to `now - since`, newest chunk first, each chunk
 * committed with its buckets. Interrupted, it resumes where it stopped; run again, it reads only
 * what is not covered yet, so no minute is counted twice.
 */
import { InputError } from '@headroom/core';
import { fixedDurationMs, parseDuration } from '@headroom/core/slo/duration';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { replaceBuckets } from '../sli-data/repo.js';
import type { PrometheusApi } from './client.js';
import { commitChunk, getPollState, type WriteBuckets } from './poll-state.js';
import {
  DEFAULT_CHUNK_MINUTES,
  epochMinute,
  planRatioQueries,
  pollSli,
  type RatioQueries,
} from './sli-poll.js';

export interface BackfillProgress {
  stream: string;
  /** Minutes read so far and in all. */
  doneMinutes: number;
  totalMinutes: number;
  /** The chunk just committed, epoch minutes [from, to). */
  from: number;
  to: number;
  buckets: number;
}

export interface BackfillReport {
  stream: string;
  /** Epoch minutes [from, to) read; equal when everything was covered already. */
  from: number;
  to: number;
  buckets: number;
  warnings: string[];
}

export interface BackfillOptions {
  db: Kysely<Database>;
  client: PrometheusApi;
  stream: string;
  queries: RatioQueries;
  /** How far back from `now`, in ms (see parseSince). */
  sinceMs: number;
  now: number;
  /** Minutes that ended less than this long ago are left to the poller. Default 30 s. */
  delayMs?: number;
  /** The bucket store's replaceBuckets unless given. */
  writeBuckets?: WriteBuckets;
  chunkMinutes?: number;
  onProgress?: (progress: BackfillProgress) => void;
  signal?: AbortSignal;
}

/** `30d`, `12h`, `2w`… (OpenSLO's shorthand, fixed-length units only) in ms. */
export function parseSince(text: string): number {
  const duration = parseDuration(text);
  const ms = duration ? fixedDurationMs(duration) : null;
  if (ms === null) {
    throw new InputError(`since "${text}" is not a duration in minutes, hours, days or weeks, such as 30d`, [
      { path: 'since', message: 'expected a duration such as 30d, 12h or 2w' },
    ]);
  }
  return ms;
}

export async function backfillSli(options: BackfillOptions): Promise<BackfillReport> {
  const { db, stream, now } = options;
  const plans = planRatioQueries(options.queries);
  const state = await getPollState(db, stream);
  const from = epochMinute(now - options.sinceMs);
  const to = state?.coveredFrom ?? epochMinute(now - (options.delayMs ?? 30_000));
  const report: BackfillReport = { stream, from: Math.min(from, to), to, buckets: 0, warnings: [] };
  if (from >= to) return report;
  const totalMinutes = to - from;
  let doneMinutes = 0;
  const { warnings } = await pollSli({
    client: options.client,
    queries: plans,
    stream,
    fromMinute: from,
    toMinute: to,
    chunkMinutes: options.chunkMinutes ?? DEFAULT_CHUNK_MINUTES,
    backwards: true,
    ...(options.signal ? { signal: options.signal } : {}),
    onChunk: async (chunk) => {
      const { written } = await commitChunk(
        db,
        options.writeBuckets ?? replaceBuckets,
        { stream, ...chunk },
        Date.now(),
      );
      report.buckets += written;
      doneMinutes += chunk.to - chunk.from;
      options.onProgress?.({
        stream,
        doneMinutes,
        totalMinutes,
        from: chunk.from,
        to: chunk.to,
        buckets: report.buckets,
      });
    },
  });
  report.warnings = warnings;
  return report;
}
