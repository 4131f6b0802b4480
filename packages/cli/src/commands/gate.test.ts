import { createServer } from 'node:net';
import type { PolicyVerdict } from '@headroom/core/api/budget-policy';
import { evaluateAll } from '@headroom/server/modules/slo-status/evaluator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

const slo = (name: string, service: string) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: ${service}
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
            type: headroom
            spec: {}
        total:
          metricSource:
            type: headroom
            spec: {}
`;

const POLICY = `apiVersion: headroom.dev/v1
kind: ErrorBudgetPolicy
metadata:
  name: everyone
spec:
  description: The SRE Workbook defaults for every service
`;

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('headroom gate, policy and exemptions against a running server', () => {
  let s: CliServer;

  beforeAll(async () => {
    s = await startCliServer();
    const api = (url: string, payload: object) =>
      s.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: s.admin, payload });
    expect((await api('/teams', { name: 'payments' })).statusCode).toBe(201);
    for (const svc of ['checkout', 'search'])
      expect((await api('/services', { name: svc, owner: 'payments' })).statusCode).toBe(201);
    expect((await api('/users', { name: 'alice' })).statusCode).toBe(201);
    const applied = await api('/apply', {
      files: [
        { path: 'a.yaml', content: slo('checkout-availability', 'checkout') },
        { path: 'b.yaml', content: slo('search-availability', 'search') },
        { path: 'p.yaml', content: POLICY },
      ],
    });
    expect(applied.statusCode, applied.body).toBe(200);
    const K = Math.floor(Date.now() / 60_000);
    // checkout: 5 % errors on a 1 % budget (exhausted); search: none.
    const ndjson = [
      ['checkout-availability', 50],
      ['search-availability', 0],
    ]
      .flatMap(([stream, bad]) =>
        Array.from({ length: 60 }, (_, i) =>
          JSON.stringify({
            stream,
            ts: (K - 60 + i) * 60_000 + 1_000,
            good: 1000 - Number(bad),
            total: 1000,
          }),
        ),
      )
      .join('\n');
    const ingested = await s.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/events',
      headers: { ...s.admin, 'content-type': 'application/x-ndjson', 'idempotency-key': 'cli-gate' },
      payload: ndjson,
    });
    expect(ingested.statusCode, ingested.body).toBe(200);
    expect((await evaluateAll(s.database, Date.now())).failed).toEqual([]);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('exits 0 for allow, 1 for deny, 0 for a p0-fix change (warn)', async () => {
    const allow = await s.cli(['gate', 'search', '--commit', 'abc', '--author', 'pat']);
    expect(allow.code, allow.stderr).toBe(0);
    expect(allow.stdout).toContain('ALLOW: search may ship');

    const deny = await s.cli(['gate', 'checkout', '--commit', 'abc']);
    expect(deny.code).toBe(1);
    expect(deny.stdout).toContain('DENY: release freeze for checkout');
    expect(deny.stdout).toContain("SLO 'checkout-availability'");
    expect(deny.stderr).toContain("the release gate denied the change (SLO 'checkout-availability'");

    const p0 = await s.cli(['gate', 'checkout', '--change-label', 'p0-fix', '--change-label', 'docs']);
    expect(p0.code, p0.stderr).toBe(0);
    expect(p0.stdout).toContain('WARN');
    expect(p0.stdout).toContain("labelled 'p0-fix'");

    const json = await s.cli(['-o', 'json', 'gate', 'checkout', '--commit', 'def', '--release', '1.2.3']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      verdict: 'deny',
      change: { commit: 'def', version: '1.2.3' },
    });
  });

  it('exits 2 when no verdict is reached: unknown service, bad token, server down', async () => {
    const unknown = await s.cli(['gate', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('SERVICE_NOT_FOUND');
    expect(unknown.stderr).toContain('no gate verdict');

    const badToken = await s.cli(['gate', 'checkout'], { token: 'not-a-real-token-0000000000000000' });
    expect(badToken.code).toBe(2);

    const down = await s.cli(['gate', 'checkout'], { server: `http://127.0.0.1:${await closedPort()}` });
    expect(down.code).toBe(2);
    expect(down.stderr).toContain('cannot reach the Headroom server');
  });

  it('shows the policy, and an exemption added with the CLI turns the deny into a warn until removed', async () => {
    const show = await s.cli(['policy', 'show', 'checkout']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('checkout-availability');
    expect(show.stdout).toMatch(/everyone/);
    const showJson = JSON.parse(
      (await s.cli(['-o', 'json', 'policy', 'show', 'checkout'])).stdout,
    ) as PolicyVerdict;
    expect(showJson.verdict).toBe('deny');

    // Every gate call above was recorded: 2 denies and a warn for checkout.
    const denies = await s.cli(['policy', 'decisions', 'checkout', '--verdict', 'deny', '--since', '-1h']);
    expect(denies.code, denies.stderr).toBe(0);
    const rows = denies.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^AT\s+VERDICT\s+BY\s+LABELS\s+COMMIT\s+VERSION$/);
    expect(rows.slice(1).map((r) => r.split(/\s+/)[1])).toEqual(['deny', 'deny']);
    expect(rows[1]).toMatch(/\sdef\s+1\.2\.3$/);
    const old = await s.cli(['policy', 'decisions', 'checkout', '--until', '-1h']);
    expect(old.stdout.trim()).toBe('no gate decisions');

    const add = await s.cli([
      'exemptions',
      'add',
      'checkout',
      '--reason',
      'provider outage',
      '--approver',
      'alice',
      '--expires',
      '2d',
    ]);
    expect(add.code, add.stderr).toBe(0);
    const id = /exemption (\S+) for checkout/.exec(add.stdout)?.[1];
    expect(id).toBeDefined();
    const list = await s.cli(['exemptions', 'list', 'checkout']);
    expect(list.stdout).toContain(id!);
    expect(list.stdout).toContain('provider outage');

    const exempted = await s.cli(['gate', 'checkout']);
    expect(exempted.code, exempted.stdout).toBe(0);
    expect(exempted.stdout).toContain('exempted');

    const bad = await s.cli([
      'exemptions',
      'add',
      'checkout',
      '--reason',
      'x',
      '--approver',
      'nobody',
      '--expires',
      '1d',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('/approver');

    expect((await s.cli(['exemptions', 'rm', 'checkout', id!])).code).toBe(0);
    expect((await s.cli(['gate', 'checkout'])).code).toBe(1);
  });
});
