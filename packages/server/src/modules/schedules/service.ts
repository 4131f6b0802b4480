/**
 * On-call schedules for readers and editors: the list and detail (with who is on call now and the
 * next hand-off), the final schedule for a range, who is on call across schedules, and overrides
 * (created and removed through the API, audited). For other modules (escalation): `onCallFor`.
 */
import type {
  FinalSchedule,
  FinalScheduleEntry,
  FinalScheduleQuery,
  OnCallEntry,
  OnCallNow,
  OverrideCreate,
  ScheduleDetail,
  ScheduleLayer,
  ScheduleOverride,
  ScheduleRestriction,
  ScheduleSummary,
} from '@headroom/core/api/schedule';
import { canChangeOwned } from '@headroom/core/auth/policy';
import { parseInstant } from '@headroom/core/config/headroom/routing';
import { normalizeUserName, scheduleRef } from '@headroom/core/config/headroom/schedule';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '@headroom/core/errors';
import { ScheduleCalculator } from '@headroom/core/oncall/final-schedule';
import { type FinalEntry, type Layer, type Restriction, WEEKDAY_NAMES } from '@headroom/core/oncall/model';
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { ownerTeamId } from '../catalog/records.js';
import { iso } from '../catalog/refs.js';
import { findUserByRef } from '../catalog/users.js';
import {
  activeFeed,
  deleteOverride as deleteOverrideRow,
  findOverride,
  findSchedule,
  insertOverride,
  loadOverrides,
  loadSchedules,
  lockSchedule,
  type StoredOverride,
  type StoredSchedule,
} from './repo.js';

const DAY_MS = 86_400_000;
export const MAX_RANGE_MS = 366 * DAY_MS;
const MAX_OVERRIDE_MS = 366 * DAY_MS;
/** How far back "on call since" looks, and how far ahead the next hand-off. */
const SINCE_LOOKBACK_MS = 31 * DAY_MS;
const HANDOFF_HORIZON_MS = 400 * DAY_MS;

// ---- views

const day = (d: number) => WEEKDAY_NAMES[d - 1]!;

function restrictionView(r: Restriction): ScheduleRestriction {
  return r.type === 'daily'
    ? { type: 'daily', days: r.days.map(day), from: r.from, to: r.to }
    : { type: 'weekly', from: `${day(r.fromDay)} ${r.from}`, to: `${day(r.toDay)} ${r.to}` };
}

function layerView(l: Layer): ScheduleLayer {
  return {
    name: l.name,
    users: l.users,
    shiftLength: `${l.shiftLength.count}${l.shiftLength.unit}`,
    handoffTime: l.handoffTime,
    start: l.start,
    end: l.end,
    timeZone: l.timeZone,
    restrictions: l.restrictions.map(restrictionView),
  };
}

export function entryView(e: FinalEntry): FinalScheduleEntry {
  return {
    start: iso(e.start),
    end: iso(e.end),
    user: e.user,
    source: e.source.type,
    layer: e.source.type === 'layer' ? e.source.layer : null,
    overrideId: e.source.type === 'override' ? e.source.id : null,
  };
}

function overrideView(o: StoredOverride, schedule: string): ScheduleOverride {
  return {
    id: o.id,
    schedule,
    user: o.user,
    start: iso(o.start),
    end: iso(o.end),
    createdBy: o.createdBy,
    createdAt: iso(o.createdAt),
  };
}

/** Who is on call at `at`, since when (null when longer than the look-back) and the next change. */
function onCallNow(calc: ScheduleCalculator, overrides: StoredOverride[], at: number): OnCallNow {
  const lookback = { start: at - SINCE_LOOKBACK_MS, end: at + 1 };
  const current = calc.final(lookback, overrides).at(-1)!;
  const next = calc.nextHandoff(at, overrides, HANDOFF_HORIZON_MS);
  const view = entryView(current);
  return {
    user: current.user,
    source: view.source,
    layer: view.layer,
    overrideId: view.overrideId,
    since: current.start > lookback.start ? iso(current.start) : null,
    nextHandoff: next && { at: iso(next.at), user: next.user },
  };
}

/** Overrides of the schedules that matter around `at` (look-back to hand-off horizon), by schedule id. */
async function overridesAround(
  db: Kysely<Database>,
  schedules: StoredSchedule[],
  at: number,
): Promise<Map<string, StoredOverride[]>> {
  const rows = await loadOverrides(
    db,
    { start: at - SINCE_LOOKBACK_MS, end: at + HANDOFF_HORIZON_MS },
    schedules.map((s) => s.id),
  );
  const out = new Map<string, StoredOverride[]>();
  for (const o of rows) out.set(o.scheduleId, [...(out.get(o.scheduleId) ?? []), o]);
  return out;
}

async function requireSchedule(db: Kysely<Database>, name: string): Promise<StoredSchedule> {
  const s = await findSchedule(db, name);
  if (!s) throw new NotFoundError('Schedule', name, 'SCHEDULE_NOT_FOUND');
  return s;
}

export async function listSchedules(db: Kysely<Database>, now = Date.now()): Promise<ScheduleSummary[]> {
  const schedules = await loadSchedules(db);
  const overrides = await overridesAround(db, schedules, now);
  return schedules.map((s) => {
    const d = s.definition;
    return {
      name: s.name,
      displayName: d.displayName,
      description: d.description,
      owner: d.owner,
      timeZone: d.timeZone,
      layers: d.layers.map((l) => l.name),
      onCall: onCallNow(new ScheduleCalculator(d), overrides.get(s.id) ?? [], now),
    };
  });
}

export async function getSchedule(
  db: Kysely<Database>,
  name: string,
  now = Date.now(),
): Promise<ScheduleDetail> {
  const s = await requireSchedule(db, name);
  const d = s.definition;
  const overrides = (await overridesAround(db, [s], now)).get(s.id) ?? [];
  const feed = await activeFeed(db, 'schedule', s.id);
  return {
    name: s.name,
    displayName: d.displayName,
    description: d.description,
    owner: d.owner,
    timeZone: d.timeZone,
    layers: d.layers.map(layerView),
    onCall: onCallNow(new ScheduleCalculator(d), overrides, now),
    overrides: (await loadOverrides(db, { start: now, end: Number.MAX_SAFE_INTEGER }, [s.id]))
      .sort((a, b) => a.start - b.start)
      .map((o) => overrideView(o, s.name)),
    feed: { active: feed !== undefined, createdAt: feed ? iso(Number(feed.created_at)) : null },
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

/** `field` is a body field (`start`) or a query one (`querystring/from`), as the framework names them. */
function instant(text: string, field: string): number {
  const ms = parseInstant(text);
  if (ms === null)
    throw new InputError(`${field} must be an RFC 3339 date-time with offset, e.g. 2024-06-01T09:00:00Z`, [
      {
        path: field.startsWith('querystring/') ? field : `/${field}`,
        message: 'must be an RFC 3339 date-time with offset',
      },
    ]);
  return ms;
}

/** The range of a query: default [now, now + 7 d), at most MAX_RANGE_MS long. */
export function queryRange(
  query: { from?: string; to?: string },
  now: number,
): { start: number; end: number } {
  const start = query.from === undefined ? now : instant(query.from, 'querystring/from');
  const end = query.to === undefined ? start + 7 * DAY_MS : instant(query.to, 'querystring/to');
  if (end <= start)
    throw new InputError('to must be after from.', [
      { path: 'querystring/to', message: 'must be after from' },
    ]);
  if (end - start > MAX_RANGE_MS)
    throw new InputError('The range may be at most 366 days long.', [
      { path: 'querystring/to', message: 'must be at most 366 days after from' },
    ]);
  return { start, end };
}

export async function finalScheduleFor(
  db: Kysely<Database>,
  name: string,
  query: FinalScheduleQuery,
  now = Date.now(),
): Promise<FinalSchedule> {
  const s = await requireSchedule(db, name);
  const range = queryRange(query, now);
  const overrides = await loadOverrides(db, range, [s.id]);
  return {
    schedule: s.name,
    timeZone: s.definition.timeZone,
    from: iso(range.start),
    to: iso(range.end),
    entries: new ScheduleCalculator(s.definition).final(range, overrides).map(entryView),
  };
}

/** Who is on call at `at` in every schedule, by schedule name. */
export async function onCallAcross(
  db: Kysely<Database>,
  at?: string,
  now = Date.now(),
): Promise<OnCallEntry[]> {
  const t = at === undefined ? now : instant(at, 'querystring/at');
  const schedules = await loadSchedules(db);
  const overrides = await overridesAround(db, schedules, t);
  return schedules.map((s) => ({
    schedule: s.name,
    displayName: s.definition.displayName,
    ...onCallNow(new ScheduleCalculator(s.definition), overrides.get(s.id) ?? [], t),
  }));
}

/** For escalation: the user on call in a schedule at `at` (null = nobody); NotFoundError for no such schedule. */
export async function onCallFor(db: Kysely<Database>, name: string, at: number): Promise<string | null> {
  const s = await requireSchedule(db, name);
  const overrides = await loadOverrides(db, { start: at, end: at + 1 }, [s.id]);
  return new ScheduleCalculator(s.definition).at(at, overrides).user;
}

// ---- overrides

async function requireOwner(db: Kysely<Database>, ctx: AuditContext, s: StoredSchedule, what: string) {
  const verdict = canChangeOwned(
    ctx.actor,
    await ownerTeamId(db, s.definition.owner),
    `schedule '${s.name}'`,
  );
  if (!verdict.allowed) throw new ForbiddenError(`${what}: ${verdict.reason}`);
}

export async function listOverrides(
  db: Kysely<Database>,
  name: string,
  from?: string,
  now = Date.now(),
): Promise<ScheduleOverride[]> {
  const s = await requireSchedule(db, name);
  const start = from === undefined ? now : instant(from, 'querystring/from');
  return (await loadOverrides(db, { start, end: Number.MAX_SAFE_INTEGER }, [s.id]))
    .sort((a, b) => a.start - b.start)
    .map((o) => overrideView(o, s.name));
}

export async function createOverride(
  db: Kysely<Database>,
  ctx: AuditContext,
  name: string,
  body: OverrideCreate,
  now = Date.now(),
): Promise<ScheduleOverride> {
  const start = instant(body.start, 'start');
  const end = instant(body.end, 'end');
  if (end <= start)
    throw new InputError('end must be after start.', [{ path: '/end', message: 'must be after start' }]);
  if (end <= now)
    throw new InputError('The override ends in the past: overrides change who is on call from now on.', [
      { path: '/end', message: "can't be in the past" },
    ]);
  if (end - start > MAX_OVERRIDE_MS)
    throw new InputError('An override may last at most 366 days.', [
      { path: '/end', message: 'must be at most 366 days after start' },
    ]);
  return withTransaction(db, async (trx) => {
    const s = await requireSchedule(trx, name);
    await requireOwner(trx, ctx, s, 'Adding an override');
    let user: string;
    try {
      user = normalizeUserName(body.user);
    } catch {
      user = '';
    }
    const row = user === '' ? undefined : await findUserByRef(trx, user);
    if (!row)
      throw new InputError(
        `User '${body.user}' does not exist.`,
        [{ path: '/user', message: 'is not a catalog user' }],
        'UNKNOWN_USER',
      );
    await lockSchedule(trx, s.id);
    const clash = (await loadOverrides(trx, { start, end }, [s.id]))[0];
    if (clash)
      throw new ConflictError(
        `The override overlaps override ${clash.id} (${clash.user}, ${iso(clash.start)} – ${iso(clash.end)}); remove or shorten it first.`,
        'OVERRIDE_OVERLAP',
      );
    const id = await insertOverride(
      trx,
      { scheduleId: s.id, user, start, end, createdBy: ctx.actor.name },
      now,
    );
    await recordAudit(trx, ctx, 'schedule.override.create', 'schedule', scheduleRef(s.name), {
      override: id,
      user,
      start: iso(start),
      end: iso(end),
    });
    return overrideView((await findOverride(trx, s.id, id))!, s.name);
  });
}

export async function removeOverride(
  db: Kysely<Database>,
  ctx: AuditContext,
  name: string,
  id: string,
  now = Date.now(),
): Promise<void> {
  await withTransaction(db, async (trx) => {
    const s = await requireSchedule(trx, name);
    const o = await findOverride(trx, s.id, id);
    if (!o) throw new NotFoundError('Override', id, 'OVERRIDE_NOT_FOUND');
    await requireOwner(trx, ctx, s, 'Removing an override');
    if (o.end <= now)
      throw new ConflictError(
        `Override ${id} ended at ${iso(o.end)}; it is kept as history.`,
        'OVERRIDE_ENDED',
      );
    await deleteOverrideRow(trx, id);
    await recordAudit(trx, ctx, 'schedule.override.delete', 'schedule', scheduleRef(s.name), {
      override: id,
      user: o.user,
      start: iso(o.start),
      end: iso(o.end),
    });
  });
}

export { requireOwner, requireSchedule };
