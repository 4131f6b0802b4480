import { describe, expect, it } from 'vitest';
import {
  applyScenario,
  CapacityInputError,
  type Forecast,
  forecast,
  monthlyCost,
  runway,
  type Series,
  sizing,
} from './index.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2027-02-01T00:00:00Z');
/** 10, 12, …, 24 at hours 0…7: fewer than 10 points, so the exact least-squares line y = 10 + 2h. */
const LINE: Series = { start: T0, stepMs: HOUR, values: [10, 12, 14, 16, 18, 20, 22, 24] };
const at = (hours: number) => T0 + hours * HOUR;

function lineForecast(): Forecast {
  return forecast(LINE, { horizon: 24 });
}

describe('runway', () => {
  it('crosses threshold and limit where the line says (hand-computed)', () => {
    const f = lineForecast();
    expect(f.model.kind).toBe('linear-trend');
    expect(f.model.params).toMatchObject({ slope: 2, intercept: 10 });
    const r = runway(f, 30, 40);
    // 10 + 2h = 30 at h = 10; = 40 at h = 15. A perfect fit has a zero-width interval.
    expect(r.threshold).toEqual({ level: 30, at: at(10), early: at(10), late: at(10) });
    expect(r.limit).toEqual({ level: 40, at: at(15), early: at(15), late: at(15) });
    expect(r.alreadyAboveThreshold).toBe(false);
    expect(r.alreadyAboveLimit).toBe(false);
  });

  it('interpolates between points and reports null beyond the horizon', () => {
    const r = runway(lineForecast(), 25, 1000);
    expect(r.threshold.at).toBe(at(7.5)); // between the last observation (24 at h7) and 26 at h8
    expect(r.limit).toEqual({ level: 1000, at: null, early: null, late: null });
  });

  it('early and late dates come from the interval bounds', () => {
    const noisy: Series = { ...LINE, values: [10, 13, 13, 17, 17, 21, 21, 25] };
    const f = forecast(noisy, { horizon: 48 });
    const r = runway(f, 40, 60);
    expect(r.threshold.early!).toBeLessThan(r.threshold.at!);
    expect(r.threshold.at!).toBeLessThan(r.threshold.late!);
  });

  it('a limit below current usage: already above, crossed "now", no crash', () => {
    const r = runway(lineForecast(), 20, 22, at(7.5));
    expect(r.alreadyAboveThreshold).toBe(true);
    expect(r.alreadyAboveLimit).toBe(true);
    expect(r.limit).toEqual({ level: 22, at: at(7.5), early: at(7.5), late: at(7.5) });
    expect(runway(lineForecast(), 20, 100).threshold.at).toBe(at(7));
  });

  it('rejects non-numeric levels', () => {
    expect(() => runway(lineForecast(), Number.NaN, 1)).toThrow(CapacityInputError);
    expect(() => runway(lineForecast(), 1, -1)).toThrow(/limit must be at least 0/);
  });
});

describe('scenarios', () => {
  it('+40 % from hour 9 moves the runway exactly as computed by hand', () => {
    const organic = lineForecast();
    const launch = applyScenario(organic, [{ name: 'launch', type: 'step', start: at(9), factor: 1.4 }]);
    expect(launch.points[0]!.mean).toBe(26); // hour 8: before the launch
    expect(launch.points[1]!.mean).toBeCloseTo(1.4 * 28, 12);
    expect(launch.notes.at(-1)).toBe(`Scenario 'launch': +40 % from ${new Date(at(9)).toISOString()}.`);
    const r = runway(launch, 30, 40);
    // threshold: 26 at h8 → 39.2 at h9: 8 + 4/13.2 h. limit: 39.2 at h9 → 42 at h10: 9 + 0.8/2.8 h.
    expect(r.threshold.at).toBeCloseTo(at(8 + 4 / 13.2), 0);
    expect(r.limit.at).toBeCloseTo(at(9 + 0.8 / 2.8), 0);
    expect(runway(organic, 30, 40).limit.at! - r.limit.at!).toBeCloseTo((15 - 9 - 0.8 / 2.8) * HOUR, 0);
  });

  it('peak applies only in [start, end); ramp grows linearly then stays', () => {
    const f = lineForecast(); // points at hours 8…31, mean 10 + 2h
    const peak = applyScenario(f, [{ name: 'sale', type: 'peak', start: at(10), end: at(12), factor: 3 }]);
    expect(peak.points.slice(1, 5).map((p) => p.mean)).toEqual([28, 90, 96, 34]);
    const ramp = applyScenario(f, [
      { name: 'migration', type: 'ramp', start: at(8), end: at(12), factor: 2 },
    ]);
    expect(ramp.points.slice(0, 6).map((p) => p.mean / (10 + 2 * (8 + ramp.points.indexOf(p))))).toEqual([
      1, 1.25, 1.5, 1.75, 2, 2,
    ]);
    const both = applyScenario(f, [
      { name: 'a', type: 'step', start: at(8), factor: 2 },
      { name: 'b', type: 'step', start: at(9), factor: 1.5 },
    ]);
    expect(both.points.slice(0, 2).map((p) => p.mean)).toEqual([52, 84]);
    expect(both.points[1]!.upper).toBe(both.points[1]!.mean); // the exact line has no width, scaled too
  });

  it('rejects bad events', () => {
    const f = lineForecast();
    expect(() => applyScenario(f, [{ name: 'x', type: 'step', start: at(1), factor: 0 }])).toThrow(/factor/);
    expect(() =>
      applyScenario(f, [{ name: 'x', type: 'peak', start: at(2), end: at(1), factor: 2 }]),
    ).toThrow(/end must be after its start/);
  });
});

describe('sizing and cost', () => {
  it('the SRE book example: 3,470 QPS at 100 per task is 35 tasks, 37 with N+2', () => {
    expect(sizing({ peak: 3470, perInstance: 100, k: 2 })).toEqual({ needed: 35, total: 37 });
  });

  it('per region: each region its share of the peak, rounded up, plus its own k', () => {
    const s = sizing({
      peak: 3470,
      perInstance: 100,
      k: 2,
      regions: [
        { name: 'us', share: 0.5 },
        { name: 'eu', share: 0.3 },
        { name: 'ap', share: 0.2 },
      ],
    });
    expect(s.regions?.map((r) => [r.name, r.needed, r.total])).toEqual([
      ['us', 18, 20], // 1735 → 18
      ['eu', 11, 13], // 1041 → 11
      ['ap', 7, 9], // 694 → 7
    ]);
    expect(s).toMatchObject({ needed: 36, total: 42 });
  });

  it('binary noise does not add an instance', () => {
    // 0.7 × 100 / 10 is 7.000000000000001 in floating point.
    const s = sizing({
      peak: 100,
      perInstance: 10,
      k: 0,
      regions: [
        { name: 'a', share: 0.7 },
        { name: 'b', share: 0.3 },
      ],
    });
    expect(s.regions?.map((r) => r.needed)).toEqual([7, 3]);
  });

  it('rejects bad sizing input', () => {
    expect(() => sizing({ peak: 1, perInstance: 0, k: 1 })).toThrow(/perInstance/);
    expect(() => sizing({ peak: 1, perInstance: 1, k: 1.5 })).toThrow(/k \(spare instances\)/);
    expect(() => sizing({ peak: -1, perInstance: 1, k: 1 })).toThrow(/peak/);
    expect(() => sizing({ peak: 1, perInstance: 1, k: 1, regions: [{ name: 'a', share: 0.5 }] })).toThrow(
      /add up to 1/,
    );
  });

  it('monthly cost rounds to cents', () => {
    expect(monthlyCost(37, 41.5)).toBe(1535.5);
    expect(monthlyCost(3, 0.1)).toBe(0.3);
    expect(() => monthlyCost(-1, 1)).toThrow(CapacityInputError);
  });
});
