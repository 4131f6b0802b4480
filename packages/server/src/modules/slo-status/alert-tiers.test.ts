import type { SloAlertTiers } from '@headroom/core/api/slo-alert-tiers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { evaluateAll } from './evaluator.js';

afterAll(dropCreatedDatabases);

const slo = (name: string) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 1d
      isRolling: true
  objectives:
    - target: 0.99
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

describe.each(supportedDatabases())('SLO alert tiers API on $name', ({ name, available }) => {
  let t: TestApp;
  const K = Math.floor(Date.now() / 60_000);

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    const api = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: t.admin, payload });
    expect((await api('/teams', { name: 'payments' })).statusCode).toBe(201);
    expect((await api('/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
    const applied = await api('/apply', {
      files: [
        { path: 'a.yaml', content: slo('checkout-availability') },
        { path: 'b.yaml', content: slo('checkout-quiet') },
      ],
    });
    expect(applied.statusCode, applied.body).toBe(200);
    // 600 minutes of 100 requests, the last 30 with 10 failures each: 10 % errors on a 1 % budget.
    const ndjson = Array.from({ length: 600 }, (_, i) => {
      const minute = K - 600 + i;
      const bad = minute >= K - 30 ? 10 : 0;
      return JSON.stringify({
        stream: 'checkout-availability',
        ts: minute * 60_000 + 1_000,
        good: 100 - bad,
        total: 100,
      });
    }).join('\n');
    const ingested = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/events',
      headers: { ...t.admin, 'content-type': 'application/x-ndjson', 'idempotency-key': 'tiers-1' },
      payload: ndjson,
    });
    expect(ingested.statusCode, ingested.body).toBe(200);
    expect((await evaluateAll(t.database, Date.now())).failed).toEqual([]);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  const tiers = async (slo: string) => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/slos/${slo}/alert-tiers`,
      headers: t.admin,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as SloAlertTiers;
  };

  it.runIf(available)(
    'shows each window pair against its factor, and the page alert the evaluator stored',
    async () => {
      const body = await tiers('checkout-availability');
      expect(body.slo).toBe('checkout-availability');
      expect(body.subjects).toHaveLength(1);
      const [subject] = body.subjects;
      expect(subject!.objective).toBeNull();
      expect(subject!.target).toBe(0.99);
      const page = subject!.tiers.find((x) => x.tier === 'page')!;
      expect(page.severity).toBe('critical');
      expect(page.firing).toBe(true);
      expect(page.suppressed).toBeNull();
      // A 1-day window: 2 % of the budget in 1 h is a factor of 0.02 × 24 = 0.48.
      const fast = page.pairs.find((p) => p.long === '1h')!;
      expect(fast.short).toBe('5m');
      expect(fast.factor).toBe(0.48);
      expect(fast.shortRate).toBeCloseTo(10, 6);
      expect(fast.longRate!).toBeGreaterThan(4.5);
      // 60 minutes × 100 events, less the minutes the window has moved past since the data was
      // written (the tiers are computed at request time, and a loaded machine may cross minutes).
      expect(fast.longEvents!).toBeGreaterThan(5_000);
      expect(fast.longEvents!).toBeLessThanOrEqual(6_000);
      expect(fast.longEvents! % 100).toBe(0);
      expect(fast.minEvents).toBe(209); // ⌈1 ÷ (0.01 × 0.48)⌉
      expect(fast.met).toBe(true);
      expect(page.alert).toMatchObject({ status: 'firing', acknowledged: false });
      // The same alert the alert API lists for this SLO's page tier.
      const listed = await t.app.inject({
        method: 'GET',
        url: '/api/v1/alerts?source=headroom&label=slo=checkout-availability&label=tier=page',
        headers: t.admin,
      });
      expect(listed.json().map((a: { id: string }) => a.id)).toEqual([page.alert!.id]);
    },
  );

  it.runIf(available)('an SLO without data has its tiers, none met and no alert', async () => {
    const body = await tiers('checkout-quiet');
    const all = body.subjects.flatMap((s) => s.tiers);
    expect(all.map((x) => x.tier)).toEqual(['page', 'ticket']);
    expect(all.every((x) => !x.firing && x.alert === null)).toBe(true);
    expect(all.flatMap((x) => x.pairs).every((p) => p.longRate === null && !p.met)).toBe(true);
  });

  it.runIf(available)('an unknown SLO is a 404 naming it', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/slos/nope/alert-tiers', headers: t.admin });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('SLO_NOT_FOUND');
  });
});
