/**
 * Capacity planning through the API on both databases: kinds applied, 70 days of hourly usage
 * with a daily cycle and a trend pushed, a seasonal forecast whose runway matches the hand check,
 * a "+40 % from <date>" scenario that moves runway earlier and raises cost, all-or-nothing and
 * idempotent usage, and the runway ticket raised and resolved through the alert store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { evaluateAll } from '../slo-status/evaluator.js';
import { checkRunways, RUNWAY_ALERTNAME } from './job.js';
import { countSamples } from './repo.js';

afterAll(dropCreatedDatabases);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const DAYS = 70;
const now = Math.floor(Date.now() / HOUR) * HOUR;
const start = now - DAYS * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

/** 20 cores + 0.24 cores a day, ±5 cores over the day, a little deterministic noise. */
function usage(h: number): number {
  const noise = 0.3 * Math.sin(h * 12.9898) * Math.cos(h * 78.233);
  return 20 + 0.01 * h + 5 * Math.sin((2 * Math.PI * h) / 24) + noise;
}
const batch = (resource: string) =>
  Array.from({ length: DAYS * 24 }, (_, h) => ({ resource, ts: iso(start + h * HOUR), value: usage(h) }));

const resources = (tightLimit: number) => `apiVersion: headroom.dev/v1
kind: CapacityResource
metadata:
  name: checkout-cpu
  title: Checkout CPU
spec:
  service: checkout
  measure: cpu-cores
  limit: 64
  safeUtilisation: 80%
  leadTime: 30d
  costPerUnitMonth: 20
  perInstance: 8
  redundancy: 1
---
apiVersion: headroom.dev/v1
kind: CapacityResource
metadata:
  name: search-cpu
spec:
  service: search
  measure: cpu-cores
  limit: ${tightLimit}
  leadTime: 30d
---
apiVersion: headroom.dev/v1
kind: GrowthScenario
metadata:
  name: spain-launch
spec:
  description: Launch in Spain
  selector: { services: [checkout] }
  events:
    - { name: launch, type: step, start: '${iso(now + 10 * DAY)}', change: +40% }
`;

describe.each(supportedDatabases())('capacity planning on $name', ({ name, available }) => {
  let t: TestApp;
  const api = (
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = t.admin,
  ) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      headers,
      ...(payload !== undefined && { payload: payload as object }),
    });
  const apply = (content: string) => api('POST', '/apply', { files: [{ path: 'capacity.yaml', content }] });

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    expect((await api('POST', '/teams', { name: 'payments' })).statusCode).toBe(201);
    expect((await api('POST', '/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
    expect((await api('POST', '/services', { name: 'search', owner: 'payments' })).statusCode).toBe(201);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('refuses a resource of a service not in the catalog, at its line', async () => {
    const r = await apply(`apiVersion: headroom.dev/v1
kind: CapacityResource
metadata: { name: ghost-cpu }
spec: { service: ghost, measure: cpu-cores, limit: 4 }
`);
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ path: '/spec/service', file: 'capacity.yaml', line: 4 });
  });

  it.runIf(available)('applies the kinds and takes 70 days of hourly usage, idempotently', async () => {
    const applied = await apply(resources(56));
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json().summary.create).toBe(3);
    const first = await api('POST', '/capacity/usage', batch('checkout-cpu'));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ accepted: DAYS * 24, resources: ['checkout-cpu'], hours: DAYS * 24 });
    // NDJSON for the other resource.
    const ndjson = batch('search-cpu')
      .map((r) => JSON.stringify(r))
      .join('\n');
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/v1/capacity/usage',
      headers: { ...t.admin, 'content-type': 'application/x-ndjson' },
      payload: ndjson,
    });
    expect(second.statusCode, second.body).toBe(200);
    const before = (await api('GET', '/capacity/resources/checkout-cpu/usage?from=3d')).json();
    expect(before.points.length).toBeGreaterThanOrEqual(71);
    // The same batch again: same rows, same hours.
    expect((await api('POST', '/capacity/usage', batch('checkout-cpu'))).statusCode).toBe(200);
    expect(await countSamples(t.database.db, 'checkout-cpu')).toBe(DAYS * 24);
    const after = (await api('GET', '/capacity/resources/checkout-cpu/usage?from=3d')).json();
    expect(after.points).toEqual(before.points);
    expect(after.points.at(-1).samples).toBe(1);
    expect(after.points.at(-1).max).toBeCloseTo(usage(DAYS * 24 - 1), 9);
  });

  it.runIf(available)(
    'refuses a batch with bad records, naming index and field, storing nothing',
    async () => {
      const samples = await countSamples(t.database.db);
      const r = await api('POST', '/capacity/usage', [
        { resource: 'checkout-cpu', ts: iso(now - HOUR), value: 30 },
        { resource: 'checkout-cpu', ts: iso(now - HOUR), value: -1 },
        { resource: 'nope', ts: 'yesterday', value: 'high' },
        { resource: 'checkout-cpu', ts: iso(now - HOUR), value: 1e308 },
      ]);
      expect(r.statusCode).toBe(400);
      expect(r.headers['content-type']).toMatch(/problem\+json/);
      const body = r.json();
      expect(body.code).toBe('INVALID_USAGE');
      expect(body.errors.map((e: { path: string }) => e.path)).toEqual([
        '/1/value',
        '/2/resource',
        '/2/ts',
        '/2/value',
        '/3/value',
      ]);
      expect(body.errors[4].message).toContain('1e18');
      expect(await countSamples(t.database.db)).toBe(samples);
      const viewer = await t.userWithToken('vic', 'viewer');
      expect(
        (await api('POST', '/capacity/usage', batch('checkout-cpu').slice(0, 1), viewer)).statusCode,
      ).toBe(403);
    },
  );

  it.runIf(available)('forecasts a daily season with a runway matching the hand check', async () => {
    const r = await api('GET', '/capacity/resources/checkout-cpu/forecast?horizon=90d');
    expect(r.statusCode, r.body).toBe(200);
    const f = r.json();
    expect(f.organic.model.kind).toMatch(/^holt-winters/);
    expect(f.organic.model.period).toBe(24);
    expect(f.organic.backtest.mase).toBeLessThan(1);
    expect(f.organic.points).toHaveLength(90 * 24);
    expect(f.threshold).toBeCloseTo(51.2, 9);
    // By hand: the daily peak 25 + 0.01 h crosses 51.2 at h = 2620, 940 hours after the last hour.
    const expected = start + 2620 * HOUR;
    const at = Date.parse(f.organic.runway.threshold.at);
    expect(Math.abs(at - expected)).toBeLessThan(4 * DAY);
    expect(Date.parse(f.organic.runway.threshold.early)).toBeLessThanOrEqual(at);
    expect(f.organic.runway.insideLeadTime).toBe(false);
    // Sizing at the peak within 90 days (about 25 + 0.01 × 3840 = 63.4 cores): ceil(63.4 / 8) + 1.
    expect(f.organic.sizing.total).toBe(f.organic.sizing.needed + 1);
    expect(f.organic.sizing.needed).toBeGreaterThanOrEqual(7);
    expect(f.organic.sizing.needed).toBeLessThanOrEqual(9);
    expect(f.organic.cost).toMatchObject({ currency: 'USD', monthly: f.organic.sizing.total * 8 * 20 });
    expect(f.scenario).toBeNull();
    // Cached: the second answer is the same forecast.
    const again = (await api('GET', '/capacity/resources/checkout-cpu/forecast?horizon=90d')).json();
    expect(again.organic.points).toEqual(f.organic.points);
  });

  it.runIf(available)('lays "+40 % from in ten days" over it: earlier runway, higher cost', async () => {
    const f = (await api('GET', '/capacity/resources/checkout-cpu/forecast?scenario=spain-launch')).json();
    const organic = Date.parse(f.organic.runway.threshold.at);
    const scenario = Date.parse(f.scenario.outlook.runway.threshold.at);
    // At the launch the daily peak is about 1.4 × (25 + 19.2) = 62 > 51.2: crossed on launch day.
    expect(Math.abs(scenario - (now + 10 * DAY))).toBeLessThan(DAY + HOUR);
    expect(scenario).toBeLessThan(organic);
    expect(f.scenario.outlook.runway.insideLeadTime).toBe(true);
    expect(f.scenario.outlook.cost.monthly).toBeGreaterThan(f.organic.cost.monthly);
    const detail = (await api('GET', '/capacity/scenarios/spain-launch')).json();
    expect(detail.effects).toHaveLength(1);
    expect(detail.effects[0].resource).toBe('checkout-cpu');
    expect(detail.effects[0].scenario.monthlyCost).toBe(f.scenario.outlook.cost.monthly);
    const runway = (await api('GET', '/capacity/runway?scenario=spain-launch')).json();
    expect(runway.items.map((i: { resource: string }) => i.resource)).toEqual(['checkout-cpu', 'search-cpu']);
  });

  it.runIf(available)('lists resources by team and sorts the runway table by urgency', async () => {
    const list = (await api('GET', '/capacity/resources?team=payments')).json();
    expect(list.items.map((i: { name: string }) => i.name)).toEqual(['checkout-cpu', 'search-cpu']);
    expect(list.items[0]).toMatchObject({ team: 'payments', unit: 'cores', limit: { value: 64 } });
    expect(list.items[0].utilisation).toBeGreaterThan(0.4);
    expect((await api('GET', '/capacity/resources?service=nothing')).json().items).toEqual([]);
    const table = (await api('GET', '/capacity/runway')).json();
    // search-cpu (limit 56, threshold 44.8) crosses about 12 days out, inside its 30 days.
    expect(table.items[0]).toMatchObject({ resource: 'search-cpu', insideLeadTime: true });
    expect(table.items[0].slackDays).toBeLessThan(0);
    expect(table.items[1]).toMatchObject({ resource: 'checkout-cpu', insideLeadTime: false });
    expect((await api('GET', '/capacity/resources/nope')).json().code).toBe('CAPACITY_RESOURCE_NOT_FOUND');
    expect((await api('GET', '/capacity/resources/checkout-cpu/forecast?horizon=2y')).statusCode).toBe(400);
  });

  it.runIf(available)('raises a runway ticket through the alert store and resolves it', async () => {
    const result = await checkRunways(t.database.db, { currency: 'USD' });
    expect(result).toMatchObject({ firing: 1, failed: [] });
    const firing = (await api('GET', `/alerts?status=firing`)).json();
    const items = (firing.items ?? firing) as {
      labels: Record<string, string>;
      annotations: Record<string, string>;
    }[];
    const ticket = items.find((a) => a.labels.alertname === RUNWAY_ALERTNAME);
    expect(ticket?.labels).toEqual({
      alertname: RUNWAY_ALERTNAME,
      service: 'search',
      resource: 'search-cpu',
      severity: 'ticket',
    });
    expect(ticket?.annotations.summary).toMatch(
      /search-cpu reaches its safe threshold around \d{4}-\d{2}-\d{2}.*30d lead time/,
    );
    // Checked again: nothing changes; an SLO evaluation pass leaves the ticket alone.
    expect((await checkRunways(t.database.db, { currency: 'USD' })).changed).toBe(0);
    await evaluateAll(t.database);
    const still = (await api('GET', '/alerts?status=firing')).json() as { labels: Record<string, string> }[];
    expect(still.some((a) => a.labels.alertname === RUNWAY_ALERTNAME)).toBe(true);
    // A bigger limit puts the runway outside the lead time: the ticket resolves.
    expect((await apply(resources(200))).statusCode).toBe(200);
    const next = await checkRunways(t.database.db, { currency: 'USD' });
    expect(next.firing).toBe(0);
    const list = (await api('GET', '/alerts?status=resolved')).json() as { labels: Record<string, string> }[];
    expect(
      list.some((a) => a.labels.alertname === RUNWAY_ALERTNAME && a.labels.resource === 'search-cpu'),
    ).toBe(true);
  });

  it.runIf(available)('forecasts an ad-hoc series without storing it', async () => {
    const samples = await countSamples(t.database.db);
    const points = Array.from({ length: 24 * 21 }, (_, h) => ({ t: start + h * HOUR, v: usage(h) }));
    const r = await api('POST', '/capacity/forecast', { points, horizon: 48 });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ stepMs: HOUR, model: { period: 24 } });
    expect(r.json().points).toHaveLength(48);
    expect(await countSamples(t.database.db)).toBe(samples);
    const bad = await api('POST', '/capacity/forecast', {
      csv: 'timestamp,value\n2026-01-01T00:00:00Z,abc\n',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0]).toMatchObject({ line: 2 });
  });
});
