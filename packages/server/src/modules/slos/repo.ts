/**
 * Rows of SLOs and the other OpenSLO objects: the normalized definition and the document as
 * written (JSON text), and the references between them. No authorisation or audit here;
 * apply does both.
 */
import { parseEntityRef } from '@headroom/core/catalog/entity-ref';
import {
  indexObjects,
  type OpenSloDefinition,
  type OpenSloIndex,
  objectReferences,
  openSloRef,
  sloReferences,
} from '@headroom/core/config/openslo/index';
import type { OpenSloKind, Slo } from '@headroom/core/slo/model';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database, SlosTable } from '../../db/schema.js';
import { json, REF_KIND, refOf } from '../catalog/refs.js';
import { deleteSloPollStates } from '../prometheus/poll-state.js';
import { sealDataSource } from '../secrets/datasources.js';

/** An SLO as stored: references by name, as declared. */
export interface SloRecord {
  name: string;
  /** spec.service as written. */
  service: string;
  /** The catalog service it names, `component:namespace/name`. */
  serviceRef: string | null;
  definition: Slo;
  document: unknown;
}

/** Every other OpenSLO kind as stored. */
export type OpenSloRecord = OpenSloDefinition & { name: string; document: unknown };

/** The catalog service an SLO's `spec.service` names: a name, `namespace/name` or a component ref. */
export function serviceRefOf(service: string): string | null {
  try {
    const r = parseEntityRef(service, { defaultKind: REF_KIND.service });
    return r.kind === REF_KIND.service ? refOf(r.kind, r.namespace, r.name) : null;
  } catch {
    return null;
  }
}

export function sloRecord(definition: Slo, document: unknown): SloRecord {
  return {
    name: definition.name,
    service: definition.service,
    serviceRef: serviceRefOf(definition.service),
    definition,
    document,
  };
}

export function findSloRow(db: Kysely<Database>, name: string) {
  return db.selectFrom('slos').selectAll().where('name', '=', name).executeTakeFirst();
}

export function loadSloRecord(row: Selectable<SlosTable>): SloRecord {
  return {
    name: row.name,
    service: row.service,
    serviceRef: row.service_ref,
    definition: json.parse<Slo>(row.definition),
    document: json.parse(row.document),
  };
}

async function replaceReferences(db: Kysely<Database>, sourceRef: string, targets: string[]): Promise<void> {
  await db.deleteFrom('openslo_references').where('source_ref', '=', sourceRef).execute();
  const unique = [...new Set(targets)];
  if (unique.length > 0) {
    await db
      .insertInto('openslo_references')
      .values(unique.map((target_ref) => ({ source_ref: sourceRef, target_ref })))
      .execute();
  }
}

export async function writeSloRecord(db: Kysely<Database>, record: SloRecord): Promise<void> {
  const now = Date.now();
  const columns = {
    display_name: record.definition.displayName,
    service: record.service,
    service_ref: record.serviceRef,
    definition: json.stringify(record.definition),
    document: json.stringify(record.document),
    updated_at: now,
  };
  const existing = await findSloRow(db, record.name);
  if (existing) await db.updateTable('slos').set(columns).where('id', '=', existing.id).execute();
  else
    await db
      .insertInto('slos')
      .values({ id: uuidv7(), name: record.name, created_at: now, ...columns })
      .execute();
  const refs = sloReferences(record.definition).map((r) => openSloRef(r.kind, r.name));
  await replaceReferences(db, openSloRef('SLO', record.name), refs);
}

export async function deleteSloRecord(db: Kysely<Database>, name: string): Promise<void> {
  await db.deleteFrom('openslo_references').where('source_ref', '=', openSloRef('SLO', name)).execute();
  await db.deleteFrom('slos').where('name', '=', name).execute();
  // A later SLO of the same name must start polling afresh, not from where this one stopped.
  await deleteSloPollStates(db, name);
}

export function findObjectRow(db: Kysely<Database>, kind: OpenSloKind, name: string) {
  return db
    .selectFrom('openslo_objects')
    .selectAll()
    .where('kind', '=', kind)
    .where('name', '=', name)
    .executeTakeFirst();
}

export function loadObjectRecord(row: { kind: string; name: string; definition: string; document: string }) {
  return {
    kind: row.kind,
    name: row.name,
    definition: json.parse(row.definition),
    document: json.parse(row.document),
  } as OpenSloRecord;
}

export async function writeObjectRecord(db: Kysely<Database>, given: OpenSloRecord): Promise<void> {
  const now = Date.now();
  const existing = await findObjectRow(db, given.kind, given.name);
  // Credentials are stored sealed; a `<redacted>` one keeps the value held (secrets/datasources.ts).
  const record = await sealDataSource(db, given, existing && loadObjectRecord(existing));
  const columns = {
    definition: json.stringify(record.definition),
    document: json.stringify(record.document),
    updated_at: now,
  };
  if (existing) await db.updateTable('openslo_objects').set(columns).where('id', '=', existing.id).execute();
  else
    await db
      .insertInto('openslo_objects')
      .values({ id: uuidv7(), kind: record.kind, name: record.name, created_at: now, ...columns })
      .execute();
  const refs = objectReferences(record).map((r) => openSloRef(r.kind, r.name));
  await replaceReferences(db, openSloRef(record.kind, record.name), refs);
}

export async function deleteObjectRecord(db: Kysely<Database>, kind: OpenSloKind, name: string) {
  await db.deleteFrom('openslo_references').where('source_ref', '=', openSloRef(kind, name)).execute();
  await db.deleteFrom('openslo_objects').where('kind', '=', kind).where('name', '=', name).execute();
}

/** Every stored OpenSLO object (not SLOs), for resolving references. */
export async function loadOpenSloRecords(db: Kysely<Database>): Promise<OpenSloRecord[]> {
  const rows = await db.selectFrom('openslo_objects').selectAll().orderBy('kind').orderBy('name').execute();
  return rows.map(loadObjectRecord);
}

export async function loadOpenSloIndex(db: Kysely<Database>): Promise<OpenSloIndex> {
  return indexObjects(await loadOpenSloRecords(db));
}

/** Refs of the objects that name `targetRef` directly. */
export async function referrersOf(
  db: Kysely<Database>,
  targetRefs: string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (targetRefs.length === 0) return out;
  const rows = await db
    .selectFrom('openslo_references')
    .select(['source_ref', 'target_ref'])
    .where('target_ref', 'in', targetRefs)
    .orderBy('source_ref')
    .execute();
  for (const r of rows) out.set(r.target_ref, [...(out.get(r.target_ref) ?? []), r.source_ref]);
  return out;
}

/** The SLOs that use an object, directly or through other objects (an SLI's DataSource). */
export async function slosUsing(db: Kysely<Database>, ref: string): Promise<string[]> {
  const slos = new Set<string>();
  let frontier = [ref];
  const seen = new Set(frontier);
  // SLO → AlertPolicy → AlertCondition is the longest chain; 4 rounds leave room.
  for (let depth = 0; depth < 4 && frontier.length > 0; depth++) {
    const referrers = [...(await referrersOf(db, frontier)).values()].flat();
    frontier = [];
    for (const source of referrers) {
      if (seen.has(source)) continue;
      seen.add(source);
      if (source.startsWith('slo:')) slos.add(parseEntityRef(source).name);
      else frontier.push(source);
    }
  }
  return [...slos].sort();
}

/**
 * A token that changes whenever an SLO or an OpenSLO object is created, changed or deleted (the
 * count and newest change of each table), so that the evaluator re-resolves SLOs only then.
 */
export async function definitionsVersion(db: Kysely<Database>): Promise<string> {
  const parts: string[] = [];
  for (const table of ['slos', 'openslo_objects'] as const) {
    const row = await db
      .selectFrom(table)
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('m')])
      .executeTakeFirstOrThrow();
    parts.push(`${Number(row.n)}:${row.m === null ? '' : Number(row.m)}`);
  }
  return parts.join('/');
}
