import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawMinute } from '../test-support/slo-buckets.js';
import { BASE_MINUTE, minuteWindow, naiveSums, rawMinutes, toBuckets } from '../test-support/slo-buckets.js';
import { BucketSeries, edgeRanges, MinutesNotRetainedError } from './bucket-series.js';
import { EVALUATION_LOOKBACK_MINUTES } from './evaluate.js';
import { maskFromRanges } from './minute-mask.js';

const SPAN = 3 * 24 * 60 + 17; // three days and a ragged end
const span = { from: BASE_MINUTE, to: BASE_MINUTE + SPAN };

function build(raw: readonly RawMinute[], keep: Parameters<typeof BucketSeries.build>[1]['keep'] = 'all') {
  return BucketSeries.build(toBuckets(raw), { fromMinute: span.from, toMinute: span.to, keep });
}

/** Keeps minute resolution only where the query's two edges fall. */
const edgesOf = (q: { from: number; to: number }) => [
  { from: q.from, to: q.from + 1 },
  { from: q.to, to: q.to + 1 },
];

describe('BucketSeries sums', () => {
  it('equal a naive sum over the raw minutes, exactly, for any window', () => {
    fc.assert(
      fc.property(
        rawMinutes(SPAN),
        fc.array(minuteWindow(SPAN), { minLength: 1, maxLength: 8 }),
        (raw, windows) => {
          const series = build(raw);
          for (const w of windows) {
            expect([...series.sumInto(w.from, w.to, [0, 0])]).toEqual(naiveSums(raw, w.from, w.to, span));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('are the same whether an hour holds its minutes or only its sums (the rollup never changes a result)', () => {
    fc.assert(
      fc.property(rawMinutes(SPAN), minuteWindow(SPAN), (raw, w) => {
        const full = build(raw);
        const lean = build(raw, edgesOf(w));
        expect(lean.blockHours.length).toBeLessThanOrEqual(3);
        expect(lean.sum(w.from, w.to, 0)).toBe(full.sum(w.from, w.to, 0));
        expect(lean.sum(w.from, w.to, 1)).toBe(full.sum(w.from, w.to, 1));
      }),
      { numRuns: 300 },
    );
  });

  it('answer hour-aligned windows from hour sums alone', () => {
    fc.assert(
      fc.property(
        rawMinutes(SPAN),
        fc.integer({ min: 0, max: 80 }),
        fc.integer({ min: 0, max: 80 }),
        (raw, a, b) => {
          const lean = build(raw, []);
          const from = (Math.floor(BASE_MINUTE / 60) + Math.min(a, b)) * 60;
          const to = (Math.floor(BASE_MINUTE / 60) + Math.max(a, b)) * 60;
          expect(lean.sum(from, to, 1)).toBe(naiveSums(raw, from, to, span)[1]);
        },
      ),
    );
  });

  it('keep float values within rounding of the naive sum (Prometheus increase() is not an integer)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            offset: fc.integer({ min: 0, max: SPAN - 1 }),
            good: fc.double({ min: 0, max: 1e4, noNaN: true }),
            total: fc.double({ min: 0, max: 1e4, noNaN: true }),
          }),
          { maxLength: 300 },
        ),
        minuteWindow(SPAN),
        (records, w) => {
          const raw = records.map((r) => ({ minute: BASE_MINUTE + r.offset, good: r.good, total: r.total }));
          const series = build(raw, edgesOf(w));
          const [, total] = naiveSums(raw, w.from, w.to, span);
          expect(Math.abs(series.sum(w.from, w.to, 1) - total)).toBeLessThanOrEqual(1e-6);
        },
      ),
    );
  });

  it('refuse NaN, negative and fractional minutes', () => {
    const bad = (value: number, minute = BASE_MINUTE) =>
      BucketSeries.build(
        { minutes: [minute], channels: [[value], [value]] },
        { fromMinute: span.from, toMinute: span.to, keep: [] },
      );
    expect(() => bad(Number.NaN)).toThrow(expect.objectContaining({ code: 'INVALID_BUCKETS' }));
    expect(() => bad(-1)).toThrow(expect.objectContaining({ code: 'INVALID_BUCKETS' }));
    expect(() => bad(1, BASE_MINUTE + 0.5)).toThrow(expect.objectContaining({ code: 'INVALID_BUCKETS' }));
  });
});

describe('minutes that are not held', () => {
  it('an edge inside an hour with data but without its minutes throws, naming the hour; loading it fixes the answer', () => {
    const raw: RawMinute[] = [
      { minute: BASE_MINUTE + 125, good: 7, total: 9 },
      { minute: BASE_MINUTE + 130, good: 1, total: 4 },
    ];
    const series = build(raw, []);
    const from = BASE_MINUTE + 128;
    const hour = Math.floor(from / 60);
    expect(series.missingHours([{ from, to: from + 1 }])).toEqual([hour]);
    expect(() => series.sum(from, span.to)).toThrow(MinutesNotRetainedError);
    try {
      series.sum(from, span.to);
    } catch (error) {
      expect((error as MinutesNotRetainedError).hour).toBe(hour);
    }
    const minutes = [new Array(60).fill(0), new Array(60).fill(0)];
    for (const r of raw) {
      if (Math.floor(r.minute / 60) === hour) {
        minutes[0]![r.minute - hour * 60] = r.good;
        minutes[1]![r.minute - hour * 60] = r.total;
      }
    }
    series.setHourMinutes(hour, minutes);
    expect(series.missingHours([{ from, to: from + 1 }])).toEqual([]);
    expect(series.sumInto(from, span.to, [0, 0])).toEqual(naiveSums(raw, from, span.to, span));
  });

  it('an hour without data needs no minutes', () => {
    const series = build([{ minute: BASE_MINUTE + 600, good: 1, total: 1 }], []);
    expect(series.sum(BASE_MINUTE + 61, BASE_MINUTE + 660, 1)).toBe(1); // 660 is an hour boundary
    expect(series.retains(BASE_MINUTE + 61)).toBe(true);
  });

  it('setHourMinutes takes late data in: the hour sums follow the minutes given', () => {
    const series = build([{ minute: BASE_MINUTE + 5, good: 1, total: 1 }], []);
    const hour = Math.floor((BASE_MINUTE + 5) / 60);
    const minutes = [new Array(60).fill(1), new Array(60).fill(2)];
    series.setHourMinutes(hour, minutes);
    expect(series.sum(hour * 60, (hour + 1) * 60, 1)).toBe(120);
    expect(series.sum(hour * 60, span.to, 0)).toBe(60);
  });

  it('dropBlocks frees what no edge needs, keeping the newest hour', () => {
    const series = build([], 'all');
    const newest = Math.floor((span.to - 1) / 60);
    const keep = [{ from: BASE_MINUTE + 600, to: BASE_MINUTE + 601 }];
    series.dropBlocks(keep);
    expect(series.blockHours).toEqual([Math.floor((BASE_MINUTE + 600) / 60), newest].sort((a, b) => a - b));
  });
});

describe('data arriving after the build', () => {
  it('adding minutes in time order gives the sums of building from all of them', () => {
    fc.assert(
      fc.property(
        rawMinutes(SPAN),
        fc.integer({ min: 1, max: SPAN - 1 }),
        minuteWindow(SPAN),
        (raw, cut, w) => {
          const sorted = [...raw].sort((a, b) => a.minute - b.minute);
          const early = sorted.filter((r) => r.minute < BASE_MINUTE + cut);
          const series = BucketSeries.build(toBuckets(early), {
            fromMinute: span.from,
            toMinute: BASE_MINUTE + cut,
            keep: 'all',
          });
          for (const r of sorted) if (r.minute >= BASE_MINUTE + cut) series.add(r.minute, [r.good, r.total]);
          expect(series.sumInto(w.from, w.to, [0, 0])).toEqual(naiveSums(raw, w.from, w.to, span));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('late data in an hour without minutes updates the hour sums; data before the span is refused', () => {
    const series = build([{ minute: BASE_MINUTE + 10, good: 1, total: 1 }], []);
    expect(series.add(BASE_MINUTE + 70, [3, 5])).toBe(true);
    const hour = Math.floor((BASE_MINUTE + 70) / 60);
    expect(series.sum(hour * 60, (hour + 1) * 60, 1)).toBe(5);
    expect(series.add(BASE_MINUTE - 600, [1, 1])).toBe(false);
  });

  it('set replaces a minute (a slice still filling), in the newest hour or a held one; elsewhere it throws', () => {
    const series = build([{ minute: span.to - 3, good: 1, total: 1 }], []);
    series.set(span.to - 3, [0, 1]); // the slice turned bad
    series.set(span.to - 2, [1, 1]);
    expect(series.sumInto(span.to - 60, span.to, [0, 0])).toEqual([1, 2]);
    const old = BASE_MINUTE + 5;
    const withData = build([{ minute: old, good: 1, total: 1 }], []);
    expect(() => withData.set(old, [0, 1])).toThrow(MinutesNotRetainedError);
    const held = build([{ minute: old, good: 1, total: 1 }], 'all');
    held.set(old, [0, 2]);
    expect(held.sumInto(span.from, span.to, [0, 0])).toEqual([0, 2]);
  });

  it('compact forgets old hours; windows reaching back count from the new start', () => {
    fc.assert(
      fc.property(rawMinutes(SPAN), fc.integer({ min: 0, max: SPAN }), minuteWindow(SPAN), (raw, cut, w) => {
        const series = build(raw);
        series.compact(BASE_MINUTE + cut);
        const kept = { from: series.fromMinute, to: span.to };
        expect(series.sumInto(w.from, w.to, [0, 0])).toEqual(naiveSums(raw, w.from, w.to, kept));
      }),
    );
  });
});

describe('corrections', () => {
  it('masked minutes count for nothing, and masking only ever removes', () => {
    fc.assert(
      fc.property(
        rawMinutes(SPAN),
        fc.array(minuteWindow(SPAN), { maxLength: 5 }),
        minuteWindow(SPAN),
        (raw, masked, w) => {
          const mask = maskFromRanges(masked);
          const plain = build(raw);
          const corrected = BucketSeries.build(toBuckets(raw), {
            fromMinute: span.from,
            toMinute: span.to,
            keep: 'all',
            mask,
          });
          const [good, total] = corrected.sumInto(w.from, w.to, [0, 0]);
          expect([good, total]).toEqual(naiveSums(raw, w.from, w.to, span, mask));
          expect(good).toBeLessThanOrEqual(plain.sum(w.from, w.to, 0));
          expect(total).toBeLessThanOrEqual(plain.sum(w.from, w.to, 1));
        },
      ),
    );
  });
});

describe('memory', () => {
  it('30 days with the evaluation edges held for an hour: a few blocks and under 40 KB', () => {
    const days = 30;
    const n = days * 1440;
    const minutes = Int32Array.from({ length: n }, (_, i) => BASE_MINUTE + i);
    const total = Float64Array.from({ length: n }, (_, i) => 100 + (i % 7));
    const good = total.map((t, i) => (i % 97 === 0 ? t - 3 : t));
    const now = BASE_MINUTE + n;
    const series = BucketSeries.build(
      { minutes, channels: [good, total] },
      {
        fromMinute: BASE_MINUTE,
        toMinute: now,
        keep: edgeRanges(now, [...EVALUATION_LOOKBACK_MINUTES, days * 1440], 60),
      },
    );
    expect(series.blockHours.length).toBeLessThanOrEqual(20);
    expect(series.byteSize).toBeLessThan(40_000);
    let expected = 0;
    for (let i = 0; i < n; i++) expected += total[i]!;
    expect(series.sum(now - n, now, 1)).toBe(expected);
  });
});
