/**
 * Threshold and raw SLIs: their per-minute values (sli_values) turned into the same good/total
 * units a ratio SLI's buckets give, so that every budgeting method, burn rate and forecast runs
 * unchanged on them.
 *
 *   threshold  each minute's value is one event, good when it satisfies the objective's
 *              `op value` (core's thresholdOccurrenceBuckets). Occurrences counts those events;
 *              Timeslices makes a slice good when the share of its minutes that satisfy the
 *              threshold reaches timeSliceTarget (default 1: every minute with a value must) —
 *              with one-minute slices that is exactly "the slice's value satisfies op value";
 *              RatioTimeslices takes that share as the slice's ratio.
 *   raw        each minute's value is a precomputed ratio (rawType success: the good ratio,
 *              failure: the error ratio) worth one unit: good = ratio (or 1 − ratio), total = 1.
 *              Timeslices and RatioTimeslices therefore read the mean of the slice's values.
 *
 * Minutes without a value are missing data, never zeros, exactly as missing buckets are.
 */
import type { MinuteBuckets } from '@headroom/core/slo/bucket-series';
import { type ObjectiveSeries, seriesForObjective } from '@headroom/core/slo/evaluate';
import type { MinuteMask } from '@headroom/core/slo/minute-mask';
import { isComposite, type RawType, type Slo } from '@headroom/core/slo/model';
import { thresholdOccurrenceBuckets } from '@headroom/core/slo/timeslices';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { readValues } from '../sli-data/values-repo.js';

/** A raw ratio may overshoot [0, 1] by float rounding; anything further off is not a ratio. */
const RATIO_TOLERANCE = 1e-9;

/** Whether an objective of this SLO reads per-minute values (a threshold or raw SLI). */
export function readsValues(slo: Slo, index: number): boolean {
  const indicator = isComposite(slo) ? slo.objectives[index]?.indicator : slo.indicator;
  const type = indicator?.metric.type;
  return type === 'threshold' || type === 'raw';
}

/**
 * The good share of one raw value, or null when it is no ratio (a percentage sent as 99.5, say):
 * such a minute counts as missing data rather than as a perfect or a failed one.
 */
export function rawGoodShare(value: number, rawType: RawType): number | null {
  if (!(value >= -RATIO_TOLERANCE && value <= 1 + RATIO_TOLERANCE)) return null;
  const ratio = Math.min(1, Math.max(0, value));
  return rawType === 'success' ? ratio : 1 - ratio;
}

/** Per-minute units of a raw SLI's values: good = its good share, total = 1. */
export function rawUnitBuckets(
  values: { minutes: ArrayLike<number>; values: ArrayLike<number> },
  rawType: RawType,
): MinuteBuckets {
  const minutes: number[] = [];
  const good: number[] = [];
  const total: number[] = [];
  for (let r = 0; r < values.minutes.length; r++) {
    const share = rawGoodShare(values.values[r]!, rawType);
    if (share === null) continue;
    minutes.push(values.minutes[r]!);
    good.push(share);
    total.push(1);
  }
  return { minutes, channels: [good, total] };
}

/**
 * Reads a threshold or raw SLI's values and shapes them for the SLO's budgeting method; the same
 * signature and result as objectiveSeries (evaluate.ts), which delegates here for such plans.
 */
export async function valueObjectiveSeries(
  db: Kysely<Database>,
  slo: Slo,
  index: number,
  stream: string,
  span: { fromMinute: number; toMinute: number },
  anchorMinute: number,
  mask?: MinuteMask,
): Promise<ObjectiveSeries> {
  const objective = slo.objectives[index]!;
  const metric = (isComposite(slo) ? objective.indicator : slo.indicator)?.metric;
  if (metric?.type !== 'threshold' && metric?.type !== 'raw')
    throw new Error(`SLO ${slo.name} objective ${index} has no threshold or raw SLI`);
  const rows = await readValues(db, stream, span.fromMinute, span.toMinute);
  const read = {
    minutes: Float64Array.from(rows, (r) => r.minute),
    values: Float64Array.from(rows, (r) => r.value),
  };
  let buckets: MinuteBuckets;
  if (metric.type === 'raw') buckets = rawUnitBuckets(read, metric.rawType);
  else {
    if (objective.op === null || objective.value === null)
      throw new Error(`SLO ${slo.name}: a threshold objective needs op and value`);
    buckets = thresholdOccurrenceBuckets(read, objective.op, objective.value);
  }
  return seriesForObjective(slo, index, buckets, span, anchorMinute, mask);
}
