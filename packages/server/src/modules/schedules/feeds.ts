/**
 * Secret iCalendar (RFC 5545) feeds: one per schedule and one per person, at an unguessable URL
 * that a calendar app subscribes to. Only a SHA-256 of the token is stored; creating a feed again
 * rotates it (the old URL stops working), revoking it ends it; an unknown or revoked token is 404.
 *
 * A feed holds the final schedule from 30 days ago to 90 days ahead, one event per on-call piece
 * (gaps are left out), in UTC. Each event's UID names its schedule, layer, shift index and the
 * piece's position within the shift (or its override), never the time window asked for, so a
 * refreshed or re-imported feed updates an event in place when a shift moves instead of adding a
 * second copy.
 */
import type { FeedCreated } from '@headroom/core/api/schedule';
import { canManageUsers } from '@headroom/core/auth/policy';
import { normalizeUserName, scheduleRef } from '@headroom/core/config/headroom/schedule';
import { ForbiddenError, InputError, NotFoundError } from '@headroom/core/errors';
import { ScheduleCalculator } from '@headroom/core/oncall/final-schedule';
import type { FinalEntry } from '@headroom/core/oncall/model';
import ical, { ICalEventTransparency } from 'ical-generator';
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { hashToken, randomSecret } from '../auth/secrets.js';
import { iso, REF_KIND, refOf } from '../catalog/refs.js';
import { findUserByRef } from '../catalog/users.js';
import {
  type FeedKind,
  feedByTokenHash,
  findScheduleById,
  insertFeed,
  loadOverrides,
  loadSchedules,
  revokeFeeds,
  type StoredSchedule,
} from './repo.js';
import { requireOwner, requireSchedule } from './service.js';

const DAY_MS = 86_400_000;
export const FEED_PAST_MS = 30 * DAY_MS;
export const FEED_AHEAD_MS = 90 * DAY_MS;
/** Computed this much wider than shown, so that pieces at the window's edges keep their real bounds. */
const PAD_MS = 35 * DAY_MS;
const UID_DOMAIN = 'oncall.headroom';

export const feedUrl = (baseUrl: string, kind: FeedKind, token: string) =>
  `${baseUrl}/ical/${kind === 'schedule' ? 'schedules' : 'users'}/${token}.ics`;

async function issueFeed(
  db: Kysely<Database>,
  ctx: AuditContext,
  kind: FeedKind,
  targetId: string,
  auditKind: string,
  auditRef: string,
  now: number,
): Promise<{ token: string; rotated: boolean }> {
  const token = `hrcal_${randomSecret(32)}`;
  const rotated = (await revokeFeeds(db, kind, targetId, now)) > 0;
  await insertFeed(db, { kind, targetId, tokenHash: hashToken(token), createdBy: ctx.actor.name }, now);
  await recordAudit(db, ctx, rotated ? 'feed.rotate' : 'feed.create', auditKind, auditRef, { feed: kind });
  return { token, rotated };
}

/** Creates (or rotates) the schedule's secret feed; the URL is in the answer only. */
export async function createScheduleFeed(
  db: Kysely<Database>,
  ctx: AuditContext,
  name: string,
  baseUrl: string,
  now = Date.now(),
): Promise<FeedCreated> {
  return withTransaction(db, async (trx) => {
    const s = await requireSchedule(trx, name);
    await requireOwner(trx, ctx, s, 'Creating the schedule’s feed');
    const { token, rotated } = await issueFeed(
      trx,
      ctx,
      'schedule',
      s.id,
      'schedule',
      scheduleRef(s.name),
      now,
    );
    return {
      url: feedUrl(baseUrl, 'schedule', token),
      token,
      kind: 'schedule',
      target: s.name,
      rotated,
      createdAt: iso(now),
    };
  });
}

export async function revokeScheduleFeed(
  db: Kysely<Database>,
  ctx: AuditContext,
  name: string,
  now = Date.now(),
) {
  await withTransaction(db, async (trx) => {
    const s = await requireSchedule(trx, name);
    await requireOwner(trx, ctx, s, 'Revoking the schedule’s feed');
    if ((await revokeFeeds(trx, 'schedule', s.id, now)) === 0)
      throw new NotFoundError('Feed of schedule', s.name, 'FEED_NOT_FOUND');
    await recordAudit(trx, ctx, 'feed.revoke', 'schedule', scheduleRef(s.name), { feed: 'schedule' });
  });
}

/** The user a person feed is for: the caller, or anyone for an admin. */
async function feedUser(db: Kysely<Database>, ctx: AuditContext, user: string | undefined) {
  const name = user ?? (ctx.actor.userId === null ? undefined : ctx.actor.name);
  if (name === undefined)
    throw new InputError('Name the user: this token belongs to no user.', [
      { path: '/user', message: 'is required' },
    ]);
  let row: Awaited<ReturnType<typeof findUserByRef>>;
  try {
    row = await findUserByRef(db, name);
  } catch {
    row = undefined;
  }
  if (!row) throw new NotFoundError('User', name, 'USER_NOT_FOUND');
  if (row.id !== ctx.actor.userId) {
    const verdict = canManageUsers(ctx.actor);
    if (!verdict.allowed)
      throw new ForbiddenError(`Only the user themselves or an admin can manage their feed.`);
  }
  return row;
}

export async function createUserFeed(
  db: Kysely<Database>,
  ctx: AuditContext,
  user: string | undefined,
  baseUrl: string,
  now = Date.now(),
): Promise<FeedCreated> {
  return withTransaction(db, async (trx) => {
    const row = await feedUser(trx, ctx, user);
    const ref = refOf(REF_KIND.user, row.namespace, row.name);
    const { token, rotated } = await issueFeed(trx, ctx, 'user', row.id, 'user', ref, now);
    return {
      url: feedUrl(baseUrl, 'user', token),
      token,
      kind: 'user',
      target: normalizeUserName(ref),
      rotated,
      createdAt: iso(now),
    };
  });
}

export async function revokeUserFeed(
  db: Kysely<Database>,
  ctx: AuditContext,
  user: string | undefined,
  now = Date.now(),
) {
  await withTransaction(db, async (trx) => {
    const row = await feedUser(trx, ctx, user);
    const ref = refOf(REF_KIND.user, row.namespace, row.name);
    if ((await revokeFeeds(trx, 'user', row.id, now)) === 0)
      throw new NotFoundError('Feed of user', row.name, 'FEED_NOT_FOUND');
    await recordAudit(trx, ctx, 'feed.revoke', 'user', ref, { feed: 'user' });
  });
}

// ---- rendering

interface FeedEvent {
  uid: string;
  start: number;
  end: number;
  summary: string;
  description: string;
}

/** The schedule's on-call pieces overlapping the feed window, with stable UIDs. */
async function scheduleEvents(
  db: Kysely<Database>,
  s: StoredSchedule,
  now: number,
): Promise<(FinalEntry & { uid: string })[]> {
  const shown = { start: now - FEED_PAST_MS, end: now + FEED_AHEAD_MS };
  const computed = { start: shown.start - PAD_MS, end: shown.end + PAD_MS };
  const overrides = await loadOverrides(db, computed, [s.id]);
  const entries = new ScheduleCalculator(s.definition).final(computed, overrides);
  const pieces = new Map<string, number>();
  const out: (FinalEntry & { uid: string })[] = [];
  for (const e of entries) {
    if (e.user === null) continue;
    const key =
      e.source.type === 'layer'
        ? `layer.${e.source.layer}.${e.source.shift}`
        : `override.${(e.source as { id: string }).id}`;
    const piece = pieces.get(key) ?? 0;
    pieces.set(key, piece + 1);
    if (e.end <= shown.start || e.start >= shown.end) continue;
    out.push({ ...e, uid: `${key}.${piece}.${s.name}@${UID_DOMAIN}` });
  }
  return out;
}

function describe(s: StoredSchedule, e: FinalEntry): string {
  const why =
    e.source.type === 'layer'
      ? `Layer ${e.source.layer}, shift ${e.source.shift + 1} (${iso(e.source.shiftStart)} – ${iso(e.source.shiftEnd)})`
      : 'Override';
  return `${e.user} is on call for ${s.definition.displayName ?? s.name} (${s.definition.timeZone}).\n${why}.`;
}

function render(name: string, description: string, events: FeedEvent[], now: number): string {
  const calendar = ical({
    name,
    description,
    prodId: { company: 'Headroom', product: 'On-call', language: 'EN' },
    ttl: 3600,
  });
  for (const e of events.sort((a, b) => a.start - b.start || a.uid.localeCompare(b.uid))) {
    calendar.createEvent({
      id: e.uid,
      start: new Date(e.start),
      end: new Date(e.end),
      stamp: new Date(now),
      summary: e.summary,
      description: e.description,
      // On call is not busy: the shifts do not block the person's calendar.
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }
  return calendar.toString();
}

/** The .ics of a schedule feed token, or null for an unknown or revoked one. */
export async function scheduleFeedCalendar(
  db: Kysely<Database>,
  token: string,
  now = Date.now(),
): Promise<string | null> {
  const feed = await feedByTokenHash(db, 'schedule', hashToken(token));
  if (!feed) return null;
  const s = await findScheduleById(db, feed.target_id);
  if (!s) return null;
  const title = s.definition.displayName ?? s.name;
  const events = (await scheduleEvents(db, s, now)).map((e) => ({
    uid: e.uid,
    start: e.start,
    end: e.end,
    summary: `On call: ${e.user} (${title})`,
    description: describe(s, e),
  }));
  return render(`${title} on call`, `Who is on call for ${title}`, events, now);
}

/** The .ics of a person feed token: their pieces in every schedule; null for an unknown or revoked one. */
export async function userFeedCalendar(
  db: Kysely<Database>,
  token: string,
  now = Date.now(),
): Promise<string | null> {
  const feed = await feedByTokenHash(db, 'user', hashToken(token));
  if (!feed) return null;
  const row = await db
    .selectFrom('users')
    .select(['namespace', 'name', 'display_name'])
    .where('id', '=', feed.target_id)
    .executeTakeFirst();
  if (!row) return null;
  const user = normalizeUserName(refOf(REF_KIND.user, row.namespace, row.name));
  const events: FeedEvent[] = [];
  for (const s of await loadSchedules(db)) {
    const title = s.definition.displayName ?? s.name;
    for (const e of await scheduleEvents(db, s, now)) {
      if (e.user !== user) continue;
      events.push({
        uid: `user.${e.uid}`,
        start: e.start,
        end: e.end,
        summary: `On call: ${title}`,
        description: describe(s, e),
      });
    }
  }
  const who = row.display_name ?? row.name;
  return render(`${who} on call`, `When ${who} is on call, in every Headroom schedule`, events, now);
}
