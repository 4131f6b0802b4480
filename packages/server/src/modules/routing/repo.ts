/**
 * Rows of routes, inhibition rules (both written by apply) and silences (API or apply). No
 * authorisation or audit here: apply and the silence service do both.
 */
import type { Matcher } from '@headroom/core/alerting/matchers';
import type { InhibitRuleDefinition, RouteDefinition } from '@headroom/core/config/headroom/routing';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database, SilencesTable } from '../../db/schema.js';
import { json } from '../catalog/refs.js';

export interface RouteRecord {
  name: string;
  definition: RouteDefinition;
  document: unknown;
}

export interface InhibitRuleRecord {
  name: string;
  definition: InhibitRuleDefinition;
  document: unknown;
}

interface Stored {
  id: string;
  createdAt: number;
  updatedAt: number;
}

// ---- routes

export async function findRoute(
  db: Kysely<Database>,
  name: string,
): Promise<(RouteRecord & Stored) | undefined> {
  const row = await db.selectFrom('alert_routes').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toRoute(row);
}

function toRoute(row: Selectable<Database['alert_routes']>): RouteRecord & Stored {
  return {
    id: row.id,
    name: row.name,
    definition: json.parse<RouteDefinition>(row.definition),
    document: json.parse(row.document),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The root first, then the top-level routes in order (spec.order, then name). */
export async function loadRoutes(db: Kysely<Database>): Promise<(RouteRecord & Stored)[]> {
  const rows = await db
    .selectFrom('alert_routes')
    .selectAll()
    .orderBy('root', 'desc')
    .orderBy('position')
    .orderBy('name')
    .execute();
  return rows.map(toRoute);
}

export async function writeRoute(db: Kysely<Database>, record: RouteRecord): Promise<void> {
  const now = Date.now();
  const columns = {
    root: record.definition.root ? 1 : 0,
    position: record.definition.order,
    definition: json.stringify(record.definition),
    document: json.stringify(record.document),
    updated_at: now,
  };
  const existing = await db
    .selectFrom('alert_routes')
    .select('id')
    .where('name', '=', record.name)
    .executeTakeFirst();
  if (existing) await db.updateTable('alert_routes').set(columns).where('id', '=', existing.id).execute();
  else
    await db
      .insertInto('alert_routes')
      .values({ id: uuidv7(), name: record.name, created_at: now, ...columns })
      .execute();
}

export async function deleteRoute(db: Kysely<Database>, name: string): Promise<void> {
  await db.deleteFrom('alert_routes').where('name', '=', name).execute();
}

// ---- inhibition rules

function toRule(row: Selectable<Database['inhibit_rules']>): InhibitRuleRecord & Stored {
  return {
    id: row.id,
    name: row.name,
    definition: json.parse<InhibitRuleDefinition>(row.definition),
    document: json.parse(row.document),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export async function findInhibitRule(
  db: Kysely<Database>,
  name: string,
): Promise<(InhibitRuleRecord & Stored) | undefined> {
  const row = await db.selectFrom('inhibit_rules').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toRule(row);
}

export async function loadInhibitRuleRecords(db: Kysely<Database>): Promise<(InhibitRuleRecord & Stored)[]> {
  return (await db.selectFrom('inhibit_rules').selectAll().orderBy('name').execute()).map(toRule);
}

export async function writeInhibitRule(db: Kysely<Database>, record: InhibitRuleRecord): Promise<void> {
  const now = Date.now();
  const columns = {
    definition: json.stringify(record.definition),
    document: json.stringify(record.document),
    updated_at: now,
  };
  const existing = await db
    .selectFrom('inhibit_rules')
    .select('id')
    .where('name', '=', record.name)
    .executeTakeFirst();
  if (existing) await db.updateTable('inhibit_rules').set(columns).where('id', '=', existing.id).execute();
  else
    await db
      .insertInto('inhibit_rules')
      .values({ id: uuidv7(), name: record.name, created_at: now, ...columns })
      .execute();
}

export async function deleteInhibitRule(db: Kysely<Database>, name: string): Promise<void> {
  await db.deleteFrom('inhibit_rules').where('name', '=', name).execute();
}

// ---- silences

export type SilenceSource = 'api' | 'apply';

export interface SilenceRow {
  id: string;
  name: string | null;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  source: SilenceSource;
  document: unknown;
  createdAt: number;
  updatedAt: number;
}

function toSilence(row: Selectable<SilencesTable>): SilenceRow {
  return {
    id: row.id,
    name: row.name,
    matchers: json.parse<Matcher[]>(row.matchers),
    startsAt: Number(row.starts_at),
    endsAt: Number(row.ends_at),
    createdBy: row.created_by,
    comment: row.comment,
    source: row.source as SilenceSource,
    document: row.document === null ? null : json.parse(row.document),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export async function findSilence(db: Kysely<Database>, id: string): Promise<SilenceRow | undefined> {
  const row = await db.selectFrom('silences').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSilence(row);
}

export async function findSilenceByName(db: Kysely<Database>, name: string): Promise<SilenceRow | undefined> {
  const row = await db.selectFrom('silences').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toSilence(row);
}

/** Every silence; with `notEndedBefore`, only those still active or pending at that time. */
export async function loadSilences(db: Kysely<Database>, notEndedBefore?: number): Promise<SilenceRow[]> {
  let q = db.selectFrom('silences').selectAll().orderBy('id');
  if (notEndedBefore !== undefined) q = q.where('ends_at', '>=', notEndedBefore);
  return (await q.execute()).map(toSilence);
}

export interface NewSilence {
  name: string | null;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  source: SilenceSource;
  document: unknown;
}

export async function insertSilence(db: Kysely<Database>, silence: NewSilence, now: number): Promise<string> {
  const id = uuidv7();
  await db
    .insertInto('silences')
    .values({
      id,
      name: silence.name,
      matchers: json.stringify(silence.matchers),
      starts_at: silence.startsAt,
      ends_at: silence.endsAt,
      created_by: silence.createdBy,
      comment: silence.comment,
      source: silence.source,
      document: silence.document === null ? null : json.stringify(silence.document),
      created_at: now,
      updated_at: now,
    })
    .execute();
  return id;
}

export async function updateSilence(
  db: Kysely<Database>,
  id: string,
  fields: Partial<
    Pick<NewSilence, 'matchers' | 'startsAt' | 'endsAt' | 'createdBy' | 'comment' | 'document'>
  > & {
    name?: string | null;
  },
  now: number,
): Promise<void> {
  await db
    .updateTable('silences')
    .set({
      ...(fields.name !== undefined && { name: fields.name }),
      ...(fields.matchers && { matchers: json.stringify(fields.matchers) }),
      ...(fields.startsAt !== undefined && { starts_at: fields.startsAt }),
      ...(fields.endsAt !== undefined && { ends_at: fields.endsAt }),
      ...(fields.createdBy !== undefined && { created_by: fields.createdBy }),
      ...(fields.comment !== undefined && { comment: fields.comment }),
      ...(fields.document !== undefined && {
        document: fields.document === null ? null : json.stringify(fields.document),
      }),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
}
