/**
 * Seasonality from the data: for each candidate period p, the series minus its moving average
 * over p (which removes trend and level shifts) is autocorrelated at lag p. Candidates come from
 * the step: daily and weekly for sub-daily steps, weekly for daily steps, 12 for monthly steps.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** Below this autocorrelation a period is not called seasonal. */
export const MIN_AUTOCORRELATION = 0.3;

/** Seasonal periods worth testing for a step (in steps): whole days and weeks, 12 for months. */
export function seasonCandidates(stepMs: number): number[] {
  if (stepMs >= 28 * DAY && stepMs <= 31 * DAY) return [12];
  const out: number[] = [];
  for (const span of [DAY, WEEK]) {
    const p = span / stepMs;
    if (Number.isInteger(p) && p >= 2) out.push(p);
  }
  return out;
}

/** "daily (24 steps)", "weekly (168 steps)" or "period 12". */
export function describePeriod(period: number, stepMs?: number): string {
  if (stepMs !== undefined) {
    if (period * stepMs === DAY) return `daily seasonality (period ${period})`;
    if (period * stepMs === WEEK) return `weekly seasonality (period ${period})`;
    if (period === 12 && stepMs >= 28 * DAY && stepMs <= 31 * DAY)
      return 'yearly seasonality (period 12 months)';
  }
  return `seasonality with period ${period}`;
}

/** Autocorrelation at lag p of y minus its p-wide moving average; null when too short. */
export function seasonalAutocorrelation(y: ArrayLike<number>, p: number): number | null {
  const n = y.length;
  if (!(p >= 2) || n < 2 * p + 2) return null;
  const d = detrend(y, p);
  const len = d.length;
  // Pearson correlation of d[i] and d[i + p] over the pairs that exist (not the biased ACF, which
  // shrinks long lags by (len − p)/len and would favour short periods).
  const pairs = len - p;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < pairs; i++) {
    ma += d[i]!;
    mb += d[i + p]!;
  }
  ma /= pairs;
  mb /= pairs;
  let num = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < pairs; i++) {
    const a = d[i]! - ma;
    const b = d[i + p]! - mb;
    num += a * b;
    va += a * a;
    vb += b * b;
  }
  if (va === 0 || vb === 0) return null;
  return num / Math.sqrt(va * vb);
}

/**
 * Robust spread of the seasonal naive error at lag p: the median absolute deviation of
 * y[t] − y[t−p] from its median. The median centring absorbs a steady drift, and the medians
 * ignore a step change (which spoils a window of p differences, a minority).
 */
export function seasonalNaiveSpread(y: ArrayLike<number>, p: number): number {
  const len = y.length - p;
  if (len < 1) return Number.POSITIVE_INFINITY;
  const d = new Float64Array(len);
  for (let i = 0; i < len; i++) d[i] = y[i + p]! - y[i]!;
  const centre = median(d);
  for (let i = 0; i < len; i++) d[i] = Math.abs(d[i]! - centre);
  return median(d);
}

/** The median, by quickselect (reorders `a`): O(n), where sorting was the detector's main cost. */
function median(a: Float64Array): number {
  const n = a.length;
  const k = n >> 1;
  const hi = select(a, k);
  if (n % 2 === 1) return hi;
  let lo = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < k; i++) if (a[i]! > lo) lo = a[i]!;
  return (lo + hi) / 2;
}

/** Hoare's selection: puts the k-th smallest at a[k] with smaller values before it; returns it. */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (left < right) {
    const pivot = a[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return a[k]!;
}

/**
 * y minus (or, with `ratio`, divided by) its centred moving average over p: the trend removed,
 * every cycle that repeats within p kept. Length n − p + 1.
 */
export function detrend(y: ArrayLike<number>, p: number, ratio = false): Float64Array {
  const len = y.length - p + 1;
  const h = Math.floor(p / 2);
  const d = new Float64Array(Math.max(0, len));
  let sum = 0;
  for (let i = 0; i < p && i < y.length; i++) sum += y[i]!;
  for (let i = 0; i < len; i++) {
    if (i > 0) sum += y[i + p - 1]! - y[i - 1]!;
    d[i] = ratio ? y[i + h]! / (sum / p) : y[i + h]! - sum / p;
  }
  return d;
}

export interface SeasonalityResult {
  period: number | null;
  /** Why, in words: "weekly seasonality (period 168) found: autocorrelation 0.97 at lag 168". */
  reason: string;
  scores: { period: number; autocorrelation: number | null }[];
}

/** A longer period replaces a shorter one when its seasonal naive spread is below this share of the shorter's. */
const LONGER_PERIOD_GAIN = 0.85;

/**
 * Picks the seasonal period among `candidates` (default daily and weekly on hourly data): the
 * shortest whose autocorrelation reaches MIN_AUTOCORRELATION, replaced by a longer one (168 over
 * 24) when that also qualifies and repeating the value one longer period ago predicts clearly
 * better (robust spread below 85 % of the shorter period's, on the values or, for strictly
 * positive data, on their logarithms) — the weekly cycle is then real.
 */
export function detectSeasonality(
  values: ArrayLike<number>,
  candidates: number[] = [24, 168],
  stepMs?: number,
): SeasonalityResult {
  const scores = [...candidates]
    .sort((a, b) => a - b)
    .map((period) => ({ period, autocorrelation: seasonalAutocorrelation(values, period) }));
  let positive = true;
  for (let i = 0; i < values.length; i++) if (!(values[i]! > 0)) positive = false;
  /**
   * How much better lag `long` predicts than lag `short` (< 1 is better), on the series detrended
   * over `long` — by difference and, for positive data, by ratio (a swing growing with the level
   * would otherwise make the longer lag look worse).
   */
  const gain = (short: number, long: number) => {
    const ratioOf = (d: Float64Array) => seasonalNaiveSpread(d, long) / seasonalNaiveSpread(d, short);
    const additive = ratioOf(detrend(values, long));
    return positive ? Math.min(additive, ratioOf(detrend(values, long, true))) : additive;
  };
  const round = (x: number) => Math.round(x * 100) / 100;
  let chosen: { period: number; autocorrelation: number } | null = null;
  for (const s of scores) {
    const r = s.autocorrelation;
    if (r === null || r < MIN_AUTOCORRELATION) continue;
    if (!chosen || gain(chosen.period, s.period) < LONGER_PERIOD_GAIN)
      chosen = { period: s.period, autocorrelation: r };
  }
  if (chosen) {
    return {
      period: chosen.period,
      reason: `${describePeriod(chosen.period, stepMs)} found: autocorrelation ${round(chosen.autocorrelation)} at lag ${chosen.period}`,
      scores,
    };
  }
  const tested = scores.filter((s) => s.autocorrelation !== null);
  if (tested.length === 0) {
    const shortest = Math.min(...candidates);
    let reason = 'no seasonality found: the series is flat after removing its trend';
    if (candidates.length === 0) reason = 'no seasonal period to test for this step';
    else if (values.length < 2 * shortest + 2) {
      reason = `too short for seasonality: ${values.length} points, fewer than 2 full seasons of ${shortest} (+2)`;
    }
    return { period: null, reason, scores };
  }
  const best = tested.reduce((a, b) => ((b.autocorrelation ?? -1) > (a.autocorrelation ?? -1) ? b : a));
  return {
    period: null,
    reason: `no seasonality found: strongest autocorrelation ${round(best.autocorrelation ?? 0)} at lag ${best.period}, below ${MIN_AUTOCORRELATION}`,
    scores,
  };
}
