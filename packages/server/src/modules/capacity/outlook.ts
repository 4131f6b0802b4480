/**
 * From stored usage to the answers: the organic forecast of a resource (cached per resource,
 * keyed by when its usage last changed and its definition), and each outlook's runway, N+k
 * sizing and monthly cost — organic, or under a growth scenario. The maths is core/capacity's.
 */
import type { CostView, Outlook, RunwayView, SizingView } from '@headroom/core/api/capacity';
import {
  applyScenario,
  forecast as fitForecast,
  formatQuantity,
  monthlyCost,
  runway,
  seriesFromSamples,
  sizing,
} from '@headroom/core/capacity/index';
import type { Forecast, ScenarioEvent } from '@headroom/core/capacity/types';
import type {
  CapacityResourceDefinition,
  GrowthScenarioDefinition,
} from '@headroom/core/config/headroom/capacity';
import { InputError } from '@headroom/core/errors';
import { fixedDurationMs, parseDuration } from '@headroom/core/slo/duration';
import { HOUR_MS, type HourRow } from './repo.js';

const DAY_MS = 86_400_000;
/** Usage a forecast is fitted on: the last 90 days of hourly max (a quarter of daily and weekly cycles). */
export const FIT_DAYS = 90;
export const DEFAULT_HORIZON = '90d';
const MAX_HORIZON_DAYS = 365;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** `90d`, `12w`, `48h` → ms, 1 h to 365 d; an InputError naming `field` otherwise. */
export function parseHorizon(text: string | undefined, field = 'horizon'): { text: string; ms: number } {
  const value = text ?? DEFAULT_HORIZON;
  const d = parseDuration(value);
  const ms = d ? fixedDurationMs(d) : null;
  if (ms === null || ms < HOUR_MS || ms > MAX_HORIZON_DAYS * DAY_MS) {
    throw new InputError(
      `${field} "${value}" must be a duration from 1h to ${MAX_HORIZON_DAYS}d, such as 90d`,
      [{ path: field, message: 'expected a duration such as 30d, 12w or 48h (at most 365d)' }],
    );
  }
  return { text: value, ms };
}

/** The resource's limit now: as written, or a limit query's last value (null until read). */
export function limitOf(def: CapacityResourceDefinition, queriedValue: number | null): number | null {
  return 'value' in def.limit ? def.limit.value : queriedValue;
}

export function scenarioSelects(s: GrowthScenarioDefinition, def: CapacityResourceDefinition): boolean {
  const { services, resources } = s.selector;
  if (services.length === 0 && resources.length === 0) return true;
  return services.includes(def.service) || resources.includes(def.name);
}

export const scenarioEvents = (s: GrowthScenarioDefinition): ScenarioEvent[] =>
  s.events.map((e) =>
    e.type === 'step'
      ? { name: e.name, type: 'step', start: e.start, factor: e.factor }
      : { name: e.name, type: e.type, start: e.start, end: e.end ?? e.start, factor: e.factor },
  );

interface CacheEntry {
  key: string;
  forecast: Forecast;
}

/** Organic forecasts by resource; a page load that finds the same key fits nothing. */
const cache = new Map<string, CacheEntry>();
const CACHE_MAX = 1000;

/**
 * The organic forecast of a resource from its hours (max per hour). `version` is what makes a kept
 * forecast stale: when usage last changed and the definition.
 */
export function organicForecast(
  def: CapacityResourceDefinition,
  hours: readonly HourRow[],
  options: { horizonMs: number; level: number; version: string },
): Forecast {
  const key = `${options.version}|${JSON.stringify(def)}|${options.horizonMs}|${options.level}`;
  const kept = cache.get(def.name);
  if (kept?.key === key) return kept.forecast;
  if (hours.length === 0) {
    throw new InputError(
      `Resource ${def.name} has no usage yet: push usage or wait for the first poll`,
      [{ path: 'usage', message: 'no usage stored' }],
      'NO_USAGE',
    );
  }
  const series = seriesFromSamples(
    hours.map((h) => ({ t: h.hour, v: h.max })),
    HOUR_MS,
  );
  const result = fitForecast(series, {
    horizon: Math.max(1, Math.round(options.horizonMs / HOUR_MS)),
    level: options.level,
  });
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(def.name, { key, forecast: result });
  return result;
}

export function forgetForecast(name: string): void {
  cache.delete(name);
}

function runwayView(def: CapacityResourceDefinition, f: Forecast, limit: number, now: number): RunwayView {
  const threshold = limit * def.safeUtilisation;
  const r = runway(f, threshold, limit);
  const days = (at: number | null) => (at === null ? null : Math.round(((at - now) / DAY_MS) * 10) / 10);
  const crossing = (c: typeof r.threshold) => ({
    level: c.level,
    at: iso(c.at),
    early: iso(c.early),
    late: iso(c.late),
  });
  const thresholdAt = r.alreadyAboveThreshold ? now : r.threshold.at;
  const insideLeadTime = thresholdAt !== null && thresholdAt - now < def.leadTimeMs;
  const pct = Math.round(def.safeUtilisation * 100);
  let warning: string | null = null;
  if (r.alreadyAboveThreshold)
    warning = `Usage is already above the safe threshold (${pct} % of ${formatQuantity(limit, def.unit)}); the lead time is ${def.leadTime}.`;
  else if (insideLeadTime && thresholdAt !== null)
    warning = `Usage reaches the safe threshold (${pct} % of ${formatQuantity(limit, def.unit)}) around ${iso(thresholdAt)?.slice(0, 10)}, in ${days(thresholdAt)} days: inside the ${def.leadTime} lead time, so capacity ordered now arrives too late.`;
  return {
    threshold: crossing(r.threshold),
    limit: crossing(r.limit),
    alreadyAboveThreshold: r.alreadyAboveThreshold,
    alreadyAboveLimit: r.alreadyAboveLimit,
    daysToThreshold: r.alreadyAboveThreshold ? 0 : days(r.threshold.at),
    daysToLimit: r.alreadyAboveLimit ? 0 : days(r.limit.at),
    insideLeadTime,
    warning,
  };
}

function peakOf(f: Forecast): { peak: number; at: number | null } {
  let peak = f.lastObserved?.value ?? 0;
  let at: number | null = null;
  for (const p of f.points) {
    if (p.mean > peak) {
      peak = p.mean;
      at = p.t;
    }
  }
  return { peak, at };
}

function sizingView(def: CapacityResourceDefinition, f: Forecast): SizingView | null {
  if (def.perInstance === null) return null;
  const { peak, at } = peakOf(f);
  const s = sizing({
    peak,
    perInstance: def.perInstance,
    k: def.redundancy,
    ...(def.regions ? { regions: def.regions } : {}),
  });
  return {
    peak,
    peakAt: iso(at),
    perInstance: def.perInstance,
    k: def.redundancy,
    needed: s.needed,
    total: s.total,
    ...(s.regions ? { regions: s.regions } : {}),
  };
}

function costView(
  def: CapacityResourceDefinition,
  f: Forecast,
  sized: SizingView | null,
  currency: string,
): CostView | null {
  if (def.costPerUnitMonth === null) return null;
  if (sized) {
    const units = sized.total * sized.perInstance;
    return {
      units,
      monthly: monthlyCost(units, def.costPerUnitMonth),
      currency,
      basis: `${sized.total} instances (N+${sized.k}) × ${sized.perInstance} ${def.unit} at the forecast peak`,
    };
  }
  const { peak } = peakOf(f);
  const units = peak / def.safeUtilisation;
  return {
    units,
    monthly: monthlyCost(units, def.costPerUnitMonth),
    currency,
    basis: `forecast peak ${round(peak)} ${def.unit} ÷ safe utilisation ${def.safeUtilisation}`,
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Every figure of one forecast (organic, or with a scenario laid over it). */
export function outlookOf(
  def: CapacityResourceDefinition,
  f: Forecast,
  limit: number | null,
  currency: string,
  now: number,
): Outlook {
  const sized = sizingView(def, f);
  return {
    model: { ...f.model },
    level: f.level,
    backtest: f.backtest,
    notes: f.notes,
    points: f.points.map((p) => ({
      t: new Date(p.t).toISOString(),
      mean: p.mean,
      lower: p.lower,
      upper: p.upper,
    })),
    runway: limit === null ? null : runwayView(def, f, limit, now),
    sizing: sized,
    cost: costView(def, f, sized, currency),
  };
}

export function withScenario(f: Forecast, s: GrowthScenarioDefinition): Forecast {
  return applyScenario(f, scenarioEvents(s));
}
