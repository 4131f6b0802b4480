/**
 * Incidents through the API on both databases: the status life cycle with its timeline and
 * audit, refused changes that change nothing, declaring from a real alert group (Alertmanager
 * intake → routing pipeline), and the MTTx report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { runPipeline } from '../alert-groups/pipeline.js';

afterAll(dropCreatedDatabases);

const ROUTING = `apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata: { name: oncall }
spec: { type: webhook, url: http://127.0.0.1:9/hook, secret: whsec_test }
---
apiVersion: headroom.dev/v1
kind: Route
metadata: { name: root }
spec:
  root: true
  receiver: oncall
  groupBy: [alertname]
`;

const HOUR = 3_600_000;
const isoAt = (ms: number) => new Date(ms).toISOString();

describe.each(supportedDatabases())('incidents on $name', ({ name, available }) => {
  let t: TestApp;
  let viewer: { authorization: string };
  const api = (method: 'GET' | 'POST', url: string, payload?: object, headers = t.admin) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload && { payload }) });
  const change = (id: string, payload: object) => api('POST', `/incidents/${id}/changes`, payload);
  const auditCount = async (id: string) =>
    (
      await t.database.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_kind', '=', 'incident')
        .where('target_ref', '=', id)
        .execute()
    ).map((r) => r.action);

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name, { outboundAllow: ['loopback'] });
    expect((await api('POST', '/teams', { name: 'payments' })).statusCode).toBe(201);
    expect((await api('POST', '/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
    expect((await api('POST', '/services', { name: 'search-api' })).statusCode).toBe(201);
    viewer = await t.userWithToken('vera', 'viewer');
    await t.userWithToken('alice', 'editor', ['payments']);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)(
    'runs declare → investigating → mitigated → resolved with timeline and audit',
    async () => {
      const declared = await api('POST', '/incidents', {
        title: 'Checkout errors',
        severity: 'SEV2',
        services: ['checkout'],
        roles: { commander: 'alice' },
      });
      expect(declared.statusCode, declared.body).toBe(201);
      const inc = declared.json();
      expect(inc).toMatchObject({
        title: 'Checkout errors',
        severity: 'SEV2',
        status: 'triage',
        services: ['checkout'],
        roles: { commander: 'alice' },
        nextStatuses: ['investigating', 'mitigated', 'resolved', 'cancelled', 'merged'],
      });
      expect(inc.id).toMatch(/^INC-\d+$/);
      expect(inc.milestones.acknowledgedAt).not.toBeNull(); // a commander acknowledges

      for (const status of ['investigating', 'mitigated', 'resolved']) {
        const r = await change(inc.id, { type: 'status', status, reason: `now ${status}` });
        expect(r.statusCode, r.body).toBe(200);
        expect(r.json().status).toBe(status);
      }
      const noted = await change(inc.id, { type: 'note', text: 'Rolled back release 42' });
      expect(noted.statusCode).toBe(200);
      // Repeating the current status is a no-op: no timeline entry, no audit.
      expect((await change(inc.id, { type: 'status', status: 'resolved' })).statusCode).toBe(200);

      const shown = (await api('GET', `/incidents/${inc.id}`)).json();
      expect(shown.status).toBe('resolved');
      expect(shown.milestones.mitigatedAt).not.toBeNull();
      expect(shown.milestones.resolvedAt).not.toBeNull();
      expect(shown.timeline.map((e: { kind: string }) => e.kind)).toEqual([
        'declared',
        'role',
        'status',
        'status',
        'status',
        'note',
      ]);
      expect(shown.timeline[2].data).toMatchObject({ from: 'triage', to: 'investigating' });
      expect(await auditCount(inc.id)).toEqual([
        'incident.declare',
        'incident.status',
        'incident.status',
        'incident.status',
        'incident.note',
      ]);
      // SEV2 needs a postmortem, which cannot be stored yet: closing is refused, and says why.
      expect(shown.closingBlockers[0]).toContain('postmortem');
      const close = await change(inc.id, { type: 'status', status: 'closed' });
      expect(close.statusCode).toBe(409);
      expect(close.json().code).toBe('POSTMORTEM_REQUIRED');

      const list = (url: string) =>
        api('GET', url).then((r) => (r.json() as { id: string }[]).map((i) => i.id));
      expect(await list('/incidents?status=resolved&service=checkout')).toContain(inc.id);
      expect(await list('/incidents?status=open')).not.toContain(inc.id);
      expect(await list('/incidents?severity=SEV4')).not.toContain(inc.id);
      expect(await list('/incidents?service=search-api')).not.toContain(inc.id);
    },
  );

  it.runIf(available)('refuses bad changes with a 4xx naming the field, changing nothing', async () => {
    const inc = (
      await api('POST', '/incidents', { title: 'Search slow', severity: 'SEV4', services: ['search-api'] })
    ).json();
    expect((await change(inc.id, { type: 'status', status: 'resolved' })).statusCode).toBe(200);
    const before = (await api('GET', `/incidents/${inc.id}`)).json();
    const audits = await auditCount(inc.id);

    const back = await change(inc.id, { type: 'status', status: 'triage' });
    expect(back.statusCode).toBe(400);
    expect(back.headers['content-type']).toContain('application/problem+json');
    expect(back.json().code).toBe('INVALID_TRANSITION');
    expect(back.json().errors[0].path).toBe('/status');
    expect(back.json().detail).toContain('resolved to triage');

    // Impact cannot start after the problem was detected.
    const declaredAt = Date.parse(before.milestones.declaredAt);
    const order = await change(inc.id, {
      type: 'milestones',
      milestones: { impactStartedAt: isoAt(declaredAt + 1000) },
    });
    expect(order.statusCode).toBe(400);
    expect(order.json().code).toBe('INVALID_MILESTONES');
    expect(order.json().errors[0]).toMatchObject({ path: '/impactStartedAt', code: 'MILESTONE_ORDER' });

    const unknown = await change(inc.id, { type: 'services', add: ['nope'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].path).toBe('/add/0');
    const badRole = await change(inc.id, { type: 'role', role: 'commander', user: 'nobody' });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().code).toBe('UNKNOWN_USER');
    const badDeclare = await api('POST', '/incidents', { title: 'x', severity: 'SEV9' });
    expect(badDeclare.statusCode).toBe(400);
    expect(JSON.stringify(badDeclare.json().errors)).toContain('severity');
    expect((await change(inc.id, { type: 'note', text: 'hi' })).statusCode).toBe(200);
    expect(
      (await api('POST', `/incidents/${inc.id}/changes`, { type: 'note', text: 'x' }, viewer)).statusCode,
    ).toBe(403);
    expect((await change('INC-999999', { type: 'note', text: 'x' })).statusCode).toBe(404);

    const after = (await api('GET', `/incidents/${inc.id}`)).json();
    expect(after.status).toBe('resolved');
    expect(after.milestones).toEqual(before.milestones);
    expect(after.services).toEqual(['search-api']);
    expect(after.timeline.length).toBe(before.timeline.length + 1); // only the note
    expect(await auditCount(inc.id)).toEqual([...audits, 'incident.note']);

    // SEV4 needs no postmortem: it closes, and then is final.
    expect((await change(inc.id, { type: 'status', status: 'closed' })).statusCode).toBe(200);
    const reopen = await change(inc.id, { type: 'status', status: 'investigating' });
    expect(reopen.statusCode).toBe(400);
    expect(reopen.json().errors[0].path).toBe('/type');
  });

  it.runIf(available)('declares from an alert group in one action', async () => {
    const applied = await api('POST', '/apply', { files: [{ path: 'routing.yaml', content: ROUTING }] });
    expect(applied.statusCode, applied.body).toBe(200);
    const created = await api('POST', '/integrations', { type: 'alertmanager', name: 'prom' });
    expect(created.statusCode, created.body).toBe(201);
    const token = created.json().secret as string;
    const startsAt = isoAt(Date.now() - 10 * 60_000);
    const labels = { alertname: 'CheckoutErrors', service: 'checkout', severity: 'critical' };
    const posted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/alertmanager',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        version: '4',
        groupKey: '{}:{alertname="CheckoutErrors"}',
        status: 'firing',
        receiver: 'headroom',
        groupLabels: { alertname: 'CheckoutErrors' },
        commonLabels: labels,
        commonAnnotations: { summary: 'checkout 5xx above 5%' },
        externalURL: 'http://alertmanager.example',
        alerts: [
          {
            status: 'firing',
            labels,
            annotations: { summary: 'checkout 5xx above 5%' },
            startsAt,
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: 'http://prometheus.example/graph',
            fingerprint: 'aa11bb22cc33dd44',
          },
        ],
      },
    });
    expect(posted.statusCode, posted.body).toBe(200);
    await runPipeline(t.database.db, Date.now(), { externalUrl: 'https://headroom.example.com' });
    const [group] = (await api('GET', '/alert-groups')).json() as { id: string }[];
    expect(group).toBeDefined();

    expect((await api('POST', `/alert-groups/${group!.id}/incident`, {}, viewer)).statusCode).toBe(403);
    const r = await api('POST', `/alert-groups/${group!.id}/incident`, {});
    expect(r.statusCode, r.body).toBe(201);
    const inc = r.json();
    expect(inc).toMatchObject({
      title: 'CheckoutErrors: checkout 5xx above 5%',
      severity: 'SEV2',
      services: ['checkout'],
      alertGroups: [group!.id],
    });
    expect(inc.milestones.detectedAt).toBe(startsAt);
    expect(inc.timeline.map((e: { kind: string }) => e.kind)).toEqual(['alert-firing', 'declared']);
    expect(await auditCount(inc.id)).toEqual(['incident.declare']);

    const again = await api('POST', `/alert-groups/${group!.id}/incident`, { severity: 'SEV1' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('ALERT_GROUP_HAS_INCIDENT');
    expect((await api('POST', '/alert-groups/no-such-group/incident', {})).statusCode).toBe(404);
  });

  it.runIf(available)('reports MTTx over the incidents declared in the period', async () => {
    const base = Date.now() - 30 * 24 * HOUR; // a quiet period of its own
    const declare = async (offset: number, severity: string, minutesToResolve: number) => {
      const declaredAt = base + offset;
      const r = await api('POST', '/incidents', {
        title: `MTTx ${offset}`,
        severity,
        services: ['checkout'],
        status: 'investigating',
        impactStartedAt: isoAt(declaredAt - 10 * 60_000),
        detectedAt: isoAt(declaredAt - 5 * 60_000),
        declaredAt: isoAt(declaredAt),
      });
      expect(r.statusCode, r.body).toBe(201);
      const id = r.json().id as string;
      const resolved = await change(id, {
        type: 'status',
        status: 'resolved',
        at: isoAt(declaredAt + minutesToResolve * 60_000),
      });
      expect(resolved.statusCode, resolved.body).toBe(200);
    };
    await declare(0, 'SEV3', 20);
    await declare(HOUR, 'SEV4', 40);
    const r = await api('GET', `/incidents/mttx?from=${isoAt(base - 1)}&to=${isoAt(base + 2 * HOUR)}`);
    expect(r.statusCode, r.body).toBe(200);
    const report = r.json();
    expect(report.overall.incidents).toBe(2);
    expect(report.overall.metrics.mttd).toMatchObject({ count: 2, meanSeconds: 300 });
    // impact → resolved: 30 and 50 minutes; declared → resolved: 20 and 40.
    expect(report.overall.metrics.mttr).toMatchObject({ count: 2, meanSeconds: 2400, minSeconds: 1800 });
    expect(report.overall.metrics.mttrDeclared.meanSeconds).toBe(1800);
    expect(report.bySeverity.SEV3.incidents).toBe(1);
    expect(report.byService.checkout.incidents).toBe(2);
    expect(report.byTeam.payments.incidents).toBe(2);
    expect(report.definitions.map((d: { metric: string }) => d.metric)).toContain('mtta');
    // No page in this period: the alerting clock is there, with nothing measured.
    expect(report.pages).toMatchObject({ overall: { count: 0, missing: 0 }, byPolicy: {} });
    expect(report.pages.definition).toMatch(/page started .* first acknowledgement/);

    const severities = await api('GET', '/incidents/severities');
    expect(severities.statusCode).toBe(200);
    expect(
      severities
        .json()
        .map((s: { severity: string; postmortemRequired: boolean }) => [s.severity, s.postmortemRequired]),
    ).toEqual([
      ['SEV1', true],
      ['SEV2', true],
      ['SEV3', false],
      ['SEV4', false],
    ]);

    const bad = await api('GET', `/incidents/mttx?from=${isoAt(base)}&to=${isoAt(base - 1)}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('/querystring/to');
  });
});
