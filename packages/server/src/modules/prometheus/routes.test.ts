import http from 'node:http';
import type net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { apply } from '../../test-support/apply.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { catalog, checkoutSlo } from '../../test-support/openslo.js';
import { freePort } from '../../test-support/prometheus.js';
import { readBuckets } from '../sli-data/repo.js';
import { loadPrometheusSlis } from './service.js';

afterAll(dropCreatedDatabases);

/** A stand-in Prometheus: `good_total` grows by 9 and `all_total` by 10 a minute, forever. */
let fake: http.Server;
let fakeUrl: string;
const queries: string[] = [];
beforeAll(async () => {
  fake = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const query = form.get('query') ?? '';
      queries.push(query);
      const perMinute = query === 'good_total' ? 9 : 10;
      const values: [number, string][] = [];
      for (let t = Number(form.get('start')); t <= Number(form.get('end')); t += Number(form.get('step'))) {
        values.push([t, String((t / 60) * perMinute)]);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'matrix', result: [{ metric: {}, values }] },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  fakeUrl = `http://127.0.0.1:${(fake.address() as net.AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => fake.close(resolve)));

const prometheusSlo = (url: string) => ({
  path: 'checkout-prom.yaml',
  content: `apiVersion: openslo/v1
kind: DataSource
metadata:
  name: prometheus
spec:
  type: Prometheus
  connectionDetails:
    - url: ${url}
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-prom
spec:
  service: web-shop
  indicator:
    metadata:
      name: checkout-prom-requests
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            metricSourceRef: prometheus
            spec:
              query: good_total
        total:
          metricSource:
            metricSourceRef: prometheus
            spec:
              query: sum(all_total)
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.9
`,
});

describe.each(supportedDatabases())('POST /api/v1/slos/{name}/backfill on $name', ({ name, available }) => {
  let t: TestApp;
  beforeEach(async () => {
    if (!available) return;
    t = await startTestApp(name);
    const res = await apply(t, [catalog, checkoutSlo(), prometheusSlo(fakeUrl)]);
    expect(res.statusCode, res.body).toBe(200);
  });
  afterEach(async () => {
    if (available) await t.close();
  });

  const backfill = (slo: string, payload: unknown, headers = t.admin) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/slos/${slo}/backfill`,
      headers,
      payload: payload as object,
    });

  it.runIf(available)('reads the SLO’s Prometheus history into its stream, and only once', async () => {
    const before = Date.now();
    const res = await backfill('checkout-prom', { since: '2h' });
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json();
    expect(result).toMatchObject({ slo: 'checkout-prom', since: '2h' });
    expect(result.streams).toHaveLength(1);
    const [stream] = result.streams;
    expect(stream.stream).toBe('checkout-prom');
    expect(stream.warnings).toEqual([]);
    const from = Date.parse(stream.from) / 60_000;
    const to = Date.parse(stream.to) / 60_000;
    expect(from).toBe(Math.floor((before - 2 * 3_600_000) / 60_000));
    expect(to - from).toBeGreaterThanOrEqual(119);
    expect(stream.buckets).toBe(to - from);
    const buckets = await readBuckets(t.database.db, 'checkout-prom', from - 10, to + 10);
    expect(buckets).toHaveLength(to - from);
    expect(buckets.every((b) => b.good === 9 && b.total === 10)).toBe(true);
    expect(queries).toContain('all_total'); // the counter selector inside sum(...)

    const again = await backfill('checkout-prom', { since: '2h' });
    expect(again.json().streams[0].buckets).toBe(0); // what is covered is not read again
    const more = await backfill('checkout-prom', {}); // 30 days by default: only the older part is read
    expect(more.statusCode, more.body).toBe(200);
    const older = more.json().streams[0];
    const olderFrom = Date.parse(older.from) / 60_000;
    expect(older.to).toBe(stream.from);
    expect(older.buckets).toBe(from - olderFrom);
    expect(Math.abs(from - olderFrom - (30 * 1440 - 120))).toBeLessThanOrEqual(1);
  });

  it.runIf(available)(
    'refuses viewers, unknown SLOs, SLOs fed by ingest, and durations it cannot use',
    async () => {
      const viewer = await t.userWithToken('vera', 'viewer');
      expect((await backfill('checkout-prom', { since: '1h' }, viewer)).json().code).toBe('FORBIDDEN');
      const missing = await backfill('nope', { since: '1h' });
      expect([missing.statusCode, missing.json().code]).toEqual([404, 'SLO_NOT_FOUND']);
      const pushed = await backfill('checkout-availability', { since: '1h' });
      expect([pushed.statusCode, pushed.json().code]).toEqual([400, 'SLO_NOT_PROMETHEUS']);
      expect((await backfill('checkout-prom', { since: '1M' })).statusCode).toBe(400);
    },
  );

  it.runIf(available)(
    'gives the poller every Prometheus-backed indicator, and why others cannot be polled',
    async () => {
      const threshold = {
        path: 'lag.yaml',
        content: `apiVersion: openslo/v1
kind: SLO
metadata:
  name: lag
spec:
  service: web-shop
  indicator:
    metadata:
      name: lag
    spec:
      thresholdMetric:
        metricSource:
          metricSourceRef: prometheus
          spec:
            query: max(consumer_lag)
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Timeslices
  objectives:
    - op: lt
      value: 10
      target: 0.9
      timeSliceTarget: 0.9
      timeSliceWindow: 1m
`,
      };
      const res = await apply(t, [catalog, checkoutSlo(), prometheusSlo(fakeUrl), threshold]);
      expect(res.statusCode, res.body).toBe(200);
      expect(await loadPrometheusSlis(t.database.db)).toEqual([
        {
          stream: 'checkout-prom',
          connection: { url: fakeUrl },
          queries: { good: 'good_total', total: 'sum(all_total)', counter: true },
        },
        {
          stream: 'lag',
          problem: expect.stringContaining('SLO lag: a threshold SLI is not read from Prometheus yet'),
        },
      ]);
    },
  );

  it.runIf(available)('answers 502 with the reason when Prometheus cannot be reached', async () => {
    const port = await freePort();
    const res = await apply(t, [catalog, checkoutSlo(), prometheusSlo(`http://127.0.0.1:${port}`)]);
    expect(res.statusCode, res.body).toBe(200);
    const failed = await backfill('checkout-prom', { since: '1h' });
    expect([failed.statusCode, failed.json().code]).toEqual([502, 'PROMETHEUS_UNREACHABLE']);
    expect(failed.json().detail).toContain('ECONNREFUSED');
  });
});
