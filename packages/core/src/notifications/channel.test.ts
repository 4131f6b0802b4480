import { describe, expect, it } from 'vitest';
import { compileConfig } from '../config/compile.js';
import { builtinKindRegistry } from '../config/index.js';
import { InputError } from '../errors.js';
import { type NotificationChannelObject, REDACTED, redactChannelDocument } from './channel.js';

const registry = builtinKindRegistry();
const doc = (spec: string, name = 'payments-oncall') => `apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata:
  name: ${name}
spec:
${spec}`;
const compile = (content: string) => compileConfig([{ path: 'channels.yaml', content }], registry);
const channelOf = (content: string) =>
  (compile(content).objects[0]!.data as NotificationChannelObject).channel;

function failure(content: string): InputError {
  try {
    compile(content);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

describe('NotificationChannel', () => {
  it('normalizes a webhook channel with secret, headers and owner', () => {
    const { objects, warnings } = compile(
      doc(`  type: webhook
  owner: payments
  url: https://hooks.example.com/headroom?team=payments
  secret: whsec_abc
  headers:
    X-Team: payments
    X-Priority: 1
  timeoutSeconds: 5
`),
    );
    expect(warnings).toEqual([]);
    expect(objects[0]).toMatchObject({
      type: 'notification-channel',
      ref: 'notificationchannel:default/payments-oncall',
      kind: 'NotificationChannel',
      references: [{ ref: 'group:default/payments', path: '/spec/owner' }],
    });
    expect(channelOf(doc(`  type: webhook\n  url: http://127.0.0.1:9/x\n`)).spec).toEqual({
      type: 'webhook',
      url: 'http://127.0.0.1:9/x',
      secret: null,
      headers: {},
      timeoutSeconds: null,
    });
    expect((objects[0]!.data as NotificationChannelObject).channel).toEqual({
      name: 'payments-oncall',
      displayName: null,
      owner: 'payments',
      spec: {
        type: 'webhook',
        url: 'https://hooks.example.com/headroom?team=payments',
        secret: 'whsec_abc',
        headers: { 'X-Team': 'payments', 'X-Priority': '1' },
        timeoutSeconds: 5,
      },
    });
  });

  it('normalizes slack and email channels, with SMTP defaults', () => {
    expect(
      channelOf(
        doc(`  type: slack
  webhookUrl: https://hooks.slack.com/services/T0/B0/XXXX
  channel: '#payments-alerts'
  iconEmoji: ':rotating_light:'
`),
      ).spec,
    ).toEqual({
      type: 'slack',
      webhookUrl: 'https://hooks.slack.com/services/T0/B0/XXXX',
      channel: '#payments-alerts',
      username: null,
      iconEmoji: ':rotating_light:',
      timeoutSeconds: null,
    });
    expect(
      channelOf(
        doc(`  type: email
  to: [oncall@example.com, 'Ana <ana@example.com>']
  from: Headroom <alerts@example.com>
  smtp:
    host: smtp.example.com
    username: alerts
    password: hunter2
`),
      ).spec,
    ).toEqual({
      type: 'email',
      to: ['oncall@example.com', 'Ana <ana@example.com>'],
      from: 'Headroom <alerts@example.com>',
      smtp: {
        host: 'smtp.example.com',
        port: 587,
        security: 'starttls',
        username: 'alerts',
        password: 'hunter2',
      },
    });
    // One recipient as a string; no smtp = the server's SMTP settings.
    expect(channelOf(doc('  type: email\n  to: ops@example.com\n')).spec).toEqual({
      type: 'email',
      to: ['ops@example.com'],
      from: null,
      smtp: null,
    });
  });

  it('reports every bad field with its line and path', () => {
    const e = failure(
      doc(`  type: webhook
  url: ftp://example.com/x
  headers:
    Content-Type: text/plain
    X-Bad: "a\\r\\nInjected: 1"
  timeoutSeconds: 600
`),
    );
    expect(e.code).toBe('INVALID_CONFIG');
    expect(e.errors?.map((p) => [p.path, p.line])).toEqual([
      ['/spec/url', 7],
      ['/spec/headers/Content-Type', 9],
      ['/spec/headers/X-Bad', 10],
      ['/spec/timeoutSeconds', 11],
    ]);
    expect(e.message).toContain('channels.yaml:7');
  });

  it('refuses unknown types, credentials in URLs, bad addresses and a password without a user', () => {
    expect(failure(doc('  type: pager\n')).errors?.[0]).toMatchObject({
      path: '/spec/type',
      message: expect.stringContaining('webhook, slack, email'),
    });
    expect(failure(doc('  type: webhook\n  url: https://u:p@example.com/\n')).errors?.[0]?.path).toBe(
      '/spec/url',
    );
    expect(failure(doc('  type: slack\n')).errors?.[0]).toMatchObject({
      path: '/spec/webhookUrl',
      message: 'is required',
    });
    const email = failure(
      doc(`  type: email
  to: [not-an-address]
  from: nobody
  smtp: { host: smtp.example.com, port: 70000, password: x }
`),
    );
    expect(email.errors?.map((p) => p.path)).toEqual([
      '/spec/to/0',
      '/spec/from',
      '/spec/smtp/port',
      '/spec/smtp/username',
    ]);
    expect(failure(doc('  type: email\n  to: []\n')).errors?.[0]?.path).toBe('/spec/to');
    expect(
      failure(doc('  type: webhook\n  url: https://x.example/\n  owner: component:checkout\n')).errors?.[0]
        ?.path,
    ).toBe('/spec/owner');
  });

  it('warns about fields of another channel type', () => {
    const { warnings } = compile(
      doc('  type: webhook\n  url: https://x.example/\n  webhookUrl: https://y.example/\n'),
    );
    expect(warnings).toMatchObject([{ path: '/spec/webhookUrl', line: 8 }]);
  });

  it('redacts every secret of a document', () => {
    const document = {
      apiVersion: 'headroom.dev/v1',
      kind: 'NotificationChannel',
      metadata: { name: 'x' },
      spec: {
        type: 'webhook',
        url: 'https://x.example/',
        secret: 's3cret',
        headers: { Authorization: 'Bearer t' },
      },
    };
    const redacted = JSON.stringify(redactChannelDocument(document, 'webhook'));
    expect(redacted).not.toContain('s3cret');
    expect(redacted).not.toContain('Bearer t');
    expect(redacted).toContain(`"Authorization":"${REDACTED}"`);
    expect(document.spec.secret).toBe('s3cret');
    const slack = redactChannelDocument({ spec: { type: 'slack', webhookUrl: 'https://hooks/x' } }, 'slack');
    expect(slack).toEqual({ spec: { type: 'slack', webhookUrl: REDACTED } });
    const email = redactChannelDocument({ spec: { smtp: { host: 'h', password: 'pw' } } }, 'email');
    expect(email).toEqual({ spec: { smtp: { host: 'h', password: REDACTED } } });
  });
});
