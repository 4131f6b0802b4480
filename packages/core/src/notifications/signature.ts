/**
 * `Headroom-Signature` on every webhook delivery, in Stripe's form:
 *
 *     Headroom-Signature: t=1717171717,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd
 *
 * `t` is the Unix time in seconds when the request was signed, `v1` the lower-case hex
 * HMAC-SHA256 of `"<t>.<body>"` keyed with the channel's secret (its UTF-8 bytes, as written).
 * A receiver verifies it so:
 *
 * 1. split the header at `,`, each part at the first `=`; take `t` and every `v1`;
 * 2. compute HMAC-SHA256(secret, `${t}.${rawBody}`) over the raw request body, before any JSON
 *    parsing (re-serialized JSON differs in spacing and key order);
 * 3. compare it with each `v1` in constant time; one match is enough (several `v1` may come
 *    while a secret is rotated);
 * 4. refuse when `t` is more than the tolerance (5 minutes) away from its clock, which stops a
 *    captured request from being replayed later;
 * 5. deduplicate by the `Idempotency-Key` header: delivery is at-least-once, and a retry carries
 *    the same key (and a fresh `t` and signature).
 *
 * `verifySignature` below does steps 1–4. Web Crypto keeps this file browser-safe.
 */

export const SIGNATURE_HEADER = 'Headroom-Signature';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const DEFAULT_TOLERANCE_SECONDS = 300;

const encoder = new TextEncoder();

async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The header value for `body` signed at `timestampSeconds`. */
export async function signatureHeader(
  secret: string,
  body: string,
  timestampSeconds: number,
): Promise<string> {
  const t = Math.floor(timestampSeconds);
  return `t=${t},v1=${await hmacHex(secret, `${t}.${body}`)}`;
}

export type SignatureCheck =
  | { valid: true; timestamp: number }
  | { valid: false; reason: 'missing' | 'malformed' | 'mismatch' | 'expired' };

/** Equal length strings compared without an early exit. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Checks a `Headroom-Signature` header against the raw body. `secrets` may list several (old
 * and new while rotating). `nowSeconds` defaults to the clock.
 */
export async function verifySignature(
  header: string | null | undefined,
  body: string,
  secrets: string | readonly string[],
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): Promise<SignatureCheck> {
  if (!header) return { valid: false, reason: 'missing' };
  let t: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) t = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (t === null || signatures.length === 0) return { valid: false, reason: 'malformed' };
  let matched = false;
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    const expected = await hmacHex(secret, `${t}.${body}`);
    for (const s of signatures) if (constantTimeEqual(s, expected)) matched = true;
  }
  if (!matched) return { valid: false, reason: 'mismatch' };
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS))
    return { valid: false, reason: 'expired' };
  return { valid: true, timestamp: t };
}
