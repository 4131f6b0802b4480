/**
 * Signed, expiring survey links: `<invitation id>.<expiry>.<mac>`, the MAC an HMAC-SHA256 over
 * invitation id and expiry under a key derived from the server's secret key for this purpose
 * (as paging's acknowledgement links, modules/paging/ack-token.ts). The invitation row says who
 * was invited and to which round; the link only proves that Headroom issued it.
 */
import { timingSafeEqual } from 'node:crypto';
import { macWith } from '../secrets/keyring.js';

const PURPOSE = 'survey invitation link';

export interface SurveyClaim {
  invitationId: string;
  expiresAt: number;
}

const mac = (keyId: string, claim: SurveyClaim) =>
  macWith(keyId, PURPOSE, `${claim.invitationId}\n${claim.expiresAt}`).toString('base64url');

export function signSurveyToken(keyId: string, claim: SurveyClaim): string {
  return `${claim.invitationId}.${claim.expiresAt.toString(36)}.${mac(keyId, claim)}`;
}

export type SurveyTokenCheck =
  | { valid: true; claim: SurveyClaim }
  | { valid: false; reason: 'malformed' | 'forged' | 'expired'; claim?: SurveyClaim };

export function verifySurveyToken(keyId: string, token: string, now: number): SurveyTokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { valid: false, reason: 'malformed' };
  const [invitationId, expiry36, given] = parts as [string, string, string];
  const expiresAt = Number.parseInt(expiry36, 36);
  if (!/^[0-9a-f-]{36}$/.test(invitationId) || !Number.isSafeInteger(expiresAt) || !/^[\w-]+$/.test(given))
    return { valid: false, reason: 'malformed' };
  const claim = { invitationId, expiresAt };
  const expected = Buffer.from(mac(keyId, claim), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
    return { valid: false, reason: 'forged' };
  if (now >= expiresAt) return { valid: false, reason: 'expired', claim };
  return { valid: true, claim };
}

export const surveyUrl = (externalUrl: string, token: string) =>
  `${externalUrl.replace(/\/+$/, '')}/s/${encodeURIComponent(token)}`;
