/** Naive references and generators for the SLO maths tests: sums straight over raw minutes. */
import fc from 'fast-check';
import type { MinuteBuckets } from '../slo/bucket-series.js';
import type { MinuteMask } from '../slo/minute-mask.js';
import { isMasked } from '../slo/minute-mask.js';

export interface RawMinute {
  minute: number;
  good: number;
  total: number;
}

export function toBuckets(raw: readonly RawMinute[]): MinuteBuckets {
  return {
    minutes: raw.map((r) => r.minute),
    channels: [raw.map((r) => r.good), raw.map((r) => r.total)],
  };
}

/** Σ good and Σ total over minutes [from, to) ∩ span, skipping masked minutes. */
export function naiveSums(
  raw: readonly RawMinute[],
  from: number,
  to: number,
  span: { from: number; to: number },
  mask?: MinuteMask,
): [number, number] {
  let good = 0;
  let total = 0;
  for (const r of raw) {
    if (r.minute < from || r.minute >= to || r.minute < span.from || r.minute >= span.to) continue;
    if (mask !== undefined && isMasked(mask, r.minute)) continue;
    good += r.good;
    total += r.total;
  }
  return [good, total];
}

/** An epoch minute around 2025, so hour and day arithmetic meets realistic magnitudes. */
export const BASE_MINUTE = 29_000_040;

/** Integer minute records over [BASE_MINUTE, BASE_MINUTE + spanMinutes), repeats allowed. */
export function rawMinutes(spanMinutes: number, maxRecords = 400): fc.Arbitrary<RawMinute[]> {
  return fc.array(
    fc
      .record({
        offset: fc.integer({ min: 0, max: spanMinutes - 1 }),
        good: fc.integer({ min: 0, max: 5_000 }),
        bad: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 300 })),
      })
      .map(({ offset, good, bad }) => ({ minute: BASE_MINUTE + offset, good, total: good + bad })),
    { maxLength: maxRecords },
  );
}

/** A minute range [from, to) inside [BASE_MINUTE − 120, BASE_MINUTE + spanMinutes + 120). */
export function minuteWindow(spanMinutes: number): fc.Arbitrary<{ from: number; to: number }> {
  return fc
    .tuple(
      fc.integer({ min: -120, max: spanMinutes + 120 }),
      fc.integer({ min: -120, max: spanMinutes + 120 }),
    )
    .map(([a, b]) => ({ from: BASE_MINUTE + Math.min(a, b), to: BASE_MINUTE + Math.max(a, b) }));
}
