import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BudgetCorrection } from '@headroom/core/api/correction';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

const CONFIG = `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
spec:
  type: service
  lifecycle: production
  owner: payments
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
  labels: { tier: critical }
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  objectives:
    - target: 0.999
  indicator:
    metadata:
      name: checkout-ok
    spec:
      ratioMetric:
        counter: true
        good: { metricSource: { type: headroom, spec: {} } }
        total: { metricSource: { type: headroom, spec: {} } }
---
apiVersion: headroom.dev/v1
kind: BudgetCorrection
metadata:
  name: sunday-maintenance
spec:
  service: checkout
  labels: { tier: critical }
  start: 2024-03-03T02:30:00
  timeZone: Europe/Berlin
  duration: 2h
  rrule: FREQ=WEEKLY;BYDAY=SU
  reason: Weekly database maintenance
`;

let server: CliServer;
let dir: string;

beforeAll(async () => {
  server = await startCliServer();
  dir = await mkdtemp(join(tmpdir(), 'headroom-corrections-'));
  await writeFile(join(dir, 'config.yaml'), CONFIG);
  const r = await server.cli(['apply', '-f', join(dir, 'config.yaml')]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await server.close();
});

describe('headroom corrections', () => {
  it('lists corrections with the SLOs they select', async () => {
    const r = await server.cli(['corrections', 'list']);
    expect(r.code, r.stderr).toBe(0);
    const [head, row] = r.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^NAME\s+CATEGORY\s+SELECTS\s+SLOS\s+SCHEDULE\s+OCCURRENCE\s+REASON$/);
    expect(row).toMatch(
      /^sunday-maintenance\s+planned-maintenance\s+service checkout and labels tier=critical\s+checkout-availability\s+2024-03-03T02:30:00 Europe\/Berlin for 2h, FREQ=WEEKLY;BYDAY=SU\s+(now, )?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ – \S+\s+Weekly database maintenance$/,
    );
    const json = await server.cli(['corrections', 'list', '--slo', 'checkout-availability', '-o', 'json']);
    expect((JSON.parse(json.stdout) as BudgetCorrection[]).map((c) => c.name)).toEqual([
      'sunday-maintenance',
    ]);
    expect((await server.cli(['corrections', 'list', '--slo', 'other'])).stdout).toBe(
      'no budget corrections\n',
    );
  });

  it('shows one correction, and fails for an unknown one', async () => {
    const r = await server.cli(['corrections', 'get', 'sunday-maintenance']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+sunday-maintenance$/m);
    expect(r.stdout).toMatch(/^SLOs:\s+checkout-availability$/m);
    expect(r.stdout).toMatch(/^Recurrence:\s+FREQ=WEEKLY;BYDAY=SU$/m);
    expect(r.stdout).toMatch(/^Start:\s+2024-03-03T02:30:00 Europe\/Berlin$/m);
    const missing = await server.cli(['corrections', 'get', 'nothing']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/does not exist/);
  });
});
