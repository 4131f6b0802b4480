import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EscalationPolicyDetail } from '@headroom/core/api/escalation-policy';
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
kind: User
metadata:
  name: alice
spec:
  memberOf: [payments]
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: carol
spec:
  memberOf: [payments]
---
apiVersion: headroom.dev/v1
kind: Schedule
metadata:
  name: payments-primary
spec:
  owner: payments
  timeZone: UTC
  layers:
    - name: always-alice
      users: [alice]
      shiftLength: 1w
      handoffTime: "09:00"
      start: 2024-03-01
---
apiVersion: headroom.dev/v1
kind: EscalationPolicy
metadata:
  name: payments-critical
spec:
  owner: payments
  repeat: 2
  steps:
    - delay: 5m
      notify: [{ schedule: payments-primary }]
    - delay: 1h
      notify: [{ user: carol }, { schedule: payments-primary }]
`;

let server: CliServer;
let dir: string;

beforeAll(async () => {
  server = await startCliServer();
  dir = await mkdtemp(join(tmpdir(), 'headroom-escalation-'));
  await writeFile(join(dir, 'config.yaml'), CONFIG);
  const r = await server.cli(['apply', '-f', join(dir, 'config.yaml')]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await server.close();
});

describe('headroom escalation-policies', () => {
  it('lists policies and shows whom each step would notify now', async () => {
    const list = await server.cli(['escalation-policies', 'list']);
    expect(list.code, list.stderr).toBe(0);
    const [head, row] = list.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^NAME\s+STEPS\s+REPEAT\s+OWNER\s+FIRST STEP$/);
    expect(row).toMatch(/^payments-critical\s+2\s+2\s+payments\s+schedule payments-primary$/);

    const show = await server.cli(['escalation-policies', 'show', 'payments-critical']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^Repeat:\s+2 more times$/m);
    expect(show.stdout).toMatch(
      /^1\s+schedule payments-primary\s+5m\s+alice \(on call in payments-primary\)$/m,
    );
    expect(show.stdout).toMatch(
      /^2\s+user carol, schedule payments-primary\s+1h\s+carol, alice \(on call in payments-primary\)$/m,
    );

    const json = await server.cli(['escalation-policies', 'show', 'payments-critical', '-o', 'json']);
    const d = JSON.parse(json.stdout) as EscalationPolicyDetail;
    expect(d.steps.map((s) => s.now.recipients)).toEqual([
      [{ user: 'alice', via: { schedule: 'payments-primary' } }],
      [
        { user: 'carol', via: { user: 'carol' } },
        { user: 'alice', via: { schedule: 'payments-primary' } },
      ],
    ]);

    const missing = await server.cli(['escalation-policies', 'show', 'nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/Escalation policy 'nope' does not exist/);
  });
});
