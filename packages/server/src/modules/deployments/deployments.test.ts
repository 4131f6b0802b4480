/**
 * Deployments through the API on both databases: recording (idempotent, refusals changing
 * nothing), listing for chart annotations, linking to incidents with timeline and audit,
 * suggestions, and the DORA report on a small hand-computed fixture.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';

afterAll(dropCreatedDatabases);

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(supportedDatabases())('deployments on $name', ({ name, available }) => {
  let t: TestApp;
  let viewer: { authorization: string };
  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, headers = t.admin) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload && { payload }) });
  const count = async (table: 'deployments' | 'deployment_incidents' | 'audit_log') =>
    Number(
      (
        await t.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    expect((await api('POST', '/teams', { name: 'payments' })).statusCode).toBe(201);
    expect((await api('POST', '/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
    expect((await api('POST', '/services', { name: 'search' })).statusCode).toBe(201);
    viewer = await t.userWithToken('vera', 'viewer');
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('records a deployment once, with defaults, audited', async () => {
    const startedAt = iso(Date.now() - 2 * HOUR);
    const body = {
      service: 'checkout',
      version: '1.4.2',
      commit: 'abc1234def',
      startedAt,
      labels: ['p0-fix'],
    };
    const first = await api('POST', '/deployments', body);
    expect(first.statusCode, first.body).toBe(201);
    const d = first.json();
    expect(d).toMatchObject({
      service: 'checkout',
      team: 'payments',
      version: '1.4.2',
      commit: 'abc1234def',
      commitTime: null,
      startedAt,
      environment: 'production',
      status: 'succeeded',
      recordedBy: 'admin',
      labels: ['p0-fix'],
      incidents: [],
      gateDecision: null,
    });
    expect(d.id).toMatch(/^DEP-\d+$/);
    expect(Date.parse(d.finishedAt)).toBe(Date.parse(d.recordedAt)); // finished defaults to recorded
    const audits = await count('audit_log');

    const again = await api('POST', '/deployments', { ...body, status: 'failed' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: d.id, status: 'succeeded' });
    expect(await count('audit_log')).toBe(audits);
    const audit = await t.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('target_kind', '=', 'deployment')
      .where('target_ref', '=', d.id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['deployment.record']);
  });

  it.runIf(available)('refuses bad input with the field named, storing nothing', async () => {
    const before = await count('deployments');
    const audits = await count('audit_log');
    const now = Date.now();
    const cases: [object, string, string, { authorization: string }?][] = [
      [{ service: 'nope', version: '1', commit: 'c' }, 'UNKNOWN_SERVICE', '/service'],
      [
        { service: 'checkout', version: '1', commit: 'c', startedAt: iso(now - HOUR), commitTime: iso(now) },
        'COMMIT_AFTER_START',
        '/commitTime',
      ],
      [
        {
          service: 'checkout',
          version: '1',
          commit: 'c',
          startedAt: iso(now - HOUR),
          finishedAt: iso(now - 2 * HOUR),
        },
        'INVALID_INPUT',
        '/finishedAt',
      ],
      [
        { service: 'checkout', version: '1', commit: 'c', startedAt: iso(now + 2 * HOUR) },
        'INVALID_INPUT',
        '/startedAt',
      ],
      [{ service: 'checkout', version: '1', commit: 'c', status: 'exploded' }, 'INVALID_INPUT', '/status'],
      [{ service: 'checkout', version: '', commit: 'c' }, 'INVALID_INPUT', '/version'],
    ];
    for (const [body, code, path] of cases) {
      const r = await api('POST', '/deployments', body);
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().code).toBe(code);
      expect(JSON.stringify(r.json().errors ?? r.json().detail)).toContain(path);
    }
    const forbidden = await api(
      'POST',
      '/deployments',
      { service: 'checkout', version: '1', commit: 'c' },
      viewer,
    );
    expect(forbidden.statusCode).toBe(403);
    expect(await count('deployments')).toBe(before);
    expect(await count('audit_log')).toBe(audits);
  });

  it.runIf(available)('lists newest first, by service, team and time, for chart annotations', async () => {
    const base = Date.parse('2024-03-01T00:00:00Z');
    for (const [service, version, h] of [
      ['search', 's1', 1],
      ['checkout', 'c1', 2],
      ['checkout', 'c2', 5],
      ['search', 's2', 30],
    ] as const) {
      const r = await api('POST', '/deployments', {
        service,
        version,
        commit: `sha-${version}`,
        startedAt: iso(base + h * HOUR),
      });
      expect(r.statusCode, r.body).toBe(201);
    }
    const window = `from=${iso(base)}&to=${iso(base + 24 * HOUR)}`;
    const checkout = (await api('GET', `/deployments?service=checkout&${window}`)).json();
    expect(checkout.map((d: { version: string }) => d.version)).toEqual(['c2', 'c1']);
    const all = (await api('GET', `/deployments?${window}`)).json();
    expect(all.map((d: { version: string }) => d.version)).toEqual(['c2', 'c1', 's1']);
    const team = (await api('GET', `/deployments?team=payments&${window}`)).json();
    expect(team.map((d: { version: string }) => d.version)).toEqual(['c2', 'c1']);
    const one = await api('GET', `/deployments/${checkout[0].id}`, undefined, viewer);
    expect(one.json()).toMatchObject({ version: 'c2', team: 'payments' });
    const missing = await api('GET', '/deployments/DEP-999999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('DEPLOYMENT_NOT_FOUND');
    const badTime = await api('GET', '/deployments?from=yesterday');
    expect(badTime.statusCode).toBe(400);
  });

  it.runIf(available)('suggests, links and unlinks deployments with timeline and audit', async () => {
    const impact = Date.parse('2024-04-10T12:00:00Z');
    const rec = async (service: string, version: string, minutesBefore: number) => {
      const r = await api('POST', '/deployments', {
        service,
        version,
        commit: `sha-${version}`,
        startedAt: iso(impact - minutesBefore * 60_000),
      });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };
    const far = await rec('checkout', 'far', 23 * 60);
    const near = await rec('checkout', 'near', 35);
    await rec('checkout', 'too-old', 25 * 60);
    await rec('search', 'other-service', 10);
    await rec('checkout', 'after', -5);
    const inc = await api('POST', '/incidents', {
      title: 'Checkout errors',
      severity: 'SEV2',
      services: ['checkout'],
      impactStartedAt: iso(impact),
      declaredAt: iso(impact + 20 * 60_000),
    });
    expect(inc.statusCode, inc.body).toBe(201);
    const id = inc.json().id as string;

    const sug = await api('GET', `/incidents/${id}/deployment-suggestions`);
    expect(sug.statusCode, sug.body).toBe(200);
    expect(sug.json()).toMatchObject({ reference: 'impactStartedAt', referenceTime: iso(impact), hours: 24 });
    const ids = sug.json().suggestions.map((s: { deployment: { id: string } }) => s.deployment.id);
    expect(ids).toEqual([near, far]);
    expect(sug.json().suggestions[0]).toMatchObject({ secondsBefore: 35 * 60 });
    expect(sug.json().suggestions[0].reason).toContain('35m before impact started');
    const narrow = await api('GET', `/incidents/${id}/deployment-suggestions?hours=1`);
    expect(narrow.json().suggestions).toHaveLength(1);

    const links = await count('deployment_incidents');
    const audits = await count('audit_log');
    const bad = await api('POST', `/incidents/${id}/deployments`, { deployment: 'DEP-424242' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'UNKNOWN_DEPLOYMENT', errors: [{ path: '/deployment' }] });
    expect((await api('POST', `/incidents/${id}/deployments`, { deployment: near }, viewer)).statusCode).toBe(
      403,
    );
    expect((await api('POST', '/incidents/INC-9999/deployments', { deployment: near })).statusCode).toBe(404);
    expect(await count('deployment_incidents')).toBe(links);
    expect(await count('audit_log')).toBe(audits);

    const linked = await api('POST', `/incidents/${id}/deployments`, {
      deployment: near,
      source: 'suggestion',
    });
    expect(linked.statusCode, linked.body).toBe(201);
    expect(linked.json()).toMatchObject([
      { incidentId: id, source: 'suggestion', linkedBy: 'admin', deployment: { id: near } },
    ]);
    expect((await api('POST', `/incidents/${id}/deployments`, { deployment: near })).statusCode).toBe(200);
    expect((await api('GET', `/deployments/${near}`)).json().incidents).toEqual([id]);
    const after = (await api('GET', `/incidents/${id}/deployment-suggestions`)).json();
    expect(after.suggestions.map((s: { deployment: { id: string } }) => s.deployment.id)).toEqual([far]);

    const detail = await api('GET', `/incidents/${id}`);
    expect(detail.statusCode, detail.body).toBe(200);
    const entries = detail.json().timeline.filter((e: { kind: string }) => e.kind === 'deployment');
    expect(entries).toHaveLength(1);
    expect(entries[0].text).toContain(near);
    expect(entries[0].data).toMatchObject({ action: 'linked', deployment: near, source: 'suggestion' });

    const removed = await api('DELETE', `/incidents/${id}/deployments/${near}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toEqual([]);
    const again = await api('DELETE', `/incidents/${id}/deployments/${near}`);
    expect(again.statusCode).toBe(404);
    expect(again.json().code).toBe('DEPLOYMENT_LINK_NOT_FOUND');
    const timeline = (await api('GET', `/incidents/${id}`)).json().timeline;
    expect(
      timeline
        .filter((e: { kind: string }) => e.kind === 'deployment')
        .map((e: { data: { action: string } }) => e.data.action),
    ).toEqual(['linked', 'unlinked']);
    const actions = (
      await t.database.db.selectFrom('audit_log').select('action').where('target_ref', '=', id).execute()
    ).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['incident.deployment-link', 'incident.deployment-unlink']),
    );
  });

  it.runIf(available)('reports the DORA four keys with levels and thresholds', async () => {
    // Period 2024-05-01 .. 2024-05-08 (7 days). checkout: 3 deployments, 2 succeeded, one
    // linked to an incident that took 30 min from impact to resolution.
    const from = Date.parse('2024-05-01T00:00:00Z');
    const dep = async (version: string, startH: number, commitH: number, status = 'succeeded') => {
      const r = await api('POST', '/deployments', {
        service: 'checkout',
        version,
        commit: `sha-${version}`,
        startedAt: iso(from + startH * HOUR),
        finishedAt: iso(from + (startH + 1) * HOUR),
        commitTime: iso(from + commitH * HOUR),
        status,
      });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().id as string;
    };
    await dep('d1', 10, 7); // lead 4 h
    const bad = await dep('d2', 50, 40); // lead 11 h
    await dep('d3', 100, 99, 'rolled-back');
    const inc = await api('POST', '/incidents', {
      title: 'Broken by d2',
      severity: 'SEV3',
      services: ['checkout'],
      impactStartedAt: iso(from + 52 * HOUR),
      declaredAt: iso(from + 52 * HOUR + 10 * 60_000),
    });
    const id = inc.json().id as string;
    expect((await api('POST', `/incidents/${id}/deployments`, { deployment: bad })).statusCode).toBe(201);
    const resolved = await api('POST', `/incidents/${id}/changes`, {
      type: 'status',
      status: 'resolved',
      at: iso(from + 52.5 * HOUR),
    });
    expect(resolved.statusCode, resolved.body).toBe(200);

    const r = await api(
      'GET',
      `/dora?service=checkout&from=${iso(from)}&to=${iso(from + 7 * 24 * HOUR)}`,
      undefined,
      viewer,
    );
    expect(r.statusCode, r.body).toBe(200);
    const report = r.json();
    expect(report.period.days).toBe(7);
    const c = report.byService.checkout;
    expect(c.deployments).toBe(3);
    expect(c.deploymentFrequency).toMatchObject({ value: 2 / 7, level: 'high', counted: 2 });
    expect(c.leadTime).toMatchObject({ value: 7.5 * 3600, level: 'elite', display: '7h 30m' });
    expect(c.changeFailureRate).toMatchObject({
      value: 1 / 3,
      level: 'medium',
      numerator: 1,
      denominator: 3,
    });
    expect(c.recoveryTime).toMatchObject({ value: 1800, level: 'elite', display: '30m' });
    expect(report.byTeam.payments).toEqual(c);
    expect(report.definitions.map((d: { key: string }) => d.key)).toEqual([
      'deploymentFrequency',
      'leadTime',
      'changeFailureRate',
      'recoveryTime',
    ]);
    expect(report.definitions[0].thresholds[0]).toMatchObject({
      level: 'elite',
      reportValue: 'On demand (multiple deploys per day)',
    });
    expect(report.source.title).toContain('2024');

    const unknown = await api('GET', '/dora?service=nope');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('UNKNOWN_SERVICE');
    const backwards = await api('GET', `/dora?from=${iso(from)}&to=${iso(from - HOUR)}`);
    expect(backwards.statusCode).toBe(400);
  });
});
