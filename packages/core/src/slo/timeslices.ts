/**
 * Timeslices and RatioTimeslices: minute buckets → one record per time slice, in the units the
 * budget counts. A slice of `sliceMinutes` starts at `anchorMinute + k × sliceMinutes` (the epoch
 * by default; a calendar window passes its period start) and its record sits at its first minute:
 *
 *   channel 0  good units — Timeslices: 1 when the slice's ratio of sums (good ÷ total over its
 *              minutes) is ≥ timeSliceTarget, else 0; RatioTimeslices: that ratio itself;
 *              threshold SLIs: 1 when the slice's value satisfies `op value`, else 0.
 *   channel 1  slices with data (1) — the denominator;
 *   channel 2  slices without data (1) — reported as noDataSlices, in neither numerator nor
 *              denominator.
 *
 * So with channels 0 and 1 in a BucketSeries every method reads alike: SLI = good units ÷ slices,
 * error ratio = bad slices ÷ slices (RatioTimeslices: 1 − mean slice ratio), and a window holds the
 * slices that start inside it. The slice in progress counts once it has data; a slice whose
 * minutes are all under a correction counts nowhere (neither as data nor as no data).
 */
import { InputError } from '../errors.js';
import type { MinuteBuckets } from './bucket-series.js';
import { fixedDurationMs } from './duration.js';
import type { MinuteMask } from './minute-mask.js';
import { maskedMinutes } from './minute-mask.js';
import type { Operator, Slo } from './model.js';
import { MINUTE_MS } from './time-window.js';

export type SliceRule = { method: 'Timeslices'; timeSliceTarget: number } | { method: 'RatioTimeslices' };

export interface SliceOptions {
  /** timeSliceWindow in minutes (a whole number ≥ 1). */
  sliceMinutes: number;
  /** A slice boundary: slices start at anchorMinute + k × sliceMinutes. Default 0 (the epoch). */
  anchorMinute?: number;
  /** Slices starting in [fromMinute, toMinute) are produced; data outside is ignored. */
  fromMinute: number;
  toMinute: number;
  /**
   * The end of the data (default toMinute): a slice reads its minutes before `until`, and one
   * that ends after it without data is still open, not "no data". Rebuilding the slices that
   * start in one hour passes the series' end here.
   */
  until?: number;
  mask?: MinuteMask;
}

/** An objective's slice length (minutes) and rule; undefined for Occurrences. */
export function sliceRuleOf(slo: Slo, index: number): { minutes: number; rule: SliceRule } | undefined {
  if (slo.budgetingMethod === 'Occurrences') return undefined;
  const objective = slo.objectives[index]!;
  const sliceMs = objective.timeSliceWindow ? fixedDurationMs(objective.timeSliceWindow) : MINUTE_MS;
  const minutes = Math.max(1, Math.round((sliceMs ?? MINUTE_MS) / MINUTE_MS));
  const rule: SliceRule =
    slo.budgetingMethod === 'Timeslices'
      ? { method: 'Timeslices', timeSliceTarget: objective.timeSliceTarget ?? 1 }
      : { method: 'RatioTimeslices' };
  return { minutes, rule };
}

/** The good units of one slice from its sums; null when the slice has no data. */
export function sliceGoodUnits(good: number, total: number, rule: SliceRule): number | null {
  if (!(total > 0)) return null;
  const ratio = good / total;
  return rule.method === 'RatioTimeslices' ? ratio : ratio >= rule.timeSliceTarget ? 1 : 0;
}

/** Whether a threshold SLI's value is good: `value op threshold`. */
export function thresholdSatisfied(value: number, op: Operator, threshold: number): boolean {
  switch (op) {
    case 'lt':
      return value < threshold;
    case 'lte':
      return value <= threshold;
    case 'gt':
      return value > threshold;
    case 'gte':
      return value >= threshold;
  }
}

interface SliceGrid {
  size: number;
  first: number;
  count: number;
}

function sliceGrid(options: SliceOptions): SliceGrid {
  const size = options.sliceMinutes;
  if (!Number.isInteger(size) || size < 1) {
    throw new InputError(`timeSliceWindow must be a whole number of minutes ≥ 1, not ${size}.`, [
      { path: 'timeSliceWindow', message: 'a whole number of minutes ≥ 1' },
    ]);
  }
  const anchor = options.anchorMinute ?? 0;
  const first = anchor + Math.ceil((options.fromMinute - anchor) / size) * size;
  return { size, first, count: Math.max(0, Math.ceil((options.toMinute - first) / size)) };
}

class SliceRecords {
  readonly minutes: number[] = [];
  readonly good: number[] = [];
  readonly data: number[] = [];
  readonly noData: number[] = [];

  push(minute: number, good: number, data: number, noData: number): void {
    this.minutes.push(minute);
    this.good.push(good);
    this.data.push(data);
    this.noData.push(noData);
  }

  buckets(): MinuteBuckets {
    return { minutes: this.minutes, channels: [this.good, this.data, this.noData] };
  }
}

/** A slice that ended without data counts as no data, unless corrections cover all of it. */
function pushNoData(records: SliceRecords, grid: SliceGrid, start: number, options: SliceOptions): void {
  const complete = start + grid.size <= (options.until ?? options.toMinute);
  const corrected =
    options.mask !== undefined && maskedMinutes(options.mask, start, start + grid.size) === grid.size;
  if (complete && !corrected) records.push(start, 0, 0, 1);
}

/** Slice records of a ratio SLI from its minute buckets (channels: good, total). */
export function sliceBuckets(buckets: MinuteBuckets, rule: SliceRule, options: SliceOptions): MinuteBuckets {
  const grid = sliceGrid(options);
  const good = new Float64Array(grid.count);
  const total = new Float64Array(grid.count);
  const goods = buckets.channels[0]!;
  const totals = buckets.channels[1]!;
  const masked = options.mask !== undefined && options.mask.ranges.length > 0 ? options.mask : undefined;
  const until = options.until ?? options.toMinute;
  for (let r = 0; r < buckets.minutes.length; r++) {
    const m = buckets.minutes[r]!;
    if (m < grid.first || m >= until) continue;
    if (masked !== undefined && maskedMinutes(masked, m, m + 1) === 1) continue;
    const j = Math.floor((m - grid.first) / grid.size);
    if (j >= grid.count) continue;
    good[j]! += goods[r]!;
    total[j]! += totals[r]!;
  }
  const records = new SliceRecords();
  for (let j = 0; j < grid.count; j++) {
    const start = grid.first + j * grid.size;
    const units = sliceGoodUnits(good[j]!, total[j]!, rule);
    if (units !== null) records.push(start, units, 1, 0);
    else pushNoData(records, grid, start, options);
  }
  return records.buckets();
}

/**
 * Slice records of a threshold SLI: one value per slice (e.g. the slice's p99 latency), keyed
 * by any minute inside the slice. A slice is good when its value satisfies `op threshold`.
 * Two values for one slice are refused — aggregate them to one before.
 */
export function thresholdSliceBuckets(
  values: { minutes: ArrayLike<number>; values: ArrayLike<number> },
  op: Operator,
  threshold: number,
  options: SliceOptions,
): MinuteBuckets {
  const grid = sliceGrid(options);
  const value = new Float64Array(grid.count).fill(Number.NaN);
  for (let r = 0; r < values.minutes.length; r++) {
    const m = values.minutes[r]!;
    if (m < grid.first || m >= options.toMinute) continue;
    const j = Math.floor((m - grid.first) / grid.size);
    if (!Number.isNaN(value[j]!)) {
      throw new InputError(`Two values for the time slice starting at minute ${grid.first + j * grid.size}.`);
    }
    const v = values.values[r]!;
    if (!Number.isFinite(v)) throw new InputError(`A threshold SLI value must be a finite number, not ${v}.`);
    value[j] = v;
  }
  const records = new SliceRecords();
  for (let j = 0; j < grid.count; j++) {
    const start = grid.first + j * grid.size;
    const v = value[j]!;
    const corrected =
      options.mask !== undefined && maskedMinutes(options.mask, start, start + grid.size) === grid.size;
    if (Number.isNaN(v) || corrected) pushNoData(records, grid, start, options);
    else records.push(start, thresholdSatisfied(v, op, threshold) ? 1 : 0, 1, 0);
  }
  return records.buckets();
}

/**
 * Occurrences of a threshold SLI: every value is one event, good when it satisfies
 * `op threshold`. Returns minute buckets with channels good, total.
 */
export function thresholdOccurrenceBuckets(
  values: { minutes: ArrayLike<number>; values: ArrayLike<number> },
  op: Operator,
  threshold: number,
): MinuteBuckets {
  const n = values.minutes.length;
  const good = new Float64Array(n);
  const total = new Float64Array(n).fill(1);
  for (let r = 0; r < n; r++) good[r] = thresholdSatisfied(values.values[r]!, op, threshold) ? 1 : 0;
  return { minutes: values.minutes, channels: [good, total] };
}
