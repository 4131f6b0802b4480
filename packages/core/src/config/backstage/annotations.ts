/**
 * Headroom's own annotations on Backstage entities, for what the descriptor format has no
 * field for: a service's tier and business value, a user's role. Annotation values are
 * strings in Backstage, so numbers are written quoted: `headroom.dev/tier: "1"`.
 */
import type { BusinessValue } from '../../api/catalog.js';
import type { Role } from '../../api/common.js';
import type { NormalizeContext } from '../types.js';

export const HEADROOM_ANNOTATION = {
  tier: 'headroom.dev/tier',
  revenuePerHour: 'headroom.dev/revenue-per-hour',
  currency: 'headroom.dev/currency',
  usersServed: 'headroom.dev/users-served',
  journeys: 'headroom.dev/journeys',
  role: 'headroom.dev/role',
} as const;

export const DEFAULT_TIER = 3;

const at = (key: string) => ['metadata', 'annotations', key];

/** 1 (most critical) to 4; 3 when not annotated. */
export function readTier(ctx: NormalizeContext, annotations: Record<string, string>): number {
  const raw = annotations[HEADROOM_ANNOTATION.tier];
  if (raw === undefined) return DEFAULT_TIER;
  if (!/^[1-4]$/.test(raw.trim())) {
    ctx.error(at(HEADROOM_ANNOTATION.tier), 'must be "1", "2", "3" or "4"');
    return DEFAULT_TIER;
  }
  return Number(raw.trim());
}

export function readBusinessValue(ctx: NormalizeContext, annotations: Record<string, string>): BusinessValue {
  const out: BusinessValue = {};
  const revenue = annotations[HEADROOM_ANNOTATION.revenuePerHour]?.trim();
  if (revenue !== undefined) {
    if (/^\d+(\.\d+)?$/.test(revenue)) out.revenuePerHourAtRisk = Number(revenue);
    else ctx.error(at(HEADROOM_ANNOTATION.revenuePerHour), 'must be a non-negative number, e.g. "12000"');
  }
  const currency = annotations[HEADROOM_ANNOTATION.currency]?.trim();
  if (currency !== undefined) {
    if (/^[A-Z]{3}$/.test(currency)) out.currency = currency;
    else ctx.error(at(HEADROOM_ANNOTATION.currency), 'must be an ISO 4217 code such as "EUR"');
  }
  const users = annotations[HEADROOM_ANNOTATION.usersServed]?.trim();
  if (users !== undefined) {
    if (/^\d+$/.test(users) && Number.isSafeInteger(Number(users))) out.usersServed = Number(users);
    else ctx.error(at(HEADROOM_ANNOTATION.usersServed), 'must be a whole number, e.g. "250000"');
  }
  const journeys = annotations[HEADROOM_ANNOTATION.journeys];
  if (journeys !== undefined) {
    const list = journeys
      .split(',')
      .map((j) => j.trim())
      .filter((j) => j !== '');
    if (list.length > 0) out.journeys = list;
  }
  return out;
}

const ROLES: readonly Role[] = ['viewer', 'editor', 'admin'];

/** The role a User gets; undefined when not annotated (new users then start as viewers). */
export function readRole(ctx: NormalizeContext, annotations: Record<string, string>): Role | undefined {
  const raw = annotations[HEADROOM_ANNOTATION.role];
  if (raw === undefined) return undefined;
  const role = raw.trim() as Role;
  if (!ROLES.includes(role)) {
    ctx.error(at(HEADROOM_ANNOTATION.role), 'must be "viewer", "editor" or "admin"');
    return undefined;
  }
  return role;
}
