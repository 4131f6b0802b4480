import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { deletePollState, recordPollError } from '../prometheus/poll-state.js';
import { evaluateAll } from './evaluator.js';
import { loadStatuses } from './repo.js';

afterAll(dropCreatedDatabases);

const slo = (name: string, source: string) => `apiVersion: openslo/v1
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
            type: ${source}
            spec: {}
        total:
          metricSource:
            type: ${source}
            spec: {}
`;

describe.each(supportedDatabases())('SLO evaluation from ingested data on $name', ({ name, available }) => {
  let t: TestApp;
  // A minute boundary just behind the clock, so every record is in the past and accepted.
  const K = Math.floor(Date.now() / 60_000);
  const now = K * 60_000;

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    const api = (method: 'POST', url: string, payload: object) =>
      t.app.inject({ method, url: `/api/v1${url}`, headers: t.admin, payload });
    expect((await api('POST', '/teams', { name: 'payments' })).statusCode).toBe(201);
    expect((await api('POST', '/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
    const applied = await api('POST', '/apply', {
      files: [
        { path: 'avail.yaml', content: slo('checkout-availability', 'headroom') },
        { path: 'dd.yaml', content: slo('checkout-datadog', 'Datadog') },
      ],
    });
    expect(applied.statusCode, applied.body).toBe(200);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  /** 600 minutes of 100 requests, the last 30 minutes with 10 failures each. */
  const ndjson = () =>
    Array.from({ length: 600 }, (_, i) => {
      const minute = K - 600 + i;
      const bad = minute >= K - 30 ? 10 : 0;
      return JSON.stringify({
        stream: 'checkout-availability',
        ts: minute * 60_000 + 1_000,
        good: 100 - bad,
        total: 100,
      });
    }).join('\n');

  const ingest = (key: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/events',
      headers: { ...t.admin, 'content-type': 'application/x-ndjson', 'idempotency-key': key },
      payload: ndjson(),
    });

  it.runIf(available)(
    'moves the budget exactly as the hand calculation says, and a retry counts once',
    async () => {
      expect((await ingest('batch-1')).statusCode).toBe(200);
      expect((await ingest('batch-1')).statusCode).toBe(200); // the retry
      const pass = await evaluateAll(t.database, now);
      expect(pass.failed).toEqual([]);
      expect(pass.evaluated).toBe(2);
      const status = (await loadStatuses(t.database.db)).get('checkout-availability')!;
      // Window (1 d rolling): 60,000 requests, 300 bad. Budget 1 %: 600 bad allowed, half spent.
      expect(status.total).toBe(60_000);
      expect(status.good).toBe(59_700);
      expect(status.sli).toBeCloseTo(0.995, 12);
      expect(status.errorBudget.total).toBe(0.01);
      expect(status.errorBudget.consumed).toBeCloseTo(0.5, 12);
      expect(status.errorBudget.remaining).toBeCloseTo(0.5, 12);
      expect(status.errorBudget.remainingEvents).toBeCloseTo(300, 9);
      // 300 bad requests left at the last hour's 100 requests a minute: 3 minutes of total failure.
      expect(status.errorBudget.remainingMinutes).toBeCloseTo(3, 9);
      const rates = status.burnRates;
      expect(rates['5m']).toBeCloseTo(10, 9); // 10 % errors ÷ 1 %
      expect(rates['30m']).toBeCloseTo(10, 9);
      expect(rates['1h']).toBeCloseTo(5, 9); // 300 of 6,000
      expect(rates['2h']).toBeCloseTo(2.5, 9);
      expect(rates['6h']).toBeCloseTo(300 / 36_000 / 0.01, 9);
      expect(rates['1d']).toBeCloseTo(0.5, 9);
      expect(rates['3d']).toBeCloseTo(0.5, 9);
      expect(rates.window).toBeCloseTo(0.5, 9);
      // At the 1-hour burn rate, half a day's budget lasts 0.5 × 24 h ÷ 5 = 2.4 h.
      expect(status.exhaustion['1h']).toBe(new Date(now + 2.4 * 3_600_000).toISOString());
      expect(status.state).toBe('burning');
      expect(status.dataAge).toBe(0);
      expect(status.note).toBeNull();
    },
  );

  it.runIf(available)('the SLO API carries the status and filters by state', async () => {
    const one = await t.app.inject({
      method: 'GET',
      url: '/api/v1/slos/checkout-availability',
      headers: t.admin,
    });
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json().status).toMatchObject({ state: 'burning', errorBudget: { remainingEvents: 300 } });
    const names = async (query: string) =>
      (await t.app.inject({ method: 'GET', url: `/api/v1/slos?${query}`, headers: t.admin }))
        .json()
        .map((s: { name: string }) => s.name);
    expect(await names('status=burning')).toEqual(['checkout-availability']);
    expect(await names('status=no-data')).toEqual(['checkout-datadog']);
    expect(await names('status=healthy')).toEqual([]);
  });

  it.runIf(available)('the series for charts agrees with the status at its last point', async () => {
    const from = new Date(now - 2 * 3_600_000).toISOString();
    const to = new Date(now).toISOString();
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/slos/checkout-availability/series?from=${from}&to=${to}&step=600`,
      headers: t.admin,
    });
    expect(res.statusCode, res.body).toBe(200);
    const series = res.json();
    expect(series.step).toBe(600);
    expect(series.points).toHaveLength(13);
    const last = series.points.at(-1);
    expect(last.t).toBe(to);
    expect(last.remaining).toBeCloseTo(0.5, 12);
    expect(last.burnRate1h).toBeCloseTo(5, 9);
    expect(last.total).toBe(1_000); // ten minutes of 100
    expect(last.sli).toBeCloseTo(0.9, 12); // all ten in the failing half hour
    const first = series.points[0];
    expect(first.remaining).toBeCloseTo(1, 12); // two hours ago nothing had failed yet
    expect(first.sli).toBe(1);
    const bad = await t.app.inject({
      method: 'GET',
      url: `/api/v1/slos/checkout-availability/series?from=${to}&to=${from}`,
      headers: t.admin,
    });
    expect(bad.statusCode).toBe(400);
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/slos/nope/series', headers: t.admin });
    expect(missing.statusCode).toBe(404);
  });

  it.runIf(available)('a source Headroom cannot query says where to push its data', async () => {
    const status = (await loadStatuses(t.database.db)).get('checkout-datadog')!;
    expect(status.state).toBe('no-data');
    expect(status.total).toBe(0);
    expect(status.note).toMatch(/not queryable.*ingest/);
  });

  it.runIf(available)('a budget correction over the failing half hour stops the burn', async () => {
    const start = new Date((K - 30) * 60_000).toISOString();
    const correction = `apiVersion: headroom.dev/v1
kind: BudgetCorrection
metadata:
  name: bad-deploy
spec:
  slos: [checkout-availability]
  start: ${start}
  duration: 30m
  category: incident-exemption
  reason: Another team's outage
`;
    const applied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: t.admin,
      payload: { files: [{ path: 'correction.yaml', content: correction }] },
    });
    expect(applied.statusCode, applied.body).toBe(200);
    await evaluateAll(t.database, now);
    const status = (await loadStatuses(t.database.db)).get('checkout-availability')!;
    // The 30 corrected minutes count for nothing: 570 minutes of 100 good requests remain.
    expect(status.total).toBe(57_000);
    expect(status.good).toBe(57_000);
    expect(status.errorBudget.remaining).toBe(1);
    expect(status.burnRates['5m']).toBeNull(); // every minute of it is corrected
    expect(status.burnRates['1h']).toBe(0);
    expect(status.state).toBe('healthy');
    expect(status.corrections).toEqual([{ start, end: new Date(now).toISOString() }]);
  });

  it.runIf(available)('a failing Prometheus poll of the stream is named in the status', async () => {
    await recordPollError(
      t.database.db,
      'checkout-availability',
      'connect ECONNREFUSED 127.0.0.1:9090',
      now - 120_000,
    );
    await recordPollError(
      t.database.db,
      'checkout-availability',
      'connect ECONNREFUSED 127.0.0.1:9090',
      now - 60_000,
    );
    await evaluateAll(t.database, now);
    const status = (await loadStatuses(t.database.db)).get('checkout-availability')!;
    expect(status.note).toMatch(
      /^Prometheus poll failed at .* \(2 failures in a row\): connect ECONNREFUSED/,
    );
    await deletePollState(t.database.db, 'checkout-availability');
  });

  it.runIf(available)('a status is dropped when its SLO is', async () => {
    const pruned = await t.app.inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: t.admin,
      payload: {
        files: [{ path: 'avail.yaml', content: slo('checkout-availability', 'headroom') }],
        prune: true,
      },
    });
    expect(pruned.statusCode, pruned.body).toBe(200);
    await evaluateAll(t.database, now);
    expect([...(await loadStatuses(t.database.db)).keys()]).toEqual(['checkout-availability']);
  });
});
