/**
 * Rows of on-call schedules (written by apply), their overrides and iCalendar feed tokens. No
 * authorisation or audit here: apply and the service do both.
 */
import type { ScheduleDefinition } from '@headroom/core/config/headroom/schedule';
import type { Override } from '@headroom/core/oncall/model';
import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database, IcalFeedsTable, ScheduleOverridesTable, SchedulesTable } from '../../db/schema.js';
import { json } from '../catalog/refs.js';
import { isPostgres } from '../sli-data/bucket-sql.js';

/** A schedule as apply compares and writes it. */
export interface ScheduleRecord {
  name: string;
  definition: ScheduleDefinition;
  document: unknown;
}

export interface StoredSchedule extends ScheduleRecord {
  id: string;
  createdAt: number;
  updatedAt: number;
}

export interface StoredOverride extends Override {
  scheduleId: string;
  createdBy: string;
  createdAt: number;
}

function loadRow(row: Selectable<SchedulesTable>): StoredSchedule {
  return {
    id: row.id,
    name: row.name,
    definition: json.parse<ScheduleDefinition>(row.definition),
    document: json.parse(row.document),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export async function findSchedule(db: Kysely<Database>, name: string): Promise<StoredSchedule | undefined> {
  const row = await db.selectFrom('schedules').selectAll().where('name', '=', name).executeTakeFirst();
  return row && loadRow(row);
}

export async function findScheduleById(
  db: Kysely<Database>,
  id: string,
): Promise<StoredSchedule | undefined> {
  const row = await db.selectFrom('schedules').selectAll().where('id', '=', id).executeTakeFirst();
  return row && loadRow(row);
}

export async function loadSchedules(db: Kysely<Database>): Promise<StoredSchedule[]> {
  const rows = await db.selectFrom('schedules').selectAll().orderBy('name').execute();
  return rows.map(loadRow);
}

/** Inside a transaction: holds the schedule's row until commit, so overlapping overrides cannot race in. */
export async function lockSchedule(trx: Kysely<Database>, id: string): Promise<void> {
  if (isPostgres(trx)) await sql`select id from schedules where id = ${id} for update`.execute(trx);
}

export async function writeSchedule(db: Kysely<Database>, record: ScheduleRecord): Promise<void> {
  const now = Date.now();
  const columns = {
    owner_ref: record.definition.owner,
    definition: json.stringify(record.definition),
    document: json.stringify(record.document),
    updated_at: now,
  };
  const existing = await db
    .selectFrom('schedules')
    .select('id')
    .where('name', '=', record.name)
    .executeTakeFirst();
  if (existing) await db.updateTable('schedules').set(columns).where('id', '=', existing.id).execute();
  else
    await db
      .insertInto('schedules')
      .values({ id: uuidv7(), name: record.name, created_at: now, ...columns })
      .execute();
}

/** Deletes the schedule with its overrides and feeds. */
export async function deleteSchedule(db: Kysely<Database>, name: string): Promise<void> {
  const row = await db.selectFrom('schedules').select('id').where('name', '=', name).executeTakeFirst();
  if (!row) return;
  await db.deleteFrom('schedule_overrides').where('schedule_id', '=', row.id).execute();
  await db.deleteFrom('ical_feeds').where('kind', '=', 'schedule').where('target_id', '=', row.id).execute();
  await db.deleteFrom('schedules').where('id', '=', row.id).execute();
}

// ---- overrides

function overrideRow(row: Selectable<ScheduleOverridesTable>): StoredOverride {
  return {
    id: row.id,
    scheduleId: row.schedule_id,
    user: row.user_name,
    start: Number(row.starts_at),
    end: Number(row.ends_at),
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
  };
}

/** Overrides of the schedules given (all when none) overlapping [from, to), oldest first. */
export async function loadOverrides(
  db: Kysely<Database>,
  range: { start: number; end: number },
  scheduleIds?: readonly string[],
): Promise<StoredOverride[]> {
  if (scheduleIds && scheduleIds.length === 0) return [];
  let q = db
    .selectFrom('schedule_overrides')
    .selectAll()
    .where('ends_at', '>', range.start)
    .where('starts_at', '<', range.end);
  if (scheduleIds) q = q.where('schedule_id', 'in', scheduleIds);
  // Oldest first: the final schedule lets a later override win where two overlap.
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  return rows.map(overrideRow);
}

export async function findOverride(
  db: Kysely<Database>,
  scheduleId: string,
  id: string,
): Promise<StoredOverride | undefined> {
  const row = await db
    .selectFrom('schedule_overrides')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && overrideRow(row);
}

export async function insertOverride(
  db: Kysely<Database>,
  o: { scheduleId: string; user: string; start: number; end: number; createdBy: string },
  now: number,
): Promise<string> {
  const id = uuidv7();
  await db
    .insertInto('schedule_overrides')
    .values({
      id,
      schedule_id: o.scheduleId,
      user_name: o.user,
      starts_at: o.start,
      ends_at: o.end,
      created_by: o.createdBy,
      created_at: now,
    })
    .execute();
  return id;
}

export async function deleteOverride(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('schedule_overrides').where('id', '=', id).execute();
}

// ---- feeds

export type FeedKind = IcalFeedsTable['kind'];

export async function activeFeed(
  db: Kysely<Database>,
  kind: FeedKind,
  targetId: string,
): Promise<Selectable<IcalFeedsTable> | undefined> {
  return db
    .selectFrom('ical_feeds')
    .selectAll()
    .where('kind', '=', kind)
    .where('target_id', '=', targetId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/** Revokes every active feed of the target; returns how many were active. */
export async function revokeFeeds(
  db: Kysely<Database>,
  kind: FeedKind,
  targetId: string,
  now: number,
): Promise<number> {
  const result = await db
    .updateTable('ical_feeds')
    .set({ revoked_at: now })
    .where('kind', '=', kind)
    .where('target_id', '=', targetId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function insertFeed(
  db: Kysely<Database>,
  feed: { kind: FeedKind; targetId: string; tokenHash: string; createdBy: string },
  now: number,
): Promise<void> {
  await db
    .insertInto('ical_feeds')
    .values({
      id: uuidv7(),
      kind: feed.kind,
      target_id: feed.targetId,
      token_hash: feed.tokenHash,
      created_by: feed.createdBy,
      created_at: now,
      revoked_at: null,
    })
    .execute();
}

export async function feedByTokenHash(
  db: Kysely<Database>,
  kind: FeedKind,
  tokenHash: string,
): Promise<Selectable<IcalFeedsTable> | undefined> {
  return db
    .selectFrom('ical_feeds')
    .selectAll()
    .where('kind', '=', kind)
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}
