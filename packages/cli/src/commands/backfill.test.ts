import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

// The backfill itself against a real Prometheus is tested in the server
// (packages/server/src/modules/prometheus/real-prometheus.test.ts); here the CLI's side.
let server: CliServer;

const slo = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: pushed-slo
spec:
  service: shop
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  objectives:
    - target: 0.99
  indicator:
    metadata:
      name: pushed-ok
    spec:
      ratioMetric:
        good:
          metricSource:
            type: headroom
        total:
          metricSource:
            type: headroom
`;

beforeAll(async () => {
  server = await startCliServer();
  const applied = await server.app.inject({
    method: 'POST',
    url: '/api/v1/apply',
    headers: server.admin,
    payload: { files: [{ path: 'slo.yaml', content: slo }] },
  });
  expect(applied.statusCode, applied.body).toBe(200);
});
afterAll(async () => {
  await server.close();
});

describe('headroom backfill', () => {
  it('explains that an SLO fed by ingest has nothing to backfill, and exits 1', async () => {
    const r = await server.cli(['backfill', 'pushed-slo', '--since', '7d']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*does not read its data from Prometheus.* \(SLO_NOT_PROMETHEUS\)$/m);
  });

  it('refuses an unknown SLO and a bad --since', async () => {
    const missing = await server.cli(['backfill', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/SLO_NOT_FOUND/);
    const bad = await server.cli(['backfill', 'pushed-slo', '--since', '1M']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/INVALID_INPUT/);
    expect(bad.stderr).toMatch(/\/since/);
  });
});
