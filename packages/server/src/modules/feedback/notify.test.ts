/**
 * "You said, we did" end to end on both databases: an item moves to done, the author and every
 * voter are e-mailed once each through the real outbox and dispatcher to a real SMTP server,
 * with the title, the new status, the team's note and the item's link; a voter without an e-mail
 * address is recorded as unreachable; moving to done again (after reopening) sends nothing new.
 */
import type { FeedbackItem } from '@headroom/core/api/feedback';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { type SmtpReceiver, startSmtpReceiver } from '../../test-support/notifications.js';
import { outboundPolicy, startDispatcher } from '../notifications/index.js';
import { notificationSettingsFromEnv } from '../notifications/settings.js';

afterAll(dropCreatedDatabases);

const PUBLIC = 'https://headroom.example.com';
type Headers = { authorization: string };

describe.each(supportedDatabases())('you said, we did on $name', ({ name, available }) => {
  let t: TestApp;
  let smtp: SmtpReceiver;
  const users: Record<string, Headers> = {};
  const call = (method: 'GET' | 'POST', url: string, headers: Headers, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload && { payload }) });
  const deliver = () =>
    startDispatcher(t.database, {
      settings: {
        ...notificationSettingsFromEnv({}),
        smtpUrl: `smtp://headroom:secret@127.0.0.1:${smtp.port}`,
        smtpFrom: 'headroom@example.com',
      },
      policy: outboundPolicy(['loopback']),
      now: () => Date.now(),
      timer: false,
    }).tick();
  const outbox = async () =>
    (
      await t.database.db
        .selectFrom('notifications')
        .select(['channel', 'idempotency_key'])
        .orderBy('idempotency_key')
        .execute()
    ).filter((n) => n.idempotency_key.startsWith('feedback:'));

  beforeAll(async () => {
    if (!available) return;
    smtp = await startSmtpReceiver({ user: 'headroom', pass: 'secret' });
    t = await startTestApp(name, { outboundAllow: ['loopback'], publicUrl: `${PUBLIC}/` });
    for (const [user, role, email] of [
      ['alice', 'viewer', 'alice@example.com'],
      ['bob', 'viewer', 'bob@example.com'],
      ['carol', 'viewer', undefined],
      ['sre', 'editor', 'sre@example.com'],
    ] as const) {
      const created = await call('POST', '/users', t.admin, { name: user, role, ...(email && { email }) });
      expect(created.statusCode, created.body).toBe(201);
      const token = await call('POST', '/tokens', t.admin, { name: 't', user });
      users[user] = { authorization: `Bearer ${token.json().token}` };
    }
  });
  afterAll(async () => {
    if (!available) return;
    await t.close();
    await smtp.close();
  });

  it.runIf(available)('mails the author and every voter once; records who could not be reached', async () => {
    const item = (
      await call('POST', '/feedback', users.alice!, { title: 'Burn-rate alerts page at 3 am for tier-3' })
    ).json() as FeedbackItem;
    for (const voter of ['bob', 'carol', 'alice'])
      expect((await call('POST', `/feedback/${item.id}/votes`, users[voter]!, { pain: 4 })).statusCode).toBe(
        201,
      );
    expect(
      (await call('POST', `/feedback/${item.id}/status`, users.sre!, { status: 'in-progress' })).statusCode,
    ).toBe(200);
    expect(await outbox()).toEqual([]); // only done and declined tell people

    const note = 'Tier-3 services now page in office hours only.';
    const done = await call('POST', `/feedback/${item.id}/status`, users.sre!, { status: 'done', note });
    expect(done.statusCode, done.body).toBe(200);
    const last = (done.json() as FeedbackItem).history.at(-1)!;
    expect(last).toMatchObject({
      to: 'done',
      note,
      notified: {
        reached: ['alice', 'bob'],
        unreachable: [{ user: 'carol', reason: expect.stringMatching(/no e-mail address/) }],
      },
    });
    expect(await outbox()).toEqual([
      { channel: 'mailto:alice@example.com', idempotency_key: `feedback:${item.id}:done:alice` },
      { channel: 'mailto:bob@example.com', idempotency_key: `feedback:${item.id}:done:bob` },
    ]);
    const unreachable = await t.database.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'feedback.notify-unreachable')
      .where('target_ref', '=', item.id)
      .execute();
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]!.detail).toContain('carol');

    expect(await deliver()).toMatchObject({ delivered: 2, dead: 0 });
    const mails = smtp.mails.filter((m) => m.raw.includes(item.id));
    expect(mails.map((m) => m.to).sort()).toEqual([['alice@example.com'], ['bob@example.com']]);
    const bobMail = mails.find((m) => m.to[0] === 'bob@example.com')!.raw.replace(/=\r?\n/g, '');
    expect(bobMail).toContain(`${item.id} is done: Burn-rate alerts page at 3 am for tier-3`);
    expect(bobMail).toContain('You voted for this');
    expect(bobMail).toContain(note);
    expect(bobMail).toContain(`${PUBLIC}/feedback/${item.id}`);
    const aliceMail = mails.find((m) => m.to[0] === 'alice@example.com')!.raw;
    expect(aliceMail).toContain('You asked for this');

    // Reopened and done again: the same people are not mailed a second time.
    expect(
      (await call('POST', `/feedback/${item.id}/status`, users.sre!, { status: 'open' })).statusCode,
    ).toBe(200);
    const again = await call('POST', `/feedback/${item.id}/status`, users.sre!, {
      status: 'done',
      note: 'Again.',
    });
    expect(again.statusCode).toBe(200);
    expect(await outbox()).toHaveLength(2);
    expect(await deliver()).toMatchObject({ delivered: 0 });
    expect(smtp.mails.filter((m) => m.raw.includes(item.id))).toHaveLength(2);
  });

  it.runIf(available)('tells voters when an item is declined, with the reason', async () => {
    const item = (await call('POST', '/feedback', users.bob!, { title: 'Dark mode for postmortems' })).json();
    await call('POST', `/feedback/${item.id}/votes`, users.sre!, {});
    const declined = await call('POST', `/feedback/${item.id}/status`, users.sre!, {
      status: 'declined',
      note: 'Not this quarter: the UI follows the system theme.',
    });
    expect(declined.json().history.at(-1).notified).toEqual({ reached: ['bob', 'sre'], unreachable: [] });
    expect(await deliver()).toMatchObject({ delivered: 2 });
    const mail = smtp.mails.find((m) => m.to[0] === 'bob@example.com' && m.raw.includes(item.id))!;
    expect(mail.raw.replace(/=\r?\n/g, '')).toMatch(/was declined/);
    expect(mail.raw.replace(/=\r?\n/g, '')).toContain('Not this quarter');
  });
});
