/** Pages and the alert group log, on SQLite and PostgreSQL. No authorisation or audit here. */
import type { EscalationState } from '@headroom/core/oncall/escalation';
import type { AckVia, PageLogEntry, PageStatus } from '@headroom/core/oncall/paging';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database, PagesTable } from '../../db/schema.js';

export interface PageRow {
  id: string;
  groupId: string;
  groupKey: string;
  policy: string;
  state: EscalationState;
  nextAt: number | null;
  status: PageStatus;
  acknowledgedBy: string | null;
  acknowledgedVia: AckVia | null;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  incidentId: string | null;
  createdAt: number;
  updatedAt: number;
  /** The state as stored, to update only what was read (a concurrent change loses, not both). */
  stateText: string;
}

const n = (v: number | string | null) => (v === null ? null : Number(v));

function toPage(row: Selectable<PagesTable>): PageRow {
  return {
    id: row.id,
    groupId: row.group_id,
    groupKey: row.group_key,
    policy: row.policy,
    state: JSON.parse(row.state) as EscalationState,
    nextAt: n(row.next_at),
    status: row.status,
    acknowledgedBy: row.acknowledged_by,
    acknowledgedVia: row.acknowledged_via as AckVia | null,
    acknowledgedAt: n(row.acknowledged_at),
    resolvedAt: n(row.resolved_at),
    incidentId: row.incident_id,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    stateText: row.state,
  };
}

export async function findPageOfGroup(db: Kysely<Database>, groupId: string): Promise<PageRow | undefined> {
  const row = await db.selectFrom('pages').selectAll().where('group_id', '=', groupId).executeTakeFirst();
  return row && toPage(row);
}

export async function findPage(db: Kysely<Database>, id: string): Promise<PageRow | undefined> {
  const row = await db.selectFrom('pages').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toPage(row);
}

export async function pagesOfGroups(db: Kysely<Database>, groupIds: readonly string[]): Promise<PageRow[]> {
  if (groupIds.length === 0) return [];
  return (await db.selectFrom('pages').selectAll().where('group_id', 'in', groupIds).execute()).map(toPage);
}

/** Active pages due by `now`, oldest first. */
export async function duePages(db: Kysely<Database>, now: number, limit = 200): Promise<PageRow[]> {
  const rows = await db
    .selectFrom('pages')
    .selectAll()
    .where('status', '=', 'active')
    .where('next_at', '<=', now)
    .orderBy('next_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toPage);
}

/** The active pages of groups (to stop the ones whose group resolved). */
export async function activePages(db: Kysely<Database>): Promise<PageRow[]> {
  return (await db.selectFrom('pages').selectAll().where('status', '=', 'active').execute()).map(toPage);
}

export async function insertPage(
  db: Kysely<Database>,
  page: { groupId: string; groupKey: string; policy: string; state: EscalationState },
  now: number,
): Promise<string> {
  const id = uuidv7();
  await db
    .insertInto('pages')
    .values({
      id,
      group_id: page.groupId,
      group_key: page.groupKey,
      policy: page.policy,
      state: JSON.stringify(page.state),
      next_at: page.state.nextAt,
      status: 'active',
      acknowledged_by: null,
      acknowledged_via: null,
      acknowledged_at: null,
      resolved_at: null,
      incident_id: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

export interface PageUpdate {
  state: EscalationState;
  status: PageStatus;
  nextAt: number | null;
  acknowledged?: { by: string; via: AckVia; at: number };
  resolvedAt?: number;
}

/** Writes the new state only if the stored one is still `page.stateText`; false when it changed meanwhile. */
export async function updatePage(
  db: Kysely<Database>,
  page: PageRow,
  update: PageUpdate,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('pages')
    .set({
      state: JSON.stringify(update.state),
      status: update.status,
      next_at: update.nextAt,
      updated_at: now,
      ...(update.acknowledged && {
        acknowledged_by: update.acknowledged.by,
        acknowledged_via: update.acknowledged.via,
        acknowledged_at: update.acknowledged.at,
      }),
      ...(update.resolvedAt !== undefined && { resolved_at: update.resolvedAt }),
    })
    .where('id', '=', page.id)
    .where('state', '=', page.stateText)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function setPageIncident(db: Kysely<Database>, pageId: string, incidentId: string, now: number) {
  await db
    .updateTable('pages')
    .set({ incident_id: incidentId, updated_at: now })
    .where('id', '=', pageId)
    .execute();
}

export async function appendLog(
  db: Kysely<Database>,
  groupId: string,
  entries: readonly PageLogEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('alert_group_log')
    .values(
      entries.map((e) => ({
        id: uuidv7(),
        group_id: groupId,
        at: e.at,
        kind: e.kind,
        text: e.text,
        data: JSON.stringify(e.data),
      })),
    )
    .execute();
}

export async function groupLog(db: Kysely<Database>, groupId: string): Promise<PageLogEntry[]> {
  const rows = await db
    .selectFrom('alert_group_log')
    .selectAll()
    .where('group_id', '=', groupId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    at: Number(r.at),
    kind: r.kind as PageLogEntry['kind'],
    text: r.text,
    data: JSON.parse(r.data) as Record<string, unknown>,
  }));
}

export async function hasLogEntry(db: Kysely<Database>, groupId: string, kind: string): Promise<boolean> {
  const row = await db
    .selectFrom('alert_group_log')
    .select('id')
    .where('group_id', '=', groupId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row !== undefined;
}
