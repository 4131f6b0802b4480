/**
 * Incident follow-up through the API on both databases: the budget an incident consumed, read
 * from ingested SLO buckets and checked against a hand calculation; the closing rule over it
 * (postmortem published, P0 action item); postmortem draft, edit, publish and Markdown export;
 * action items with overdue per team; status updates delivered to a subscribed webhook. Every
 * refused request changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { type Receiver, startReceiver } from '../../test-support/notifications.js';
import { startDispatcher } from '../notifications/dispatcher.js';
import { outboundPolicy } from '../notifications/outbound.js';

afterAll(dropCreatedDatabases);

const SLO = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-availability
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 1d
      isRolling: true
  objectives:
    - target: 0.99
  indicator:
    metadata:
      name: checkout-ok
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

const MIN = 60_000;
const isoAt = (ms: number) => new Date(ms).toISOString();

describe.each(supportedDatabases())('incident follow-up on $name', ({ name, available }) => {
  let t: TestApp;
  let receiver: Receiver;
  // A minute boundary behind the clock: all data is in the past.
  const K = Math.floor(Date.now() / MIN) - 1;
  type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  const api = (method: Method, url: string, payload?: object, headers = t.admin) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload && { payload }) });
  const rows = async (table: 'postmortems' | 'action_items' | 'audit_log' | 'notifications') =>
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
    t = await startTestApp(name, { outboundAllow: ['loopback'] });
    receiver = await startReceiver();
    expect((await api('POST', '/teams', { name: 'payments' })).statusCode).toBe(201);
    expect((await api('POST', '/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
    await t.userWithToken('alice', 'editor', ['payments']);
    const applied = await api('POST', '/apply', {
      files: [
        { path: 'slo.yaml', content: SLO },
        {
          path: 'channel.yaml',
          content: `apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata: { name: status-page }
spec: { type: webhook, url: ${receiver.url}/hook, secret: whsec_test }
`,
        },
      ],
    });
    expect(applied.statusCode, applied.body).toBe(200);
    // 600 minutes of 100 requests; minutes K−60 … K−31 have 10 failures each (300 bad).
    const ndjson = Array.from({ length: 600 }, (_, i) => {
      const minute = K - 600 + i;
      const bad = minute >= K - 60 && minute < K - 30 ? 10 : 0;
      return JSON.stringify({
        stream: 'checkout-availability',
        ts: minute * MIN + 1_000,
        good: 100 - bad,
        total: 100,
      });
    }).join('\n');
    const ingested = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/events',
      headers: { ...t.admin, 'content-type': 'application/x-ndjson', 'idempotency-key': 'follow-up' },
      payload: ndjson,
    });
    expect(ingested.statusCode, ingested.body).toBe(200);
  });
  afterAll(async () => {
    if (!available) return;
    await receiver.close();
    await t.close();
  });

  let id = '';

  it.runIf(available)('computes the budget the incident consumed as the hand calculation says', async () => {
    const declared = await api('POST', '/incidents', {
      title: 'Checkout errors',
      severity: 'SEV3', // not required by severity: only the budget rule applies
      services: ['checkout'],
      impactStartedAt: isoAt((K - 60) * MIN),
      detectedAt: isoAt((K - 58) * MIN),
      declaredAt: isoAt((K - 55) * MIN),
    });
    expect(declared.statusCode, declared.body).toBe(201);
    id = declared.json().id;
    const resolved = await api('POST', `/incidents/${id}/changes`, {
      type: 'status',
      status: 'resolved',
      at: isoAt((K - 30) * MIN),
    });
    expect(resolved.statusCode, resolved.body).toBe(200);

    const res = await api('GET', `/incidents/${id}/impact`);
    expect(res.statusCode, res.body).toBe(200);
    const impact = res.json();
    expect(impact).toMatchObject({ open: false, from: isoAt((K - 60) * MIN), to: isoAt((K - 30) * MIN) });
    expect(impact.objectives).toHaveLength(1);
    const o = impact.objectives[0];
    // Span [K−60, K−30): 30 min × 100 = 3 000 events, 300 bad. The 1-day window and the four weeks
    // ending at K−30 both hold the 570 minutes of data since K−600: 57 000 events, budget 570.
    expect(o).toMatchObject({ slo: 'checkout-availability', unit: 'events', total: 3_000, bad: 300 });
    expect(o.window.total).toBe(57_000);
    expect(o.window.share).toBeCloseTo(300 / 570, 9);
    expect(o.fourWeeks.expectedUnits).toBe(57_000);
    expect(o.fourWeeks.budgetUnits).toBeCloseTo(570, 9);
    expect(o.fourWeeks.share).toBeCloseTo(300 / 570, 9);

    const shown = (await api('GET', `/incidents/${id}`)).json();
    expect(shown.impact.objectives[0].bad).toBe(300);
    expect(shown.postmortem).toMatchObject({ required: true, p0ActionItemRequired: true, status: null });
  });

  it.runIf(available)(
    'refuses to close without a published postmortem and a P0, naming SLO and share',
    async () => {
      const before = { audit: await rows('audit_log'), pm: await rows('postmortems') };
      const close = await api('POST', `/incidents/${id}/changes`, { type: 'status', status: 'closed' });
      expect(close.statusCode).toBe(409);
      expect(close.json().code).toBe('POSTMORTEM_REQUIRED');
      expect(close.json().detail).toContain("52.6 % of SLO 'checkout-availability'");
      expect((await api('GET', `/incidents/${id}`)).json().status).toBe('resolved');
      expect(await rows('audit_log')).toBe(before.audit);
      expect(await rows('postmortems')).toBe(before.pm);
    },
  );

  it.runIf(available)(
    'prefills a draft, refuses an incomplete publish, then edits and publishes',
    async () => {
      const draft = (await api('GET', `/incidents/${id}/postmortem`)).json();
      expect(draft.stored).toBe(false);
      expect(draft.sections.impact).toContain('checkout-availability');
      expect(draft.sections.impact).toContain('52.6 % of four weeks');
      expect(draft.sections.timeline).toContain('declared SEV3 incident "Checkout errors"');

      const incomplete = await api('POST', `/incidents/${id}/postmortem/publish`);
      expect(incomplete.statusCode).toBe(400);
      expect(incomplete.json().code).toBe('POSTMORTEM_INCOMPLETE');
      expect(incomplete.json().errors.map((e: { path: string }) => e.path)).toEqual([
        '/sections/summary',
        '/sections/rootCauses',
      ]);
      expect(await rows('postmortems')).toBe(0);

      const published = await api('PUT', `/incidents/${id}/postmortem`, { status: 'published' });
      expect(published.statusCode).toBe(400);
      const unknownAuthor = await api('PUT', `/incidents/${id}/postmortem`, { authors: ['nobody'] });
      expect(unknownAuthor.statusCode).toBe(400);
      expect(unknownAuthor.json().detail).toContain('/authors/0');
      expect(await rows('postmortems')).toBe(0);

      const edited = await api('PUT', `/incidents/${id}/postmortem`, {
        sections: {
          summary: 'Checkout failed 10 % of requests for 30 minutes.',
          rootCauses: 'A connection pool too small for the retry storm.',
        },
        status: 'in-review',
      });
      expect(edited.statusCode, edited.body).toBe(200);
      expect(edited.json()).toMatchObject({ stored: true, status: 'in-review' });
      // The first save keeps the prefilled sections.
      expect(edited.json().sections.timeline).toContain('declared SEV3');
      const ok = await api('POST', `/incidents/${id}/postmortem/publish`);
      expect(ok.statusCode, ok.body).toBe(200);
      expect(ok.json().status).toBe('published');
      expect(ok.json().publishedAt).not.toBeNull();
      // Published, but the budget rule also wants a P0 action item.
      const close = await api('POST', `/incidents/${id}/changes`, { type: 'status', status: 'closed' });
      expect(close.statusCode).toBe(409);
      expect(close.json().detail).toContain('P0');
    },
  );

  it.runIf(available)(
    'keeps action items: bad owner or priority refused, overdue per team, then closes',
    async () => {
      const unknown = await api('POST', `/incidents/${id}/action-items`, {
        title: 'Size the pool',
        owner: 'nobody',
        priority: 'P0',
      });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().code).toBe('UNKNOWN_USER');
      expect(unknown.json().detail).toContain('/owner');
      const badPriority = await api('POST', `/incidents/${id}/action-items`, {
        title: 'Size the pool',
        owner: 'alice',
        priority: 'P9',
      });
      expect(badPriority.statusCode).toBe(400);
      expect(badPriority.body).toContain('priority');
      expect(await rows('action_items')).toBe(0);

      const p1 = await api('POST', `/incidents/${id}/action-items`, {
        title: 'Alert on pool saturation',
        owner: 'alice',
        priority: 'P1',
        dueDate: '2020-01-01',
      });
      expect(p1.statusCode, p1.body).toBe(201);
      expect(p1.json()).toMatchObject({
        service: 'checkout',
        team: 'payments',
        overdue: true,
        status: 'open',
      });
      expect(
        (await api('POST', `/incidents/${id}/changes`, { type: 'status', status: 'closed' })).statusCode,
      ).toBe(409);
      const p0 = await api('POST', `/incidents/${id}/action-items`, {
        title: 'Size the pool for retries',
        owner: 'alice',
        priority: 'P0',
        dueDate: '2999-01-01',
      });
      expect(p0.statusCode, p0.body).toBe(201);
      expect(p0.json().id).toMatch(/^AI-\d+$/);

      const overdue = (await api('GET', '/action-items?team=payments&overdue=true')).json();
      expect(overdue.map((a: { id: string }) => a.id)).toEqual([p1.json().id]);
      expect((await api('GET', '/action-items?team=other')).json()).toEqual([]);
      const badPatch = await api('PATCH', `/action-items/${p1.json().id}`, {
        owner: 'nobody',
        status: 'done',
      });
      expect(badPatch.statusCode).toBe(400);
      expect((await api('GET', '/action-items?overdue=true')).json()).toHaveLength(1);
      const done = await api('PATCH', `/action-items/${p1.json().id}`, { status: 'done' });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toMatchObject({ status: 'done', overdue: false });
      expect((await api('GET', '/action-items?overdue=true')).json()).toEqual([]);
      expect((await api('PATCH', '/action-items/AI-999', { status: 'done' })).statusCode).toBe(404);

      const closed = await api('POST', `/incidents/${id}/changes`, { type: 'status', status: 'closed' });
      expect(closed.statusCode, closed.body).toBe(200);
      expect(closed.json().status).toBe('closed');
      expect(closed.json().timeline.map((e: { kind: string }) => e.kind)).toEqual(
        expect.arrayContaining(['postmortem', 'action-item']),
      );
    },
  );

  it.runIf(available)('exports the postmortem as a Markdown attachment', async () => {
    const res = await api('GET', `/incidents/${id}/postmortem.md`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/markdown/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="postmortem-${id}.md"`);
    expect(res.body).toContain('# Postmortem: Checkout errors');
    expect(res.body).toContain('A connection pool too small');
    expect(res.body).toMatch(/\| P0 \| Size the pool for retries \| alice \| 2999-01-01 \| open \|/);
  });

  it.runIf(available)('sends status updates to a subscribed webhook, once per update', async () => {
    const other = (await api('POST', '/incidents', { title: 'Search slow', severity: 'SEV4' })).json().id;
    const unknown = await api('POST', `/incidents/${other}/subscribers`, { channel: 'nope' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().code).toBe('UNKNOWN_CHANNEL');
    const sub = await api('POST', `/incidents/${other}/subscribers`, { channel: 'status-page' });
    expect(sub.statusCode, sub.body).toBe(200);
    expect(sub.json().channels).toEqual(['status-page']);

    const before = await rows('notifications');
    const update = await api('POST', `/incidents/${other}/changes`, {
      type: 'status-update',
      text: 'We are rolling back the search index.',
    });
    expect(update.statusCode, update.body).toBe(200);
    const entry = update.json().timeline.find((e: { kind: string }) => e.kind === 'status-update');
    expect(await rows('notifications')).toBe(before + 1);
    const queued = await t.database.db
      .selectFrom('notifications')
      .select(['idempotency_key', 'channel'])
      .where('idempotency_key', 'like', `incident:${other}:%`)
      .execute();
    expect(queued).toEqual([
      { idempotency_key: `incident:${other}:update:${entry.id}:status-page`, channel: 'status-page' },
    ]);

    const dispatcher = startDispatcher(t.database, {
      settings: {
        pollIntervalMs: 0,
        maxAttempts: 3,
        timeoutMs: 2000,
        leaseMs: 10_000,
        backoffBaseMs: 1000,
        backoffMaxMs: 60_000,
        smtpUrl: undefined,
        smtpFrom: 'Headroom <headroom@example.com>',
      },
      policy: outboundPolicy(['loopback']),
      now: () => Date.now(),
      random: () => 0.5,
      timer: false,
    });
    try {
      const tick = await dispatcher.tick();
      expect(tick.delivered).toBeGreaterThanOrEqual(1);
    } finally {
      await dispatcher.stop();
    }
    const got = receiver.requests.filter((r) => r.url === '/hook');
    expect(got).toHaveLength(1);
    const body = JSON.parse(got[0]!.body);
    expect(body).toMatchObject({
      kind: 'incident.status-update',
      incident: { id: other, severity: 'SEV4' },
      update: { id: entry.id, text: 'We are rolling back the search index.' },
    });

    const removed = await api('DELETE', `/incidents/${other}/subscribers/status-page`);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().channels).toEqual([]);
    expect((await api('DELETE', `/incidents/${other}/subscribers/status-page`)).statusCode).toBe(404);
    await api('POST', `/incidents/${other}/changes`, { type: 'status-update', text: 'Fixed.' });
    expect(await rows('notifications')).toBe(before + 1);
  });

  it.runIf(available)('anyone follows an incident by e-mail; the updates go to mailto:', async () => {
    const id = (await api('POST', '/incidents', { title: 'Cart slow', severity: 'SEV3' })).json().id;
    const vera = await t.userWithToken('vera', 'viewer');
    await t.userWithToken('walt', 'viewer');
    expect((await api('PATCH', '/users/vera', { email: 'vera@example.com' })).statusCode).toBe(200);
    const follow = await api('POST', `/incidents/${id}/subscribers`, { user: 'me' }, vera);
    expect(follow.statusCode, follow.body).toBe(200);
    expect(follow.json().channels).toEqual(['mailto:vera@example.com']);
    // A viewer may not subscribe someone else or a channel; a user without e-mail is refused.
    expect((await api('POST', `/incidents/${id}/subscribers`, { user: 'walt' }, vera)).statusCode).toBe(403);
    expect(
      (await api('POST', `/incidents/${id}/subscribers`, { channel: 'status-page' }, vera)).statusCode,
    ).toBe(403);
    expect((await api('POST', `/incidents/${id}/subscribers`, { user: 'walt' })).json().code).toBe(
      'NO_EMAIL',
    );
    expect((await api('POST', `/incidents/${id}/subscribers`, {})).statusCode).toBe(400);

    const update = await api('POST', `/incidents/${id}/changes`, {
      type: 'status-update',
      text: 'Cache warmed.',
    });
    const entry = update.json().timeline.find((e: { kind: string }) => e.kind === 'status-update');
    const queued = await t.database.db
      .selectFrom('notifications')
      .select(['idempotency_key', 'channel'])
      .where('idempotency_key', 'like', `incident:${id}:%`)
      .execute();
    expect(queued).toEqual([
      {
        idempotency_key: `incident:${id}:update:${entry.id}:mailto:vera@example.com`,
        channel: 'mailto:vera@example.com',
      },
    ]);
    // She stops following herself; she may not remove other subscribers.
    await api('POST', `/incidents/${id}/subscribers`, { channel: 'status-page' });
    expect(
      (await api('DELETE', `/incidents/${id}/subscribers/status-page`, undefined, vera)).statusCode,
    ).toBe(403);
    const left = await api(
      'DELETE',
      `/incidents/${id}/subscribers/${encodeURIComponent('mailto:vera@example.com')}`,
      undefined,
      vera,
    );
    expect(left.statusCode, left.body).toBe(200);
    expect(left.json().channels).toEqual(['status-page']);
  });
});
