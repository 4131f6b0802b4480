import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawMinute } from '../test-support/slo-buckets.js';
import { BASE_MINUTE, rawMinutes, toBuckets } from '../test-support/slo-buckets.js';
import { BucketSeries } from './bucket-series.js';
import { evaluateSlo } from './evaluate.js';
import { isMasked, maskFromRanges } from './minute-mask.js';
import { MINUTE_MS } from './time-window.js';
import type { SliceRule } from './timeslices.js';
import {
  sliceBuckets,
  sliceGoodUnits,
  thresholdOccurrenceBuckets,
  thresholdSatisfied,
  thresholdSliceBuckets,
} from './timeslices.js';

const SPAN = 2 * 1440;
const FROM = BASE_MINUTE;
const TO = BASE_MINUTE + SPAN;

function seriesOf(buckets: ReturnType<typeof sliceBuckets>) {
  return BucketSeries.build(buckets, { fromMinute: FROM, toMinute: TO, keep: 'all' });
}

/** Slices counted one by one from the raw minutes. */
function naiveSlices(raw: readonly RawMinute[], rule: SliceRule, size: number, from: number, to: number) {
  let good = 0;
  let data = 0;
  let noData = 0;
  for (let s = FROM; s < TO; s += size) {
    if (s < from || s >= to) continue;
    let g = 0;
    let t = 0;
    for (const r of raw) if (r.minute >= s && r.minute < s + size) [g, t] = [g + r.good, t + r.total];
    if (t > 0) {
      data += 1;
      good += rule.method === 'RatioTimeslices' ? g / t : g / t >= rule.timeSliceTarget ? 1 : 0;
    } else if (s + size <= TO) noData += 1;
  }
  return { good, data, noData };
}

describe('slice outcomes', () => {
  it('Timeslices: a slice is good when its ratio of sums meets the target; RatioTimeslices keeps the ratio', () => {
    expect(sliceGoodUnits(95, 100, { method: 'Timeslices', timeSliceTarget: 0.95 })).toBe(1);
    expect(sliceGoodUnits(94, 100, { method: 'Timeslices', timeSliceTarget: 0.95 })).toBe(0);
    expect(sliceGoodUnits(94, 100, { method: 'RatioTimeslices' })).toBe(0.94);
    expect(sliceGoodUnits(0, 0, { method: 'RatioTimeslices' })).toBeNull();
  });

  it('threshold operators', () => {
    expect([thresholdSatisfied(1, 'lt', 1), thresholdSatisfied(1, 'lte', 1)]).toEqual([false, true]);
    expect([thresholdSatisfied(1, 'gt', 1), thresholdSatisfied(1, 'gte', 1)]).toEqual([false, true]);
  });
});

describe('sliceBuckets', () => {
  const rules: SliceRule[] = [{ method: 'Timeslices', timeSliceTarget: 0.9 }, { method: 'RatioTimeslices' }];

  it('window sums of slice records equal slices counted one by one', () => {
    fc.assert(
      fc.property(
        rawMinutes(SPAN, 300),
        fc.constantFrom(...rules),
        fc.constantFrom(1, 5, 10, 60),
        fc.integer({ min: 0, max: SPAN }),
        fc.integer({ min: 0, max: SPAN }),
        (raw, rule, size, a, b) => {
          const from = FROM + Math.min(a, b);
          const to = FROM + Math.max(a, b);
          const series = seriesOf(
            sliceBuckets(toBuckets(raw), rule, { sliceMinutes: size, fromMinute: FROM, toMinute: TO }),
          );
          const [good, data, noData] = series.sumInto(from, to, [0, 0, 0]);
          const expected = naiveSlices(raw, rule, size, from, to);
          expect(data).toBe(expected.data);
          expect(noData).toBe(expected.noData);
          expect(good).toBeCloseTo(expected.good, 9);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('slices start at the anchor, and a slice still in progress without data is not yet "no data"', () => {
    const raw = [{ minute: FROM + 7, good: 1, total: 1 }];
    const records = sliceBuckets(toBuckets(raw), rules[0]!, {
      sliceMinutes: 5,
      anchorMinute: FROM + 2,
      fromMinute: FROM,
      toMinute: FROM + 14,
    });
    // Slices [2,7) [7,12) complete, [12,17) in progress.
    expect(Array.from(records.minutes, (m) => m - FROM)).toEqual([2, 7]);
    expect(Array.from(records.channels[2]!)).toEqual([1, 0]);
  });

  it('a slice wholly under a correction counts nowhere; a partly corrected one counts its other minutes', () => {
    const raw = [
      { minute: FROM + 1, good: 0, total: 10 },
      { minute: FROM + 6, good: 0, total: 10 },
      { minute: FROM + 9, good: 10, total: 10 },
    ];
    const mask = maskFromRanges([
      { from: FROM, to: FROM + 5 },
      { from: FROM + 6, to: FROM + 7 },
    ]);
    const records = sliceBuckets(toBuckets(raw), rules[0]!, {
      sliceMinutes: 5,
      fromMinute: FROM,
      toMinute: FROM + 15,
      mask,
    });
    const series = BucketSeries.build(records, { fromMinute: FROM, toMinute: FROM + 15, keep: 'all' });
    expect(series.sumInto(FROM, FROM + 15, [0, 0, 0])).toEqual([1, 1, 1]); // [5,10) good, [10,15) no data
    expect(isMasked(mask, FROM + 6)).toBe(true);
  });

  it('no-data slices are reported and left out of the budget', () => {
    const raw: RawMinute[] = [];
    for (let m = FROM; m < FROM + 60; m++) if (m % 3 !== 0) raw.push({ minute: m, good: m % 2, total: 1 });
    const rule = rules[0]!;
    const series = seriesOf(
      sliceBuckets(toBuckets(raw), rule, { sliceMinutes: 1, fromMinute: FROM, toMinute: TO }),
    );
    const now = (FROM + 60) * MINUTE_MS;
    const status = evaluateSlo(
      { series, objective: 0.5, sliceMinutes: 1 },
      { start: now - 3_600_000, end: now },
      true,
      now,
    );
    expect(status.noDataSlices).toBe(20);
    expect(status.total).toBe(40);
    expect(status.good).toBe(raw.filter((r) => r.good === 1).length);
    expect(status.remainingMinutes).toBe(Math.max(0, status.remainingEvents!)); // one slice a minute
  });
});

describe('threshold SLIs', () => {
  it('Timeslices: one value per slice, good when it satisfies op value', () => {
    const records = thresholdSliceBuckets(
      { minutes: [FROM + 2, FROM + 5, FROM + 13], values: [120, 340, 90] },
      'lte',
      200,
      { sliceMinutes: 5, fromMinute: FROM, toMinute: FROM + 20 },
    );
    expect(Array.from(records.minutes, (m) => m - FROM)).toEqual([0, 5, 10, 15]);
    expect(records.channels.map((c) => Array.from(c))).toEqual([
      [1, 0, 1, 0],
      [1, 1, 1, 0],
      [0, 0, 0, 1],
    ]);
  });

  it('refuses two values for one slice', () => {
    expect(() =>
      thresholdSliceBuckets({ minutes: [FROM, FROM + 1], values: [1, 2] }, 'lt', 5, {
        sliceMinutes: 5,
        fromMinute: FROM,
        toMinute: FROM + 5,
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('Occurrences: every value is one event', () => {
    const buckets = thresholdOccurrenceBuckets(
      { minutes: [FROM, FROM, FROM + 1], values: [0.2, 0.5, 0.1] },
      'lt',
      0.3,
    );
    const series = BucketSeries.build(buckets, { fromMinute: FROM, toMinute: TO, keep: 'all' });
    expect(series.sumInto(FROM, FROM + 2, [0, 0])).toEqual([2, 3]);
  });

  it('refuses a slice length that is not a whole number of minutes', () => {
    expect(() =>
      sliceBuckets(
        toBuckets([]),
        { method: 'RatioTimeslices' },
        { sliceMinutes: 0.5, fromMinute: 0, toMinute: 10 },
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
