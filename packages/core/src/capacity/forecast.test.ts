import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyScenario,
  CapacityInputError,
  detectSeasonality,
  forecast,
  type Series,
  seasonalNaiveSpread,
} from './index.js';
import { AIR_PASSENGERS, HOUR, infraSeries } from './test-fixtures.js';

const MONTH = 30 * 24 * HOUR;
const DAY = 24 * HOUR;

function hourly(values: (number | null)[]): Series {
  return { start: Date.parse('2026-01-05T00:00:00Z'), stepMs: HOUR, values };
}

const mae = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
};

describe('AirPassengers (Box & Jenkins series G)', () => {
  it('is the classic series', () => {
    expect(AIR_PASSENGERS).toHaveLength(144);
    expect(AIR_PASSENGERS.reduce((a, b) => a + b, 0)).toBe(40_363);
  });

  it('trained on 1949–1959, forecasts 1960 better than seasonal naive', () => {
    const train = AIR_PASSENGERS.slice(0, 132);
    const actual = AIR_PASSENGERS.slice(132);
    const f = forecast({ start: Date.UTC(1949, 0, 1), stepMs: MONTH, values: train }, { horizon: 12 });
    expect(f.model.kind).toMatch(/^holt-winters-/);
    expect(f.model.period).toBe(12);
    expect(f.model.explanation).toContain('yearly seasonality');
    const means = f.points.map((p) => p.mean);
    // MASE against the in-sample seasonal naive MAE (lag 12) of 1950–1959.
    let scale = 0;
    for (let i = 12; i < 132; i++) scale += Math.abs(train[i]! - train[i - 12]!);
    scale /= 120;
    const mase = mae(actual, means) / scale;
    expect(mase).toBeLessThan(1);
    expect(mase).toBeCloseTo(0.328, 3);
    // …and beats the seasonal naive forecast of 1960 (1959 repeated) out of sample.
    expect(mae(actual, means)).toBeLessThan(mae(actual, train.slice(120)) / 3);
    // The built-in backtest (hold out 1959, fit 1949–1958).
    expect(f.backtest?.heldOut).toBe(12);
    expect(f.backtest?.benchmark).toBe('seasonal-naive (period 12)');
    expect(f.backtest?.mase).toBeLessThan(1);
    expect(f.backtest?.mase).toBeCloseTo(0.837, 3);
    expect(f.backtest?.mape).toBeCloseTo(5.664, 2);
    for (const p of f.points) expect(p.lower <= p.mean && p.mean <= p.upper).toBe(true);
  });
});

describe('generated infrastructure series (hourly, 90 days)', () => {
  const cases = [
    {
      name: 'daily + weekly cycle',
      period: 168,
      o: { seed: 1, slope: 0.05, daily: 40, weekend: 30, noise: 20 },
    },
    { name: 'daily cycle only', period: 24, o: { seed: 2, slope: 0.05, daily: 40, noise: 20 } },
    {
      name: 'daily + weekly with a step change',
      period: 168,
      o: { seed: 3, slope: 0.05, daily: 40, weekend: 30, noise: 20, step: { at: 1500, by: 80 } },
    },
    {
      name: 'steeper trend, weaker cycle',
      period: 168,
      o: { seed: 5, base: 500, slope: 0.2, daily: 25, weekend: 40, noise: 15 },
    },
    {
      name: 'swing growing with the level',
      period: 168,
      kind: 'holt-winters-multiplicative',
      o: { seed: 6, base: 100, slope: 0.2, daily: 50, weekend: 20, noise: 10, multiplicative: true },
    },
  ];
  for (const { name, period, o, kind } of cases) {
    it(`${name}: finds period ${period}, the trend, and beats seasonal naive`, () => {
      const y = infraSeries(o);
      expect(detectSeasonality(y, [24, 168]).period).toBe(period);
      const f = forecast(hourly(y), { horizon: 168 });
      expect(f.model.period).toBe(period);
      if (kind) expect(f.model.kind).toBe(kind);
      expect(f.model.params.trend).toBeGreaterThan(o.slope * 0.8);
      expect(f.model.params.trend).toBeLessThan(o.slope * 1.2);
      expect(f.backtest?.mase).toBeLessThan(1);
      // Out of sample: hold out the last week ourselves against "same hour last week".
      const train = y.slice(0, y.length - 168);
      const actual = y.slice(y.length - 168);
      const g = forecast(hourly(train), { horizon: 168, skipBacktest: true });
      const snaive = train.slice(train.length - 168);
      expect(
        mae(
          actual,
          g.points.map((p) => p.mean),
        ),
      ).toBeLessThan(mae(actual, snaive));
    });
  }

  it('pure noise around a line: no seasonality, a trend model, and it says why', () => {
    const f = forecast(hourly(infraSeries({ seed: 4, slope: 0.02, noise: 20 })), { horizon: 24 });
    expect(f.model.kind).toMatch(/linear-trend|damped-trend/);
    expect(f.model.period).toBeUndefined();
    expect(f.notes.join(' ')).toMatch(/no seasonality found.*fell back to a trend model/i);
    expect(f.backtest?.benchmark).toBe('naive');
    expect(f.model.params.trend).toBeCloseTo(0.02, 2);
  });

  it('a forced season is used as given', () => {
    const f = forecast(hourly(infraSeries({ seed: 1, slope: 0.05, daily: 40, weekend: 30, noise: 20 })), {
      horizon: 24,
      season: 24,
    });
    expect(f.model.period).toBe(24);
    expect(f.model.explanation).toContain('season 24 given');
  });

  it('multiplicative when the daily swing grows with the level', () => {
    const y = Array.from(
      { length: 24 * 28 },
      (_, t) => (100 + t) * (1 + 0.5 * Math.sin((2 * Math.PI * t) / 24)),
    );
    const f = forecast(hourly(y), { horizon: 24 });
    expect(f.model.kind).toBe('holt-winters-multiplicative');
    expect(f.model.explanation).toMatch(/daily seasonality \(period 24\).*multiplicative/);
  });
});

describe('short series, gaps and bad input', () => {
  it('too short for a season: falls back to a trend and says so', () => {
    const y = Array.from({ length: 30 }, (_, t) => 50 + t + (t % 3));
    const f = forecast(hourly(y), { horizon: 12 });
    expect(f.model.kind).toMatch(/linear-trend|damped-trend/);
    expect(f.notes.join(' ')).toContain(
      'Too short for seasonality: 30 points is fewer than 2 full seasons of 24 steps',
    );
    expect(f.points).toHaveLength(12);
    expect(f.points[0]!.t).toBe(hourly([]).start + 30 * HOUR);
  });

  it('a forced season longer than half the data falls back with a note', () => {
    const f = forecast(hourly(Array.from({ length: 40 }, (_, t) => 10 + t)), { horizon: 5, season: 24 });
    expect(f.model.kind).toMatch(/linear-trend|damped-trend/);
    expect(f.notes[0]).toContain('Season 24 needs at least 2 full seasons (48 points), the series has 40');
  });

  it('a flat series: no seasonality, a flat forecast, and a reason that is not "too short"', () => {
    const f = forecast(hourly(new Array(24 * 30).fill(42)), { horizon: 3 });
    expect(f.points.map((p) => [p.lower, p.mean, p.upper])).toEqual([
      [42, 42, 42],
      [42, 42, 42],
      [42, 42, 42],
    ]);
    expect(f.notes.join(' ')).toContain('No seasonality found: the series is flat');
    const zeros = forecast(hourly(new Array(100).fill(0)), { horizon: 2 });
    expect(zeros.points.map((p) => p.mean)).toEqual([0, 0]);
    expect(zeros.backtest?.mape).toBeNull();
  });

  it('one or two points never throw', () => {
    const one = forecast(hourly([7]), { horizon: 3 });
    expect(one.points.map((p) => p.mean)).toEqual([7, 7, 7]);
    expect(one.backtest).toBeNull();
    expect(one.notes.join(' ')).toContain('No backtest');
    const two = forecast(hourly([7, 9]), { horizon: 2 });
    expect(two.points.map((p) => p.mean)).toEqual([11, 13]);
  });

  it('fills gaps by linear interpolation and says so', () => {
    const y: (number | null)[] = infraSeries({ seed: 9, slope: 0.05, daily: 40, noise: 10, hours: 24 * 21 });
    y[100] = null;
    y[200] = null;
    y[201] = null;
    y[202] = null;
    const f = forecast(hourly([null, null, ...y, null]), { horizon: 24 });
    expect(f.notes).toContain('4 missing points in 2 gaps filled by linear interpolation before fitting.');
    expect(f.notes.join(' ')).toContain('3 leading/trailing missing point(s) ignored.');
    expect(f.model.period).toBe(24);
    expect(f.lastObserved?.t).toBe(hourly([]).start + (2 + 24 * 21 - 1) * HOUR);
  });

  it.each([
    [[1, -2, 3], 'values[1]', /negative/],
    [[1, Number.NaN, 3], 'values[1]', /not a number/],
    [[1, 2, Number.POSITIVE_INFINITY], 'values[2]', /finite/],
    // Huge values would overflow the fit's squared errors (a 500 before): a unit mistake, said so.
    [[1e308, 1e308, 0], 'values[0]', /above 1e18/],
    [[], 'values', /empty/],
    [[null, null], 'values', /gap/],
  ])('rejects %j naming %s', (values, field, message) => {
    const run = () => forecast(hourly(values as (number | null)[]), { horizon: 1 });
    expect(run).toThrow(CapacityInputError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (e) {
      expect((e as CapacityInputError).field).toBe(field);
      expect((e as CapacityInputError).code).toBe('INVALID_SERIES');
      expect((e as CapacityInputError).status).toBe(400);
    }
  });

  it('rejects bad options and irregular series', () => {
    const field = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return (e as CapacityInputError).field;
      }
      return null;
    };
    expect(field(() => forecast(hourly([1, 2]), { horizon: 0 }))).toBe('horizon');
    expect(field(() => forecast(hourly([1, 2]), { horizon: 2.5 }))).toBe('horizon');
    expect(field(() => forecast(hourly([1, 2]), { horizon: 1, season: 1 }))).toBe('season');
    expect(field(() => forecast(hourly([1, 2]), { horizon: 1, level: 1 }))).toBe('level');
    expect(field(() => forecast({ start: 0, stepMs: 0, values: [1] }, { horizon: 1 }))).toBe('stepMs');
    expect(field(() => forecast({ start: 0, stepMs: -HOUR, values: [1] }, { horizon: 1 }))).toBe('stepMs');
    expect(field(() => forecast({ start: Number.NaN, stepMs: HOUR, values: [1] }, { horizon: 1 }))).toBe(
      'start',
    );
  });
});

describe('properties', () => {
  const short = fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 9 });

  it('scaling a short (linear-trend) series by c > 0 scales the forecast by c', () => {
    fc.assert(
      fc.property(short, fc.double({ min: 0.001, max: 1000, noNaN: true }), (values, c) => {
        const a = forecast(hourly(values), { horizon: 5 });
        const b = forecast(hourly(values.map((v) => v * c)), { horizon: 5 });
        expect(b.model.kind).toBe('linear-trend');
        a.points.forEach((p, i) => {
          const q = b.points[i]!;
          const tol = 1e-7 * (Math.abs(p.mean * c) + 1);
          expect(Math.abs(q.mean - p.mean * c)).toBeLessThan(tol);
          expect(Math.abs(q.upper - p.upper * c)).toBeLessThan(tol + 1e-7 * p.upper * c);
        });
      }),
    );
  });

  it('scaling a seasonal series by a power of two scales the additive forecast exactly', () => {
    const y = infraSeries({ seed: 11, slope: 0.05, daily: 40, noise: 20, hours: 24 * 14 });
    fc.assert(
      fc.property(fc.constantFrom(0.25, 0.5, 2, 8), (c) => {
        const a = forecast(hourly(y), { horizon: 48, season: 24 });
        const b = forecast(hourly(y.map((v) => v * c)), { horizon: 48, season: 24 });
        expect(b.model.kind).toBe(a.model.kind);
        b.points.forEach((q, i) => {
          expect(q.mean).toBeCloseTo(a.points[i]!.mean * c, 6);
          expect(q.lower).toBeCloseTo(a.points[i]!.lower * c, 6);
        });
      }),
      { numRuns: 4 },
    );
  });

  it('lower ≤ mean ≤ upper, never negative, never throws on legit data', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.double({ min: 0, max: 1e4, noNaN: true }), { nil: null, freq: 8 }), {
          minLength: 1,
          maxLength: 120,
        }),
        fc.integer({ min: 1, max: 60 }),
        (values, horizon) => {
          fc.pre(values.some((v) => v !== null));
          const f = forecast(hourly(values), { horizon });
          expect(f.points).toHaveLength(horizon);
          for (const p of f.points) {
            expect(p.lower).toBeGreaterThanOrEqual(0);
            expect(p.lower).toBeLessThanOrEqual(p.mean);
            expect(p.mean).toBeLessThanOrEqual(p.upper);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('applyScenario with factor 1 is the identity', () => {
    const f = forecast(hourly(infraSeries({ seed: 12, slope: 0.1, daily: 10, noise: 5, hours: 24 * 10 })), {
      horizon: 72,
    });
    fc.assert(
      fc.property(
        fc.constantFrom('step', 'peak', 'ramp'),
        fc.integer({ min: -5 * DAY, max: 5 * DAY }),
        fc.integer({ min: 1, max: 5 * DAY }),
        (type, offset, length) => {
          const start = f.points[0]!.t + offset;
          const event =
            type === 'step'
              ? { name: 'x', type: 'step' as const, start, factor: 1 }
              : { name: 'x', type: type as 'peak' | 'ramp', start, end: start + length, factor: 1 };
          expect(applyScenario(f, [event]).points).toEqual(f.points);
        },
      ),
    );
  });
});

describe('seasonalNaiveSpread', () => {
  it('is the median absolute deviation of the lag differences (quickselect agrees with sorting)', () => {
    const sortedMedian = (a: number[]) => {
      const s = [...a].sort((x, y) => x - y);
      return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
    };
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 3, maxLength: 60 }),
        fc.integer({ min: 1, max: 2 }),
        (y, p) => {
          const d = y.slice(p).map((v, i) => v - y[i]!);
          const centre = sortedMedian(d);
          expect(seasonalNaiveSpread(y, p)).toBe(sortedMedian(d.map((v) => Math.abs(v - centre))));
        },
      ),
    );
  });
});
