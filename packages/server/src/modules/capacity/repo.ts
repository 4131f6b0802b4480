/**
 * Rows of capacity planning: resources and scenarios (written by apply), usage samples and their
 * hourly aggregates, and per-resource state (Prometheus coverage, a limit query's value, when
 * usage last changed). No authorisation or audit here: the service and apply do both.
 */
import type {
  CapacityResourceDefinition,
  GrowthScenarioDefinition,
} from '@headroom/core/config/headroom/capacity';
import { type Kysely, sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../../db/schema.js';
import { json } from '../catalog/refs.js';

export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
/** Usage older than this is pruned. */
export const USAGE_RETENTION_DAYS = 400;

export interface ResourceRecord {
  name: string;
  definition: CapacityResourceDefinition;
  document: unknown;
}

export interface ScenarioRecord {
  name: string;
  definition: GrowthScenarioDefinition;
  document: unknown;
}

export async function findResource(db: Kysely<Database>, name: string) {
  const row = await db
    .selectFrom('capacity_resources')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      name: row.name,
      definition: json.parse<CapacityResourceDefinition>(row.definition),
      document: json.parse(row.document),
      updatedAt: Number(row.updated_at),
    }
  );
}

export async function listResourceDefinitions(db: Kysely<Database>): Promise<CapacityResourceDefinition[]> {
  const rows = await db.selectFrom('capacity_resources').select('definition').orderBy('name').execute();
  return rows.map((r) => json.parse<CapacityResourceDefinition>(r.definition));
}

export async function writeResource(db: Kysely<Database>, record: ResourceRecord): Promise<void> {
  const now = Date.now();
  const columns = {
    service: record.definition.service,
    definition: json.stringify(record.definition),
    document: json.stringify(record.document),
    updated_at: now,
  };
  const updated = await db
    .updateTable('capacity_resources')
    .set(columns)
    .where('name', '=', record.name)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await db
    .insertInto('capacity_resources')
    .values({ id: uuidv7(), name: record.name, created_at: now, ...columns })
    .execute();
}

/** Deletes the resource with its usage and state. */
export async function deleteResource(db: Kysely<Database>, name: string): Promise<void> {
  await db.deleteFrom('capacity_resources').where('name', '=', name).execute();
  await db.deleteFrom('capacity_samples').where('resource', '=', name).execute();
  await db.deleteFrom('capacity_hours').where('resource', '=', name).execute();
  await db.deleteFrom('capacity_state').where('resource', '=', name).execute();
}

export async function findScenario(db: Kysely<Database>, name: string) {
  const row = await db
    .selectFrom('capacity_scenarios')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      name: row.name,
      definition: json.parse<GrowthScenarioDefinition>(row.definition),
      document: json.parse(row.document),
    }
  );
}

export async function listScenarioDefinitions(db: Kysely<Database>): Promise<GrowthScenarioDefinition[]> {
  const rows = await db.selectFrom('capacity_scenarios').select('definition').orderBy('name').execute();
  return rows.map((r) => json.parse<GrowthScenarioDefinition>(r.definition));
}

export async function writeScenario(db: Kysely<Database>, record: ScenarioRecord): Promise<void> {
  const now = Date.now();
  const columns = {
    definition: json.stringify(record.definition),
    document: json.stringify(record.document),
    updated_at: now,
  };
  const updated = await db
    .updateTable('capacity_scenarios')
    .set(columns)
    .where('name', '=', record.name)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await db
    .insertInto('capacity_scenarios')
    .values({ id: uuidv7(), name: record.name, created_at: now, ...columns })
    .execute();
}

export async function deleteScenario(db: Kysely<Database>, name: string): Promise<void> {
  await db.deleteFrom('capacity_scenarios').where('name', '=', name).execute();
}

export interface UsageSample {
  resource: string;
  /** Epoch ms; floored to the minute when stored. */
  ts: number;
  value: number;
}

/** Rows per insert: 3 parameters each, well under SQLite's and PostgreSQL's limits. */
const INSERT_CHUNK = 1000;

/**
 * Stores samples (one per resource and minute, the last given winning) and recomputes the hourly
 * aggregates of every hour they fall in. Call inside a transaction: all or nothing.
 */
export async function writeUsage(
  db: Kysely<Database>,
  samples: readonly UsageSample[],
  now = Date.now(),
): Promise<{ accepted: number; hours: number }> {
  const byKey = new Map<string, UsageSample>();
  for (const s of samples) {
    const ts = Math.floor(s.ts / MINUTE_MS) * MINUTE_MS;
    byKey.set(`${s.resource}\u0000${ts}`, { resource: s.resource, ts, value: s.value });
  }
  const rows = [...byKey.values()];
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await db
      .insertInto('capacity_samples')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) =>
        oc.columns(['resource', 'ts']).doUpdateSet({ value: (eb) => eb.ref('excluded.value') }),
      )
      .execute();
  }
  const spans = new Map<string, { from: number; to: number }>();
  for (const r of rows) {
    const hour = Math.floor(r.ts / HOUR_MS) * HOUR_MS;
    const span = spans.get(r.resource);
    if (!span) spans.set(r.resource, { from: hour, to: hour + HOUR_MS });
    else {
      span.from = Math.min(span.from, hour);
      span.to = Math.max(span.to, hour + HOUR_MS);
    }
  }
  let hours = 0;
  for (const [resource, span] of spans) {
    hours += await recomputeHours(db, resource, span.from, span.to);
    await touchState(db, resource, { usage_changed_at: now });
  }
  return { accepted: rows.length, hours };
}

/** Hourly max, sum and count over [from, to) recomputed from the samples (hour-aligned bounds). */
async function recomputeHours(db: Kysely<Database>, resource: string, from: number, to: number) {
  const hourOf = sql<number>`ts / ${sql.lit(HOUR_MS)}`;
  const aggregated = await db
    .selectFrom('capacity_samples')
    .select((eb) => [
      hourOf.as('h'),
      eb.fn.max('value').as('max'),
      eb.fn.sum('value').as('sum'),
      eb.fn.countAll().as('count'),
    ])
    .where('resource', '=', resource)
    .where('ts', '>=', from)
    .where('ts', '<', to)
    .groupBy(hourOf)
    .execute();
  const rows = aggregated.map((r) => ({
    resource,
    hour: Number(r.h) * HOUR_MS,
    max: Number(r.max),
    sum: Number(r.sum),
    count: Number(r.count),
  }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await db
      .insertInto('capacity_hours')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) =>
        oc.columns(['resource', 'hour']).doUpdateSet({
          max: (eb) => eb.ref('excluded.max'),
          sum: (eb) => eb.ref('excluded.sum'),
          count: (eb) => eb.ref('excluded.count'),
        }),
      )
      .execute();
  }
  return rows.length;
}

export interface HourRow {
  hour: number;
  max: number;
  sum: number;
  count: number;
}

export async function readHours(
  db: Kysely<Database>,
  resource: string,
  from: number,
  to: number,
  limit?: number,
): Promise<HourRow[]> {
  let q = db
    .selectFrom('capacity_hours')
    .select(['hour', 'max', 'sum', 'count'])
    .where('resource', '=', resource)
    .where('hour', '>=', from)
    .where('hour', '<', to)
    .orderBy('hour', 'desc');
  if (limit !== undefined) q = q.limit(limit);
  const rows = await q.execute();
  return rows
    .map((r) => ({ hour: Number(r.hour), max: Number(r.max), sum: Number(r.sum), count: Number(r.count) }))
    .reverse();
}

export async function latestHour(db: Kysely<Database>, resource: string): Promise<HourRow | undefined> {
  return (await readHours(db, resource, 0, Number.MAX_SAFE_INTEGER, 1))[0];
}

export async function countSamples(db: Kysely<Database>, resource?: string): Promise<number> {
  let q = db.selectFrom('capacity_samples').select((eb) => eb.fn.countAll().as('n'));
  if (resource) q = q.where('resource', '=', resource);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export interface CapacityState {
  resource: string;
  usageChangedAt: number | null;
  coveredFrom: number | null;
  coveredTo: number | null;
  lastSuccessAt: number | null;
  lastError: string | null;
  limitValue: number | null;
  limitAt: number | null;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export async function getState(db: Kysely<Database>, resource: string): Promise<CapacityState | null> {
  const r = await db
    .selectFrom('capacity_state')
    .selectAll()
    .where('resource', '=', resource)
    .executeTakeFirst();
  if (!r) return null;
  return {
    resource: r.resource,
    usageChangedAt: num(r.usage_changed_at),
    coveredFrom: num(r.covered_from),
    coveredTo: num(r.covered_to),
    lastSuccessAt: num(r.last_success_at),
    lastError: r.last_error,
    limitValue: num(r.limit_value),
    limitAt: num(r.limit_at),
  };
}

type StateColumns = Partial<Omit<Database['capacity_state'], 'resource'>>;

export async function touchState(db: Kysely<Database>, resource: string, set: StateColumns): Promise<void> {
  const updated = await db
    .updateTable('capacity_state')
    .set(set)
    .where('resource', '=', resource)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await db
    .insertInto('capacity_state')
    .values({
      resource,
      usage_changed_at: null,
      covered_from: null,
      covered_to: null,
      last_success_at: null,
      last_error: null,
      limit_value: null,
      limit_at: null,
      ...set,
    })
    .onConflict((oc) => oc.column('resource').doUpdateSet(set))
    .execute();
}

/** Deletes samples and hours older than the retention; returns rows deleted. */
export async function pruneUsage(
  db: Kysely<Database>,
  now: number,
  days = USAGE_RETENTION_DAYS,
): Promise<number> {
  const before = now - days * 86_400_000;
  const a = await db.deleteFrom('capacity_samples').where('ts', '<', before).executeTakeFirst();
  const b = await db.deleteFrom('capacity_hours').where('hour', '<', before).executeTakeFirst();
  return Number(a.numDeletedRows) + Number(b.numDeletedRows);
}

/** Catalog services with their owning team's name, by service name (default namespace). */
export async function serviceTeams(db: Kysely<Database>): Promise<Map<string, string | null>> {
  const rows = await db
    .selectFrom('services')
    .leftJoin('teams', 'teams.id', 'services.owner_team_id')
    .select(['services.name as service', 'teams.name as team'])
    .where('services.namespace', '=', 'default')
    .execute();
  return new Map(rows.map((r) => [r.service, r.team ?? null]));
}
