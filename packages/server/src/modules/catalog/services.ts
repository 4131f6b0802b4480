import type { Service, ServiceCreate, ServiceUpdate } from '@headroom/core/api/catalog';
import { type Actor, canChangeOwned } from '@headroom/core/auth/policy';
import type { ServiceObject } from '@headroom/core/config/catalog-objects';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '@headroom/core/errors';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { unlessDuplicate, withTransaction } from '../../db/index.js';
import type { Database, ServicesTable } from '../../db/schema.js';
import { recordAudit } from '../audit/service.js';
import { iso, json, parseRef, REF_KIND, refOf, shortName } from './refs.js';
import { findTeamByRef } from './teams.js';

interface Ctx {
  actor: Actor;
  requestId: string | null;
}

export const DEFAULT_TIER = 3;
export const DEFAULT_LIFECYCLE = 'production';

/** What a service is, as stored: the shape both the API and apply write. */
export type ServiceRecord = ServiceObject;

export async function findServiceByRef(db: Kysely<Database>, input: string) {
  const r = parseRef(input, REF_KIND.service, undefined, 'service');
  if (r.kind !== REF_KIND.service) return undefined;
  return db
    .selectFrom('services')
    .selectAll()
    .where('namespace', '=', r.namespace)
    .where('name', '=', r.name)
    .executeTakeFirst();
}

async function requireService(db: Kysely<Database>, ref: string) {
  const row = await findServiceByRef(db, ref);
  if (!row) throw new NotFoundError('Service', ref, 'SERVICE_NOT_FOUND');
  return row;
}

async function views(db: Kysely<Database>, rows: Selectable<ServicesTable>[]): Promise<Service[]> {
  const teamIds = [...new Set(rows.map((r) => r.owner_team_id).filter((x): x is string => x !== null))];
  const teams = new Map<string, string>();
  if (teamIds.length > 0) {
    const t = await db
      .selectFrom('teams')
      .select(['id', 'name', 'namespace'])
      .where('id', 'in', teamIds)
      .execute();
    for (const r of t) teams.set(r.id, shortName(r.namespace, r.name));
  }
  const refs = rows.map((r) => refOf(REF_KIND.service, r.namespace, r.name));
  const deps = new Map<string, string[]>();
  if (refs.length > 0) {
    const rel = await db
      .selectFrom('relations')
      .select(['source_ref', 'target_ref'])
      .where('type', '=', 'dependsOn')
      .where('source_ref', 'in', refs)
      .orderBy('target_ref')
      .execute();
    for (const r of rel) deps.set(r.source_ref, [...(deps.get(r.source_ref) ?? []), r.target_ref]);
  }
  return rows.map((row) => {
    const ref = refOf(REF_KIND.service, row.namespace, row.name);
    return {
      id: row.id,
      ref,
      name: row.name,
      namespace: row.namespace,
      title: row.title,
      description: row.description,
      owner: row.owner_ref,
      ownerTeam: row.owner_team_id ? (teams.get(row.owner_team_id) ?? null) : null,
      type: row.type,
      tier: row.tier,
      lifecycle: row.lifecycle,
      system: row.system_ref,
      tags: json.parse(row.tags),
      links: json.parse(row.links),
      dependsOn: deps.get(ref) ?? [],
      business: json.parse(row.business),
      annotations: json.parse(row.annotations),
      labels: json.parse(row.labels),
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    };
  });
}

export interface ServiceFilter {
  team?: string;
  tier?: number;
  lifecycle?: string;
  tag?: string;
  q?: string;
}

export async function listServices(db: Kysely<Database>, filter: ServiceFilter = {}): Promise<Service[]> {
  let q = db.selectFrom('services').selectAll().orderBy('namespace').orderBy('name');
  if (filter.team) {
    const t = parseRef(filter.team, REF_KIND.team, undefined, 'team');
    q = q.where('owner_ref', '=', t.ref);
  }
  if (filter.tier !== undefined) q = q.where('tier', '=', filter.tier);
  if (filter.lifecycle) q = q.where('lifecycle', '=', filter.lifecycle);
  const rows = await q.execute();
  let out = await views(db, rows);
  if (filter.tag) out = out.filter((s) => s.tags.includes(filter.tag!));
  if (filter.q) {
    const needle = filter.q.toLowerCase();
    out = out.filter((s) =>
      `${s.name} ${s.title ?? ''} ${s.description ?? ''}`.toLowerCase().includes(needle),
    );
  }
  return out;
}

export async function getService(db: Kysely<Database>, ref: string): Promise<Service> {
  const [s] = await views(db, [await requireService(db, ref)]);
  return s!;
}

/** Turns API input into the stored shape; bare dependsOn names mean services in the same namespace. */
export function serviceRecordFromInput(
  namespace: string,
  name: string,
  input: ServiceUpdate,
  base?: ServiceRecord,
): ServiceRecord {
  const dependsOn = input.dependsOn?.map(
    (d, i) => parseRef(d, REF_KIND.service, namespace, `/dependsOn/${i}`).ref,
  );
  const keepRelations = (base?.relations ?? []).filter((r) => r.type !== 'dependsOn');
  return {
    namespace,
    name,
    title: input.title !== undefined ? input.title : (base?.title ?? null),
    description: input.description !== undefined ? input.description : (base?.description ?? null),
    ownerRef:
      input.owner === undefined
        ? (base?.ownerRef ?? null)
        : input.owner && parseRef(input.owner, REF_KIND.team, namespace, '/owner').ref,
    type: input.type !== undefined ? input.type : (base?.type ?? 'service'),
    tier: input.tier ?? base?.tier ?? DEFAULT_TIER,
    lifecycle: input.lifecycle ?? base?.lifecycle ?? DEFAULT_LIFECYCLE,
    systemRef:
      input.system === undefined
        ? (base?.systemRef ?? null)
        : input.system && parseRef(input.system, 'system', namespace, '/system').ref,
    tags: input.tags ?? base?.tags ?? [],
    links: input.links ?? base?.links ?? [],
    business: input.business ?? base?.business ?? {},
    annotations: input.annotations ?? base?.annotations ?? {},
    labels: input.labels ?? base?.labels ?? {},
    relations: dependsOn
      ? [...keepRelations, ...dependsOn.map((target) => ({ type: 'dependsOn', target }))]
      : (base?.relations ?? []),
  };
}

export async function loadServiceRecord(
  db: Kysely<Database>,
  row: Selectable<ServicesTable>,
): Promise<ServiceRecord> {
  const ref = refOf(REF_KIND.service, row.namespace, row.name);
  const rel = await db
    .selectFrom('relations')
    .select(['type', 'target_ref'])
    .where('source_ref', '=', ref)
    .orderBy('type')
    .orderBy('target_ref')
    .execute();
  return {
    namespace: row.namespace,
    name: row.name,
    title: row.title,
    description: row.description,
    ownerRef: row.owner_ref,
    type: row.type,
    tier: row.tier,
    lifecycle: row.lifecycle,
    systemRef: row.system_ref,
    tags: json.parse(row.tags),
    links: json.parse(row.links),
    business: json.parse(row.business),
    annotations: json.parse(row.annotations),
    labels: json.parse(row.labels),
    relations: rel.map((r) => ({ type: r.type, target: r.target_ref })),
  };
}

/**
 * Writes a service and its relations, resolving the owner through teams. No authorisation here.
 * `upsert` (apply) updates a service that exists; `insert` (create) never does, so a create that
 * loses a race to another create fails on the unique constraint instead of overwriting it.
 */
export async function writeServiceRecord(
  db: Kysely<Database>,
  record: ServiceRecord,
  mode: 'upsert' | 'insert' = 'upsert',
): Promise<string> {
  const ref = refOf(REF_KIND.service, record.namespace, record.name);
  let ownerTeamId: string | null = null;
  if (record.ownerRef) ownerTeamId = (await findTeamByRef(db, record.ownerRef))?.id ?? null;
  const now = Date.now();
  const columns = {
    title: record.title,
    description: record.description,
    owner_ref: record.ownerRef,
    owner_team_id: ownerTeamId,
    type: record.type,
    tier: record.tier,
    lifecycle: record.lifecycle,
    system_ref: record.systemRef,
    tags: json.stringify(record.tags),
    links: json.stringify(record.links),
    business: json.stringify(record.business),
    annotations: json.stringify(record.annotations),
    labels: json.stringify(record.labels),
    updated_at: now,
  };
  const existing =
    mode === 'insert'
      ? undefined
      : await db
          .selectFrom('services')
          .select('id')
          .where('namespace', '=', record.namespace)
          .where('name', '=', record.name)
          .executeTakeFirst();
  let id: string;
  if (existing) {
    id = existing.id;
    await db.updateTable('services').set(columns).where('id', '=', id).execute();
  } else {
    id = uuidv7();
    await db
      .insertInto('services')
      .values({ id, namespace: record.namespace, name: record.name, created_at: now, ...columns })
      .execute();
  }
  await db.deleteFrom('relations').where('source_ref', '=', ref).execute();
  const unique = [...new Map(record.relations.map((r) => [`${r.type} ${r.target}`, r])).values()];
  if (unique.length > 0) {
    await db
      .insertInto('relations')
      .values(unique.map((r) => ({ source_ref: ref, type: r.type, target_ref: r.target })))
      .execute();
  }
  return id;
}

export async function deleteServiceRecord(
  db: Kysely<Database>,
  namespace: string,
  name: string,
): Promise<void> {
  const ref = refOf(REF_KIND.service, namespace, name);
  await db.deleteFrom('relations').where('source_ref', '=', ref).execute();
  await db.deleteFrom('services').where('namespace', '=', namespace).where('name', '=', name).execute();
}

async function authorise(db: Kysely<Database>, actor: Actor, ownerRef: string | null, what: string) {
  const ownerTeamId = ownerRef ? ((await findTeamByRef(db, ownerRef))?.id ?? null) : null;
  const verdict = canChangeOwned(actor, ownerTeamId, what);
  if (!verdict.allowed) throw new ForbiddenError(verdict.reason);
}

async function requireKnownOwner(db: Kysely<Database>, ownerRef: string | null) {
  if (ownerRef && !(await findTeamByRef(db, ownerRef))) {
    throw new InputError(
      `Owner '${ownerRef}' is not a known team.`,
      [{ path: '/owner', message: 'unknown team' }],
      'UNKNOWN_TEAM',
    );
  }
}

export async function createService(db: Kysely<Database>, ctx: Ctx, input: ServiceCreate): Promise<Service> {
  const namespace = input.namespace ?? 'default';
  const record = serviceRecordFromInput(namespace, input.name, input);
  await requireKnownOwner(db, record.ownerRef);
  await authorise(db, ctx.actor, record.ownerRef, `service '${input.name}'`);
  const exists = () =>
    new ConflictError(`Service '${shortName(namespace, input.name)}' already exists.`, 'SERVICE_EXISTS');
  if (await findServiceByRef(db, `${namespace}/${input.name}`)) throw exists();
  await unlessDuplicate(
    withTransaction(db, async (trx) => {
      await writeServiceRecord(trx, record, 'insert');
      await recordAudit(
        trx,
        ctx,
        'service.create',
        'service',
        refOf(REF_KIND.service, namespace, input.name),
      );
    }),
    exists,
  );
  return getService(db, `${namespace}/${input.name}`);
}

export async function updateService(
  db: Kysely<Database>,
  ctx: Ctx,
  ref: string,
  input: ServiceUpdate,
): Promise<Service> {
  const row = await requireService(db, ref);
  const base = await loadServiceRecord(db, row);
  await authorise(db, ctx.actor, base.ownerRef, `service '${row.name}'`);
  const record = serviceRecordFromInput(row.namespace, row.name, input, base);
  if (record.ownerRef !== base.ownerRef) {
    await requireKnownOwner(db, record.ownerRef);
    await authorise(db, ctx.actor, record.ownerRef, `the new owner of '${row.name}'`);
  }
  await withTransaction(db, async (trx) => {
    await writeServiceRecord(trx, record);
    await recordAudit(
      trx,
      ctx,
      'service.update',
      'service',
      refOf(REF_KIND.service, row.namespace, row.name),
      {
        changed: Object.keys(input),
      },
    );
  });
  return getService(db, refOf(REF_KIND.service, row.namespace, row.name));
}

export async function deleteService(db: Kysely<Database>, ctx: Ctx, ref: string): Promise<void> {
  const row = await requireService(db, ref);
  await authorise(db, ctx.actor, row.owner_ref, `service '${row.name}'`);
  await withTransaction(db, async (trx) => {
    await deleteServiceRecord(trx, row.namespace, row.name);
    await recordAudit(
      trx,
      ctx,
      'service.delete',
      'service',
      refOf(REF_KIND.service, row.namespace, row.name),
    );
  });
}
