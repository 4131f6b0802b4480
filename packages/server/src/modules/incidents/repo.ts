/**
 * Incident rows and their timeline, on SQLite and PostgreSQL. No authorisation or audit here;
 * service.ts does both, in the same transaction as the write.
 */
import type { Incident, TimelineEntry } from '@headroom/core/incidents/model';
import { type Kysely, type Selectable, sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database, IncidentsTable } from '../../db/schema.js';
import { isPostgres } from '../sli-data/bucket-sql.js';

/** A timeline row; `kind` also takes the server's alert-firing/alert-resolved. */
export interface StoredTimelineEntry {
  id: string;
  kind: string;
  at: number;
  actor: string;
  text: string;
  data: Record<string, unknown>;
}

/** A timeline entry to write: core's, or one the server adds (alert events). */
export type NewTimelineEntry = Omit<TimelineEntry, 'kind'> & { kind: string };

const loadRow = (row: Selectable<IncidentsTable>): Incident => JSON.parse(row.document) as Incident;

export async function findIncident(db: Kysely<Database>, id: string): Promise<Incident | undefined> {
  const row = await db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  return row && loadRow(row);
}

/** Holds the row until the transaction ends (PostgreSQL; SQLite serialises writers anyway). */
export async function lockIncident(trx: Kysely<Database>, id: string): Promise<void> {
  if (isPostgres(trx)) await sql`select id from incidents where id = ${id} for update`.execute(trx);
}

export interface IncidentFilter {
  statuses?: readonly string[];
  severity?: string;
  declaredFrom?: number;
  declaredTo?: number;
  limit?: number;
}

/** Newest first. */
export async function loadIncidents(db: Kysely<Database>, filter: IncidentFilter = {}): Promise<Incident[]> {
  let q = db.selectFrom('incidents').selectAll().orderBy('declared_at', 'desc').orderBy('number', 'desc');
  if (filter.statuses) q = q.where('status', 'in', [...filter.statuses]);
  if (filter.severity) q = q.where('severity', '=', filter.severity);
  if (filter.declaredFrom !== undefined) q = q.where('declared_at', '>=', filter.declaredFrom);
  if (filter.declaredTo !== undefined) q = q.where('declared_at', '<', filter.declaredTo);
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  return (await q.execute()).map(loadRow);
}

/** The next incident number (1, 2, …); the unique column settles a race between two declarations. */
export async function nextIncidentNumber(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('incidents')
    .select((eb) => eb.fn.max<number | string | null>('number').as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
}

const columns = (i: Incident) => ({
  title: i.title,
  status: i.status,
  severity: i.severity,
  declared_at: i.declaredAt,
  services: JSON.stringify(i.services),
  alert_groups: JSON.stringify(i.alertGroups),
  document: JSON.stringify(i),
  updated_at: i.updatedAt,
});

export async function insertIncident(db: Kysely<Database>, number: number, i: Incident): Promise<void> {
  await db
    .insertInto('incidents')
    .values({ id: i.id, number, created_at: i.updatedAt, ...columns(i) })
    .execute();
}

export async function updateIncident(db: Kysely<Database>, i: Incident): Promise<void> {
  await db.updateTable('incidents').set(columns(i)).where('id', '=', i.id).execute();
}

export async function appendTimeline(
  db: Kysely<Database>,
  incidentId: string,
  entries: readonly NewTimelineEntry[],
  now: number,
): Promise<string[]> {
  if (entries.length === 0) return [];
  const ids = entries.map(() => uuidv7());
  await db
    .insertInto('incident_timeline')
    .values(
      entries.map((e, i) => ({
        id: ids[i]!,
        incident_id: incidentId,
        kind: e.kind,
        at: e.at,
        actor: e.actor,
        text: e.text,
        data: JSON.stringify(e.data),
        created_at: now,
      })),
    )
    .execute();
  return ids;
}

/** Oldest first; entries at the same instant in the order written (UUIDv7 ids). */
export async function loadTimeline(db: Kysely<Database>, incidentId: string): Promise<StoredTimelineEntry[]> {
  const rows = await db
    .selectFrom('incident_timeline')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    at: Number(r.at),
    actor: r.actor,
    text: r.text,
    data: JSON.parse(r.data) as Record<string, unknown>,
  }));
}
