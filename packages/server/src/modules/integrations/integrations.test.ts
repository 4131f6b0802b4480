import type { Alert, AlertWithEvents } from '@headroom/core/api/alert';
import type { IntakeResult } from '@headroom/core/api/alert-intake';
import type { Integration, IntegrationCreated } from '@headroom/core/api/integration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { expectProblem, problemPaths } from '../../test-support/assertions.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { alertsChangedSince } from '../alerts/store.js';
import { AM_FIRING, vector, vectorText } from './test-vectors.js';

afterAll(dropCreatedDatabases);

type Webhook = { alerts: Record<string, unknown>[] } & Record<string, unknown>;

describe.each(supportedDatabases())('integrations and intake on $name', ({ name, available }) => {
  let t: TestApp;
  let amToken: string;
  let genericToken: string;
  let editor: { authorization: string };

  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, headers = t.admin) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload && { payload }) });
  const create = async (body: object, headers = t.admin) => {
    const r = await api('POST', '/integrations', body, headers);
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as IntegrationCreated;
  };
  const alertmanager = (payload: string | object, token = amToken) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/alertmanager',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload,
    });
  const generic = (payload: object | string, token = genericToken) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/generic',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload,
    });
  const eventCount = async () =>
    Number(
      (
        await t.database.db
          .selectFrom('alert_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name, { publicUrl: 'https://headroom.example.com' });
    expect((await api('POST', '/teams', { name: 'payments' })).statusCode).toBe(201);
    editor = await t.userWithToken('erin', 'editor', ['payments']);
    amToken = (await create({ type: 'alertmanager', name: 'prometheus-prod' })).secret;
    genericToken = (await create({ type: 'generic', name: 'cron-checks', team: 'payments' }, editor)).secret;
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('creates integrations, shows each secret once and stores only its hash', async () => {
    const pd = await create({ type: 'pagerduty', name: 'legacy-monitor', resolveTimeoutMinutes: 0 });
    expect(pd.secret).toMatch(/^[0-9a-f]{32}$/);
    expect(pd.integration).toMatchObject({
      type: 'pagerduty',
      name: 'legacy-monitor',
      team: null,
      url: 'https://headroom.example.com/v2/enqueue',
      resolveTimeoutMinutes: 0,
      effectiveResolveTimeoutMinutes: 0,
      createdBy: 'admin',
      revokedAt: null,
    });
    expect(amToken).toMatch(/^hri_[A-Za-z0-9_-]{43}$/);
    const list = (await api('GET', '/integrations')).json() as Integration[];
    expect(list.map((i) => [i.name, i.type, i.team, i.url])).toEqual([
      [
        'prometheus-prod',
        'alertmanager',
        null,
        'https://headroom.example.com/api/v1/integrations/alertmanager',
      ],
      ['cron-checks', 'generic', 'payments', 'https://headroom.example.com/api/v1/integrations/generic'],
      ['legacy-monitor', 'pagerduty', null, 'https://headroom.example.com/v2/enqueue'],
    ]);
    expect(list[0]!.effectiveResolveTimeoutMinutes).toBe(1500);
    expect(JSON.stringify(list)).not.toContain(amToken);
    const stored = await t.database.db.selectFrom('integrations').select(['secret_hash', 'prefix']).execute();
    for (const row of stored) {
      expect(row.secret_hash).toMatch(/^[0-9a-f]{64}$/);
      expect([amToken, genericToken, pd.secret]).not.toContain(row.secret_hash);
    }
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'target_ref', 'actor_name'])
      .where('target_kind', '=', 'integration')
      .orderBy('id')
      .execute();
    expect(audit).toEqual([
      { action: 'integration.create', target_ref: 'prometheus-prod', actor_name: 'admin' },
      { action: 'integration.create', target_ref: 'cron-checks', actor_name: 'erin' },
      { action: 'integration.create', target_ref: 'legacy-monitor', actor_name: 'admin' },
    ]);
  });

  it.runIf(available)('refuses duplicates, strangers to the team, and bad fields', async () => {
    expectProblem(
      await api('POST', '/integrations', { type: 'generic', name: 'cron-checks' }),
      409,
      'INTEGRATION_EXISTS',
    );
    expectProblem(
      await api('POST', '/integrations', { type: 'generic', name: 'other' }, editor),
      403,
      'FORBIDDEN',
    );
    const viewer = await t.userWithToken('vic', 'viewer', ['payments']);
    expectProblem(
      await api('POST', '/integrations', { type: 'generic', name: 'other', team: 'payments' }, viewer),
      403,
      'FORBIDDEN',
    );
    expectProblem(
      await api('POST', '/integrations', { type: 'generic', name: 'x', team: 'nope' }),
      404,
      'TEAM_NOT_FOUND',
    );
    const bad = expectProblem(
      await api('POST', '/integrations', { type: 'nagios', name: 'Bad Name' }),
      400,
      'INVALID_INPUT',
    );
    expect(problemPaths(bad)).toEqual(expect.arrayContaining(['/type', '/name']));
  });

  it.runIf(available)(
    'stores a real Alertmanager webhook verbatim under Alertmanager’s fingerprints',
    async () => {
      const r = await alertmanager(vectorText(AM_FIRING));
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toEqual({
        received: 2,
        changed: 2,
        alerts: [
          { fingerprint: '791cec13fcba0368', change: 'triggered' },
          { fingerprint: '8df98227bdd81384', change: 'triggered' },
        ],
      } satisfies IntakeResult);
      const alert = (await api('GET', '/alerts/791cec13fcba0368')).json() as AlertWithEvents;
      expect(alert).toMatchObject({
        fingerprint: '791cec13fcba0368',
        status: 'firing',
        acknowledged: false,
        resolution: null,
        source: 'alertmanager',
        integration: 'prometheus-prod',
        labels: {
          alertname: 'InstanceDown',
          code: '200',
          instance: '127.0.0.1:9090',
          job: 'prometheus',
          monitor: 'codelab-monitor',
          severity: 'critical',
        },
        annotations: {
          details: '127.0.0.1:9090 of job prometheus has been down for more than 1 minute.',
          summary: 'Instance 127.0.0.1:9090 down',
        },
        startsAt: '2020-08-08T14:32:08.326Z',
        endsAt: null,
        generatorURL:
          'http://pop-os:9090/graph?g0.expr=promhttp_metric_handler_requests_total+%3E+20&g0.tab=1',
        details: { externalURL: 'http://pop-os:9093' },
      });
      expect(alert.events.map((e) => [e.kind, e.status])).toEqual([['triggered', 'firing']]);
      const byId = (await api('GET', `/alerts/${alert.id}`)).json() as AlertWithEvents;
      expect(byId.fingerprint).toBe('791cec13fcba0368');
      expect((await api('GET', `/integrations/prometheus-prod`)).json().lastReceivedAt).not.toBeNull();
    },
  );

  it.runIf(available)('changes nothing on a repeated delivery: no event, no new sequence', async () => {
    const before = await alertsChangedSince(t.database.db, 0);
    const events = await eventCount();
    for (let i = 0; i < 3; i++) {
      const r = await alertmanager(vectorText(AM_FIRING));
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ received: 2, changed: 0 });
      expect((r.json() as IntakeResult).alerts.map((a) => a.change)).toEqual(['unchanged', 'unchanged']);
    }
    expect(await eventCount()).toBe(events);
    expect((await alertsChangedSince(t.database.db, before.cursor)).alerts).toEqual([]);
    expect(((await api('GET', '/alerts?source=alertmanager')).json() as Alert[]).length).toBe(2);
  });

  it.runIf(available)(
    'follows Alertmanager: resolved with a past endsAt, late retries ignored, a new episode fires',
    async () => {
      const firing = vector<Webhook>(AM_FIRING);
      const resolved = structuredClone(firing);
      resolved.status = 'resolved';
      resolved.alerts = [{ ...firing.alerts[0]!, status: 'resolved', endsAt: '2020-08-08T15:00:00.5Z' }];
      let r = await alertmanager(resolved);
      expect(r.json().alerts).toEqual([{ fingerprint: '791cec13fcba0368', change: 'resolved' }]);
      r = await alertmanager(resolved);
      expect(r.json().alerts).toEqual([{ fingerprint: '791cec13fcba0368', change: 'unchanged' }]);
      // A retried delivery of the firing notification of the resolved episode arrives late.
      r = await alertmanager(vectorText(AM_FIRING));
      expect(r.json().alerts.map((a: { change: string }) => a.change)).toEqual(['unchanged', 'unchanged']);
      let alert = (await api('GET', '/alerts/791cec13fcba0368')).json() as AlertWithEvents;
      expect(alert).toMatchObject({
        status: 'resolved',
        resolution: 'resolved',
        endsAt: '2020-08-08T15:00:00.500Z',
      });
      // Prometheus fires it again: a new startsAt.
      const again = structuredClone(firing);
      again.alerts = [{ ...firing.alerts[0]!, startsAt: '2020-08-09T08:00:00Z' }];
      r = await alertmanager(again);
      expect(r.json().alerts).toEqual([{ fingerprint: '791cec13fcba0368', change: 'triggered' }]);
      alert = (await api('GET', '/alerts/791cec13fcba0368')).json() as AlertWithEvents;
      expect(alert).toMatchObject({
        status: 'firing',
        resolution: null,
        endsAt: null,
        startsAt: '2020-08-09T08:00:00.000Z',
      });
      expect(alert.events.map((e) => e.kind)).toEqual(['triggered', 'resolved', 'triggered']);
      // The same alert with an annotation that changed (a templated value) is re-received.
      again.alerts = [
        { ...again.alerts[0]!, annotations: { summary: 'Instance 127.0.0.1:9090 down (2nd)' } },
      ];
      r = await alertmanager(again);
      expect(r.json().alerts).toEqual([{ fingerprint: '791cec13fcba0368', change: 're-received' }]);
    },
  );

  it.runIf(available)(
    'accepts fields newer Alertmanagers add and ignores a future endsAt of a firing alert',
    async () => {
      const body = vector<Webhook>(AM_FIRING);
      Object.assign(body, {
        truncatedAlerts: 0,
        notification_reason: 'repeat',
        routeLabels: { team: 'infra' },
        groupKey: '{}/{}:{}',
      });
      body.alerts = [
        {
          ...body.alerts[1]!,
          labels: { alertname: 'Future', instance: 'a' },
          endsAt: new Date(Date.now() + 600_000).toISOString(),
          someNewField: { nested: true },
        },
      ];
      const r = await alertmanager(body);
      expect(r.statusCode, r.body).toBe(200);
      const fp = r.json().alerts[0].fingerprint as string;
      const alert = (await api('GET', `/alerts/${fp}`)).json() as Alert;
      expect(alert).toMatchObject({
        status: 'firing',
        endsAt: null,
        labels: { alertname: 'Future', instance: 'a' },
      });
    },
  );

  it.runIf(available)('refuses malformed webhooks with 4xx naming the field, storing nothing', async () => {
    const events = await eventCount();
    const body = vector<Webhook>(AM_FIRING);
    body.alerts[0]!.startsAt = 'yesterday';
    let r = expectProblem(await alertmanager(body), 400, 'INVALID_INPUT');
    expect(problemPaths(r)).toEqual(['/alerts/0/startsAt']);
    const noLabels = vector<Webhook>(AM_FIRING);
    delete noLabels.alerts[1]!.labels;
    r = expectProblem(await alertmanager(noLabels), 400, 'INVALID_INPUT');
    expect(problemPaths(r)).toEqual(['/alerts/1/labels']);
    const numeric = vector<Webhook>(AM_FIRING);
    (numeric.alerts[0]!.labels as Record<string, unknown>).code = 200;
    r = expectProblem(await alertmanager(numeric), 400, 'INVALID_INPUT');
    expect(problemPaths(r)).toEqual(['/alerts/0/labels/code']);
    expectProblem(await alertmanager('{"alerts": ['), 400, 'INVALID_JSON');
    expectProblem(await alertmanager('[]'), 400, 'INVALID_INPUT');
    expect(await eventCount()).toBe(events);
  });

  it.runIf(available)(
    'answers 401 without revealing which tokens exist, before reading the body',
    async () => {
      const noAuth = await t.app.inject({
        method: 'POST',
        url: '/api/v1/integrations/alertmanager',
        payload: vector(AM_FIRING),
      });
      expectProblem(noAuth, 401, 'UNAUTHENTICATED');
      const unknown = expectProblem(
        await alertmanager(vectorText(AM_FIRING), 'hri_unknown'),
        401,
        'INVALID_INTEGRATION_TOKEN',
      );
      // A user's API token, another type's token and a revoked one get the very same answer.
      const userToken = t.admin.authorization.replace('Bearer ', '');
      for (const token of [userToken, genericToken]) {
        const r = expectProblem(
          await alertmanager(vectorText(AM_FIRING), token),
          401,
          'INVALID_INTEGRATION_TOKEN',
        );
        expect(r.detail).toBe(unknown.detail);
      }
      const revoked = await create({ type: 'alertmanager', name: 'short-lived' });
      expect((await alertmanager(vectorText(AM_FIRING), revoked.secret)).statusCode).toBe(200);
      expect((await api('DELETE', '/integrations/short-lived')).statusCode).toBe(204);
      expectProblem(
        await alertmanager(vectorText(AM_FIRING), revoked.secret),
        401,
        'INVALID_INTEGRATION_TOKEN',
      );
      const shown = (await api('GET', `/integrations/${revoked.integration.id}`)).json() as Integration;
      expect(shown.revokedAt).not.toBeNull();
      // The name is free again once revoked.
      await create({ type: 'alertmanager', name: 'short-lived' });
    },
  );

  it.runIf(available)('answers 413 to a body over 1 MiB', async () => {
    const big = vector<Webhook>(AM_FIRING);
    (big.alerts[0]!.annotations as Record<string, string>).details = 'x'.repeat(1024 * 1024);
    expectProblem(await alertmanager(big), 413, 'PAYLOAD_TOO_LARGE');
    expectProblem(
      await generic({
        alerts: [{ labels: { a: 'b' }, summary: 'x', annotations: { big: 'y'.repeat(1024 * 1024) } }],
      }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
  });

  it.runIf(available)('takes the generic format: defaults, summary, expiry and strict fields', async () => {
    const now = Date.now();
    const r = await generic({
      alerts: [
        {
          labels: { alertname: 'BackupMissing', job: 'nightly-backup', severity: 'warning' },
          summary: 'No backup for 26 hours',
          annotations: { runbook_url: 'https://runbooks.example.com/backup' },
          generatorURL: 'https://cron.example.com/jobs/nightly-backup',
        },
        {
          labels: { alertname: 'CertExpiring', host: 'api.example.com' },
          endsAt: new Date(now + 3_600_000).toISOString(),
        },
        {
          labels: { alertname: 'DiskFull', host: 'db-1' },
          startsAt: '2024-05-01T10:00:00+02:00',
          endsAt: '2024-05-01T11:30:00+02:00',
        },
      ],
    });
    expect(r.statusCode, r.body).toBe(200);
    expect((r.json() as IntakeResult).alerts.map((a) => a.change)).toEqual([
      'triggered',
      'triggered',
      'resolved',
    ]);
    const list = (await api('GET', '/alerts?source=generic&integration=cron-checks')).json() as Alert[];
    const byName = Object.fromEntries(list.map((a) => [a.labels.alertname, a]));
    expect(byName.BackupMissing).toMatchObject({
      status: 'firing',
      annotations: { summary: 'No backup for 26 hours', runbook_url: 'https://runbooks.example.com/backup' },
      endsAt: null,
      generatorURL: 'https://cron.example.com/jobs/nightly-backup',
      integration: 'cron-checks',
    });
    expect(Date.parse(byName.BackupMissing!.startsAt)).toBeGreaterThanOrEqual(now);
    expect(byName.CertExpiring).toMatchObject({
      status: 'firing',
      endsAt: new Date(now + 3_600_000).toISOString(),
    });
    expect(byName.DiskFull).toMatchObject({
      status: 'resolved',
      startsAt: '2024-05-01T08:00:00.000Z',
      endsAt: '2024-05-01T09:30:00.000Z',
    });

    const typo = expectProblem(await generic({ alerts: [{ lables: { a: 'b' } }] }), 400, 'INVALID_INPUT');
    expect(problemPaths(typo)).toEqual(expect.arrayContaining(['/alerts/0/lables', '/alerts/0/labels']));
    const badName = expectProblem(
      await generic({ alerts: [{ labels: { 'not a name': 'x' } }] }),
      400,
      'INVALID_INPUT',
    );
    expect(problemPaths(badName)[0]).toMatch(/^\/alerts\/0\/labels/);
    expectProblem(await generic({ alerts: [{ labels: {} }] }), 400, 'INVALID_INPUT');
    const contradiction = expectProblem(
      await generic({ alerts: [{ labels: { a: 'b' }, status: 'firing', endsAt: '2020-01-01T00:00:00Z' }] }),
      400,
      'INVALID_INPUT',
    );
    expect(problemPaths(contradiction)).toEqual(['/alerts/0/endsAt']);
  });

  it.runIf(available)('lists alerts by status, label and page', async () => {
    const firing = (await api('GET', '/alerts?status=firing&limit=1000')).json() as Alert[];
    expect(firing.every((a) => a.status === 'firing')).toBe(true);
    const critical = (
      await api('GET', '/alerts?label=severity%3Dcritical&label=job%3Dprometheus')
    ).json() as Alert[];
    expect(critical.map((a) => a.fingerprint).sort()).toEqual(['791cec13fcba0368', '8df98227bdd81384']);
    // Matching is exact and case-sensitive.
    expect((await api('GET', '/alerts?label=severity%3DCritical')).json()).toEqual([]);
    expect((await api('GET', '/alerts?label=severity%3Dcrit')).json()).toEqual([]);
    const all = (await api('GET', '/alerts?limit=1000')).json() as Alert[];
    const first = (await api('GET', '/alerts?limit=2')).json() as Alert[];
    const second = (await api('GET', `/alerts?limit=2&cursor=${first[1]!.id}`)).json() as Alert[];
    expect([...first, ...second].map((a) => a.id)).toEqual(all.slice(0, 4).map((a) => a.id));
    expectProblem(await api('GET', '/alerts/ffffffffffffffff'), 404, 'ALERT_NOT_FOUND');
    expectProblem(await api('GET', '/alerts?status=open'), 400, 'INVALID_INPUT');
  });
});
