/** `headroom deploy …` and `headroom dora` against a real server. */
import type { Deployment, DoraReport, IncidentDeploymentLink } from '@headroom/core/api/deployment';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('headroom deploy and dora', () => {
  let s: CliServer;
  beforeAll(async () => {
    s = await startCliServer();
    const admin = { authorization: 'Bearer test-admin-token-0123456789abcdef' };
    const post = (url: string, payload: object) =>
      s.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: admin, payload });
    expect((await post('/teams', { name: 'payments' })).statusCode).toBe(201);
    expect((await post('/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
  });
  afterAll(async () => {
    await s.close();
  });

  it('records, lists, links and measures', async () => {
    const start = Date.now() - 3 * HOUR;
    const recorded = await s.cli([
      'deploy',
      'record',
      'checkout',
      '--release',
      '1.4.2',
      '--commit',
      'abc1234def',
      '--started-at',
      iso(start),
      '--finished-at',
      iso(start + 10 * 60_000),
      '--commit-time',
      iso(start - 2 * HOUR),
      '--label',
      'p0-fix',
    ]);
    expect(recorded.code, recorded.stderr).toBe(0);
    const id = recorded.stdout.trim();
    expect(id).toMatch(/^DEP-\d+$/);
    expect(recorded.stderr).toContain('Recorded');

    // the same deployment again prints the stored id
    const again = await s.cli([
      'deploy',
      'record',
      'checkout',
      '--release',
      '1.4.2',
      '--commit',
      'abc1234def',
      '--started-at',
      iso(start),
    ]);
    expect(again.stdout.trim()).toBe(id);

    const list = await s.cli(['deploy', 'list', '--service', 'checkout']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${id}\\s+checkout\\s+1\\.4\\.2\\s+abc1234def`));
    const json = JSON.parse((await s.cli(['deploy', 'list', '-o', 'json'])).stdout) as Deployment[];
    expect(json).toHaveLength(1);
    expect(json[0]).toMatchObject({ labels: ['p0-fix'], commitTime: iso(start - 2 * HOUR) });

    const inc = await s.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' },
      payload: {
        title: 'Checkout down',
        severity: 'SEV2',
        services: ['checkout'],
        impactStartedAt: iso(start + 20 * 60_000),
      },
    });
    const incident = inc.json().id as string;
    const suggest = await s.cli(['deploy', 'suggest', incident]);
    expect(suggest.code, suggest.stderr).toBe(0);
    expect(suggest.stdout).toContain(id);
    expect(suggest.stdout).toContain('20m before impact started');

    const linked = await s.cli(['deploy', 'link', id, '--incident', incident, '--suggested', '-o', 'json']);
    expect(linked.code, linked.stderr).toBe(0);
    expect((JSON.parse(linked.stdout) as IncidentDeploymentLink[])[0]).toMatchObject({
      source: 'suggestion',
    });

    const dora = await s.cli(['dora', '--service', 'checkout', '--since', '-1d']);
    expect(dora.code, dora.stderr).toBe(0);
    expect(dora.stdout).toContain('DORA four keys for service checkout');
    expect(dora.stdout).toMatch(/Lead time for changes\s+2h 10m\s+elite/);
    expect(dora.stdout).toMatch(/Change failure rate\s+100 % \(1 of 1\)\s+low/);
    expect(dora.stdout).toMatch(/Deployment frequency\s+1 per day \(7 per week\)\s+high/);
    expect(dora.stdout).toContain('elite: ≤ 5 %');
    const doraJson = JSON.parse(
      (await s.cli(['dora', '--team', 'payments', '-o', 'json'])).stdout,
    ) as DoraReport;
    expect(doraJson.byTeam.payments?.changeFailureRate.value).toBe(1);
    expect(doraJson.period.days).toBe(30);
  });

  it('refuses bad input with the field named and records nothing', async () => {
    const before = (await s.cli(['deploy', 'list', '-o', 'json'])).stdout;
    const unknown = await s.cli(['deploy', 'record', 'nope', '--release', '1', '--commit', 'c']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('service');
    const order = await s.cli([
      'deploy',
      'record',
      'checkout',
      '--release',
      '2',
      '--commit',
      'c',
      '--started-at',
      '-2h',
      '--commit-time',
      '-1h',
    ]);
    expect(order.code).not.toBe(0);
    expect(order.stderr).toContain('commitTime');
    const badTime = await s.cli([
      'deploy',
      'record',
      'checkout',
      '--release',
      '2',
      '--commit',
      'c',
      '--started-at',
      'yesterday',
    ]);
    expect(badTime.code).not.toBe(0);
    const badLink = await s.cli(['deploy', 'link', 'DEP-999', '--incident', 'INC-1']);
    expect(badLink.code).not.toBe(0);
    expect(badLink.stderr).toContain('deployment');
    expect((await s.cli(['deploy', 'list', '-o', 'json'])).stdout).toBe(before);
  });
});
