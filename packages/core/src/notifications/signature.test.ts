import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from './signature.js';

describe('Headroom-Signature', () => {
  const body = '{"title":"Checkout burning","n":1}';
  const secret = 'whsec_test';

  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">, as node:crypto computes it', async () => {
    const header = await signatureHeader(secret, body, 1_717_171_717.9);
    const expected = createHmac('sha256', secret).update(`1717171717.${body}`).digest('hex');
    expect(header).toBe(`t=1717171717,v1=${expected}`);
  });

  it('verifies, and refuses a changed body, another secret, an old timestamp and garbage', async () => {
    const now = 1_717_171_717;
    const header = await signatureHeader(secret, body, now);
    expect(await verifySignature(header, body, secret, { nowSeconds: now + 10 })).toEqual({
      valid: true,
      timestamp: now,
    });
    // Rotation: the old and the new secret are both accepted.
    expect((await verifySignature(header, body, ['whsec_new', secret], { nowSeconds: now })).valid).toBe(
      true,
    );
    expect(await verifySignature(header, `${body} `, secret, { nowSeconds: now })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(await verifySignature(header, body, 'whsec_other', { nowSeconds: now })).toMatchObject({
      reason: 'mismatch',
    });
    expect(await verifySignature(header, body, secret, { nowSeconds: now + 301 })).toMatchObject({
      reason: 'expired',
    });
    // A signature re-dated by an attacker no longer matches.
    const redated = header.replace(`t=${now}`, `t=${now + 600}`);
    expect(await verifySignature(redated, body, secret, { nowSeconds: now + 600 })).toMatchObject({
      reason: 'mismatch',
    });
    expect(await verifySignature(undefined, body, secret)).toMatchObject({ reason: 'missing' });
    expect(await verifySignature('v1=abc', body, secret)).toMatchObject({ reason: 'malformed' });
  });
});
