/**
 * Evaluates one SLO from the bucket store: reads each objective's stream over the SLO window
 * and the longest look-back (7 days), builds the bucket series (slices first for the timeslice
 * methods) and runs core's evaluation. Every number is a ratio of sums over stored buckets.
 */
import type { SloStatus } from '@headroom/core/api/slo-status';
import type { MinuteBuckets } from '@headroom/core/slo/bucket-series';
import {
  evaluateObjectives,
  evaluateSlo,
  type ObjectiveSeries,
  type SloEvaluation,
  seriesForObjective,
} from '@headroom/core/slo/evaluate';
import { type MinuteMask, maskFromIntervals } from '@headroom/core/slo/minute-mask';
import { isComposite, type Slo } from '@headroom/core/slo/model';
import { sloStatus } from '@headroom/core/slo/status';
import {
  MINUTE_MS,
  minuteAfter,
  type TimeRange,
  windowAt,
  windowSpecFromModel,
} from '@headroom/core/slo/time-window';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { loadCorrections, type StoredCorrection } from '../corrections/repo.js';
import { correctionsSelecting } from '../corrections/service.js';
import { listPollStates, type PollState } from '../prometheus/poll-state.js';
import { lastMinutes, readBuckets } from '../sli-data/repo.js';
import type { EdgeSpec, SeriesSpan } from './series-cache.js';
import { type ObjectivePlan, objectivePlans } from './streams.js';
import { readsValues, valueObjectiveSeries } from './values.js';

/** The longest look-back an evaluation reads besides the window: the 7-day forecast. */
const LOOKBACK_MINUTES = 7 * 24 * 60;

export type { SeriesSpan };

/** Reads a stream's buckets and shapes them for the SLO's budgeting method. */
export async function objectiveSeries(
  db: Kysely<Database>,
  slo: Slo,
  index: number,
  stream: string,
  span: SeriesSpan,
  anchorMinute: number,
  mask?: MinuteMask,
): Promise<ObjectiveSeries> {
  // Threshold and raw SLIs keep per-minute values, not buckets (values.ts).
  if (readsValues(slo, index)) return valueObjectiveSeries(db, slo, index, stream, span, anchorMinute, mask);
  const rows = await readBuckets(db, stream, span.fromMinute, span.toMinute);
  const buckets: MinuteBuckets = {
    minutes: Float64Array.from(rows, (r) => r.minute),
    channels: [Float64Array.from(rows, (r) => r.good), Float64Array.from(rows, (r) => r.total)],
  };
  return seriesForObjective(slo, index, buckets, span, anchorMinute, mask);
}

/** A calendar period lasts a month or more: reuse it while `now` is inside it (Temporal is slow). */
const periods = new WeakMap<Slo, TimeRange>();

function windowOf(slo: Slo, now: number): TimeRange {
  if (slo.timeWindow.type === 'rolling') return windowAt(windowSpecFromModel(slo.timeWindow), now);
  const known = periods.get(slo);
  if (known && known.start <= now && now < known.end) return known;
  const period = windowAt(windowSpecFromModel(slo.timeWindow), now);
  periods.set(slo, period);
  return period;
}

/** What evaluating one SLO at `now` needs besides its data: window, span, corrections, plans. */
export interface SloContext {
  slo: Slo;
  now: number;
  rolling: boolean;
  window: TimeRange;
  windowStartMinute: number;
  span: SeriesSpan;
  edges: EdgeSpec;
  mask: MinuteMask | undefined;
  /** Correction occurrences over the span, as the status lists them. */
  intervals: TimeRange[];
  /** Every objective; `headline` says which of them the headline numbers combine. */
  plans: ObjectivePlan[];
  /** All objectives of a composite (one budget), else the first (OpenSLO's single `objective`). */
  headline: 'all' | 'first';
  notes: string[];
}

export function sloContext(slo: Slo, now: number, corrections: readonly StoredCorrection[]): SloContext {
  const rolling = slo.timeWindow.type === 'rolling';
  const window = windowOf(slo, now);
  const nowMinute = minuteAfter(now);
  const windowStartMinute = Math.ceil(window.start / MINUTE_MS);
  const span = {
    fromMinute: Math.min(windowStartMinute, nowMinute - LOOKBACK_MINUTES),
    toMinute: nowMinute + 1,
  };
  const range = { start: span.fromMinute * MINUTE_MS, end: span.toMinute * MINUTE_MS };
  const intervals = correctionsSelecting(corrections, slo, range).flatMap((c) => c.intervals);
  const mask = intervals.length > 0 ? maskFromIntervals(intervals) : undefined;
  const plans = objectivePlans(slo);
  // A composite is one budget over all its objectives; otherwise each objective is its own
  // target on the same SLI and the first is the headline (as `definition.objective` says).
  const headline = isComposite(slo) ? 'all' : 'first';
  const notes = [...new Set(plans.map((p) => p.note).filter((n): n is string => n !== null))];
  const edges = {
    rolling,
    windowMinutes: Math.round((window.end - window.start) / MINUTE_MS),
    windowStartMinute,
  };
  return {
    slo,
    now,
    rolling,
    window,
    windowStartMinute,
    span,
    edges,
    mask,
    intervals,
    plans,
    headline,
    notes,
  };
}

/** Where a pass finds data age and poll failures for every stream (one query each per pass). */
export interface StreamFacts {
  lastMinute(stream: string): number | null;
  pollState(stream: string): PollState | null;
}

export async function streamFacts(db: Kysely<Database>): Promise<StreamFacts> {
  const last = await lastMinutes(db);
  const polls = new Map((await listPollStates(db)).map((p) => [p.stream, p]));
  return {
    lastMinute: (stream) => last.get(stream) ?? null,
    pollState: (stream) => polls.get(stream) ?? null,
  };
}

/** An evaluable objective's series. */
export interface EvaluatedPart {
  plan: ObjectivePlan;
  series: ObjectiveSeries;
}

/** The headline evaluation and each objective's on its own, computed once per pass. */
export interface SloEvaluations {
  headline: SloEvaluation;
  objectives: { plan: ObjectivePlan; evaluation: SloEvaluation }[];
}

export function evaluationsOf(ctx: SloContext, evaluated: readonly EvaluatedPart[]): SloEvaluations {
  const parts = (ctx.headline === 'all' ? evaluated : evaluated.slice(0, 1)).map((p) => p.series);
  const headline = evaluateObjectives(parts, ctx.window, ctx.rolling, ctx.now);
  // One objective of weight 1 is its own headline: no second evaluation.
  const single = evaluated.length === 1 && (evaluated[0]!.series.weight ?? 1) === 1;
  const objectives = evaluated.map(({ plan, series }) => ({
    plan,
    evaluation: single ? headline : evaluateSlo({ ...series, weight: 1 }, ctx.window, ctx.rolling, ctx.now),
  }));
  return { headline, objectives };
}

/** The status from the evaluations of the evaluable objectives (in objective order). */
export function statusOf(ctx: SloContext, evals: SloEvaluations, facts: StreamFacts): SloStatus {
  const notes = [...ctx.notes];
  let last: number | null = null;
  for (const stream of new Set(ctx.plans.map((p) => p.stream))) {
    const m = facts.lastMinute(stream);
    if (m !== null && (last === null || m > last)) last = m;
    // A failing Prometheus poll explains a growing data age; the poller catches up when it returns.
    const poll = facts.pollState(stream);
    if (poll?.lastError && poll.failures > 0 && poll.lastErrorAt !== null) {
      notes.push(
        `Prometheus poll failed at ${new Date(poll.lastErrorAt).toISOString()} (${poll.failures} failures in a row): ${poll.lastError}`,
      );
    }
  }
  const evaluation = evals.headline;
  const objectives = evals.objectives.map(({ plan, evaluation: e }) => ({
    index: plan.index,
    displayName: plan.objective.displayName,
    target: plan.objective.target,
    evaluation: e,
  }));
  return sloStatus(evaluation, {
    objective: ctx.slo.objectives[0]?.target ?? 0,
    objectives,
    lastDataMinute: last,
    // The occurrences that overlap the window, as people read them on the SLO page.
    corrections: ctx.intervals
      .filter((i) => i.end > ctx.window.start && i.start < Math.min(ctx.now, ctx.window.end))
      .sort((a, b) => a.start - b.start),
    note: notes.length > 0 ? notes.join(' ') : null,
  });
}

/**
 * The SLO's status at `now` computed from scratch, every minute read from the store — the
 * reference the evaluator's kept series are checked against, and what one-off callers use.
 */
export async function evaluateSloAt(
  db: Kysely<Database>,
  slo: Slo,
  now: number,
  corrections?: readonly StoredCorrection[],
): Promise<SloStatus> {
  const ctx = sloContext(slo, now, corrections ?? (await loadCorrections(db)));
  return statusOf(ctx, evaluationsOf(ctx, await readParts(db, ctx)), await streamFacts(db));
}

/** Every evaluable objective's series over the context's span, read from the store. */
export async function readParts(db: Kysely<Database>, ctx: SloContext): Promise<EvaluatedPart[]> {
  const parts: EvaluatedPart[] = [];
  for (const plan of ctx.plans) {
    if (!plan.evaluable) continue;
    parts.push({
      plan,
      series: await objectiveSeries(
        db,
        ctx.slo,
        plan.index,
        plan.stream,
        ctx.span,
        ctx.rolling ? 0 : ctx.windowStartMinute,
        ctx.mask,
      ),
    });
  }
  return parts;
}
