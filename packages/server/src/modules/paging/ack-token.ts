/**
 * Signed, expiring acknowledgement links: `<page id>.<recipient>.<expiry>.<mac>`, the MAC an
 * HMAC-SHA256 over page id, recipient and expiry under a key derived from the server's secret key
 * (modules/secrets). Nothing is stored: a link is valid until it expires or the key changes.
 */
import { timingSafeEqual } from 'node:crypto';
import { macWith } from '../secrets/keyring.js';

export const ACK_LINK_TTL_MS = 24 * 3_600_000;
const PURPOSE = 'page acknowledgement link';

export interface AckClaim {
  pageId: string;
  /** Whom the link was sent to: a user name or `channel:<name>`. */
  recipient: string;
  expiresAt: number;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

function mac(keyId: string, claim: AckClaim): string {
  return macWith(keyId, PURPOSE, `${claim.pageId}\n${claim.recipient}\n${claim.expiresAt}`).toString(
    'base64url',
  );
}

export function signAckToken(keyId: string, claim: AckClaim): string {
  return `${claim.pageId}.${b64(claim.recipient)}.${claim.expiresAt.toString(36)}.${mac(keyId, claim)}`;
}

export type AckTokenCheck =
  | { valid: true; claim: AckClaim }
  | { valid: false; reason: 'malformed' | 'forged' | 'expired'; claim?: AckClaim };

export function verifyAckToken(keyId: string, token: string, now: number): AckTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 4) return { valid: false, reason: 'malformed' };
  const [pageId, recipient64, expiry36, given] = parts as [string, string, string, string];
  const expiresAt = Number.parseInt(expiry36, 36);
  if (!/^[0-9a-f-]{36}$/.test(pageId) || !Number.isSafeInteger(expiresAt) || !/^[\w-]+$/.test(given))
    return { valid: false, reason: 'malformed' };
  const claim = { pageId, recipient: Buffer.from(recipient64, 'base64url').toString('utf8'), expiresAt };
  const expected = Buffer.from(mac(keyId, claim), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
    return { valid: false, reason: 'forged' };
  if (now >= expiresAt) return { valid: false, reason: 'expired', claim };
  return { valid: true, claim };
}

export const ackUrl = (externalUrl: string, token: string) =>
  `${externalUrl.replace(/\/+$/, '')}/ack/${encodeURIComponent(token)}`;
