import { describe, expect, it } from 'vitest';
import {
  DEMO_SEED,
  DEMO_STREAMS,
  LIVE_FAULT_MS,
  liveFault,
  pastIncidentFaults,
  pastIncidentWindow,
} from './organisation.js';
import { DEMO_DEPLOYERS, deploymentHistory, pastIncidentRelease, roughMonth } from './releases.js';
import { type Fault, type RatioStream, sampleMinute } from './traffic.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const latency = DEMO_STREAMS.find((s) => s.stream === 'checkout-latency') as RatioStream;

/** checkout-latency's budget remaining over [from, to) with the given faults (objective 99.5 %). */
function remaining(from: number, to: number, faults: Fault[]): number {
  let total = 0;
  let bad = 0;
  for (let m = from; m < to; m += MINUTE) {
    const s = sampleMinute(latency, m, DEMO_SEED, faults);
    if ('value' in s) continue;
    total += s.total;
    bad += s.total - s.good;
  }
  return 1 - bad / total / 0.005;
}

describe('the demo rough month', () => {
  // A Wednesday at 15:00 and a Sunday at 03:00 UTC (busiest and quietest times).
  for (const first of [Date.UTC(2024, 5, 12, 15), Date.UTC(2024, 5, 16, 3)]) {
    it(`leaves checkout-latency a little budget that the live fault exhausts (${new Date(first).toISOString()})`, () => {
      const past = pastIncidentFaults(first);
      const rough = roughMonth(latency, DEMO_SEED, first, 30 * DAY, past);
      expect(rough.faults).toHaveLength(3);
      const from = Math.ceil((first - 28 * DAY) / MINUTE) * MINUTE;
      const before = remaining(from, first, [...past, ...rough.faults]);
      // 80–99 % of the budget spent before the fault: low, not gone.
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(0.2);
      expect(Math.abs(before - rough.plannedRemaining)).toBeLessThan(0.01);
      const after = remaining(from, first + LIVE_FAULT_MS, [...past, ...rough.faults, liveFault(first)]);
      expect(after).toBeLessThan(0);
      // The bad releases sit in the window, on working hours, before the first start.
      for (const f of rough.faults) {
        expect(f.start).toBeGreaterThanOrEqual(from);
        expect(f.end).toBeLessThan(first);
        expect(new Date(f.start).getUTCHours()).toBe(10);
      }
    });
  }
});

describe('the demo deployment history', () => {
  const first = Date.UTC(2024, 5, 12, 15);
  const rough = roughMonth(latency, DEMO_SEED, first, 30 * DAY, pastIncidentFaults(first)).faults;
  const history = deploymentHistory(DEMO_SEED, first, first - 30 * DAY, first, rough);

  it('deploys every service 1–4 times per working day and never at weekends, commit before start', () => {
    const perServiceDay = new Map<string, number>();
    for (const d of history) {
      expect(d.commitTime).toBeLessThan(d.startedAt);
      expect(d.finishedAt).toBeGreaterThan(d.startedAt);
      const day = new Date(d.startedAt).getUTCDay();
      const special = d.status === 'rolled-back' && d.service === 'checkout';
      if (!special && d.startedAt !== pastIncidentRelease(DEMO_SEED, first).startedAt)
        expect([0, 6]).not.toContain(day);
      const key = `${d.service}|${Math.floor(d.startedAt / DAY)}`;
      perServiceDay.set(key, (perServiceDay.get(key) ?? 0) + 1);
    }
    for (const [key, n] of perServiceDay) expect(n, key).toBeLessThanOrEqual(5);
    expect(new Set(history.map((d) => d.service)).size).toBe(DEMO_DEPLOYERS.length);
    expect(history.length).toBeGreaterThan(300);
    const failed = history.filter((d) => d.status === 'failed').length;
    expect(failed).toBeGreaterThan(0);
    expect(failed / history.length).toBeLessThan(0.1);
    // Oldest first, all within the history.
    expect(history.map((d) => d.startedAt)).toEqual(
      [...history.map((d) => d.startedAt)].sort((a, b) => a - b),
    );
  });

  it('includes a checkout release 12 minutes before the past incident and one rolled back per bad release', () => {
    const release = pastIncidentRelease(DEMO_SEED, first);
    expect(release.service).toBe('checkout');
    expect(pastIncidentWindow(first).start - release.startedAt).toBe(12 * MINUTE);
    expect(history).toContainEqual(release);
    const rolledBack = history.filter((d) => d.service === 'checkout' && d.status === 'rolled-back');
    for (const f of rough) expect(rolledBack.some((d) => d.startedAt === f.start - 3 * MINUTE)).toBe(true);
  });

  it('is the same on every call (a continued demo records nothing twice)', () => {
    expect(deploymentHistory(DEMO_SEED, first, first - 30 * DAY, first, rough)).toEqual(history);
  });
});
