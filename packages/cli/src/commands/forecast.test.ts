import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, cli, startCliServer } from '../test-support/cli.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = Math.floor(Date.now() / HOUR) * HOUR;
const usage = (h: number) => 20 + 0.01 * h + 5 * Math.sin((2 * Math.PI * h) / 24) + 0.2 * Math.sin(h * 7.3);

let dir: string;
let server: CliServer;

function csv(days: number, start: number): string {
  const rows = ['timestamp,value'];
  for (let h = 0; h < days * 24; h++)
    rows.push(`${new Date(start + h * HOUR).toISOString()},${usage(h).toFixed(3)}`);
  return `${rows.join('\n')}\n`;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'headroom-forecast-'));
  await writeFile(join(dir, 'usage.csv'), csv(21, now - 21 * DAY));
  await writeFile(join(dir, 'history.csv'), csv(60, now - 60 * DAY));
  await writeFile(
    join(dir, 'bad.csv'),
    'timestamp,value\n2026-01-01T00:00:00Z,1\n2026-01-01T01:00:00Z,lots\n',
  );
  server = await startCliServer();
  const admin = server.admin;
  for (const payload of [{ name: 'payments' }])
    await server.app.inject({ method: 'POST', url: '/api/v1/teams', headers: admin, payload });
  await server.app.inject({
    method: 'POST',
    url: '/api/v1/services',
    headers: admin,
    payload: { name: 'checkout', owner: 'payments' },
  });
  const applied = await server.app.inject({
    method: 'POST',
    url: '/api/v1/apply',
    headers: admin,
    payload: {
      files: [
        {
          path: 'capacity.yaml',
          content: `apiVersion: headroom.dev/v1
kind: CapacityResource
metadata: { name: checkout-cpu }
spec: { service: checkout, measure: cpu-cores, limit: 48, leadTime: 30d, perInstance: 8, redundancy: 2, costPerUnitMonth: 10 }
---
apiVersion: headroom.dev/v1
kind: GrowthScenario
metadata: { name: launch }
spec:
  events: [{ name: launch, start: '${new Date(now + 5 * DAY).toISOString()}', change: +40% }]
`,
        },
      ],
    },
  });
  expect(applied.statusCode, applied.body).toBe(200);
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('headroom forecast --csv (local, no server)', () => {
  it('prints the model, backtest and a sparkline', async () => {
    const r = await cli(['forecast', '--csv', 'usage.csv', '--horizon', '2d'], {
      cwd: dir,
      server: 'http://127.0.0.1:9',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^model:\s+holt-winters-\w+ \(period 24\)$/m);
    expect(r.stdout).toMatch(/^backtest:\s+MAPE .* MASE [0-9.]+ vs seasonal-naive/m);
    expect(r.stdout).toMatch(/^history [▁▂▃▄▅▆▇█ ]+ │ forecast [▁▂▃▄▅▆▇█ ]+$/m);
  });

  it('gives points, intervals, model and backtest as JSON', async () => {
    const r = await cli(
      ['forecast', '--csv', 'usage.csv', '--season', '24', '--horizon', '48', '-o', 'json'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.stepMs).toBe(HOUR);
    expect(out.model.period).toBe(24);
    expect(out.points).toHaveLength(48);
    expect(out.points[0].lower).toBeLessThanOrEqual(out.points[0].mean);
    expect(out.points[0].upper).toBeGreaterThanOrEqual(out.points[0].mean);
    expect(out.backtest.mase).toBeLessThan(1);
  });

  it('names file, line and field of a bad row and exits 2', async () => {
    const r = await cli(['forecast', '--csv', 'bad.csv'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.csv:3 value: .*"lots" is not a number/);
    const missing = await cli(['forecast', '--csv', 'nope.csv'], { cwd: dir });
    expect(missing.code).toBe(2);
  });
});

describe('headroom forecast / capacity against a server', () => {
  it('pushes a CSV and forecasts the resource with a scenario beside the organic figures', async () => {
    const pushed = await server.cli(['capacity', 'push', 'checkout-cpu', 'history.csv'], { cwd: dir });
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stdout).toMatch(/sent 1440 samples to checkout-cpu/);
    const r = await server.cli(['forecast', 'checkout-cpu', '--scenario', 'launch', '--horizon', '30d']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ORGANIC\s+SCENARIO launch/);
    expect(r.stdout).toMatch(/^model\s+holt-winters/m);
    expect(r.stdout).toMatch(/^sizing\s+peak .* N\+2=\d+ instances of 8/m);
    expect(r.stdout).toMatch(/^cost\s+\d+(\.\d+)? USD\/month/m);
    expect(r.stdout).toMatch(/^history .* │ forecast /m);
    const json = JSON.parse(
      (await server.cli(['forecast', 'checkout-cpu', '--scenario', 'launch', '-o', 'json'])).stdout,
    );
    expect(json.scenario.outlook.cost.monthly).toBeGreaterThan(json.organic.cost.monthly);
  });

  it('lists the runway table and shows a resource', async () => {
    const list = await server.cli(['capacity', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^RESOURCE\s+SERVICE\s+TEAM/m);
    expect(list.stdout).toMatch(/^checkout-cpu\s+checkout\s+payments/m);
    const show = await server.cli(['capacity', 'show', 'checkout-cpu']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^limit:\s+48 cores/m);
    const missing = await server.cli(['capacity', 'show', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/CAPACITY_RESOURCE_NOT_FOUND/);
  });

  it('refuses to backfill a push resource, and a bad --from', async () => {
    const r = await server.cli(['capacity', 'backfill', 'checkout-cpu']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/NOT_PROMETHEUS/);
    const bad = await server.cli(['capacity', 'backfill', 'checkout-cpu', '--from', '2y']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/INVALID_INPUT/);
  });
});
