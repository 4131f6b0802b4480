/**
 * One SLO's status at `now` from its bucket series — the evaluator's hot path, run for every SLO
 * every 30 s: the window budget, the burn rates over 5m … 3d and the SLO window, and the
 * exhaustion forecasts at the 1 h, 1 d and 7 d burn rates. About a dozen range sums per objective,
 * no allocation when `out` is reused.
 *
 * Series channels (see bucket-series.ts and timeslices.ts): 0 good units, 1 total units,
 * 2 (timeslice methods) slices without data.
 */

import { BucketSeries, type MinuteBuckets } from './bucket-series.js';
import { errorBudget, exhaustionDate } from './budget.js';
import type { MinuteMask } from './minute-mask.js';
import { isComposite, objectiveWeight, type Slo } from './model.js';
import type { TimeRange } from './time-window.js';
import { MINUTE_MS, minuteAfter } from './time-window.js';
import { sliceBuckets, sliceRuleOf } from './timeslices.js';

export const BURN_RATE_WINDOWS = [
  { key: '5m', minutes: 5 },
  { key: '30m', minutes: 30 },
  { key: '1h', minutes: 60 },
  { key: '2h', minutes: 120 },
  { key: '6h', minutes: 360 },
  { key: '1d', minutes: 1_440 },
  { key: '3d', minutes: 4_320 },
] as const;
export type BurnRateKey = (typeof BURN_RATE_WINDOWS)[number]['key'] | 'window';

export const FORECAST_LOOKBACKS = [
  { key: '1h', minutes: 60 },
  { key: '1d', minutes: 1_440 },
  { key: '7d', minutes: 10_080 },
] as const;
export type ForecastKey = (typeof FORECAST_LOOKBACKS)[number]['key'];

/** Every window length whose trailing edge an evaluation reads, for `edgeRanges`. */
export const EVALUATION_LOOKBACK_MINUTES: readonly number[] = [
  ...new Set([...BURN_RATE_WINDOWS, ...FORECAST_LOOKBACKS].map((w) => w.minutes)),
];

export interface ObjectiveSeries {
  series: BucketSeries;
  /** The objective's target in [0, 1). */
  objective: number;
  /** compositeWeight; 1 when omitted. */
  weight?: number;
  /** Timeslice methods: the slice length in minutes. Omit for Occurrences. */
  sliceMinutes?: number;
}

export interface SloEvaluation {
  now: number;
  /** The SLO window's current period: rolling [now − length, now), calendar [periodStart, periodEnd). */
  windowStart: number;
  windowEnd: number;
  /** Window sums in units (weighted for a composite). */
  good: number;
  total: number;
  sli: number | null;
  errorRatio: number | null;
  consumed: number;
  remaining: number;
  /** budget × total − bad (budget.ts); null for a composite, whose units are not comparable. */
  remainingEvents: number | null;
  /** Minutes of total failure at the last hour's traffic that would spend the rest (budget.ts). */
  remainingMinutes: number | null;
  /** Timeslice methods: slices in the window without data. */
  noDataSlices: number;
  burnRates: Record<BurnRateKey, number | null>;
  /** Units (events, or slices) in each burn-rate window and the SLO window: what alerting's minimum-events rule reads. */
  events: Record<BurnRateKey, number>;
  /** Epoch ms when the budget runs out at each look-back's burn rate; null = not within the window. */
  exhaustion: Record<ForecastKey, number | null>;
}

export function newEvaluation(): SloEvaluation {
  return {
    now: 0,
    windowStart: 0,
    windowEnd: 0,
    good: 0,
    total: 0,
    sli: null,
    errorRatio: null,
    consumed: 0,
    remaining: 1,
    remainingEvents: null,
    remainingMinutes: null,
    noDataSlices: 0,
    burnRates: {
      '5m': null,
      '30m': null,
      '1h': null,
      '2h': null,
      '6h': null,
      '1d': null,
      '3d': null,
      window: null,
    },
    events: { '5m': 0, '30m': 0, '1h': 0, '2h': 0, '6h': 0, '1d': 0, '3d': 0, window: 0 },
    exhaustion: { '1h': null, '1d': null, '7d': null },
  };
}

const sums = new Float64Array(8);
/** Results of `accumulate`: Σ w·total, Σ w·good, Σ w·bad/b, Σ no-data slices, Σ w·rate/b. */
const acc = new Float64Array(5);
const [TOTAL, GOOD, PRICED_BAD, NO_DATA, PRICED_RATE] = [0, 1, 2, 3, 4] as const;

function accumulate(parts: readonly ObjectiveSeries[], from: number, to: number): void {
  acc.fill(0);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const w = part.weight ?? 1;
    const budget = errorBudget(part.objective);
    part.series.sumInto(from, to, sums);
    const good = sums[0]!;
    const total = sums[1]!;
    acc[TOTAL]! += w * total;
    acc[GOOD]! += w * good;
    acc[PRICED_BAD]! += (w * (total - good)) / budget;
    if (part.series.channels > 2) acc[NO_DATA]! += sums[2]!;
    const unitsPerMinute = part.sliceMinutes !== undefined ? 1 / part.sliceMinutes : total / (to - from);
    acc[PRICED_RATE]! += (w * unitsPerMinute) / budget;
  }
}

function burn(): number | null {
  return acc[TOTAL]! > 0 ? acc[PRICED_BAD]! / acc[TOTAL]! : null;
}

/**
 * Evaluates objectives that share one SLO window (one part for a plain SLO, several for a
 * composite, weighted as composite.ts says). `window` is the current period: rolling
 * [now − length, now) or the calendar period holding `now` (see WindowClock).
 */
export function evaluateObjectives(
  parts: readonly ObjectiveSeries[],
  window: TimeRange,
  rolling: boolean,
  now: number,
  out: SloEvaluation = newEvaluation(),
): SloEvaluation {
  const to = minuteAfter(Math.min(now, window.end));
  const lengthMs = window.end - window.start;
  out.now = now;
  out.windowStart = window.start;
  out.windowEnd = window.end;

  accumulate(parts, Math.ceil(window.start / MINUTE_MS), to);
  const total = acc[TOTAL]!;
  const good = acc[GOOD]!;
  out.good = good;
  out.total = total;
  out.sli = total > 0 ? good / total : null;
  out.errorRatio = total > 0 ? (total - good) / total : null;
  out.consumed = total > 0 ? acc[PRICED_BAD]! / total : 0;
  out.remaining = 1 - out.consumed;
  const windowPricedBad = acc[PRICED_BAD]!;
  out.noDataSlices = acc[NO_DATA]!;
  out.burnRates.window = burn();
  out.events.window = total;
  const single = parts.length === 1 && (parts[0]!.weight ?? 1) === 1;
  out.remainingEvents = single ? errorBudget(parts[0]!.objective) * total - (total - good) : null;

  for (const w of BURN_RATE_WINDOWS) {
    accumulate(parts, to - w.minutes, to);
    out.burnRates[w.key] = burn();
    out.events[w.key] = acc[TOTAL]!;
    if (w.minutes === 60) {
      // Minutes of total failure: (Σ w·total − Σ w·bad/b) ÷ Σ w·rate/b, i.e. remainingEvents ÷ rate alone.
      const rate = acc[PRICED_RATE]!;
      out.remainingMinutes = rate > 0 ? Math.max(0, total - windowPricedBad) / rate : null;
    }
  }
  accumulate(parts, to - 10_080, to);
  const week = burn();

  const horizon = rolling ? now + lengthMs : window.end;
  out.exhaustion['1h'] = exhaustionDate(now, out.remaining, out.burnRates['1h'], lengthMs, horizon);
  out.exhaustion['1d'] = exhaustionDate(now, out.remaining, out.burnRates['1d'], lengthMs, horizon);
  out.exhaustion['7d'] = exhaustionDate(now, out.remaining, week, lengthMs, horizon);
  return out;
}

const one: ObjectiveSeries[] = [];

/** evaluateObjectives for a plain SLO (one objective). */
export function evaluateSlo(
  part: ObjectiveSeries,
  window: TimeRange,
  rolling: boolean,
  now: number,
  out: SloEvaluation = newEvaluation(),
): SloEvaluation {
  one[0] = part;
  try {
    return evaluateObjectives(one, window, rolling, now, out);
  } finally {
    one.length = 0;
  }
}

/**
 * Minute buckets (good, total) of one objective as the series its SLO's budgeting method reads:
 * Occurrences as they are; Timeslices and RatioTimeslices turned into slice records first (slices
 * start at `anchorMinute + k × slice`). Minutes under `mask` count for nothing. Every minute is
 * kept (`keep: 'all'`): for one-off evaluations and charts, not the evaluator's kept series.
 */
export function seriesForObjective(
  slo: Slo,
  index: number,
  buckets: MinuteBuckets,
  span: { fromMinute: number; toMinute: number },
  anchorMinute: number,
  mask?: MinuteMask,
): ObjectiveSeries {
  const objective = slo.objectives[index]!;
  const slices = sliceRuleOf(slo, index);
  const shaped = slices
    ? sliceBuckets(buckets, slices.rule, {
        sliceMinutes: slices.minutes,
        anchorMinute,
        fromMinute: span.fromMinute,
        toMinute: span.toMinute,
        ...(mask && { mask }),
      })
    : buckets;
  const series = BucketSeries.build(shaped, { ...span, keep: 'all', ...(mask && { mask }) });
  return {
    series,
    objective: objective.target,
    ...(isComposite(slo) && { weight: objectiveWeight(objective) }),
    ...(slices && { sliceMinutes: slices.minutes }),
  };
}
