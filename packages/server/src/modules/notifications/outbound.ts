/**
 * The SSRF guard for everything Headroom sends out to addresses that users configure (webhooks,
 * Slack, a channel's own SMTP server). Loopback, link-local, "this host" and cloud metadata
 * addresses are refused unless an admin allows them with HEADROOM_OUTBOUND_ALLOW: a comma-
 * separated list of `loopback`, `link-local`, `metadata` and CIDRs (`10.0.0.0/8`, `::1/128`).
 *
 * The check is made on the address actually connected to: an IP literal is checked before
 * connecting, and a host name is resolved by a `lookup` hook on the socket that refuses the whole
 * name when any of its addresses is refused, so a DNS answer that changes between a check and the
 * connection (DNS rebinding) cannot slip through. IPv4-mapped (`::ffff:127.0.0.1`),
 * IPv4-compatible (`::127.0.0.1`) and NAT64 (`64:ff9b::7f00:1`) forms are checked as the IPv4
 * address they carry. Private ranges (10/8, 172.16/12, 192.168/16) are allowed: webhooks to
 * internal services are a normal use.
 */
import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export type OutboundCategory = 'loopback' | 'unspecified' | 'link-local' | 'metadata' | 'ipv4-compatible';
export const OUTBOUND_KEYWORDS = ['loopback', 'link-local', 'metadata'] as const;

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];
const cidr = (text: string): Cidr => ipaddr.parseCIDR(text);

/** Checked in order: the metadata addresses sit inside link-local and must be named first. */
const BLOCKED: { category: OutboundCategory; ranges: Cidr[] }[] = [
  {
    category: 'metadata',
    ranges: [
      cidr('169.254.169.254/32'), // AWS, GCP, Azure, OpenStack, DigitalOcean…
      cidr('169.254.170.2/32'), // AWS ECS task metadata
      cidr('100.100.100.200/32'), // Alibaba Cloud
      cidr('fd00:ec2::254/128'), // AWS over IPv6
    ],
  },
  { category: 'loopback', ranges: [cidr('127.0.0.0/8'), cidr('::1/128')] },
  { category: 'unspecified', ranges: [cidr('0.0.0.0/8'), cidr('::/128')] },
  { category: 'link-local', ranges: [cidr('169.254.0.0/16'), cidr('fe80::/10')] },
  { category: 'ipv4-compatible', ranges: [cidr('::/96')] },
];
const NAT64 = cidr('64:ff9b::/96');

export class OutboundRefusedError extends Error {
  readonly code = 'OUTBOUND_REFUSED';
}

export type OutboundVerdict = { allowed: true } | { allowed: false; reason: string };

export interface OutboundPolicy {
  /** The rules as configured, for messages. */
  readonly allow: readonly string[];
  check(address: string): OutboundVerdict;
}

/** Parses HEADROOM_OUTBOUND_ALLOW; throws naming the bad entry. */
export function parseOutboundAllow(text: string | undefined, variable = 'HEADROOM_OUTBOUND_ALLOW'): string[] {
  const entries = (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  for (const entry of entries) {
    if ((OUTBOUND_KEYWORDS as readonly string[]).includes(entry)) continue;
    try {
      ipaddr.parseCIDR(entry);
    } catch {
      throw new Error(
        `${variable}: '${entry}' is neither ${OUTBOUND_KEYWORDS.join(', ')} nor a CIDR such as 10.0.0.0/8 or fd00::/8`,
      );
    }
  }
  return entries;
}

/** The IPv4 address an IPv6 one carries (mapped, compatible or NAT64), else the address itself. */
function effective(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (addr.kind() !== 'ipv6') return addr;
  const v6 = addr as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  const bytes = v6.toByteArray();
  const embedded = () => new ipaddr.IPv4(bytes.slice(12));
  if (v6.match(NAT64)) return embedded();
  // ::a.b.c.d, except :: and ::1 themselves.
  if (v6.match(cidr('::/96')) && !v6.match(cidr('::/127'))) return embedded();
  return v6;
}

function inRange(addr: ipaddr.IPv4 | ipaddr.IPv6, range: Cidr): boolean {
  return addr.kind() === range[0].kind() && addr.match(range);
}

export function outboundPolicy(allow: readonly string[]): OutboundPolicy {
  const keywords = new Set(allow.filter((a) => (OUTBOUND_KEYWORDS as readonly string[]).includes(a)));
  const ranges = allow.filter((a) => !keywords.has(a)).map(cidr);
  return {
    allow,
    check(address) {
      let parsed: ipaddr.IPv4 | ipaddr.IPv6;
      try {
        parsed = ipaddr.parse(address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''));
      } catch {
        return { allowed: false, reason: `'${address}' is not an IP address` };
      }
      const addr = effective(parsed);
      const blocked = BLOCKED.find((b) => b.ranges.some((r) => inRange(addr, r)));
      if (!blocked) return { allowed: true };
      if (keywords.has(blocked.category)) return { allowed: true };
      if (ranges.some((r) => inRange(addr, r) || inRange(parsed, r))) return { allowed: true };
      const hint = (OUTBOUND_KEYWORDS as readonly string[]).includes(blocked.category)
        ? `HEADROOM_OUTBOUND_ALLOW=${blocked.category} or a CIDR containing it`
        : 'HEADROOM_OUTBOUND_ALLOW with a CIDR containing it';
      return {
        allowed: false,
        reason: `address ${address} is ${blocked.category === 'metadata' ? 'a cloud metadata address' : `a ${blocked.category} address`}; outgoing connections there are refused unless an admin allows them (${hint})`,
      };
    },
  };
}

/** Throws OutboundRefusedError when the policy refuses `address`. */
export function assertAllowed(policy: OutboundPolicy, address: string, host = address): void {
  const verdict = policy.check(address);
  if (!verdict.allowed)
    throw new OutboundRefusedError(
      host === address ? verdict.reason : `${host} resolves to ${verdict.reason}`,
    );
}

type LookupAddress = { address: string; family: number };

/** Every address of `host`, each checked; throws OutboundRefusedError when any is refused. */
export async function resolveAllowed(policy: OutboundPolicy, host: string): Promise<LookupAddress[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(bare)) {
    assertAllowed(policy, bare);
    return [{ address: bare, family: bare.includes(':') ? 6 : 4 }];
  }
  const addresses = await dns.promises.lookup(bare, { all: true, verbatim: true });
  for (const a of addresses) assertAllowed(policy, a.address, host);
  return addresses;
}

/**
 * A `lookup` for net/http/tls that resolves as dns.lookup does and refuses the connection when
 * any address of the name is refused by the policy.
 */
export function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return ((hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const list = addresses as LookupAddress[];
      for (const a of list) {
        const verdict = policy.check(a.address);
        if (!verdict.allowed)
          return callback(new OutboundRefusedError(`${hostname} resolves to ${verdict.reason}`));
      }
      if (list.length === 0)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }));
      if (options.all) return callback(null, list);
      return callback(null, list[0]!.address, list[0]!.family);
    });
  }) as LookupFunction;
}
