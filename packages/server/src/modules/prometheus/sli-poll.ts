/**
 * Reads a ratio SLI's good (or bad) and total events per minute from Prometheus, following the
 * plans of core's promql-plan.ts: counter selectors exactly, from their values at minute
 * boundaries; `{{.window}}` queries as Prometheus' estimate over each minute. A minute gets a
 * bucket only when both the numerator and the total have a value for it: missing data is never
 * filled with zeros, and NaN or infinite values count as missing.
 */
import { InputError } from '@headroom/core';
import { planSliQuery, type SliQueryPlan } from '@headroom/core/slo/promql-plan';
import type { PrometheusApi, Series } from './client.js';

export const MINUTE_MS = 60_000;
/** Prometheus answers at most 11,000 points per series; a day of minutes is 1,441. */
export const DEFAULT_CHUNK_MINUTES = 1440;
const MAX_CHUNK_MINUTES = 10_000;

/** One minute of one stream, as the bucket store adds it up: `minute` is in epoch minutes (ms / 60,000). */
export interface BucketRow {
  stream: string;
  minute: number;
  good: number;
  total: number;
}

/** The Prometheus queries of a ratio SLI as OpenSLO writes them: `good` or `bad`, and `total`. */
export interface RatioQueries {
  good?: string;
  bad?: string;
  total: string;
  /** OpenSLO's `ratioMetric.counter`. */
  counter?: boolean;
}

export interface RatioPlan {
  numerator: { as: 'good' | 'bad'; plan: SliQueryPlan };
  total: SliQueryPlan;
}

/** Plans both queries of a ratio SLI, or throws an InputError naming the query and the problem. */
export function planRatioQueries(queries: RatioQueries): RatioPlan {
  if ((queries.good === undefined) === (queries.bad === undefined)) {
    throw new InputError('a ratio SLI needs exactly one of a good and a bad query, and a total query');
  }
  const as = queries.good !== undefined ? 'good' : 'bad';
  const plan = (field: 'good' | 'bad' | 'total', query: string): SliQueryPlan => {
    const result = planSliQuery(query, queries.counter === undefined ? {} : { counter: queries.counter });
    if (result.ok) return result.plan;
    const problems = result.errors.map((e) => ({
      path: field,
      message: e.message,
      line: e.line,
      column: e.column,
    }));
    throw new InputError(`the ${field} query cannot be read per minute: ${problems[0]?.message}`, problems);
  };
  return {
    numerator: { as, plan: plan(as, (queries.good ?? queries.bad) as string) },
    total: plan('total', queries.total),
  };
}

/** The epoch minute that holds `ms`. */
export function epochMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS);
}

/**
 * Events per epoch minute for the minutes in [fromMinute, toMinute), in one query_range call;
 * minutes without data are absent from the map.
 */
export async function eventsPerMinute(
  client: PrometheusApi,
  plan: SliQueryPlan,
  fromMinute: number,
  toMinute: number,
  signal?: AbortSignal,
): Promise<{ events: Map<number, number>; warnings: string[] }> {
  const events = new Map<number, number>();
  if (toMinute <= fromMinute) return { events, warnings: [] };
  const start = fromMinute * MINUTE_MS;
  const end = toMinute * MINUTE_MS;
  if (plan.kind === 'counter') {
    // Values at every boundary from the first minute's start to the last one's end.
    const { series, warnings } = await client.queryRange(plan.query, start, end, 60, signal);
    for (const one of series) addCounterIncreases(one, events);
    return { events, warnings };
  }
  // The window that ends at a minute's end covers that minute.
  const { series, warnings } = await client.queryRange(plan.query, start + MINUTE_MS, end, 60, signal);
  for (const one of series) {
    for (const { t, v } of one.points) {
      if (!Number.isFinite(v)) continue;
      const minute = Math.round(t / MINUTE_MS) - 1;
      events.set(minute, (events.get(minute) ?? 0) + v * plan.scale);
    }
  }
  return { events, warnings };
}

/** Adds one counter series' growth between consecutive minute boundaries; a drop is a reset. */
function addCounterIncreases(series: Series, events: Map<number, number>): void {
  let previous: { t: number; v: number } | undefined;
  for (const point of series.points) {
    if (!Number.isFinite(point.v)) {
      previous = undefined;
      continue;
    }
    if (previous && point.t - previous.t === MINUTE_MS) {
      const increase = point.v >= previous.v ? point.v - previous.v : point.v;
      const minute = Math.round(previous.t / MINUTE_MS);
      events.set(minute, (events.get(minute) ?? 0) + increase);
    }
    previous = point;
  }
}

export interface PollChunk {
  /** Epoch minutes, [from, to). */
  from: number;
  to: number;
  rows: BucketRow[];
  warnings: string[];
}

export interface PollSliOptions {
  client: PrometheusApi;
  queries: RatioQueries | RatioPlan;
  stream: string;
  /** First epoch minute (inclusive). */
  fromMinute: number;
  /** Last epoch minute (exclusive). */
  toMinute: number;
  chunkMinutes?: number;
  /** Walk from the newest chunk back to the oldest (backfill) instead of forward. */
  backwards?: boolean;
  signal?: AbortSignal;
  /** Called after each chunk, in order; a thrown error stops the poll. */
  onChunk?: (chunk: PollChunk) => Promise<void> | void;
}

/** Reads the buckets of [fromMinute, toMinute) chunk by chunk; returns every row and warning. */
export async function pollSli(options: PollSliOptions): Promise<{ rows: BucketRow[]; warnings: string[] }> {
  const plans = 'numerator' in options.queries ? options.queries : planRatioQueries(options.queries);
  const chunkMinutes = Math.min(options.chunkMinutes ?? DEFAULT_CHUNK_MINUTES, MAX_CHUNK_MINUTES);
  if (!(chunkMinutes >= 1)) throw new Error('chunkMinutes must be at least 1');
  const from = Math.floor(options.fromMinute);
  const to = Math.floor(options.toMinute);
  const chunks: { from: number; to: number }[] = [];
  if (options.backwards) {
    for (let end = to; end > from; end -= chunkMinutes)
      chunks.push({ from: Math.max(from, end - chunkMinutes), to: end });
  } else {
    for (let start = from; start < to; start += chunkMinutes)
      chunks.push({ from: start, to: Math.min(start + chunkMinutes, to) });
  }
  const rows: BucketRow[] = [];
  const warnings = new Set<string>();
  for (const chunk of chunks) {
    options.signal?.throwIfAborted();
    const polled = await pollChunk(
      options.client,
      plans,
      options.stream,
      chunk.from,
      chunk.to,
      options.signal,
    );
    for (const warning of polled.warnings) warnings.add(warning);
    rows.push(...polled.rows);
    await options.onChunk?.(polled);
  }
  return { rows, warnings: [...warnings] };
}

async function pollChunk(
  client: PrometheusApi,
  plans: RatioPlan,
  stream: string,
  from: number,
  to: number,
  signal?: AbortSignal,
): Promise<PollChunk> {
  const [numerator, total] = await Promise.all([
    eventsPerMinute(client, plans.numerator.plan, from, to, signal),
    eventsPerMinute(client, plans.total, from, to, signal),
  ]);
  const warnings = [...numerator.warnings, ...total.warnings].map((w) => `Prometheus: ${w}`);
  const rows: BucketRow[] = [];
  let numeratorMissing = 0;
  const minutes = [...total.events.keys()].sort((a, b) => a - b);
  for (const minute of minutes) {
    const totalEvents = Math.max(0, total.events.get(minute) ?? 0);
    const count = numerator.events.get(minute);
    if (count === undefined) {
      numeratorMissing++;
      continue;
    }
    const good = plans.numerator.as === 'good' ? count : totalEvents - count;
    rows.push({ stream, minute, good: Math.min(totalEvents, Math.max(0, good)), total: totalEvents });
  }
  if (numeratorMissing > 0) {
    warnings.push(
      `the ${plans.numerator.as} query had no data for ${numeratorMissing} minute(s) where the total query had some; ` +
        'those minutes have no bucket (a counter that has never been incremented may not be exported yet)',
    );
  }
  return { from, to, rows, warnings };
}
