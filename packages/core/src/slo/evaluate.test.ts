import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawMinute } from '../test-support/slo-buckets.js';
import { BASE_MINUTE, naiveSums, rawMinutes, toBuckets } from '../test-support/slo-buckets.js';
import { BucketSeries, edgeRanges } from './bucket-series.js';
import { errorBudget, exhaustionDate } from './budget.js';
import { compositeStatus } from './composite.js';
import {
  BURN_RATE_WINDOWS,
  EVALUATION_LOOKBACK_MINUTES,
  evaluateObjectives,
  evaluateSlo,
  newEvaluation,
} from './evaluate.js';
import { maskFromRanges } from './minute-mask.js';
import { MINUTE_MS, minuteAfter } from './time-window.js';

const SPAN = 8 * 1440;
const span = { from: BASE_MINUTE, to: BASE_MINUTE + SPAN };
const objectives = fc.constantFrom(0.9, 0.95, 0.99, 0.999, 0.9995);

/** A series holding minutes only where this evaluation's edges fall. */
function leanSeries(raw: readonly RawMinute[], now: number, windowMinutes: number) {
  return BucketSeries.build(toBuckets(raw), {
    fromMinute: span.from,
    toMinute: span.to,
    keep: edgeRanges(minuteAfter(now), [...EVALUATION_LOOKBACK_MINUTES, windowMinutes], 0),
  });
}

const naiveBurn = (raw: readonly RawMinute[], from: number, to: number, objective: number) => {
  const [good, total] = naiveSums(raw, from, to, span);
  return total > 0 ? (total - good) / total / errorBudget(objective) : null;
};

function expectClose(actual: number | null, expected: number | null): void {
  if (expected === null) expect(actual).toBeNull();
  else expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
}

describe('evaluateSlo equals a naive recomputation over the raw minutes', () => {
  it('window sums, burn rates, remaining minutes and forecasts, for random series, windows and times', () => {
    fc.assert(
      fc.property(
        rawMinutes(SPAN, 600),
        fc.integer({ min: 0, max: SPAN * MINUTE_MS }),
        fc.integer({ min: 60, max: 4 * 1440 }),
        objectives,
        (raw, offsetMs, windowMinutes, objective) => {
          const now = BASE_MINUTE * MINUTE_MS + offsetMs;
          const series = leanSeries(raw, now, windowMinutes);
          const window = { start: now - windowMinutes * MINUTE_MS, end: now };
          const status = evaluateSlo({ series, objective }, window, true, now);
          const to = minuteAfter(now);
          const [good, total] = naiveSums(raw, to - windowMinutes, to, span);
          expect([status.good, status.total]).toEqual([good, total]);
          const budget = errorBudget(objective);
          expectClose(status.consumed, total > 0 ? (total - good) / total / budget : 0);
          expect(status.remaining + status.consumed).toBeCloseTo(1, 12);
          expectClose(status.remainingEvents, budget * total - (total - good));
          expectClose(status.burnRates.window, naiveBurn(raw, to - windowMinutes, to, objective));
          for (const w of BURN_RATE_WINDOWS) {
            expectClose(status.burnRates[w.key], naiveBurn(raw, to - w.minutes, to, objective));
          }
          const lastHour = naiveSums(raw, to - 60, to, span)[1] / 60;
          expectClose(
            status.remainingMinutes,
            lastHour > 0 ? Math.max(0, status.remainingEvents!) / lastHour : null,
          );
          const lengthMs = windowMinutes * MINUTE_MS;
          const week = naiveBurn(raw, to - 10_080, to, objective);
          expect(status.exhaustion['7d']).toBe(
            exhaustionDate(now, status.remaining, week, lengthMs, now + lengthMs),
          );
          expect(status.exhaustion['1h']).toBe(
            exhaustionDate(now, status.remaining, status.burnRates['1h'], lengthMs, now + lengthMs),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a calendar window counts from its period start and forecasts up to its end', () => {
    const raw: RawMinute[] = [];
    for (let m = BASE_MINUTE; m < span.to; m += 7) raw.push({ minute: m, good: 98, total: 100 });
    const start = (BASE_MINUTE + 1_000) * MINUTE_MS + 30_000; // mid-minute: counts from the next minute
    const now = (BASE_MINUTE + 3_000) * MINUTE_MS + 5_000;
    const period = { start, end: start + 3 * 1440 * MINUTE_MS };
    const series = BucketSeries.build(toBuckets(raw), {
      fromMinute: span.from,
      toMinute: span.to,
      keep: edgeRanges(minuteAfter(now), EVALUATION_LOOKBACK_MINUTES, 0, [Math.ceil(start / MINUTE_MS)]),
    });
    const status = evaluateSlo({ series, objective: 0.9 }, period, false, now);
    const [good, total] = naiveSums(raw, BASE_MINUTE + 1_001, minuteAfter(now), span);
    expect([status.good, status.total]).toEqual([good, total]);
    // 2 % errors against a 10 % budget: 20 % used per period; remaining 0.8 at burn 0.2 outlives the period.
    expect(status.burnRates['1d']).toBeCloseTo(0.2, 12);
    expect(status.exhaustion['1d']).toBeNull();
  });
});

describe('corrections in an evaluation', () => {
  it('a window that lies wholly under a correction has no burn rate; outside it nothing changes', () => {
    const raw: RawMinute[] = [];
    for (let m = BASE_MINUTE; m < span.to; m++)
      raw.push({ minute: m, good: m % 2 === 0 ? 10 : 0, total: 10 });
    const now = (span.to - 1) * MINUTE_MS;
    const to = minuteAfter(now);
    const mask = maskFromRanges([{ from: to - 30, to }]);
    const series = BucketSeries.build(toBuckets(raw), {
      fromMinute: span.from,
      toMinute: span.to,
      keep: 'all',
      mask,
    });
    const status = evaluateSlo(
      { series, objective: 0.99 },
      { start: now - 1440 * MINUTE_MS, end: now },
      true,
      now,
    );
    expect(status.burnRates['5m']).toBeNull();
    expect(status.burnRates['30m']).toBeNull();
    expect(status.total).toBe((1440 - 30) * 10);
  });
});

describe('composite SLOs', () => {
  it('evaluateObjectives combines the parts as compositeStatus says, window by window', () => {
    fc.assert(
      fc.property(
        rawMinutes(SPAN, 200),
        rawMinutes(SPAN, 200),
        objectives,
        objectives,
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (rawA, rawB, objA, objB, weightB) => {
          const now = span.to * MINUTE_MS - 1;
          const a = leanSeries(rawA, now, 2 * 1440);
          const b = leanSeries(rawB, now, 2 * 1440);
          const parts = [
            { series: a, objective: objA },
            { series: b, objective: objB, weight: weightB },
          ];
          const status = evaluateObjectives(
            parts,
            { start: now - 2 * 1440 * MINUTE_MS, end: now },
            true,
            now,
          );
          const to = minuteAfter(now);
          for (const w of [...BURN_RATE_WINDOWS, { key: 'window' as const, minutes: 2 * 1440 }]) {
            const [goodA, totalA] = naiveSums(rawA, to - w.minutes, to, span);
            const [goodB, totalB] = naiveSums(rawB, to - w.minutes, to, span);
            const expected = compositeStatus([
              { good: goodA, total: totalA, objective: objA, weight: 1 },
              { good: goodB, total: totalB, objective: objB, weight: weightB },
            ]);
            expectClose(status.burnRates[w.key], expected.burnRate);
            if (w.key === 'window') {
              expectClose(status.sli, expected.sli);
              expectClose(status.consumed, expected.consumed);
            }
          }
          expect(status.remainingEvents).toBeNull();
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('newEvaluation', () => {
  it('is reused without allocating new result objects', () => {
    const series = BucketSeries.build(toBuckets([{ minute: BASE_MINUTE, good: 1, total: 2 }]), {
      fromMinute: span.from,
      toMinute: span.to,
      keep: 'all',
    });
    const out = newEvaluation();
    const rates = out.burnRates;
    const now = (BASE_MINUTE + 10) * MINUTE_MS;
    const again = evaluateSlo(
      { series, objective: 0.5 },
      { start: now - 3_600_000, end: now },
      true,
      now,
      out,
    );
    expect(again).toBe(out);
    expect(again.burnRates).toBe(rates);
    expect(again.burnRates['1h']).toBe(1);
  });
});
