/**
 * Postmortems, action items and status-update subscribers, on SQLite and PostgreSQL. No
 * authorisation or audit here; the services do both in the same transaction as the write.
 */
import type {
  ActionItem,
  ActionItemPriority,
  ActionItemStatus,
  Postmortem,
  PostmortemSectionKey,
  PostmortemStatus,
} from '@headroom/core/incidents/postmortem';
import { emptySections } from '@headroom/core/incidents/postmortem';
import type { Kysely, Selectable } from 'kysely';
import type { ActionItemsTable, Database } from '../../db/schema.js';

export async function findPostmortem(
  db: Kysely<Database>,
  incidentId: string,
): Promise<Postmortem | undefined> {
  const row = await db
    .selectFrom('postmortems')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
  if (!row) return undefined;
  // Sections added to the template later read as unwritten.
  const sections = {
    ...emptySections(),
    ...(JSON.parse(row.sections) as Partial<Record<PostmortemSectionKey, string>>),
  };
  return {
    incidentId: row.incident_id,
    status: row.status as PostmortemStatus,
    sections,
    authors: JSON.parse(row.authors) as string[],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    publishedAt: row.published_at === null ? null : Number(row.published_at),
  };
}

/** Inserts the incident's postmortem, or replaces the stored one. */
export async function savePostmortem(db: Kysely<Database>, pm: Postmortem, actor: string): Promise<void> {
  const values = {
    status: pm.status,
    sections: JSON.stringify(pm.sections),
    authors: JSON.stringify(pm.authors),
    updated_at: pm.updatedAt,
    published_at: pm.publishedAt,
  };
  await db
    .insertInto('postmortems')
    .values({ incident_id: pm.incidentId, created_by: actor, created_at: pm.createdAt, ...values })
    .onConflict((oc) => oc.column('incident_id').doUpdateSet(values))
    .execute();
}

/** An action item as stored: core's fields, its team (the service's owner) and bookkeeping. */
export interface StoredActionItem extends ActionItem {
  team: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

type Row = Selectable<ActionItemsTable> & { team: string | null };

const fromRow = (r: Row): StoredActionItem => ({
  id: r.id,
  incidentId: r.incident_id,
  service: r.service,
  title: r.title,
  owner: r.owner,
  priority: r.priority as ActionItemPriority,
  dueDate: r.due_date,
  status: r.status as ActionItemStatus,
  ticketUrl: r.ticket_url,
  team: r.team,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export interface ActionItemFilter {
  id?: string;
  incidentId?: string;
  team?: string;
  status?: string;
}

export async function loadActionItems(
  db: Kysely<Database>,
  filter: ActionItemFilter = {},
): Promise<StoredActionItem[]> {
  let q = db
    .selectFrom('action_items')
    .leftJoin('services', (j) =>
      j.onRef('services.name', '=', 'action_items.service').on('services.namespace', '=', 'default'),
    )
    .leftJoin('teams', 'teams.id', 'services.owner_team_id')
    .selectAll('action_items')
    .select('teams.name as team')
    .orderBy('action_items.number');
  if (filter.id !== undefined) q = q.where('action_items.id', '=', filter.id);
  if (filter.incidentId !== undefined) q = q.where('action_items.incident_id', '=', filter.incidentId);
  if (filter.team !== undefined) q = q.where('teams.name', '=', filter.team);
  if (filter.status !== undefined) q = q.where('action_items.status', '=', filter.status);
  return (await q.execute()).map((r) => fromRow(r as Row));
}

export async function nextActionItemNumber(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('action_items')
    .select((eb) => eb.fn.max<number | string | null>('number').as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
}

const columns = (a: ActionItem) => ({
  service: a.service,
  title: a.title,
  owner: a.owner,
  priority: a.priority,
  due_date: a.dueDate,
  status: a.status,
  ticket_url: a.ticketUrl,
});

export async function insertActionItem(
  db: Kysely<Database>,
  number: number,
  a: ActionItem,
  actor: string,
  now: number,
): Promise<void> {
  await db
    .insertInto('action_items')
    .values({
      id: a.id,
      number,
      incident_id: a.incidentId,
      ...columns(a),
      created_by: actor,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

export async function updateActionItem(db: Kysely<Database>, a: ActionItem, now: number): Promise<void> {
  await db
    .updateTable('action_items')
    .set({ ...columns(a), updated_at: now })
    .where('id', '=', a.id)
    .execute();
}

export async function loadSubscribers(db: Kysely<Database>, incidentId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('incident_subscribers')
    .select('channel')
    .where('incident_id', '=', incidentId)
    .orderBy('channel')
    .execute();
  return rows.map((r) => r.channel);
}

/** true when added, false when it was subscribed already. */
export async function addSubscriber(
  db: Kysely<Database>,
  incidentId: string,
  channel: string,
  actor: string,
  now: number,
): Promise<boolean> {
  const r = await db
    .insertInto('incident_subscribers')
    .values({ incident_id: incidentId, channel, created_by: actor, created_at: now })
    .onConflict((oc) => oc.columns(['incident_id', 'channel']).doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function removeSubscriber(db: Kysely<Database>, incidentId: string, channel: string) {
  const r = await db
    .deleteFrom('incident_subscribers')
    .where('incident_id', '=', incidentId)
    .where('channel', '=', channel)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The postmortem status of each incident that has one. */
export async function postmortemStatuses(db: Kysely<Database>, ids: readonly string[]) {
  const out = new Map<string, PostmortemStatus>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('postmortems')
    .select(['incident_id', 'status'])
    .where('incident_id', 'in', [...ids])
    .execute();
  for (const r of rows) out.set(r.incident_id, r.status as PostmortemStatus);
  return out;
}
