/**
 * The answers built on a forecast: runway (when usage crosses the safe threshold and the limit),
 * N+k sizing, business growth scenarios laid over the organic forecast, and monthly cost.
 */
import { CapacityInputError } from './errors.js';
import type {
  Crossing,
  Forecast,
  ForecastPoint,
  Runway,
  ScenarioEvent,
  Sizing,
  SizingInput,
} from './types.js';

function finite(value: number, field: string, min = 0): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new CapacityInputError(field, `${field} must be a finite number, not ${value}.`);
  }
  if (value < min) throw new CapacityInputError(field, `${field} must be at least ${min}, not ${value}.`);
}

/** First time `pick(point)` reaches `level`, linearly interpolated between points (from `from`). */
function firstCrossing(
  points: ForecastPoint[],
  pick: (p: ForecastPoint) => number,
  level: number,
  from: { t: number; value: number } | undefined,
): number | null {
  let prevT = from?.t;
  let prevV = from?.value;
  for (const p of points) {
    const v = pick(p);
    if (v >= level) {
      if (prevT === undefined || prevV === undefined || v === prevV) return p.t;
      return prevT + ((level - prevV) / (v - prevV)) * (p.t - prevT);
    }
    prevT = p.t;
    prevV = v;
  }
  return null;
}

function crossing(forecast: Forecast, level: number, already: boolean, now: number): Crossing {
  if (already) return { level, at: now, early: now, late: now };
  const from = forecast.lastObserved;
  const clamp = (t: number | null) => (t === null ? null : Math.max(t, now));
  return {
    level,
    at: clamp(firstCrossing(forecast.points, (p) => p.mean, level, from)),
    early: clamp(firstCrossing(forecast.points, (p) => p.upper, level, from)),
    late: clamp(firstCrossing(forecast.points, (p) => p.lower, level, from)),
  };
}

/**
 * When the forecast crosses `threshold` (the safe level, in the resource's unit) and `limit`: on
 * the mean, and early/late on the interval's upper/lower bound. Usage already at or above a level
 * (the last observed value, else the first forecast point) is reported as crossed at `now`
 * (default: the last observed time) instead of a date in the future.
 */
export function runway(forecast: Forecast, threshold: number, limit: number, now?: number): Runway {
  finite(threshold, 'threshold');
  finite(limit, 'limit');
  if (now !== undefined && !Number.isFinite(now)) {
    throw new CapacityInputError('now', `now must be a timestamp in ms, not ${now}.`);
  }
  const current = forecast.lastObserved?.value ?? forecast.points[0]?.mean ?? 0;
  const at = now ?? forecast.lastObserved?.t ?? forecast.points[0]?.t ?? 0;
  const aboveThreshold = current >= threshold;
  const aboveLimit = current >= limit;
  return {
    threshold: crossing(forecast, threshold, aboveThreshold, at),
    limit: crossing(forecast, limit, aboveLimit, at),
    alreadyAboveThreshold: aboveThreshold,
    alreadyAboveLimit: aboveLimit,
  };
}

/** ceil that forgives binary noise: 0.3 × 1000 / 100 is 3.0000000000000004, which needs 3, not 4. */
function ceilUnits(x: number): number {
  return Math.ceil(Math.round(x * 1e9) / 1e9);
}

/**
 * N+k sizing: N = ceil(peak ÷ perInstance), total N + k. With regions, each region serves its
 * share of the peak and gets its own k spares (a region must survive losing k of its own).
 */
export function sizing(input: SizingInput): Sizing {
  finite(input.peak, 'peak');
  finite(input.perInstance, 'perInstance');
  if (input.perInstance <= 0)
    throw new CapacityInputError('perInstance', 'perInstance must be greater than 0.');
  if (!Number.isInteger(input.k) || input.k < 0) {
    throw new CapacityInputError('k', `k (spare instances) must be a whole number ≥ 0, not ${input.k}.`);
  }
  if (!input.regions || input.regions.length === 0) {
    const needed = ceilUnits(input.peak / input.perInstance);
    return { needed, total: needed + input.k };
  }
  const seen = new Set<string>();
  let shares = 0;
  input.regions.forEach((r, i) => {
    if (typeof r.name !== 'string' || r.name.trim() === '') {
      throw new CapacityInputError(`regions[${i}].name`, `regions[${i}].name must not be empty.`);
    }
    if (seen.has(r.name))
      throw new CapacityInputError(`regions[${i}].name`, `Region '${r.name}' is listed twice.`);
    seen.add(r.name);
    finite(r.share, `regions[${i}].share`);
    shares += r.share;
  });
  if (Math.abs(shares - 1) > 1e-6) {
    throw new CapacityInputError(
      'regions',
      `Region shares must add up to 1, not ${Math.round(shares * 1e6) / 1e6}.`,
    );
  }
  const regions = input.regions.map((r) => {
    const peak = r.share * input.peak;
    const needed = ceilUnits(peak / input.perInstance);
    return { name: r.name, peak, needed, total: needed + input.k };
  });
  return {
    needed: regions.reduce((s, r) => s + r.needed, 0),
    total: regions.reduce((s, r) => s + r.total, 0),
    regions,
  };
}

function validateEvent(e: ScenarioEvent, i: number): void {
  const field = `events[${i}]`;
  if (!e || typeof e !== 'object') throw new CapacityInputError(field, `${field} must be an object.`);
  if (!(typeof e.factor === 'number' && Number.isFinite(e.factor) && e.factor > 0)) {
    throw new CapacityInputError(
      `${field}.factor`,
      `${field}.factor must be a number > 0 (1.4 = +40 %), not ${e.factor}.`,
    );
  }
  if (!Number.isFinite(e.start))
    throw new CapacityInputError(`${field}.start`, `${field}.start must be a timestamp in ms.`);
  if (e.type === 'peak' || e.type === 'ramp') {
    if (!Number.isFinite(e.end))
      throw new CapacityInputError(`${field}.end`, `${field}.end must be a timestamp in ms.`);
    if (e.end <= e.start)
      throw new CapacityInputError(`${field}.end`, `${field}.end must be after its start.`);
  } else if (e.type !== 'step') {
    throw new CapacityInputError(`${field}.type`, `${field}.type must be step, peak or ramp.`);
  }
}

/** The multiplier one event applies at time t. */
export function scenarioFactor(e: ScenarioEvent, t: number): number {
  if (t < e.start) return 1;
  if (e.type === 'step') return e.factor;
  if (e.type === 'peak') return t < e.end ? e.factor : 1;
  if (t >= e.end) return e.factor;
  return 1 + ((e.factor - 1) * (t - e.start)) / (e.end - e.start);
}

/**
 * Lays demand changes over a forecast: every point's mean, lower and upper are multiplied by the
 * product of the events' factors at that time. step: ×factor from start on; peak: ×factor in
 * [start, end); ramp: from 1 at start growing linearly to factor at end, then staying there.
 */
export function applyScenario(forecast: Forecast, events: ScenarioEvent[]): Forecast {
  if (!Array.isArray(events)) throw new CapacityInputError('events', 'events must be a list.');
  events.forEach(validateEvent);
  const points = forecast.points.map((p) => {
    let f = 1;
    for (const e of events) f *= scenarioFactor(e, p.t);
    return f === 1 ? { ...p } : { t: p.t, mean: p.mean * f, lower: p.lower * f, upper: p.upper * f };
  });
  const notes = events.map((e) => {
    const pct = Math.round((e.factor - 1) * 1000) / 10;
    const change = `${pct >= 0 ? '+' : ''}${pct} %`;
    const from = new Date(e.start).toISOString();
    return e.type === 'step'
      ? `Scenario '${e.name}': ${change} from ${from}.`
      : `Scenario '${e.name}': ${e.type} to ${change} from ${from} to ${new Date(e.end).toISOString()}.`;
  });
  return { ...forecast, points, notes: [...forecast.notes, ...notes] };
}

/** What `units` of capacity cost per month, rounded to cents. */
export function monthlyCost(units: number, costPerUnitMonth: number): number {
  finite(units, 'units');
  finite(costPerUnitMonth, 'costPerUnitMonth');
  return Math.round(units * costPerUnitMonth * 100) / 100;
}
