/**
 * Paging end to end on both databases, with the clock driven by the test (no sleeps): alerts in
 * through the Alertmanager intake, routed to a route with an escalationPolicy, paged step by
 * step into the outbox, delivered by e-mail to a real SMTP server, acknowledged by the signed
 * link, the API and stopped by resolve; a late tick (restart) catches up without double paging.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { type SmtpReceiver, startSmtpReceiver } from '../../test-support/notifications.js';
import { runPipeline } from '../alert-groups/pipeline.js';
import { outboundPolicy, startDispatcher } from '../notifications/index.js';
import { notificationSettingsFromEnv } from '../notifications/settings.js';
import { activeKeyId } from '../secrets/key-store.js';
import { signAckToken } from './ack-token.js';
import { runPaging } from './job.js';

afterAll(dropCreatedDatabases);

const MIN = 60_000;
const EXTERNAL = 'https://headroom.example.com';

const CONFIG = `apiVersion: headroom.dev/v1
kind: Schedule
metadata: { name: primary }
spec:
  timeZone: UTC
  layers:
    - name: always-alice
      users: [alice]
      shiftLength: 1d
      handoffTime: "09:00"
      start: 2024-03-01
---
apiVersion: headroom.dev/v1
kind: EscalationPolicy
metadata: { name: ops-pages }
spec:
  repeat: 1
  steps:
    - delay: 5m
      notify: [{ schedule: primary }]
    - delay: 10m
      notify: [{ user: bob }, { user: carol }]
---
apiVersion: headroom.dev/v1
kind: Route
metadata: { name: root }
spec:
  root: true
  escalationPolicy: ops-pages
  groupBy: [alertname]
  groupWait: 0s
`;

function alertmanager(alertname: string, status: 'firing' | 'resolved', startsAt: number, endsAt?: number) {
  const labels = { alertname, severity: 'critical', service: 'checkout' };
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
        annotations: { summary: `${alertname} on checkout` },
        startsAt: new Date(startsAt).toISOString(),
        endsAt: endsAt ? new Date(endsAt).toISOString() : '0001-01-01T00:00:00Z',
        generatorURL: '',
        fingerprint: alertname === 'InstanceDown' ? '1111111111111111' : '2222222222222222',
      },
    ],
  };
}

describe.each(supportedDatabases())('paging on $name', ({ name, available }) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  let token: string;
  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: t.admin, ...(payload && { payload }) });
  const pipeline = (now: number) => runPipeline(t.database.db, now, { externalUrl: EXTERNAL });
  const paging = (now: number) => runPaging(t.database.db, now, { externalUrl: EXTERNAL });
  const settings = () => ({
    ...notificationSettingsFromEnv({}),
    smtpUrl: `smtp://pager:secret@127.0.0.1:${smtp.port}`,
    smtpFrom: 'headroom@example.com',
  });
  const deliver = (now: number) =>
    startDispatcher(t.database, {
      settings: settings(),
      policy: outboundPolicy(['loopback']),
      now: () => now,
      timer: false,
    }).tick();
  const post = (body: object) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/integrations/alertmanager',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: body,
    });
  const outbox = async () =>
    (
      await t.database.db
        .selectFrom('notifications')
        .select(['channel', 'idempotency_key', 'message'])
        .orderBy('created_at')
        .orderBy('id')
        .execute()
    ).filter((n) => n.idempotency_key.startsWith('page:'));
  const groupOf = async (alertname: string) => {
    const groups = (await api('GET', '/alert-groups')).json() as {
      id: string;
      receiver: string | null;
      escalationPolicy: string | null;
      groupLabels: Record<string, string>;
      page: { id: string; status: string } | null;
    }[];
    return groups.find((g) => g.groupLabels.alertname === alertname)!;
  };
  const log = async (groupId: string) =>
    (await api('GET', `/alert-groups/${groupId}/log`)).json() as {
      page: { id: string; status: string; acknowledgedBy: string | null; acknowledgedVia: string | null };
      entries: { kind: string; text: string; data: Record<string, unknown> }[];
    };

  beforeAll(async () => {
    if (!available) return;
    smtp = await startSmtpReceiver({ user: 'pager', pass: 'secret' });
    t = await startTestApp(name, { outboundAllow: ['loopback'] });
    for (const [user, email] of [
      ['alice', 'alice@example.com'],
      ['bob', 'bob@example.com'],
      ['carol', undefined],
    ] as const) {
      const r = await api('POST', '/users', { name: user, role: 'viewer', ...(email && { email }) });
      expect(r.statusCode, r.body).toBe(201);
    }
    const applied = await api('POST', '/apply', { files: [{ path: 'paging.yaml', content: CONFIG }] });
    expect(applied.statusCode, applied.body).toBe(200);
    const created = await api('POST', '/integrations', { type: 'alertmanager', name: 'am' });
    expect(created.statusCode, created.body).toBe(201);
    token = (created.json() as { secret: string }).secret;
  });
  afterAll(async () => {
    if (!available) return;
    await t.close();
    await smtp.close();
  });

  it.runIf(available)(
    'refuses a Route naming an unknown escalation policy, at its file, line and field',
    async () => {
      const r = await api('POST', '/apply', {
        files: [
          { path: 'paging.yaml', content: CONFIG },
          {
            path: 'more.yaml',
            content: `apiVersion: headroom.dev/v1
kind: Route
metadata: { name: payments }
spec:
  order: 1
  matchers: ['team="payments"']
  routes:
    - matchers: ['env="prod"']
      escalationPolicy: no-such-policy
`,
          },
        ],
      });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ code: 'INVALID_CONFIG' });
      expect(r.json().errors[0]).toMatchObject({
        file: 'more.yaml',
        line: 9,
        path: '/spec/routes/0/escalationPolicy',
      });
      expect(r.json().errors[0].message).toMatch(/escalation policy 'no-such-policy' does not exist/);
    },
  );

  it.runIf(available)(
    'pages step 1 (on call), escalates after the delay, and stops at the ack link',
    async () => {
      const T0 = Date.now();
      expect((await post(alertmanager('InstanceDown', 'firing', T0 - 10 * MIN))).statusCode).toBe(200);
      expect(await pipeline(T0)).toMatchObject({ paged: 1, notified: 0 });
      const group = await groupOf('InstanceDown');
      expect(group).toMatchObject({
        receiver: null,
        escalationPolicy: 'ops-pages',
        page: { status: 'active' },
      });
      const pageId = group.page!.id;

      // Step 1 at once: whoever is on call in 'primary' (alice), by e-mail.
      expect(await paging(T0)).toMatchObject({ advanced: 1, notified: 1 });
      expect((await outbox()).map((n) => [n.channel, n.idempotency_key])).toEqual([
        ['mailto:alice@example.com', `page:${pageId}:0:user:alice`],
      ]);
      // Nothing more before the step's 5m delay, and the same tick again adds nothing.
      expect(await paging(T0)).toMatchObject({ notified: 0 });
      expect(await paging(T0 + 5 * MIN - 1)).toMatchObject({ notified: 0 });
      // Step 2: bob by e-mail; carol has no address — logged, not dropped silently.
      expect(await paging(T0 + 5 * MIN)).toMatchObject({ advanced: 1, notified: 1 });
      expect((await outbox()).map((n) => [n.channel, n.idempotency_key])).toEqual([
        ['mailto:alice@example.com', `page:${pageId}:0:user:alice`],
        ['mailto:bob@example.com', `page:${pageId}:1:user:bob`],
      ]);
      const entries = (await log(group.id)).entries;
      expect(entries.map((e) => e.kind)).toEqual([
        'page-started',
        'step-notified',
        'target-unreachable',
        'step-notified',
      ]);
      expect(entries[1]!.text).toMatch(
        /^Step 1 of 2 \(cycle 1 of 2\) at .*: the escalation started.*alice \(on call in primary\).*Reached alice/,
      );
      expect(entries[2]!.text).toMatch(/carol was not paged: the user has no e-mail address/);
      expect(entries[3]!.text).toMatch(/Step 2 of 2 .* because step 1 .* was not acknowledged within 5m/);

      // A real SMTP server gets both mails, each with its own signed acknowledgement link.
      expect(await deliver(T0 + 5 * MIN)).toMatchObject({ delivered: 2, dead: 0 });
      const mails = smtp.mails.filter((m) => m.raw.includes(pageId) || m.raw.includes('/ack/'));
      expect(mails.map((m) => m.to).sort()).toEqual([['alice@example.com'], ['bob@example.com']]);
      const aliceMail = mails.find((m) => m.to[0] === 'alice@example.com')!.raw.replace(/=\r?\n/g, '');
      const link = /https:\/\/headroom\.example\.com\/ack\/([A-Za-z0-9._%-]+)/.exec(aliceMail)![1]!;
      const path = `/ack/${link}`;

      // GET shows a confirmation only (mail scanners prefetch links); POST acknowledges.
      const confirm = await t.app.inject({ method: 'GET', url: path });
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toMatch(/<form method="post">/);
      expect((await log(group.id)).page.status).toBe('active');
      const acked = await t.app.inject({
        method: 'POST',
        url: path,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: '',
      });
      expect(acked.statusCode, acked.body).toBe(200);
      expect(acked.body).toMatch(/acknowledged by alice/);
      const after = await log(group.id);
      expect(after.page).toMatchObject({
        status: 'acknowledged',
        acknowledgedBy: 'alice',
        acknowledgedVia: 'link',
      });
      const ackEntry = after.entries.find((e) => e.kind === 'acknowledged');
      expect(ackEntry?.text).toMatch(/Acknowledged by alice \(link\)/);

      // Acknowledged: the repeat never comes, and acknowledging again is a 409 problem.
      expect(await paging(T0 + 60 * MIN)).toMatchObject({ notified: 0 });
      expect(await outbox()).toHaveLength(2);
      const again = await api('POST', `/alert-groups/${group.id}/acknowledge`);
      expect(again.statusCode).toBe(409);
      expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(again.json()).toMatchObject({ code: 'PAGE_ACKNOWLEDGED' });
      const reused = await t.app.inject({ method: 'POST', url: path, payload: '' });
      expect(reused.statusCode).toBe(409);
      const audit = await api('GET', `/audit?targetKind=page`);
      expect(audit.body).toContain(`alert-group:${group.id}`);
    },
  );

  it.runIf(available)('catches up after a restart, repeats the policy, and stops on resolve', async () => {
    const T1 = Date.now() + 1000;
    const before = (await outbox()).length;
    expect((await post(alertmanager('DiskFull', 'firing', T1 - 10 * MIN))).statusCode).toBe(200);
    expect(await pipeline(T1)).toMatchObject({ paged: 1 });
    const group = await groupOf('DiskFull');
    const pageId = group.page!.id;
    // The paging job was down for 16 minutes: every step that came due is sent once, in order,
    // each with its own due time — step 1, step 2, and step 1 of the repeat.
    expect(await paging(T1 + 16 * MIN)).toMatchObject({ notified: 3 });
    expect(await paging(T1 + 16 * MIN)).toMatchObject({ notified: 0 });
    expect((await outbox()).slice(before).map((n) => [n.channel, n.idempotency_key])).toEqual([
      ['mailto:alice@example.com', `page:${pageId}:0:user:alice`],
      ['mailto:bob@example.com', `page:${pageId}:1:user:bob`],
      ['mailto:alice@example.com', `page:${pageId}:2:user:alice`],
    ]);
    const steps = (await log(group.id)).entries.filter((e) => e.kind === 'step-notified');
    expect(steps.map((e) => [e.data.step, e.data.cycle])).toEqual([
      [1, 1],
      [2, 1],
      [1, 2],
    ]);
    expect(steps[2]!.text).toMatch(/the policy starts again \(last run\)/);

    // The alert resolves: the page stops before step 2 of the repeat (due at T1 + 20m).
    expect((await post(alertmanager('DiskFull', 'resolved', T1 - 10 * MIN, T1 + 17 * MIN))).statusCode).toBe(
      200,
    );
    await pipeline(T1 + 18 * MIN);
    expect(await paging(T1 + 18 * MIN)).toMatchObject({ notified: 0 });
    expect(await paging(T1 + 60 * MIN)).toMatchObject({ notified: 0 });
    expect((await outbox()).length).toBe(before + 3);
    const done = await log(group.id);
    expect(done.page.status).toBe('resolved');
    expect(done.entries.at(-1)).toMatchObject({ kind: 'resolved' });
    // The group is gone; its log stays, and there is nothing left to acknowledge.
    const ack = await api('POST', `/alert-groups/${group.id}/acknowledge`);
    expect(ack.statusCode, ack.body).toBe(409);
    expect(ack.json()).toMatchObject({ code: 'PAGE_RESOLVED' });
  });

  it.runIf(available)('acknowledges through the API, and refuses forged and expired links', async () => {
    const T2 = Date.now() + 2000;
    expect((await post(alertmanager('InstanceDown', 'firing', T2 - 10 * MIN))).statusCode).toBe(200);
    // InstanceDown's group still exists (acknowledged above): no second page for the same episode.
    expect(await pipeline(T2 + 6 * MIN)).toMatchObject({ paged: 0 });
    const group = await groupOf('InstanceDown');
    expect(group.page!.status).toBe('acknowledged');

    const fresh = 'ServiceSlow';
    expect((await post(alertmanager(fresh, 'firing', T2 - 10 * MIN))).statusCode).toBe(200);
    await pipeline(T2 + 6 * MIN);
    const g = await groupOf(fresh);
    expect(await paging(T2 + 6 * MIN)).toMatchObject({ notified: 1 });
    const r = await api('POST', `/alert-groups/${g.id}/acknowledge?via=cli`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'admin',
      acknowledgedVia: 'cli',
    });
    expect(await paging(T2 + 30 * MIN)).toMatchObject({ notified: 0 });

    const keyId = await activeKeyId(t.database.db);
    const expired = signAckToken(keyId, {
      pageId: g.page!.id,
      recipient: 'alice',
      expiresAt: Date.now() - 1,
    });
    const e = await t.app.inject({ method: 'GET', url: `/ack/${expired}` });
    expect(e.statusCode).toBe(410);
    expect(e.body).toMatch(/expired/);
    const valid = signAckToken(keyId, {
      pageId: g.page!.id,
      recipient: 'alice',
      expiresAt: Date.now() + MIN,
    });
    const forged = valid.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect((await t.app.inject({ method: 'POST', url: `/ack/${forged}`, payload: '' })).statusCode).toBe(403);
    const badRecipient = valid.replace(
      /^([^.]+)\.[^.]+/,
      `$1.${Buffer.from('mallory').toString('base64url')}`,
    );
    expect((await t.app.inject({ method: 'GET', url: `/ack/${badRecipient}` })).statusCode).toBe(403);

    const none = await api('POST', '/alert-groups/00000000-0000-0000-0000-000000000000/acknowledge');
    expect(none.statusCode).toBe(404);
  });

  it.runIf(available)(
    'declares an incident once when a page starts for a service of an auto-declare tier',
    async () => {
      expect((await api('POST', '/teams', { name: 'shop' })).statusCode).toBe(201);
      const svc = await api('POST', '/services', { name: 'checkout', owner: 'shop', tier: 1 });
      expect(svc.statusCode, svc.body).toBe(201);
      const T3 = Date.now() + 3000;
      expect((await post(alertmanager('CheckoutErrors', 'firing', T3 - 10 * MIN))).statusCode).toBe(200);
      await pipeline(T3);
      const g = await groupOf('CheckoutErrors');
      const opts = { externalUrl: EXTERNAL, autoDeclareTiers: [1] };
      expect(await runPaging(t.database.db, T3, opts)).toMatchObject({ notified: 1 });
      // Later steps do not declare again.
      await runPaging(t.database.db, T3 + 5 * MIN, opts);
      const l = await log(g.id);
      const declared = l.entries.filter((e) => e.kind === 'incident-declared');
      expect(declared).toHaveLength(1);
      expect(declared[0]!.text).toMatch(/declared automatically \(SEV2\): service checkout/);
      const incidentId = declared[0]!.data.incident as string;
      expect((l.page as unknown as { incidentId: string }).incidentId).toBe(incidentId);
      const incident = await api('GET', `/incidents/${incidentId}`);
      expect(incident.statusCode, incident.body).toBe(200);
      expect(incident.json()).toMatchObject({
        severity: 'SEV2',
        alertGroups: [g.id],
        services: ['checkout'],
      });
    },
  );
});
