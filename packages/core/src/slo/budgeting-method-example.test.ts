/**
 * The worked example of OpenSLO's examples/budgeting-method/README.md ("Quick calculations"):
 * a 2-week rolling window, 24 000 requests a day spread evenly, a service that normally answers
 * 99 % of requests well, an objective of 95 %, one-minute time slices, and a DDoS attack that
 * leaves it 1 % available. The README says the budget is gone after
 *   Timeslices       1 008 bad slices of 20 160 = 16 h 48 min of attack,
 *   RatioTimeslices  "about 13 hours and 45 minutes",
 *   Occurrences      "16632 failed requests" (of 336 000 in two weeks).
 * Here the minute series is built, the attack starts when the window is full of normal traffic,
 * and the SLO is evaluated minute by minute until `remaining` crosses 0.
 */
import { describe, expect, it } from 'vitest';
import type { MinuteBuckets } from './bucket-series.js';
import { BucketSeries } from './bucket-series.js';
import type { ObjectiveSeries } from './evaluate.js';
import { evaluateSlo } from './evaluate.js';
import { MINUTE_MS } from './time-window.js';
import { sliceBuckets } from './timeslices.js';

const WINDOW = 14 * 1440; // 20 160 minutes
const T0 = 28_400_000; // first minute of normal traffic (an epoch minute in 2024)
const ATTACK = T0 + WINDOW; // the window is full of normal traffic when the attack starts
const ATTACK_MINUTES = 1_200;
const END = ATTACK + ATTACK_MINUTES;
const PER_MINUTE = 24_000 / 1_440; // 16⅔ requests a minute, evenly
const OBJECTIVE = 0.95;

function minuteBuckets(): MinuteBuckets {
  const n = END - T0;
  const minutes = Int32Array.from({ length: n }, (_, i) => T0 + i);
  const total = new Float64Array(n).fill(PER_MINUTE);
  const good = Float64Array.from(minutes, (m) => (m < ATTACK ? 0.99 : 0.01) * PER_MINUTE);
  return { minutes, channels: [good, total] };
}

const requests = minuteBuckets();
const build = (buckets: MinuteBuckets) =>
  BucketSeries.build(buckets, { fromMinute: T0, toMinute: END, keep: 'all' });

/** The SLO after `k` minutes of attack (now = the end of attack minute k). */
function after(k: number, part: ObjectiveSeries) {
  const now = (ATTACK + k) * MINUTE_MS;
  return evaluateSlo(part, { start: now - WINDOW * MINUTE_MS, end: now }, true, now);
}

/** The first attack minute after which nothing of the budget remains. */
function exhaustedAfter(part: ObjectiveSeries): number {
  for (let k = 0; k <= ATTACK_MINUTES; k++) if (after(k, part).remaining <= 0) return k;
  throw new Error('the budget outlived the attack');
}

describe('OpenSLO budgeting-method example', () => {
  it('Timeslices: 1 008 bad slices, 16 h 48 min', () => {
    const slices = sliceBuckets(
      requests,
      { method: 'Timeslices', timeSliceTarget: 0.95 },
      { sliceMinutes: 1, fromMinute: T0, toMinute: END },
    );
    const part = { series: build(slices), objective: OBJECTIVE, sliceMinutes: 1 };
    const before = after(0, part);
    expect(before.total).toBe(20_160); // slices in the window
    expect(before.remainingEvents).toBe(1_008); // budget: 5 % of 20 160 slices
    expect(before.remainingMinutes).toBe(16 * 60 + 48);
    expect(before.noDataSlices).toBe(0);
    expect(exhaustedAfter(part)).toBe(1_008);
    expect(after(1_008, part).remaining).toBe(0);
  });

  it('RatioTimeslices: 822.9 minutes (13 h 43 min; the README rounds to about 13 h 45 min)', () => {
    const slices = sliceBuckets(
      requests,
      { method: 'RatioTimeslices' },
      { sliceMinutes: 1, fromMinute: T0, toMinute: END },
    );
    const part = { series: build(slices), objective: OBJECTIVE, sliceMinutes: 1 };
    // Mean slice ratio after x attack minutes: (0.99 (20 160 − x) + 0.01 x) ÷ 20 160 = 0.95
    // ⇔ x = 0.04 × 20 160 ÷ 0.98 = 822.857… minutes.
    const exact = (0.04 * WINDOW) / 0.98;
    expect(exact).toBeCloseTo(822.857, 3);
    expect(exhaustedAfter(part)).toBe(Math.ceil(exact));
    expect(after(822, part).remaining).toBeGreaterThan(0);
    expect(after(823, part).remaining).toBeLessThan(0);
  });

  it('Occurrences: a budget of 16 800 bad requests of 336 000; with even traffic it runs out with RatioTimeslices', () => {
    const part = { series: build(requests), objective: OBJECTIVE };
    const before = after(0, part);
    expect(before.total).toBeCloseTo(336_000, 6);
    expect(before.good).toBeCloseTo(332_640, 6);
    const budgetEvents = 0.05 * before.total;
    expect(budgetEvents).toBeCloseTo(16_800, 6);
    // The README's 16 632 is 0.05 × 0.99 × 336 000: 5 % of the 332 640 requests that succeed
    // normally, or equally the failures (99 %) among 16 800 attack requests. Occurrences'
    // budget is 5 % of all requests, 16 800; the normal 1 % failures already spend 3 360 of it,
    // so the attack has 13 440 bad requests left to spend.
    expect(0.05 * before.good).toBeCloseTo(16_632, 6);
    expect(0.99 * budgetEvents).toBeCloseTo(16_632, 6);
    expect(before.remainingEvents).toBeCloseTo(16_800 - 3_360, 6);
    // Each attack minute adds 16.5 bad requests and the minute leaving the window takes ⅙:
    // 13 440 ÷ (16.5 − ⅙) = 822.857… minutes, the RatioTimeslices figure, since every minute
    // carries the same traffic.
    expect(exhaustedAfter(part)).toBe(823);
    // remainingMinutes holds the budget still and counts total failure: 13 440 ÷ 16⅔ = 806.4.
    expect(before.remainingMinutes).toBeCloseTo(806.4, 6);
  });

  it('forecasts the exhaustion from the last hour within a few minutes of when it happens', () => {
    const part = { series: build(requests), objective: OBJECTIVE };
    const status = after(60, part);
    expect(status.burnRates['1h']).toBeCloseTo(0.99 / 0.05, 9);
    const forecastMinutes = (status.exhaustion['1h']! - status.now) / MINUTE_MS;
    const actualMinutes = exhaustedAfter(part) - 60;
    // The model lets the 1h burn rate run and ignores the 1 % failures leaving the window.
    expect(Math.abs(forecastMinutes - actualMinutes)).toBeLessThan(0.02 * actualMinutes);
    // The 7-day burn rate barely moved: at that pace the budget lasts past the window.
    expect(status.exhaustion['7d']).toBeNull();
  });
});
