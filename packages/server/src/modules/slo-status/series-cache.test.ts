/**
 * The evaluator's kept series against the reference: pass after pass, with data arriving on
 * time, late, replaced, with gaps, across hour boundaries, under a correction that starts in
 * the middle, every cached status equals the status computed from scratch from every minute.
 */
import type { SloStatus } from '@headroom/core/api/slo-status';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { loadCorrections } from '../corrections/repo.js';
import { addBuckets, type BucketRow, replaceBuckets } from '../sli-data/repo.js';
import { listResolvedSlos } from '../slos/service.js';
import { evaluateSloAt } from './evaluate.js';
import { EvaluationCache, evaluateAll } from './evaluator.js';
import { loadStatuses } from './repo.js';

afterAll(dropCreatedDatabases);

const window = (rolling: boolean) =>
  rolling
    ? '  timeWindow:\n    - duration: 1d\n      isRolling: true\n'
    : "  timeWindow:\n    - duration: 1w\n      isRolling: false\n      calendar:\n        startTime: '2024-01-01 00:00:00'\n        timeZone: Europe/Berlin\n";

const slo = (name: string, method: string, rolling: boolean, objective: string) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: checkout
  budgetingMethod: ${method}
${window(rolling)}  objectives:
${objective}
  indicator:
    metadata:
      name: ${name}-ok
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: headroom
            spec: {}
        total:
          metricSource:
            type: headroom
            spec: {}
`;

const SLOS = [
  slo('occ-rolling', 'Occurrences', true, '    - target: 0.99'),
  slo('occ-calendar', 'Occurrences', false, '    - target: 0.99'),
  slo(
    'slices-1m',
    'Timeslices',
    true,
    '    - target: 0.95\n      timeSliceTarget: 0.9\n      timeSliceWindow: 1m',
  ),
  slo(
    'slices-7m',
    'Timeslices',
    true,
    '    - target: 0.95\n      timeSliceTarget: 0.95\n      timeSliceWindow: 7m',
  ),
  slo('ratio-5m', 'RatioTimeslices', true, '    - target: 0.95\n      timeSliceWindow: 5m'),
  slo('ratio-cal-90m', 'RatioTimeslices', false, '    - target: 0.9\n      timeSliceWindow: 90m'),
  slo(
    'occ-two',
    'Occurrences',
    true,
    '    - displayName: Most\n      target: 0.99\n    - displayName: Nearly all\n      target: 0.999',
  ),
  slo(
    'slices-two',
    'Timeslices',
    true,
    '    - target: 0.9\n      timeSliceTarget: 0.8\n      timeSliceWindow: 2m\n    - target: 0.9\n      timeSliceTarget: 0.99\n      timeSliceWindow: 2m',
  ),
];
const NAMES = [
  'occ-rolling',
  'occ-calendar',
  'slices-1m',
  'slices-7m',
  'ratio-5m',
  'ratio-cal-90m',
  'occ-two',
  'slices-two',
];

/** Small deterministic PRNG (mulberry32). */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Numbers to 10 significant digits, and below 1e-9 to 0: the kept series add in another order
 * than a rebuild, and a difference of two prefix sums of fractional slice ratios (RatioTimeslices)
 * can leave 1e-12 where a rebuild leaves 0.
 */
function rounded(status: SloStatus): unknown {
  return JSON.parse(JSON.stringify(status), (_k, v) =>
    typeof v === 'number' ? (Math.abs(v) < 1e-9 ? 0 : Number(v.toPrecision(10))) : v,
  );
}

describe.each(supportedDatabases())('kept SLO series on $name', ({ name, available }) => {
  let t: TestApp;
  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    const api = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: t.admin, payload });
    expect((await api('/teams', { name: 'payments' })).statusCode).toBe(201);
    expect((await api('/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
    const applied = await api('/apply', {
      files: SLOS.map((content, i) => ({ path: `${i}.yaml`, content })),
    });
    expect(applied.statusCode, applied.body).toBe(200);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('equal a rebuild from every minute, pass after pass', async () => {
    const db = t.database.db;
    const next = random(7);
    // 2026-11-27T08:17:13Z: passes every 7 min 11 s cross several hours.
    const start = Date.UTC(2026, 10, 27, 8, 17, 13);
    const minuteOf = (ms: number) => Math.floor(ms / 60_000);
    const bucket = (stream: string, minute: number): BucketRow => {
      const total = next() < 0.1 ? 0 : 1 + Math.floor(next() * 50);
      const bad = next() < 0.3 ? Math.floor(next() * total * 0.4) : 0;
      return { stream, minute, good: total - bad, total };
    };
    // Two days of history for every stream.
    const history: BucketRow[] = [];
    for (const stream of NAMES)
      for (let m = minuteOf(start) - 2 * 1440; m <= minuteOf(start); m++)
        if (next() < 0.9) history.push(bucket(stream, m));
    await addBuckets(db, history);

    const cache = new EvaluationCache();
    let previous = start;
    const passes = 30;
    for (let p = 0; p < passes; p++) {
      const now = start + p * 431_000;
      const writes: BucketRow[] = [];
      for (const stream of NAMES) {
        if (p % 5 === 3 && stream === 'slices-7m') continue; // a stream falls silent for a pass
        for (let m = minuteOf(previous) + 1; m <= minuteOf(now); m++)
          if (next() < 0.85) writes.push(bucket(stream, m));
      }
      await addBuckets(db, writes);
      if (p % 4 === 2) {
        // Late data: an hour and a half back, and a day back (an hour that holds no minutes).
        await addBuckets(db, [
          bucket('occ-rolling', minuteOf(now) - 95),
          bucket('slices-7m', minuteOf(now) - 1_500),
          bucket('ratio-cal-90m', minuteOf(now) - 200),
        ]);
        await replaceBuckets(db, [
          bucket('slices-1m', minuteOf(now) - 3),
          bucket('occ-calendar', minuteOf(now) - 700),
        ]);
      }
      if (p === 12) {
        const applied = await t.app.inject({
          method: 'POST',
          url: '/api/v1/apply',
          headers: t.admin,
          payload: {
            files: [
              {
                path: 'correction.yaml',
                content: `apiVersion: headroom.dev/v1
kind: BudgetCorrection
metadata:
  name: deploy-window
spec:
  service: checkout
  start: ${new Date(now - 40 * 60_000).toISOString()}
  duration: 1h
  category: planned-maintenance
  reason: A deployment that was announced
`,
              },
            ],
          },
        });
        expect(applied.statusCode, applied.body).toBe(200);
      }
      const result = await evaluateAll(t.database, now, cache);
      expect(result.failed).toEqual([]);
      expect(result.evaluated).toBe(NAMES.length);
      // Built on the first pass and when the correction starts; kept otherwise.
      expect(result.built).toBe(p === 0 || p === 12 ? NAMES.length : 0);
      const kept = await loadStatuses(db);
      const slos = await listResolvedSlos(db);
      const corrections = await loadCorrections(db);
      for (const r of slos) {
        const reference = await evaluateSloAt(db, r.slo, now, corrections);
        expect(rounded(kept.get(r.name)!), `${r.name} at pass ${p}`).toEqual(rounded(reference));
      }
      previous = now;
    }
    // Every objective on its own: the same SLI against 0.99 and 0.999 spends ten times the budget share.
    const two = (await loadStatuses(db)).get('occ-two')!;
    expect(two.objectives.map((o) => [o.index, o.displayName, o.target])).toEqual([
      [0, 'Most', 0.99],
      [1, 'Nearly all', 0.999],
    ]);
    expect(two.objectives[1]!.consumed / two.objectives[0]!.consumed).toBeCloseTo(10, 9);
    expect(two.errorBudget.consumed).toBe(two.objectives[0]!.consumed);
    // Two slice targets form two series: a stricter slice target counts fewer good slices.
    const slices = (await loadStatuses(db)).get('slices-two')!;
    expect(slices.objectives[1]!.sli!).toBeLessThan(slices.objectives[0]!.sli!);
    // Kept series hold minutes only where edges fall: far less than a minute-resolution copy.
    for (const entry of cache.entries.values())
      for (const part of entry.parts) expect(part.objective.series.blockHours.length).toBeLessThan(40);
  });
});
