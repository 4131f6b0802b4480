/**
 * A CPU resource backed by a real Prometheus (test-support/prometheus.ts): 20 days of per-5-minute
 * gauge history with a daily cycle loaded with promtool, a DataSource applied, the resource
 * backfilled through the API (and a second backfill reading nothing), a limit query read by the
 * poll, and a seasonal forecast on what was read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases } from '../../test-support/databases.js';
import { prometheusBinaries, startPrometheus, type TestPrometheus } from '../../test-support/prometheus.js';
import { pollResource } from './poll.js';
import { countSamples, findResource, getState } from './repo.js';

const binaries = prometheusBinaries();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAYS = 20;
const end = Math.floor(Date.now() / MINUTE) * MINUTE;
const begin = end - DAYS * 24 * HOUR;
const cores = (t: number) =>
  10 + 4 * Math.sin((2 * Math.PI * (t - begin)) / (24 * HOUR)) + ((t - begin) / (24 * HOUR)) * 0.1;

function history(): string {
  const usage: string[] = [];
  const capacity: string[] = [];
  for (let t = begin; t <= end; t += 5 * MINUTE) {
    usage.push(`node_cpu_used_cores{service="checkout"} ${cores(t).toFixed(4)} ${t / 1000}`);
    capacity.push(`node_cpu_capacity_cores{service="checkout"} 32 ${t / 1000}`);
  }
  return [
    '# TYPE node_cpu_used_cores gauge',
    ...usage,
    '# TYPE node_cpu_capacity_cores gauge',
    ...capacity,
    '# EOF',
    '',
  ].join('\n');
}

afterAll(dropCreatedDatabases);

describe.runIf(binaries.available)('capacity from a real Prometheus', () => {
  let prometheus: TestPrometheus;
  let t: TestApp;
  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: t.admin, ...(payload && { payload }) });

  beforeAll(async () => {
    prometheus = await startPrometheus({ binaries, targets: [], openMetrics: history() });
    t = await startTestApp('sqlite');
    expect((await api('POST', '/services', { name: 'checkout' })).statusCode).toBe(201);
    const applied = await api('POST', '/apply', {
      files: [
        {
          path: 'cpu.yaml',
          content: `apiVersion: openslo/v1
kind: DataSource
metadata:
  name: prom
spec:
  type: Prometheus
  connectionDetails:
    - url: ${prometheus.url}
---
apiVersion: headroom.dev/v1
kind: CapacityResource
metadata:
  name: checkout-cpu
spec:
  service: checkout
  measure: cpu-cores
  limit: { query: 'sum(node_cpu_capacity_cores)' }
  leadTime: 14d
  source:
    prometheus:
      dataSourceRef: prom
      query: sum(node_cpu_used_cores)
`,
        },
      ],
    });
    expect(applied.statusCode, applied.body).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await prometheus?.dispose();
  });

  it('backfills usage with query_range, once', async () => {
    const r = await api('POST', '/capacity/resources/checkout-cpu/backfill', { from: '21d' });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body.chunks).toBe(3);
    // One sample a minute where Prometheus has data (its 5-minute lookback fills between points).
    expect(body.samples).toBeGreaterThan(DAYS * 1440 - 10);
    expect(body.hours).toBeGreaterThanOrEqual(DAYS * 24);
    const usage = (await api('GET', '/capacity/resources/checkout-cpu/usage?from=21d')).json();
    const hour = usage.points[100];
    const at = Date.parse(hour.t);
    // The hourly max is the highest 5-minute point of the generated hour (Prometheus repeats each for 5 min).
    let max = 0;
    for (let s = Math.ceil((at - begin) / (5 * MINUTE)) * 5 * MINUTE + begin; s < at + HOUR; s += 5 * MINUTE)
      max = Math.max(max, Number(cores(s).toFixed(4)));
    expect(hour.max).toBeCloseTo(max, 6);
    const samples = await countSamples(t.database.db, 'checkout-cpu');
    const again = (await api('POST', '/capacity/resources/checkout-cpu/backfill', { from: '21d' })).json();
    expect(again.samples).toBe(0);
    expect(await countSamples(t.database.db, 'checkout-cpu')).toBe(samples);
  }, 60_000);

  it('reads the limit query on a poll and forecasts the daily cycle', async () => {
    const def = (await findResource(t.database.db, 'checkout-cpu'))!.definition;
    await pollResource(t.database.db, def);
    const state = await getState(t.database.db, 'checkout-cpu');
    expect(state).toMatchObject({ limitValue: 32, lastError: null });
    const f = (await api('GET', '/capacity/resources/checkout-cpu/forecast?horizon=30d')).json();
    expect(f.limit).toBe(32);
    expect(f.organic.model.period).toBe(24);
    expect(f.organic.backtest).not.toBeNull();
    const summary = (await api('GET', '/capacity/resources/checkout-cpu')).json();
    expect(summary.poll.lastError).toBeNull();
    expect(summary.utilisation).toBeGreaterThan(0.3);
  }, 60_000);

  it('records an unreachable Prometheus on the resource', async () => {
    await prometheus.stop();
    const def = (await findResource(t.database.db, 'checkout-cpu'))!.definition;
    await expect(pollResource(t.database.db, def)).rejects.toThrow(/unreachable/);
    expect((await getState(t.database.db, 'checkout-cpu'))?.lastError).toMatch(/unreachable/);
  }, 60_000);
});
