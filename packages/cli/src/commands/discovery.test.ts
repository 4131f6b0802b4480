/** `headroom discovery …` against a real server. */
import type { Backlog, Tree } from '@headroom/core/api/discovery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type CliServer, startCliServer } from '../test-support/cli.js';

const TREE = `apiVersion: headroom.dev/v1
kind: Outcome
metadata: { name: calmer-on-call }
spec:
  title: Calmer on-call
  metric:
    target: incidents per month < 1
    measure: incidentsPerMonth
---
apiVersion: headroom.dev/v1
kind: Opportunity
metadata: { name: night-pages }
spec:
  outcome: calmer-on-call
  title: Checkout pages people at night
  services: [checkout]
---
apiVersion: headroom.dev/v1
kind: Opportunity
metadata: { name: noisy-alerts }
spec:
  outcome: calmer-on-call
  parent: night-pages
  title: Alerts fire for nothing
---
apiVersion: headroom.dev/v1
kind: Solution
metadata: { name: burn-rate-alerts }
spec:
  opportunity: night-pages
  title: Burn-rate alerts
  rice: { impact: 2, confidence: 80, effort: 2 }
---
apiVersion: headroom.dev/v1
kind: Solution
metadata: { name: follow-the-sun }
spec:
  opportunity: noisy-alerts
  title: Follow-the-sun rotation
`;

describe('headroom discovery', () => {
  let s: CliServer;
  beforeAll(async () => {
    s = await startCliServer();
    const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const post = (url: string, payload: object) =>
      s.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: admin, payload });
    expect((await post('/teams', { name: 'payments' })).statusCode).toBe(201);
    expect((await post('/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
    const inc = await post('/incidents', {
      title: 'Checkout down',
      severity: 'SEV2',
      services: ['checkout'],
    });
    expect(inc.statusCode, inc.body).toBe(201);
    const applied = await post('/apply', { files: [{ path: 'tree.yaml', content: TREE }] });
    expect(applied.statusCode, applied.body).toBe(200);
  });
  afterAll(async () => {
    await s.close();
  });

  it('prints the tree indented, with evidence and RICE', async () => {
    const r = await s.cli(['discovery', 'tree']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('outcome calmer-on-call: Calmer on-call');
    // One incident in 90 days ÷ 3 months.
    expect(lines[1]).toBe('  target: incidents per month < 1 — now 0.33 (incidentsPerMonth), met');
    expect(lines[2]).toBe('  opportunity night-pages: Checkout pages people at night [checkout]');
    expect(lines[3]).toContain('incidents 1 in 30 d, 1 in 90 d (SEV2 1)');
    expect(lines[3]).toContain('teams 1');
    expect(lines[4]).toBe('    solution burn-rate-alerts (idea): Burn-rate alerts');
    // 1 team × 2 × 0.8 ÷ 2 = 0.8
    expect(lines[5]).toBe('        RICE 0.8 = reach 1 (teams affected) × impact 2 × 80 % ÷ 2 person-months');
    expect(lines[6]).toBe('    opportunity noisy-alerts: Alerts fire for nothing');
    expect(r.stdout).toContain(
      '      solution follow-the-sun (idea): Follow-the-sun rotation\n          not scored',
    );
    const json = JSON.parse(
      (await s.cli(['discovery', 'tree', '--outcome', 'calmer-on-call', '-o', 'json'])).stdout,
    ) as Tree;
    expect(json.outcomes[0]!.opportunities[0]!.children[0]!.name).toBe('noisy-alerts');
    const missing = await s.cli(['discovery', 'tree', '--outcome', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Outcome 'nope' does not exist");
  });

  it('scores a solution and ranks the backlog', async () => {
    const scored = await s.cli([
      'discovery',
      'score',
      'follow-the-sun',
      '--impact',
      '1',
      '--confidence',
      '50',
      '--effort',
      '0.5',
      '--reach',
      '12',
      '--reason',
      'on-call survey',
    ]);
    expect(scored.code, scored.stderr).toBe(0);
    // 12 × 1 × 0.5 ÷ 0.5 = 12
    expect(scored.stdout.trim()).toBe(
      'RICE 12 = reach 12 (override: on-call survey) × impact 1 × 50 % ÷ 0.5 person-months',
    );
    expect(scored.stderr).toContain('number 1 of 2');
    const backlog = await s.cli(['discovery', 'backlog']);
    expect(backlog.code).toBe(0);
    const rows = backlog.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^RANK\s+SOLUTION\s+STATUS\s+SCORE\s+REACH/);
    expect(rows[1]).toMatch(
      /^1\s+follow-the-sun\s+idea\s+12\s+12 \(override\)\s+1\s+50 %\s+0\.5\s+noisy-alerts\s+calmer-on-call$/,
    );
    expect(rows[2]).toMatch(/^2\s+burn-rate-alerts\s+idea\s+0\.8\s+1 \(evidence\)/);
    const json = JSON.parse(
      (await s.cli(['discovery', 'backlog', '--limit', '1', '-o', 'json'])).stdout,
    ) as Backlog;
    expect(json.items.map((i) => i.solution)).toEqual(['follow-the-sun']);
  });

  it('refuses scores off the scales before sending anything', async () => {
    const noReason = await s.cli([
      'discovery',
      'score',
      'burn-rate-alerts',
      '--impact',
      '2',
      '--confidence',
      '80',
      '--effort',
      '1',
      '--reach',
      '3',
    ]);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason');
    const badImpact = await s.cli([
      'discovery',
      'score',
      'burn-rate-alerts',
      '--impact',
      '5',
      '--confidence',
      '80',
      '--effort',
      '1',
    ]);
    expect(badImpact.code).toBe(2);
    expect(badImpact.stderr).toContain('--impact');
    const badEffort = await s.cli([
      'discovery',
      'score',
      'burn-rate-alerts',
      '--impact',
      '2',
      '--confidence',
      '80',
      '--effort',
      '0',
    ]);
    expect(badEffort.code).toBe(2);
    const unknown = await s.cli([
      'discovery',
      'score',
      'nope',
      '--impact',
      '2',
      '--confidence',
      '80',
      '--effort',
      '1',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Solution 'nope' does not exist");
  });

  it('shows the evidence of an opportunity', async () => {
    const r = await s.cli(['discovery', 'evidence', 'night-pages']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Incidents 30 d:\s+1 \(SEV2 1\)/);
    expect(r.stdout).toMatch(/Teams affected:\s+1: payments/);
    expect(r.stdout).toMatch(
      /Working hours:\s+Mon,Tue,Wed,Thu,Fri 09:00-18:00 \(schedule's zone, else UTC\)/,
    );
    expect((await s.cli(['discovery', 'evidence', 'nope'])).code).toBe(1);
  });
});
