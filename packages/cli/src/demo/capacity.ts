/**
 * The demo's capacity planning, through the public API only: usage of the resources in
 * demo/capacity.yaml pushed to POST /capacity/usage (120 days of hourly history at the first
 * start, the gap since the newest stored hour on later starts, then one sample per resource each
 * minute), and the two growth scenarios, applied with dates relative to the current month.
 *
 * Usage is a pure function of (resource, time, seed, anchor): the shape (trend, daily and weekly
 * cycles, a step change) is smooth and the noise is drawn per hour, so per-minute live samples
 * and the hourly history agree, and a restart sends the same values again.
 */
import type { ApplyResult } from '@headroom/core/api/apply';
import type { CapacityResourceList, UsageResult } from '@headroom/core/api/capacity';
import { seasonality, uniform } from '@headroom/core/demo/traffic';
import type { HeadroomClient } from '../client.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MONTH_MS = 30 * DAY_MS;
const GIB = 2 ** 30;
const TIB = 2 ** 40;
/** Hourly history at the first start: more than the 90 days a forecast is fitted on. */
export const CAPACITY_HISTORY_DAYS = 120;

/** The resource of demo/capacity.yaml that runs out inside its lead time. */
export const RUNNING_OUT = 'payments-db-storage';

interface UsageShape {
  resource: string;
  /** The usage at the anchor (the demo's first start), before cycles and noise. */
  level: number;
  /** Compound growth per 30 days (0.04 = 4 %), or linear growth per day in the unit with `linear`. */
  growth: number;
  linear?: boolean;
  /** How much of the daily/weekly cycle shows: 0 flat, 1 the full traffic cycle. */
  cycle: number;
  /** Relative noise (standard deviation) per hour. */
  noise: number;
  /** A step change: from `daysBefore` the anchor on, usage is `factor` times what it was. */
  step?: { daysBefore: number; factor: number };
}

export const USAGE_SHAPES: readonly UsageShape[] = [
  // Peaks of ~48 cores on weekday afternoons, a third of that at night; +4 % a month: fine
  // organically, but the spring campaign's +40 % crosses the 60-core threshold.
  { resource: 'checkout-cpu', level: 48, growth: 0.04, cycle: 0.7, noise: 0.03 },
  // Search got autocomplete five weeks ago: a 15 % step; peaks of ~1,600 req/s.
  {
    resource: 'search-rps',
    level: 1600,
    growth: 0.03,
    cycle: 0.8,
    noise: 0.04,
    step: { daysBefore: 35, factor: 1.15 },
  },
  // 1.52 TiB growing ~3 GiB a day: it crosses 80 % of 2 TiB in about four weeks, inside 45 days.
  {
    resource: 'payments-db-storage',
    level: 1.52 * TIB,
    growth: 3 * GIB,
    linear: true,
    cycle: 0.004,
    noise: 0.0005,
  },
  { resource: 'api-gateway-connections', level: 880, growth: 0.02, cycle: 0.6, noise: 0.05 },
  // JVM heaps and caches: a mild daily cycle around ~120 GiB.
  { resource: 'storefront-memory', level: 120 * GIB, growth: 0.025, cycle: 0.15, noise: 0.02 },
];

/** A standard normal number drawn per hour (Box–Muller on the demo's hash). */
function normal(seed: number, resource: string, hour: number): number {
  const u = Math.max(uniform(seed, `capacity:${resource}`, hour, 1), 1e-12);
  const v = uniform(seed, `capacity:${resource}`, hour, 2);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Usage of one resource at `t` (epoch ms): deterministic for a seed and anchor. */
export function usageAt(shape: UsageShape, t: number, seed: number, anchor: number): number {
  const trend = shape.linear
    ? shape.level + (shape.growth * (t - anchor)) / DAY_MS
    : shape.level * (1 + shape.growth) ** ((t - anchor) / MONTH_MS);
  const stepped = shape.step && t < anchor - shape.step.daysBefore * DAY_MS ? 1 / shape.step.factor : 1;
  // seasonality() is 1 at the weekday peak, 0.25 at night, 0.7 × on weekends.
  const cycle = 1 - shape.cycle * (1 - seasonality(t));
  const noise = 1 + shape.noise * normal(seed, shape.resource, Math.floor(t / HOUR_MS));
  return Math.max(0, trend * stepped * cycle * noise);
}

const record = (shape: UsageShape, t: number, seed: number, anchor: number) => ({
  resource: shape.resource,
  ts: new Date(t).toISOString(),
  value: Math.round(usageAt(shape, t, seed, anchor) * 1000) / 1000,
});

export interface CapacityLoad {
  resources: number;
  records: number;
  scenarios: ApplyResult['summary'];
  ms: number;
}

/**
 * Pushes each resource's hourly usage from its newest stored hour (or 120 days back) to now in
 * one batch (all or nothing; a sample for a stored minute replaces it, so a repeat is harmless),
 * then applies the growth scenarios.
 */
export async function loadCapacity(
  client: HeadroomClient,
  seed: number,
  anchor: number,
  now = Date.now(),
): Promise<CapacityLoad> {
  const began = performance.now();
  const { items } = await client.request<CapacityResourceList>('GET', '/capacity/resources', {
    query: { limit: 1000 },
  });
  const latest = new Map(items.map((r) => [r.name, r.latest ? Date.parse(r.latest.t) : null]));
  const records: ReturnType<typeof record>[] = [];
  const firstHour = Math.floor((now - CAPACITY_HISTORY_DAYS * DAY_MS) / HOUR_MS) * HOUR_MS;
  for (const shape of USAGE_SHAPES) {
    if (!latest.has(shape.resource)) continue;
    const last = latest.get(shape.resource);
    for (let t = last ? last + HOUR_MS : firstHour; t <= now; t += HOUR_MS)
      records.push(record(shape, t, seed, anchor));
  }
  if (records.length > 0) await client.request<UsageResult>('POST', '/capacity/usage', { body: records });
  const scenarios = await client.request<ApplyResult>('POST', '/apply', {
    body: { files: [{ path: 'demo/growth-scenarios.yaml (generated)', content: scenarioYaml(now) }] },
  });
  return {
    resources: USAGE_SHAPES.filter((s) => latest.has(s.resource)).length,
    records: records.length,
    scenarios: scenarios.summary,
    ms: performance.now() - began,
  };
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/** The 1st of next month (UTC), and the Monday of the launch week a month after that. */
export function scenarioDates(now: number): { campaign: string; launch: string } {
  const d = new Date(now);
  const nextMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const later = new Date(nextMonth + 35 * DAY_MS);
  const monday = later.getTime() - ((later.getUTCDay() + 6) % 7) * DAY_MS;
  return { campaign: day(nextMonth), launch: day(monday) };
}

/** The scenarios as YAML, as a planner would write them this month. */
export function scenarioYaml(now: number): string {
  const { campaign, launch } = scenarioDates(now);
  return `apiVersion: headroom.dev/v1
kind: GrowthScenario
metadata: { name: spring-campaign, title: Spring campaign }
spec:
  description: Marketing's spring campaign brings 40 % more shoppers from next month on
  selector:
    services: [storefront, checkout, search, api-gateway]
  events:
    - { name: campaign, type: step, start: ${campaign}, change: +40% }
---
apiVersion: headroom.dev/v1
kind: GrowthScenario
metadata: { name: launch-week, title: Launch week }
spec:
  description: The new collection's launch week, three times the usual peak for seven days
  selector:
    services: [storefront, checkout, search, api-gateway]
  events:
    - { name: launch, type: peak, start: ${launch}, duration: 7d, change: x3 }
`;
}

export interface LiveCapacity {
  stop(): Promise<void>;
}

/** One sample per resource each minute (a failed send is retried with the next one). */
export function startLiveCapacity(
  client: HeadroomClient,
  seed: number,
  anchor: number,
  print: (line: string) => void,
  everyMs = MINUTE_MS,
): LiveCapacity {
  let stopped = false;
  let lastError = '';
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    const now = Date.now();
    try {
      await client.request<UsageResult>('POST', '/capacity/usage', {
        body: USAGE_SHAPES.map((s) => record(s, now, seed, anchor)),
      });
      lastError = '';
    } catch (error) {
      const message = (error as Error).message;
      if (!stopped && message !== lastError) print(`demo: sending capacity usage failed: ${message}`);
      lastError = message;
    }
  };
  const timer = setInterval(() => {
    if (!stopped) running = tick();
  }, everyMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
