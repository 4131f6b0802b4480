/**
 * Channels through apply and the API, on every database: secrets are never echoed (API, apply
 * plan, audit, stored document) and are sealed at rest; ownership; dry-run and prune; the test
 * notification; the outbox listing with its filters and pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, testConfig } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { type Receiver, startReceiver } from '../../test-support/notifications.js';
import { setUpSecretKey } from '../secrets/key-store.js';
import { startDispatcher } from './dispatcher.js';
import { outboundPolicy } from './outbound.js';
import { enqueueNotification } from './outbox.js';
import { notificationSettingsFromEnv } from './settings.js';

afterAll(dropCreatedDatabases);

const SECRETS = ['whsec_never_shown', 'Bearer header-token', 'T0/B0/slack-secret-part', 'smtp-pa55word'];

const channels = (url: string) => `apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata:
  name: payments-webhook
  displayName: Payments webhook
spec:
  type: webhook
  owner: payments
  url: ${url}/hooks/headroom?token=in-query
  secret: whsec_never_shown
  headers:
    Authorization: Bearer header-token
---
apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata:
  name: payments-slack
spec:
  type: slack
  owner: payments
  webhookUrl: https://hooks.slack.com/services/T0/B0/slack-secret-part
  channel: '#payments'
---
apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata:
  name: ops-email
spec:
  type: email
  to: [ops@example.com]
  smtp:
    host: smtp.example.com
    port: 465
    security: tls
    username: alerts
    password: smtp-pa55word
`;

describe.each(supportedDatabases())('notification channels on $name', ({ name, available }) => {
  let t: TestApp;
  let receiver: Receiver;
  const apply = (content: string, headers = t.admin, extra: object = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers,
      payload: { files: [{ path: 'channels.yaml', content }], ...extra },
    });
  const get = (url: string, headers = t.admin) =>
    t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });
  const expectNoSecret = (text: string) => {
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  };

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name, { outboundAllow: ['loopback'] });
    // The key the app sets up at start for sealing secrets (idempotent if the app did already).
    await setUpSecretKey(t.database, testConfig(), { info() {}, warn() {} });
    receiver = await startReceiver();
    const team = await t.app.inject({
      method: 'POST',
      url: '/api/v1/teams',
      headers: t.admin,
      payload: { name: 'payments' },
    });
    expect(team.statusCode).toBe(201);
  });
  afterAll(async () => {
    if (!available) return;
    await receiver.close();
    await t.close();
  });

  it.runIf(available)(
    'applies channels (dry-run first) and never echoes or stores a secret in the open',
    async () => {
      const dry = await apply(channels(receiver.url), t.admin, { dryRun: true });
      expect(dry.statusCode, dry.body).toBe(200);
      expect(dry.json().summary).toMatchObject({ create: 3 });
      expect((await get('/channels')).json()).toEqual([]);

      const applied = await apply(channels(receiver.url));
      expect(applied.statusCode, applied.body).toBe(200);
      expectNoSecret(applied.body);

      const list = await get('/channels');
      expect(list.statusCode).toBe(200);
      expectNoSecret(list.body);
      expect(list.json().map((c: { name: string }) => c.name)).toEqual([
        'ops-email',
        'payments-slack',
        'payments-webhook',
      ]);
      const hook = await get('/channels/payments-webhook');
      expect(hook.json()).toMatchObject({
        name: 'payments-webhook',
        displayName: 'Payments webhook',
        type: 'webhook',
        owner: 'payments',
        target: `${receiver.url}/…`,
        settings: { url: `${receiver.url}/…`, headerNames: ['Authorization'], signed: true },
        secrets: ['secret', 'headers'],
      });
      expect(hook.body).not.toContain('in-query');
      expect((await get('/channels/payments-slack')).json()).toMatchObject({
        target: 'Slack #payments',
        secrets: ['webhookUrl'],
      });
      const email = (await get('/channels/ops-email')).json();
      expect(email).toMatchObject({
        settings: {
          to: ['ops@example.com'],
          smtp: { host: 'smtp.example.com', port: 465, security: 'tls', username: 'alerts' },
        },
        secrets: ['smtp.password'],
      });
      expect((await get('/channels/nope')).json()).toMatchObject({ status: 404, code: 'CHANNEL_NOT_FOUND' });

      // At rest: the document and definition hold no secret; the secrets column is sealed.
      const rows = await t.database.db.selectFrom('notification_channels').selectAll().execute();
      for (const r of rows) {
        expectNoSecret(r.definition);
        expectNoSecret(r.document);
        expectNoSecret(r.secrets);
        expect(JSON.parse(r.secrets).value).toMatch(/^enc:v1:/);
      }
      const audit = await t.database.db
        .selectFrom('audit_log')
        .select(['action', 'target_ref', 'detail'])
        .where('target_kind', '=', 'notification-channel')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['apply.create', 'apply.create', 'apply.create']);
      for (const a of audit) expectNoSecret(a.detail);

      // Unchanged is unchanged (secrets compared in the open); a changed secret is named, not shown.
      expect((await apply(channels(receiver.url))).json().summary).toMatchObject({ unchanged: 3 });
      const rotated = await apply(channels(receiver.url).replace('whsec_never_shown', 'whsec_rotated_value'));
      const item = rotated.json().items.find((i: { ref: string }) => i.ref.endsWith('/payments-webhook'));
      expect(item).toMatchObject({ action: 'update', changes: ['spec.secret'] });
      expect(rotated.body).not.toContain('whsec_rotated_value');
      await apply(channels(receiver.url));
    },
  );

  it.runIf(available)(
    'lets the owning team’s editors change a channel, and only admins an unowned one',
    async () => {
      const member = await t.userWithToken(`member-${name}`, 'editor', ['payments']);
      const outsider = await t.userWithToken(`outsider-${name}`, 'editor');
      const changed = channels(receiver.url).replace('Payments webhook', 'Payments hook');
      const refused = await apply(changed, outsider);
      expect(refused.json()).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      const ok = await apply(changed, member);
      expect(ok.statusCode, ok.body).toBe(200);
      // ops-email has no owner: an editor cannot change it.
      const email = await apply(changed.replace('ops@example.com', 'sre@example.com'), member);
      expect(email.json()).toMatchObject({ status: 403 });
      expect(email.json().detail).toContain('ops-email');
    },
  );

  it.runIf(available)('sends a test notification through a channel and shows its attempts', async () => {
    const viewer = await t.userWithToken(`viewer-${name}`, 'viewer');
    const post = (channel: string, headers = t.admin) =>
      t.app.inject({ method: 'POST', url: `/api/v1/channels/${channel}/test`, headers });
    expect((await post('payments-webhook', viewer)).json()).toMatchObject({ status: 403 });
    expect((await post('nope')).json()).toMatchObject({ status: 404, code: 'CHANNEL_NOT_FOUND' });
    const res = await post('payments-webhook');
    expect(res.statusCode, res.body).toBe(202);
    const { notification } = res.json();
    expect(res.json()).toEqual({ notification: expect.any(String), channel: 'payments-webhook' });
    const pending = (await get(`/notifications/${notification}`)).json();
    expect(pending).toMatchObject({ status: 'pending', attempts: 0, attemptHistory: [] });
    expect(pending.message.title).toBe('Test notification for channel payments-webhook');

    const d = startDispatcher(t.database, {
      settings: { ...notificationSettingsFromEnv({}), pollIntervalMs: 0 },
      policy: outboundPolicy(['loopback']),
      timer: false,
    });
    expect(await d.tick()).toMatchObject({ delivered: 1 });
    await d.stop();
    const request = receiver.requests.at(-1)!;
    expect(request.url).toBe('/hooks/headroom?token=in-query');
    expect(request.headers.authorization).toBe('Bearer header-token');
    const detail = (await get(`/notifications/${notification}`)).json();
    expect(detail).toMatchObject({
      status: 'delivered',
      attempts: 1,
      attemptHistory: [{ attempt: 1, outcome: 'delivered', statusCode: 200, error: null }],
    });
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['target_ref', 'detail'])
      .where('action', '=', 'channel.test')
      .execute();
    expect(audit).toEqual([
      {
        target_ref: 'notificationchannel:default/payments-webhook',
        detail: JSON.stringify({ notification }),
      },
    ]);
    expect((await get('/notifications/no-such-id')).json()).toMatchObject({
      status: 404,
      code: 'NOTIFICATION_NOT_FOUND',
    });
  });

  it.runIf(available)('lists the outbox newest first, by status and channel, page by page', async () => {
    const now = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { id } = await enqueueNotification(
        t.database.db,
        {
          channel: 'payments-slack',
          message: { title: `n${i}`, text: '', severity: 'warning', status: 'firing', labels: {}, links: [] },
          idempotencyKey: `list-${name}-${i}`,
        },
        now,
      );
      ids.push(id);
    }
    const page1 = (await get('/notifications?channel=payments-slack&status=pending&limit=2')).json();
    expect(page1.map((n: { id: string }) => n.id)).toEqual([ids[2], ids[1]]);
    const page2 = (await get(`/notifications?channel=payments-slack&limit=2&cursor=${page1[1].id}`)).json();
    expect(page2.map((n: { id: string }) => n.id)).toEqual([ids[0]]);
    const byKey = (await get(`/notifications?key=list-${name}-1`)).json();
    expect(byKey.map((n: { id: string }) => n.id)).toEqual([ids[1]]);
    expect((await get(`/notifications?key=list-${name}-`)).json()).toHaveLength(3);
    // LIKE wildcards in the key are literal: '%' matches nothing here.
    expect((await get('/notifications?key=%25')).json()).toEqual([]);
    expect((await get('/notifications?status=dead')).json()).toEqual([]);
    expect((await get('/notifications?status=lost')).json()).toMatchObject({ status: 400 });
  });

  it.runIf(available)('prunes a channel the files no longer declare', async () => {
    const res = await apply(channels(receiver.url).split('---')[0]!, t.admin, { prune: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().summary).toMatchObject({ delete: 2 });
    expect((await get('/channels')).json().map((c: { name: string }) => c.name)).toEqual([
      'payments-webhook',
    ]);
  });
});
