/**
 * The outbox and the dispatcher against real local receivers, on every database: signed webhook
 * deliveries, retries with back-off (500, 429 + Retry-After, timeouts), no retry on 4xx, dead
 * letters and their retry by hand, redelivery after a dispatcher died holding a lease, Slack, and
 * e-mail through a real SMTP server.
 */
import type { NotificationMessage } from '@headroom/core/api/notification';
import { verifySignature } from '@headroom/core/notifications/signature';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import {
  type Receiver,
  type SmtpReceiver,
  startReceiver,
  startSmtpReceiver,
} from '../../test-support/notifications.js';
import { type Dispatcher, startDispatcher } from './dispatcher.js';
import { outboundPolicy } from './outbound.js';
import { claimDue, completeAttempt, enqueueNotification } from './outbox.js';
import type { NotificationSettings } from './settings.js';

afterAll(dropCreatedDatabases);

const SECRET = 'whsec_delivery_test';
const message = (title = 'Checkout availability burning fast'): NotificationMessage => ({
  title,
  text: 'Burn rate 14.4 over 1h and 5m.',
  severity: 'critical',
  status: 'firing',
  labels: { slo: 'checkout-availability' },
  links: [{ url: 'https://headroom.example.com/slos/checkout-availability', title: 'SLO' }],
});

const settings = (overrides: Partial<NotificationSettings> = {}): NotificationSettings => ({
  pollIntervalMs: 0,
  maxAttempts: 3,
  timeoutMs: 2000,
  leaseMs: 10_000,
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  smtpUrl: undefined,
  smtpFrom: 'Headroom <headroom@example.com>',
  ...overrides,
});

const webhook = (name: string, url: string, extra = '') => `apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata:
  name: ${name}
spec:
  type: webhook
  url: ${url}
  secret: ${SECRET}
  headers:
    X-Team: payments
${extra}`;

describe.each(supportedDatabases())('notification delivery on $name', ({ name, available }) => {
  let t: TestApp;
  let receiver: Receiver;
  let clock: number;
  const dispatchers: Dispatcher[] = [];
  const dispatcher = (overrides: Partial<NotificationSettings> = {}, allow = ['loopback']) => {
    const d = startDispatcher(t.database, {
      settings: settings(overrides),
      policy: outboundPolicy(allow),
      now: () => clock,
      // Full jitter at its middle: the delay is half the ceiling.
      random: () => 0.5,
      timer: false,
    });
    dispatchers.push(d);
    return d;
  };
  const row = (id: string) =>
    t.database.db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const attempts = (id: string) =>
    t.database.db
      .selectFrom('notification_attempts')
      .select(['attempt', 'outcome', 'status_code', 'error'])
      .where('notification_id', '=', id)
      .orderBy('attempt')
      .execute();
  const apply = async (content: string) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: t.admin,
      payload: { files: [{ path: 'channels.yaml', content }] },
    });
    expect(res.statusCode, res.body).toBe(200);
  };
  let keys = 0;
  const enqueue = (channel: string, m = message()) =>
    enqueueNotification(t.database.db, { channel, message: m, idempotencyKey: `k${keys++}` }, clock);

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name, { outboundAllow: ['loopback'] });
  });
  afterAll(async () => {
    if (available) await t.close();
  });
  beforeEach(async () => {
    if (!available) return;
    receiver = await startReceiver();
    // Each test starts from an empty outbox: what an earlier test left due would be delivered too.
    await t.database.db.deleteFrom('notification_attempts').execute();
    await t.database.db.deleteFrom('notifications').execute();
    clock = Date.parse('2030-01-01T00:00:00Z') + keys * 86_400_000;
  });
  afterEach(async () => {
    for (const d of dispatchers.splice(0)) await d.stop();
    await receiver?.close();
  });

  it.runIf(available)(
    'delivers a signed webhook with Idempotency-Key, enqueued inside a transaction',
    async () => {
      await apply(webhook('signed', `${receiver.url}/hooks/headroom`));
      // The producer's change and its notification commit together, or neither does.
      await expect(
        t.database.db.transaction().execute(async (trx) => {
          await enqueueNotification(
            trx,
            { channel: 'signed', message: message(), idempotencyKey: 'rolled-back' },
            clock,
          );
          throw new Error('the alert change failed');
        }),
      ).rejects.toThrow('the alert change failed');
      const { id, created } = await t.database.db
        .transaction()
        .execute((trx) =>
          enqueueNotification(
            trx,
            { channel: 'signed', message: message(), idempotencyKey: 'alert-1:firing' },
            clock,
          ),
        );
      expect(created).toBe(true);
      // A repeated key enqueues nothing.
      expect(
        await enqueueNotification(
          t.database.db,
          { channel: 'signed', message: message('other'), idempotencyKey: 'alert-1:firing' },
          clock,
        ),
      ).toEqual({ id, created: false });
      const keysStored = await t.database.db.selectFrom('notifications').select('idempotency_key').execute();
      expect(keysStored.map((k) => k.idempotency_key)).toEqual(['alert-1:firing']);

      expect(await dispatcher().tick()).toEqual({ delivered: 1, retried: 0, dead: 0 });
      expect(receiver.requests).toHaveLength(1);
      const [request] = receiver.requests;
      expect(request).toMatchObject({ method: 'POST', url: '/hooks/headroom' });
      expect(request!.headers['content-type']).toBe('application/json');
      expect(request!.headers['idempotency-key']).toBe(id);
      expect(request!.headers['x-team']).toBe('payments');
      // The receiver's check, as documented: HMAC over "t.body" with the shared secret.
      const check = await verifySignature(
        request!.headers['headroom-signature'] as string,
        request!.body,
        SECRET,
        {
          nowSeconds: Math.floor(clock / 1000),
        },
      );
      expect(check).toEqual({ valid: true, timestamp: Math.floor(clock / 1000) });
      expect(
        (await verifySignature(request!.headers['headroom-signature'] as string, request!.body, 'wrong'))
          .valid,
      ).toBe(false);
      expect(JSON.parse(request!.body)).toMatchObject({
        id,
        channel: 'signed',
        title: message().title,
        severity: 'critical',
      });
      expect(await row(id)).toMatchObject({
        status: 'delivered',
        attempts: 1,
        lease_until: null,
        delivered_at: clock,
      });
      expect(await attempts(id)).toEqual([
        { attempt: 1, outcome: 'delivered', status_code: 200, error: null },
      ]);
      // Delivered means done: another pass sends nothing.
      clock += 3_600_000;
      expect(await dispatcher().tick()).toEqual({ delivered: 0, retried: 0, dead: 0 });
      expect(receiver.requests).toHaveLength(1);
    },
  );

  it.runIf(available)('sends a message’s data as the body, as is', async () => {
    await apply(webhook('data', receiver.url));
    const data = { receiver: 'payments', status: 'firing', alerts: [{ labels: { alertname: 'X' } }] };
    await enqueue('data', { ...message(), data });
    await dispatcher().tick();
    expect(receiver.requests[0]!.body).toBe(JSON.stringify(data));
  });

  it.runIf(available)(
    'retries 500 after a jittered back-off and 429 after its Retry-After, then delivers',
    async () => {
      await apply(webhook('flaky', receiver.url));
      receiver.reply = (_r, i) =>
        i === 0
          ? { status: 500, body: 'database down' }
          : i === 1
            ? { status: 429, headers: { 'retry-after': '30' } }
            : { status: 200 };
      const { id } = await enqueue('flaky');
      const d = dispatcher();
      expect(await d.tick()).toEqual({ delivered: 0, retried: 1, dead: 0 });
      // Attempt 1 failed: a delay up to base × 2^0 = 1 s, half of it with random() = 0.5.
      expect(await row(id)).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: clock + 500 });
      expect((await row(id)).last_error).toBe('HTTP 500: database down');
      // Not due yet: nothing is sent.
      clock += 499;
      expect(await d.tick()).toEqual({ delivered: 0, retried: 0, dead: 0 });
      expect(receiver.requests).toHaveLength(1);
      clock += 1;
      expect(await d.tick()).toEqual({ delivered: 0, retried: 1, dead: 0 });
      // Attempt 2: jitter would say 1 s; Retry-After says 30 s, and wins.
      expect((await row(id)).next_attempt_at).toBe(clock + 30_000);
      clock += 30_000;
      expect(await d.tick()).toEqual({ delivered: 1, retried: 0, dead: 0 });
      expect(receiver.requests.map((r) => r.headers['idempotency-key'])).toEqual([id, id, id]);
      expect(await attempts(id)).toEqual([
        { attempt: 1, outcome: 'retry', status_code: 500, error: 'HTTP 500: database down' },
        { attempt: 2, outcome: 'retry', status_code: 429, error: 'HTTP 429' },
        { attempt: 3, outcome: 'delivered', status_code: 200, error: null },
      ]);
    },
  );

  it.runIf(available)('never retries a 400: dead at once; a retry by hand delivers it', async () => {
    await apply(webhook('refusing', receiver.url));
    receiver.reply = () => ({ status: 400, body: 'unknown field' });
    const { id } = await enqueue('refusing');
    const d = dispatcher();
    expect(await d.tick()).toEqual({ delivered: 0, retried: 0, dead: 1 });
    expect(await row(id)).toMatchObject({ status: 'dead', attempts: 1, next_attempt_at: null });
    clock += 86_400_000;
    await d.tick();
    expect(receiver.requests).toHaveLength(1);

    const editor = await t.userWithToken(`editor-${name}`, 'editor');
    const viewer = await t.userWithToken(`viewer-${name}`, 'viewer');
    const post = (headers: { authorization: string }) =>
      t.app.inject({ method: 'POST', url: `/api/v1/notifications/${id}/retry`, headers });
    expect((await post(viewer)).statusCode).toBe(403);
    receiver.reply = () => ({ status: 204 });
    const retried = await post(editor);
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toMatchObject({ id, status: 'pending' });
    expect((await post(editor)).json()).toMatchObject({ status: 409, code: 'NOT_DEAD' });
    // Due at once (the retry uses the real clock, which is before the test's).
    expect(await d.tick()).toEqual({ delivered: 1, retried: 0, dead: 0 });
    expect(await row(id)).toMatchObject({ status: 'delivered', attempts: 2 });
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'actor_name', 'target_ref'])
      .where('action', '=', 'notification.retry')
      .execute();
    expect(audit).toEqual([{ action: 'notification.retry', actor_name: `editor-${name}`, target_ref: id }]);
  });

  it.runIf(available)(
    'times out a receiver that hangs, retries, and dead-letters after the attempt limit',
    async () => {
      await apply(webhook('hanging', receiver.url));
      receiver.reply = () => 'hang';
      const { id } = await enqueue('hanging');
      const d = dispatcher({ timeoutMs: 300, maxAttempts: 2 });
      const started = Date.now();
      expect(await d.tick()).toEqual({ delivered: 0, retried: 1, dead: 0 });
      expect(Date.now() - started).toBeLessThan(2000);
      expect((await row(id)).last_error).toMatch(/^timeout: no complete answer within 300 ms/);
      clock += 60_000;
      expect(await d.tick()).toEqual({ delivered: 0, retried: 0, dead: 1 });
      expect(await row(id)).toMatchObject({ status: 'dead', attempts: 2 });
      expect((await row(id)).last_error).toMatch(/^gave up after 2 attempts: timeout/);
      expect(receiver.requests).toHaveLength(2);
      // A retry by hand gives a fresh set of attempts: one more timeout is a retry, not dead.
      const retried = await t.app.inject({
        method: 'POST',
        url: `/api/v1/notifications/${id}/retry`,
        headers: t.admin,
      });
      expect(retried.statusCode).toBe(200);
      expect(await d.tick()).toEqual({ delivered: 0, retried: 1, dead: 0 });
    },
  );

  it.runIf(available)('delivers again when a dispatcher died holding the lease', async () => {
    await apply(webhook('leased', receiver.url));
    const { id } = await enqueue('leased');
    // A dispatcher claims the notification and dies before delivering or completing.
    const [crashed] = await claimDue(t.database.db, {
      now: clock,
      leaseMs: 10_000,
      limit: 10,
      owner: 'crashed-process',
      postgres: name === 'postgres',
    });
    expect(crashed).toMatchObject({ id, attempt: 1 });
    expect(await row(id)).toMatchObject({ status: 'sending', lease_owner: 'crashed-process' });
    const d = dispatcher({ leaseMs: 10_000 });
    // While the lease holds, nobody else takes it.
    clock += 9_999;
    expect(await d.tick()).toEqual({ delivered: 0, retried: 0, dead: 0 });
    expect(receiver.requests).toHaveLength(0);
    clock += 1;
    expect(await d.tick()).toEqual({ delivered: 1, retried: 0, dead: 0 });
    expect(receiver.requests.map((r) => r.headers['idempotency-key'])).toEqual([id]);
    expect(await attempts(id)).toMatchObject([
      { attempt: 1, outcome: 'abandoned', error: expect.stringContaining('lease expired') },
      { attempt: 2, outcome: 'delivered', status_code: 200 },
    ]);
    // The dead dispatcher, back from the grave, cannot undo what the new claim did.
    expect(
      await completeAttempt(
        t.database.db,
        crashed!,
        { status: 'pending', statusCode: 500, error: 'x', nextAttemptAt: clock },
        clock,
      ),
    ).toBe(false);
    expect(await row(id)).toMatchObject({ status: 'delivered' });
  });

  it.runIf(available)('lets two dispatchers share the outbox without delivering anything twice', async () => {
    await apply(webhook('shared', receiver.url));
    receiver.reply = () => ({ status: 200 });
    const ids = new Set<string>();
    for (let i = 0; i < 30; i++) ids.add((await enqueue('shared')).id);
    const [a, b] = [dispatcher(), dispatcher()];
    // Small batches make the two claim in turns, each skipping what the other holds.
    const results = await Promise.all([
      startDispatcher(t.database, {
        settings: settings(),
        policy: outboundPolicy(['loopback']),
        now: () => clock,
        timer: false,
        batchSize: 3,
      }).tick(),
      startDispatcher(t.database, {
        settings: settings(),
        policy: outboundPolicy(['loopback']),
        now: () => clock,
        timer: false,
        batchSize: 3,
      }).tick(),
      a.tick(),
      b.tick(),
    ]);
    expect(results.reduce((n, r) => n + r.delivered, 0)).toBe(30);
    const delivered = receiver.requests.map((r) => r.headers['idempotency-key'] as string);
    expect(delivered).toHaveLength(30);
    expect(new Set(delivered)).toEqual(ids);
  });

  it.runIf(available)('refuses a webhook to loopback unless allowed: dead, never sent', async () => {
    await apply(webhook('internal', receiver.url));
    const { id } = await enqueue('internal');
    expect(await dispatcher({}, []).tick()).toEqual({ delivered: 0, retried: 0, dead: 1 });
    expect(receiver.requests).toHaveLength(0);
    expect((await row(id)).last_error).toMatch(
      /127\.0\.0\.1 is a loopback address.*HEADROOM_OUTBOUND_ALLOW=loopback/,
    );
  });

  it.runIf(available)('dead-letters a notification for a channel that does not exist', async () => {
    const { id } = await enqueue('no-such-channel');
    expect(await dispatcher().tick()).toEqual({ delivered: 0, retried: 0, dead: 1 });
    expect((await row(id)).last_error).toMatch(/channel 'no-such-channel' does not exist/);
  });

  it.runIf(available)('posts a Slack incoming-webhook message', async () => {
    await apply(`apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata:
  name: slack-payments
spec:
  type: slack
  webhookUrl: ${receiver.url}/services/T0/B0/secret-part
  channel: '#payments-alerts'
`);
    await enqueue('slack-payments');
    expect(await dispatcher().tick()).toEqual({ delivered: 1, retried: 0, dead: 0 });
    const [request] = receiver.requests;
    expect(request!.url).toBe('/services/T0/B0/secret-part');
    const body = JSON.parse(request!.body);
    expect(body).toMatchObject({
      channel: '#payments-alerts',
      text: expect.stringContaining('Checkout availability'),
    });
    expect(body.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Checkout availability burning fast', emoji: true },
    });
  });

  describe('e-mail', () => {
    let smtp: SmtpReceiver;
    beforeAll(async () => {
      if (available) smtp = await startSmtpReceiver({ user: 'alerts', pass: 'smtp-password' });
    });
    afterAll(async () => {
      if (available) await smtp.close();
    });
    const emailChannel = (channel: string, password: string) => `apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata:
  name: ${channel}
spec:
  type: email
  to: [oncall@example.com, 'Ana <ana@example.com>']
  from: Headroom <alerts@example.com>
  smtp:
    host: 127.0.0.1
    port: ${smtp.port}
    security: none
    username: alerts
    password: ${password}
`;

    it.runIf(available)('sends through a real SMTP server with the channel’s login', async () => {
      await apply(emailChannel('mail', 'smtp-password'));
      const { id } = await enqueue('mail');
      expect(await dispatcher().tick()).toEqual({ delivered: 1, retried: 0, dead: 0 });
      const mail = smtp.mails.at(-1)!;
      expect(mail).toMatchObject({
        from: 'alerts@example.com',
        to: ['oncall@example.com', 'ana@example.com'],
        user: 'alerts',
      });
      expect(mail.raw).toMatch(/^Subject: \[FIRING:critical\] Checkout availability burning fast$/m);
      expect(mail.raw).toContain(`Message-ID: <${id}@headroom.notifications>`);
      expect(mail.raw).toContain('Burn rate 14.4 over 1h and 5m.');
      expect(mail.raw).toMatch(/Content-Type: text\/html/);
    });

    it.runIf(available)('uses the server’s SMTP and sender for a channel without its own', async () => {
      await apply(`apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata:
  name: mail-server-smtp
spec:
  type: email
  to: sre@example.com
`);
      await enqueue('mail-server-smtp');
      const d = dispatcher({
        smtpUrl: `smtp://alerts:smtp-password@127.0.0.1:${smtp.port}`,
        smtpFrom: 'Headroom <server@example.com>',
      });
      expect(await d.tick()).toEqual({ delivered: 1, retried: 0, dead: 0 });
      expect(smtp.mails.at(-1)).toMatchObject({ from: 'server@example.com', to: ['sre@example.com'] });
      // Without any SMTP server configured, it fails for good with a message saying what to set.
      const { id } = await enqueue('mail-server-smtp');
      expect(await dispatcher().tick()).toEqual({ delivered: 0, retried: 0, dead: 1 });
      expect((await row(id)).last_error).toMatch(/HEADROOM_SMTP_URL/);
    });

    it.runIf(available)(
      'does not retry a rejected login, and refuses a loopback SMTP host unless allowed',
      async () => {
        await apply(emailChannel('mail-bad-login', 'wrong-password'));
        const { id } = await enqueue('mail-bad-login');
        const before = smtp.mails.length;
        expect(await dispatcher().tick()).toEqual({ delivered: 0, retried: 0, dead: 1 });
        expect((await row(id)).last_error).toMatch(/EAUTH|535/);
        const refused = await enqueue('mail');
        expect(await dispatcher({}, []).tick()).toEqual({ delivered: 0, retried: 0, dead: 1 });
        expect((await row(refused.id)).last_error).toMatch(/127\.0\.0\.1 is a loopback address/);
        expect(smtp.mails.length).toBe(before);
      },
    );
  });
});
