/**
 * The demo's release history, as pure functions of (seed, first start): a rough month for checkout
 * latency (three bad releases, rolled back, that spent most of its error budget, so the live fault
 * exhausts it and the release gate freezes checkout), and the deployments of every service — 1 to 4
 * per working day with commit times, a few failed — including the checkout release shortly before
 * the past incident's impact start.
 */
import { LIVE_FAULT_GOOD_RATIO, LIVE_FAULT_MS, pastIncidentWindow } from './organisation.js';
import { type Fault, type RatioStream, sampleMinute, uniform } from './traffic.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const SLO_WINDOW_MS = 28 * DAY_MS;

/** checkout-latency's objective (demo/slos.yaml) and stream. */
export const ROUGH_MONTH_STREAM = 'checkout-latency';
const ROUGH_MONTH_OBJECTIVE = 0.995;
/** How long each bad release hurt latency before it was rolled back. */
const ROUGH_RELEASE_MS = 3 * HOUR_MS;
/** Where the bad releases sit, as fractions of the history (or the 28-day window) before the first start. */
const ROUGH_AT = [0.3, 0.55, 0.8] as const;

export interface RoughMonth {
  faults: Fault[];
  /** Budget left before the live fault, as planned (fraction of checkout-latency's budget). */
  plannedRemaining: number;
  /** The share of the budget the live fault spends if it starts at the first start. */
  liveFaultShare: number;
}

/** The start of each bad release: 10:00 UTC on its day when the history is long enough. */
function roughStarts(firstStart: number, span: number): number[] {
  return ROUGH_AT.map((f) => {
    const at = firstStart - f * span;
    if (span >= 3 * DAY_MS) return Math.floor(at / DAY_MS) * DAY_MS + 10 * HOUR_MS;
    return Math.floor(at / MINUTE_MS) * MINUTE_MS;
  });
}

/**
 * Three bad checkout releases whose slow requests, with the usual ones, leave about a quarter of what
 * the live fault will spend: the fault then exhausts checkout-latency's budget within minutes at any
 * time of day, while the budget before it is low but not gone (80–99 % consumed). The good ratio of
 * the bad releases is solved from the simulated traffic over the SLO window.
 */
export function roughMonth(
  spec: RatioStream,
  seed: number,
  firstStart: number,
  historyMs: number,
  otherFaults: readonly Fault[] = [],
): RoughMonth {
  const span = Math.min(historyMs, SLO_WINDOW_MS);
  const from = Math.ceil((firstStart - span) / MINUTE_MS) * MINUTE_MS;
  const budget = 1 - ROUGH_MONTH_OBJECTIVE;
  let total = 0;
  let bad = 0;
  for (let m = from; m < firstStart; m += MINUTE_MS) {
    const s = sampleMinute(spec, m, seed, otherFaults);
    if ('value' in s) continue;
    total += s.total;
    bad += s.total - s.good;
  }
  let faultBad = 0;
  for (let m = firstStart; m < firstStart + LIVE_FAULT_MS; m += MINUTE_MS) {
    const s = sampleMinute(spec, m, seed);
    if (!('value' in s)) faultBad += s.total * (1 - LIVE_FAULT_GOOD_RATIO);
  }
  const budgetBad = budget * total;
  const liveFaultShare = budgetBad > 0 ? faultBad / budgetBad : 1;
  const plannedRemaining = Math.min(0.15, liveFaultShare / 4);
  const extra = budgetBad * (1 - plannedRemaining) - bad;
  const starts = roughStarts(firstStart, span);
  let windowTotal = 0;
  let windowBad = 0;
  for (const start of starts)
    for (let m = start; m < start + ROUGH_RELEASE_MS; m += MINUTE_MS) {
      const s = sampleMinute(spec, m, seed, otherFaults);
      if ('value' in s) continue;
      windowTotal += s.total;
      windowBad += s.total - s.good;
    }
  if (extra <= 0 || windowTotal === 0) return { faults: [], plannedRemaining, liveFaultShare };
  const goodRatio = Math.max(0.02, Math.min(1, 1 - (extra + windowBad) / windowTotal));
  return {
    faults: starts.map((start) => ({
      stream: spec.stream,
      start,
      end: start + ROUGH_RELEASE_MS,
      goodRatio: Math.round(goodRatio * 10_000) / 10_000,
    })),
    plannedRemaining,
    liveFaultShare,
  };
}

export type DemoDeploymentStatus = 'succeeded' | 'failed' | 'rolled-back';

/** A deployment as POST /deployments takes it (times as epoch ms here). */
export interface DemoDeployment {
  service: string;
  version: string;
  commit: string;
  commitTime: number;
  startedAt: number;
  finishedAt: number;
  status: DemoDeploymentStatus;
  author: string;
  labels: string[];
}

/** The services the demo deploys, their authors and how often and how fast they ship. */
export const DEMO_DEPLOYERS: readonly {
  service: string;
  authors: readonly string[];
  /** Deployments per working day: 1 + up to this many more (1–4). */
  extraPerDay: number;
  /** Typical hours from commit to deployment. */
  leadHours: number;
}[] = [
  { service: 'storefront', authors: ['erin', 'frank'], extraPerDay: 3, leadHours: 3 },
  { service: 'api-gateway', authors: ['dave', 'ivan'], extraPerDay: 1, leadHours: 20 },
  { service: 'auth', authors: ['dave', 'ivan'], extraPerDay: 1, leadHours: 30 },
  { service: 'checkout', authors: ['alice', 'bob'], extraPerDay: 2, leadHours: 6 },
  { service: 'payments', authors: ['bob', 'carol'], extraPerDay: 1, leadHours: 26 },
  { service: 'orders', authors: ['carol', 'alice'], extraPerDay: 2, leadHours: 8 },
  { service: 'cart', authors: ['frank', 'erin'], extraPerDay: 3, leadHours: 2 },
  { service: 'inventory', authors: ['carol', 'bob'], extraPerDay: 1, leadHours: 48 },
  { service: 'search', authors: ['grace', 'heidi'], extraPerDay: 3, leadHours: 4 },
  { service: 'catalog', authors: ['heidi', 'grace'], extraPerDay: 2, leadHours: 12 },
  { service: 'recommendations', authors: ['frank', 'erin'], extraPerDay: 3, leadHours: 1.5 },
  { service: 'notifications', authors: ['judy', 'ivan'], extraPerDay: 1, leadHours: 72 },
];

const hex = (seed: number, key: string, n: number) =>
  Math.floor(uniform(seed, key, n, 7) * 2 ** 32)
    .toString(16)
    .padStart(8, '0') +
  Math.floor(uniform(seed, key, n, 8) * 2 ** 32)
    .toString(16)
    .padStart(8, '0')
    .slice(0, 4);

function deployment(
  seed: number,
  who: (typeof DEMO_DEPLOYERS)[number],
  startedAt: number,
  n: number,
  overrides: Partial<DemoDeployment> = {},
): DemoDeployment {
  const key = `deploy:${who.service}`;
  const u = uniform(seed, key, n, 1);
  // Lead time: log-spread around the service's typical hours (a third of it to three times it).
  const lead = who.leadHours * HOUR_MS * 3 ** (2 * uniform(seed, key, n, 2) - 1);
  const day = new Date(startedAt);
  const version = `${day.getUTCFullYear() % 100}.${day.getUTCMonth() + 1}${String(day.getUTCDate()).padStart(2, '0')}.${Math.floor(startedAt / MINUTE_MS) % 1000}`;
  return {
    service: who.service,
    version,
    commit: hex(seed, key, n),
    commitTime: Math.floor((startedAt - lead) / 1000) * 1000,
    startedAt,
    finishedAt: startedAt + (3 + Math.floor(u * 9)) * MINUTE_MS,
    // About one in 25 fails outright; one in 50 is rolled back.
    status: u < 0.04 ? 'failed' : u > 0.98 ? 'rolled-back' : 'succeeded',
    author: who.authors[n % who.authors.length] ?? 'alice',
    labels: uniform(seed, key, n, 3) < 0.05 ? ['security'] : [],
    ...overrides,
  };
}

/** The checkout release 12 minutes before the past incident's impact start (linked to it). */
export function pastIncidentRelease(seed: number, firstStart: number): DemoDeployment {
  const who = DEMO_DEPLOYERS.find((d) => d.service === 'checkout')!;
  const at = pastIncidentWindow(firstStart).start - 12 * MINUTE_MS;
  return deployment(seed, who, at, -1, {
    status: 'succeeded',
    labels: ['payments-client'],
    author: 'bob',
  });
}

/**
 * Every deployment started in [from, to): per service 1–4 each working day (Monday to Friday
 * UTC, 08:00–17:00), plus the bad checkout releases at the rough month's faults (rolled back) and
 * the release before the past incident (also when older than `from`). Oldest first.
 */
export function deploymentHistory(
  seed: number,
  firstStart: number,
  from: number,
  to: number,
  rough: readonly Fault[],
): DemoDeployment[] {
  const out: DemoDeployment[] = [];
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day < to; day += DAY_MS) {
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const dayIndex = day / DAY_MS;
    for (const who of DEMO_DEPLOYERS) {
      const key = `deploy:${who.service}`;
      const count = 1 + Math.floor(uniform(seed, key, dayIndex, 4) * (who.extraPerDay + 1));
      for (let k = 0; k < count; k++) {
        const n = dayIndex * 8 + k;
        const at = day + 8 * HOUR_MS + Math.floor(uniform(seed, key, n, 5) * 9 * 60) * MINUTE_MS;
        if (at >= from && at < to) out.push(deployment(seed, who, at, n));
      }
    }
  }
  const checkout = DEMO_DEPLOYERS.find((d) => d.service === 'checkout')!;
  rough.forEach((fault, i) => {
    const at = fault.start - 3 * MINUTE_MS;
    if (at >= from && at < to)
      out.push(deployment(seed, checkout, at, -10 - i, { status: 'rolled-back', author: 'alice' }));
  });
  // Recorded even when the history is shorter: the past incident is always there to link it to.
  const past = pastIncidentRelease(seed, firstStart);
  if (past.startedAt < to) out.push(past);
  return out.sort((a, b) => a.startedAt - b.startedAt);
}

/** A live deployment at `at` (the demo records one now and then): a random service. */
export function liveDeployment(seed: number, at: number): DemoDeployment {
  const n = Math.floor(at / MINUTE_MS);
  const who = DEMO_DEPLOYERS[Math.floor(uniform(seed, 'deploy:live', n, 1) * DEMO_DEPLOYERS.length)]!;
  return deployment(seed, who, at, n, { status: 'succeeded' });
}
