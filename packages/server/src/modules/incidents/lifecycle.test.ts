/**
 * The end-to-end path on both databases, with the clock driven by the test: an
 * Alertmanager alert arrives → the route pages level 1 → no acknowledgement → level 2 is paged →
 * acknowledged → an incident is declared from the alert group → mitigated → the alert resolves
 * (the timeline writes it) → resolved → closing needs a published postmortem → published → closed.
 * Every step is checked where users see it: the outbox, the group's log and the incident timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { runPipeline } from '../alert-groups/pipeline.js';
import { runPaging } from '../paging/job.js';

afterAll(dropCreatedDatabases);

const MIN = 60_000;
const EXTERNAL = 'https://headroom.example.com';

const CONFIG = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: checkout }
spec: { type: service, lifecycle: production, owner: team:default/payments }
---
apiVersion: headroom.dev/v1
kind: Schedule
metadata: { name: payments-primary }
spec:
  timeZone: Europe/Berlin
  layers:
    - name: weekly
      users: [alice]
      shiftLength: 1w
      handoffTime: "09:00"
      start: 2024-01-01
---
apiVersion: headroom.dev/v1
kind: EscalationPolicy
metadata: { name: payments-critical }
spec:
  steps:
    - delay: 5m
      notify: [{ schedule: payments-primary }]
    - delay: 15m
      notify: [{ user: bob }]
---
apiVersion: headroom.dev/v1
kind: Route
metadata: { name: root }
spec:
  root: true
  escalationPolicy: payments-critical
  groupBy: [alertname, service]
  groupWait: 0s
`;

function alertmanager(status: 'firing' | 'resolved', startsAt: number, endsAt?: number) {
  const labels = { alertname: 'CheckoutErrors', severity: 'page', service: 'checkout' };
  return {
    version: '4',
    status,
    receiver: 'headroom',
    groupKey: '{}:{}',
    groupLabels: {},
    commonLabels: labels,
    commonAnnotations: {},
    externalURL: 'http://am:9093',
    alerts: [
      {
        status,
        labels,
        annotations: { summary: 'Checkout 5xx above 2 %' },
        startsAt: new Date(startsAt).toISOString(),
        endsAt: endsAt ? new Date(endsAt).toISOString() : '0001-01-01T00:00:00Z',
        generatorURL: '',
        fingerprint: 'c0ffee0000000001',
      },
    ],
  };
}

describe.each(supportedDatabases())('an alert becomes a closed incident on $name', ({ name, available }) => {
  let t: TestApp;
  let intake: string;
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: t.admin, ...(payload && { payload }) });
  const alert = (body: object) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/alertmanager',
      headers: { authorization: `Bearer ${intake}`, 'content-type': 'application/json' },
      payload: body,
    });
  const tick = async (now: number) => {
    await runPipeline(t.database.db, now, { externalUrl: EXTERNAL });
    return runPaging(t.database.db, now, { externalUrl: EXTERNAL });
  };
  const pages = async () =>
    (
      await t.database.db
        .selectFrom('notifications')
        .select(['channel', 'idempotency_key'])
        .orderBy('created_at')
        .orderBy('id')
        .execute()
    )
      .filter((n) => n.idempotency_key.startsWith('page:'))
      .map((n) => n.channel);

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    expect((await api('POST', '/teams', { name: 'payments' })).statusCode).toBe(201);
    for (const user of ['alice', 'bob']) {
      const r = await api('POST', '/users', { name: user, role: 'editor', email: `${user}@example.com` });
      expect(r.statusCode, r.body).toBe(201);
    }
    const applied = await api('POST', '/apply', { files: [{ path: 'payments.yaml', content: CONFIG }] });
    expect(applied.statusCode, applied.body).toBe(200);
    const created = await api('POST', '/integrations', { type: 'alertmanager', name: 'am' });
    intake = (created.json() as { secret: string }).secret;
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('pages, escalates, is acknowledged, and runs to a closed incident', async () => {
    const T0 = Date.now() - 60 * MIN;
    expect((await alert(alertmanager('firing', T0 - 2 * MIN))).statusCode).toBe(200);

    // Level 1: whoever is on call in payments-primary (alice).
    await tick(T0);
    expect(await pages()).toEqual(['mailto:alice@example.com']);
    const [group] = (await api('GET', '/alert-groups')).json() as { id: string; page: { status: string } }[];
    expect(group?.page.status).toBe('active');

    // Not acknowledged within 5m: level 2 (bob).
    await tick(T0 + 5 * MIN - 1);
    expect(await pages()).toHaveLength(1);
    await tick(T0 + 5 * MIN);
    expect(await pages()).toEqual(['mailto:alice@example.com', 'mailto:bob@example.com']);

    // Acknowledged: no more steps, ever.
    const ack = await api('POST', `/alert-groups/${group!.id}/acknowledge`);
    expect(ack.statusCode, ack.body).toBe(200);
    await tick(T0 + 60 * MIN);
    expect(await pages()).toHaveLength(2);

    // Declared from the group in one action: linked, service taken from the alert's label.
    const declared = await api('POST', `/alert-groups/${group!.id}/incident`, { severity: 'SEV2' });
    expect(declared.statusCode, declared.body).toBe(201);
    const incident = declared.json() as { id: string; services: string[]; alertGroups: string[] };
    expect(incident.services).toEqual(['checkout']);
    expect(incident.alertGroups).toEqual([group!.id]);
    const change = (body: object) => api('POST', `/incidents/${incident.id}/changes`, body);

    expect((await change({ type: 'status', status: 'investigating' })).statusCode).toBe(200);
    expect((await change({ type: 'role', role: 'commander', user: 'bob' })).statusCode).toBe(200);
    expect((await change({ type: 'note', text: 'Rolled back checkout 4.2.1' })).statusCode).toBe(200);
    expect((await change({ type: 'status', status: 'mitigated' })).statusCode).toBe(200);

    // The alert resolves: the pipeline writes it into the linked incident's timeline, once.
    const resolvedAt = Date.now() - 10 * MIN;
    expect((await alert(alertmanager('resolved', T0 - 2 * MIN, resolvedAt))).statusCode).toBe(200);
    await tick(Date.now());
    await tick(Date.now() + 1);
    expect((await change({ type: 'status', status: 'resolved' })).statusCode).toBe(200);

    // SEV2: closing needs a published postmortem, and a refused close changes nothing.
    const refused = await change({ type: 'status', status: 'closed' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('POSTMORTEM_REQUIRED');
    expect((await api('GET', `/incidents/${incident.id}`)).json().status).toBe('resolved');

    const draft = (await api('GET', `/incidents/${incident.id}/postmortem`)).json();
    expect(draft.stored).toBe(false);
    const saved = await api('PUT', `/incidents/${incident.id}/postmortem`, {
      sections: {
        summary: 'Checkout returned 5xx for 40 minutes after release 4.2.1.',
        impact: 'About 3 % of checkouts failed.',
        timeline: draft.sections.timeline,
        rootCauses: 'A connection pool limit lowered in 4.2.1.',
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const item = await api('POST', `/incidents/${incident.id}/action-items`, {
      title: 'Alert on pool saturation',
      owner: 'bob',
      priority: 'P0',
    });
    expect(item.statusCode, item.body).toBe(201);
    const published = await api('POST', `/incidents/${incident.id}/postmortem/publish`);
    expect(published.statusCode, published.body).toBe(200);

    const closed = await change({ type: 'status', status: 'closed' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().status ?? closed.json().incident?.status).toBe('closed');

    // Everything is in the timeline, in order.
    const timeline = (await api('GET', `/incidents/${incident.id}`)).json().timeline as {
      kind: string;
      text: string;
    }[];
    const kinds = timeline.map((e) => e.kind);
    expect(kinds).toContain('alert-firing');
    expect(kinds.filter((k) => k === 'alert-resolved')).toHaveLength(1);
    expect(kinds).toEqual(expect.arrayContaining(['declared', 'status', 'role', 'note', 'postmortem']));
    const statuses = timeline.filter((e) => e.kind === 'status').map((e) => e.text);
    expect(statuses.join(' | ')).toMatch(/investigating.*mitigated.*resolved.*closed/);

    // And the group's log tells the paging story.
    const log = (await api('GET', `/alert-groups/${group!.id}/log`)).json() as {
      entries: { kind: string }[];
    };
    expect(log.entries.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['page-started', 'step-notified', 'acknowledged']),
    );
    expect(log.entries.filter((e) => e.kind === 'step-notified')).toHaveLength(2);

    // The page's acknowledgement counts in the alerting MTTA.
    const stats = await api(
      'GET',
      `/incidents/mttx?from=${new Date(T0 - 60 * MIN).toISOString()}&to=${new Date().toISOString()}`,
    );
    expect(stats.json().pages.overall).toMatchObject({ count: 1, missing: 0 });
    expect(stats.json().pages.byPolicy['payments-critical'].count).toBe(1);
  });
});
