import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from '../../test-support/notifications.js';
import { postBody } from './http-post.js';
import { OutboundRefusedError, outboundPolicy, parseOutboundAllow, resolveAllowed } from './outbound.js';

const strict = outboundPolicy([]);

describe('outbound address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['169.254.0.1', 'link-local'],
    ['169.254.255.255', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    // IPv4 carried in IPv6: mapped, compatible, NAT64.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['64:ff9b::7f00:1', 'loopback'],
  ])('refuses %s (%s) by default', (address, category) => {
    const verdict = strict.check(address);
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed === false && verdict.reason).toContain(
      category === 'metadata' ? 'cloud metadata' : category,
    );
  });

  it.each([
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '93.184.216.34',
    '2001:db8::1',
    'fd00::1',
    '::ffff:10.0.0.1',
  ])('allows %s', (address) => {
    expect(strict.check(address)).toEqual({ allowed: true });
  });

  it('lets an admin allow loopback without allowing the metadata addresses, and CIDRs exactly', () => {
    const loopback = outboundPolicy(parseOutboundAllow('loopback'));
    expect(loopback.check('127.0.0.1').allowed).toBe(true);
    expect(loopback.check('::1').allowed).toBe(true);
    expect(loopback.check('::ffff:127.0.0.1').allowed).toBe(true);
    expect(loopback.check('169.254.169.254').allowed).toBe(false);
    const linkLocal = outboundPolicy(parseOutboundAllow('link-local'));
    expect(linkLocal.check('169.254.10.10').allowed).toBe(true);
    expect(linkLocal.check('169.254.169.254').allowed).toBe(false);
    const cidrs = outboundPolicy(parseOutboundAllow(' 127.0.0.0/30 , fd00:ec2::254/128 '));
    expect(cidrs.check('127.0.0.2').allowed).toBe(true);
    expect(cidrs.check('127.0.0.9').allowed).toBe(false);
    expect(cidrs.check('fd00:ec2::254').allowed).toBe(true);
    expect(() => parseOutboundAllow('loopback,everything')).toThrow(/HEADROOM_OUTBOUND_ALLOW: 'everything'/);
    expect(() => parseOutboundAllow('10.0.0.0/33')).toThrow(/HEADROOM_OUTBOUND_ALLOW/);
  });
});

describe('outgoing requests through the guard', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  const send = (url: string, allow: string[] = []) =>
    postBody(
      url,
      '{}',
      { 'content-type': 'application/json' },
      { timeoutMs: 2000, policy: outboundPolicy(allow) },
    );

  it('refuses loopback in every spelling before a byte is sent, and sends once allowed', async () => {
    const port = receiver.port;
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://localhost:${port}/`, // resolved by the lookup hook
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://2130706433:${port}/`, // 127.0.0.1 as one number
      `http://0x7f.1:${port}/`,
      `http://127.1:${port}/`,
    ]) {
      await expect(send(url), url).rejects.toBeInstanceOf(OutboundRefusedError);
    }
    await expect(send(`http://[::1]:${port}/`)).rejects.toBeInstanceOf(OutboundRefusedError);
    await expect(send('http://169.254.169.254/latest/meta-data/', ['link-local'])).rejects.toThrow(
      /cloud metadata/,
    );
    expect(receiver.requests).toHaveLength(0);

    const allowed = await send(`http://localhost:${port}/hook`, ['loopback']);
    expect(allowed.status).toBe(200);
    expect(allowed.remoteAddress).toMatch(/^(127\.0\.0\.1|::ffff:127\.0\.0\.1)$/);
    expect(receiver.requests.map((r) => r.url)).toEqual(['/hook']);
  });

  it('checks every address a name resolves to (the check a rebinding DNS answer meets)', async () => {
    await expect(resolveAllowed(strict, 'localhost')).rejects.toThrow(/localhost resolves to address/);
    expect((await resolveAllowed(outboundPolicy(['loopback']), 'localhost')).length).toBeGreaterThan(0);
    await expect(resolveAllowed(strict, '[fe80::1]')).rejects.toBeInstanceOf(OutboundRefusedError);
  });
});
