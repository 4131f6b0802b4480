/**
 * SLOs for readers: the API's list and detail (definition now, status once the evaluator runs),
 * resolved models for the evaluator, ingest and the Prometheus poller, and the OpenSLO export.
 * SLOs are written by apply (config as code) only.
 */
import type { Slo as SloDto, SloListQuery } from '@headroom/core/api/slo';
import type { Actor } from '@headroom/core/auth/policy';
import {
  EXPORT_KIND_ORDER,
  type MissingReference,
  type OpenSloIndex,
  openSloRef,
  resolveSlo,
  toOpenSloYaml,
} from '@headroom/core/config/openslo/index';
import { NotFoundError } from '@headroom/core/errors';
import type { Slo } from '@headroom/core/slo/model';
import type { Kysely, Selectable } from 'kysely';
import type { Database, SlosTable } from '../../db/schema.js';
import { iso, json, parseRef, REF_KIND, refOf, shortName } from '../catalog/refs.js';
import { REDACTED, redactDataSourceDocument } from '../secrets/datasources.js';
import { loadStatuses } from '../slo-status/repo.js';
import { loadOpenSloIndex, loadOpenSloRecords, loadSloRecord, type OpenSloRecord } from './repo.js';
import { definitionView } from './views.js';

/** An SLO with every reference resolved, as the evaluator, ingest and the poller read it. */
export interface ResolvedSlo {
  id: string;
  name: string;
  /** `component:namespace/name` of its catalog service, if spec.service forms one. */
  serviceRef: string | null;
  slo: Slo;
  /** References that name nothing stored (those parts are null in `slo`). */
  missing: MissingReference[];
  createdAt: number;
  updatedAt: number;
}

function resolveRow(row: Selectable<SlosTable>, index: OpenSloIndex): ResolvedSlo {
  const { slo, missing } = resolveSlo(json.parse<Slo>(row.definition), index);
  return {
    id: row.id,
    name: row.name,
    serviceRef: row.service_ref,
    slo,
    missing,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function selectRows(db: Kysely<Database>, filter: SloListQuery) {
  let q = db.selectFrom('slos').selectAll().orderBy('name');
  if (filter.service)
    q = q.where('service_ref', '=', parseRef(filter.service, REF_KIND.service, undefined, 'service').ref);
  if (filter.team) {
    const t = parseRef(filter.team, REF_KIND.team, undefined, 'team');
    const services = await db
      .selectFrom('services')
      .innerJoin('teams', 'teams.id', 'services.owner_team_id')
      .select(['services.namespace', 'services.name'])
      .where('teams.namespace', '=', t.namespace)
      .where('teams.name', '=', t.name)
      .execute();
    const refs = services.map((s) => refOf(REF_KIND.service, s.namespace, s.name));
    if (refs.length === 0) return [];
    q = q.where('service_ref', 'in', refs);
  }
  return q.execute();
}

/** Every SLO (or those of a service or team) with references resolved, for the SLO engines. */
export async function listResolvedSlos(
  db: Kysely<Database>,
  filter: SloListQuery = {},
): Promise<ResolvedSlo[]> {
  const rows = await selectRows(db, filter);
  if (rows.length === 0) return [];
  const index = await loadOpenSloIndex(db);
  return rows.map((r) => resolveRow(r, index));
}

/** The catalog services named by these SLOs, with their owning team's short name. */
async function serviceOwners(db: Kysely<Database>, refs: string[]) {
  const out = new Map<string, string | null>();
  const wanted = new Set(refs);
  if (wanted.size === 0) return out;
  const rows = await db
    .selectFrom('services')
    .leftJoin('teams', 'teams.id', 'services.owner_team_id')
    .select(['services.namespace', 'services.name', 'teams.namespace as team_ns', 'teams.name as team_name'])
    .execute();
  for (const r of rows) {
    const ref = refOf(REF_KIND.service, r.namespace, r.name);
    if (wanted.has(ref)) out.set(ref, r.team_name && r.team_ns ? shortName(r.team_ns, r.team_name) : null);
  }
  return out;
}

async function views(db: Kysely<Database>, slos: ResolvedSlo[]): Promise<SloDto[]> {
  const owners = await serviceOwners(
    db,
    slos.map((s) => s.serviceRef).filter((r): r is string => r !== null),
  );
  const statuses = await loadStatuses(
    db,
    slos.map((s) => s.name),
  );
  return slos.map(({ id, slo, serviceRef, missing, createdAt, updatedAt }) => ({
    id,
    name: slo.name,
    displayName: slo.displayName,
    description: slo.description,
    service: slo.service,
    serviceRef,
    serviceInCatalog: serviceRef !== null && owners.has(serviceRef),
    ownerTeam: (serviceRef && owners.get(serviceRef)) ?? null,
    labels: slo.labels,
    annotations: slo.annotations,
    definition: definitionView(slo, missing),
    status: statuses.get(slo.name) ?? null,
    createdAt: iso(createdAt),
    updatedAt: iso(updatedAt),
  }));
}

export async function listSlos(db: Kysely<Database>, filter: SloListQuery = {}): Promise<SloDto[]> {
  const { status, ...rest } = filter;
  const all = await views(db, await listResolvedSlos(db, rest));
  return status ? all.filter((s) => s.status?.state === status) : all;
}

export async function getResolvedSlo(db: Kysely<Database>, name: string): Promise<ResolvedSlo> {
  const row = await db.selectFrom('slos').selectAll().where('name', '=', name).executeTakeFirst();
  if (!row) throw new NotFoundError('SLO', name, 'SLO_NOT_FOUND');
  return resolveRow(row, await loadOpenSloIndex(db));
}

export async function getSlo(db: Kysely<Database>, name: string): Promise<SloDto> {
  const [view] = await views(db, [await getResolvedSlo(db, name)]);
  return view!;
}

/** Every OpenSLO object these refs name, directly or through others (an SLI's DataSource). */
function closure(start: string[], records: Map<string, OpenSloRecord>, edges: Map<string, string[]>) {
  const seen = new Set<string>();
  const queue = [...start];
  while (queue.length > 0) {
    const ref = queue.pop()!;
    for (const target of edges.get(ref) ?? []) {
      if (seen.has(target) || !records.has(target)) continue;
      seen.add(target);
      queue.push(target);
    }
  }
  return seen;
}

/**
 * OpenSLO v1 YAML of the SLOs (all, or one service's) and the objects they use, each document
 * as it was applied. Without a service filter every stored OpenSLO object is included.
 * DataSources may hold credentials: only admins get them; for others they are left out (the
 * export still applies against this Headroom, whose DataSources stay as they are).
 */
export async function exportOpenSlo(
  db: Kysely<Database>,
  actor: Actor,
  filter: { service?: string | undefined },
): Promise<string> {
  const rows = await selectRows(db, filter.service ? { service: filter.service } : {});
  const records = new Map((await loadOpenSloRecords(db)).map((r) => [openSloRef(r.kind, r.name), r]));
  let included: Set<string>;
  if (filter.service) {
    const edges = new Map<string, string[]>();
    for (const e of await db.selectFrom('openslo_references').selectAll().execute()) {
      edges.set(e.source_ref, [...(edges.get(e.source_ref) ?? []), e.target_ref]);
    }
    const sloRefs = rows.map((r) => openSloRef('SLO', r.name));
    included = closure(sloRefs, records, edges);
    for (const r of rows) {
      const service = openSloRef('Service', r.service);
      if (records.has(service)) included.add(service);
    }
  } else {
    included = new Set(records.keys());
  }
  const admin = actor.role === 'admin';
  const objects = [...included]
    .map((ref) => records.get(ref)!)
    .filter((r) => admin || r.kind !== 'DataSource')
    .sort(
      (a, b) =>
        EXPORT_KIND_ORDER.indexOf(a.kind) - EXPORT_KIND_ORDER.indexOf(b.kind) || (a.name < b.name ? -1 : 1),
    );
  const omitted = [...included].some((ref) => records.get(ref)?.kind === 'DataSource') && !admin;
  const comment = [
    `OpenSLO v1, exported by Headroom: ${rows.length} SLO${rows.length === 1 ? '' : 's'}${filter.service ? ` of service ${filter.service}` : ''}.`,
    ...(omitted
      ? ['DataSources are left out (they may hold credentials); an admin export includes them.']
      : objects.some((o) => o.kind === 'DataSource')
        ? [
            `DataSource credentials are shown as ${REDACTED}; applying this file keeps the values Headroom holds.`,
          ]
        : []),
  ].join('\n');
  // Credentials never leave Headroom; applying the export keeps the values held (secrets/datasources.ts).
  const documents = [
    ...objects.map((o) => (o.kind === 'DataSource' ? redactDataSourceDocument(o.document) : o.document)),
    ...rows.map((r) => loadSloRecord(r).document),
  ];
  return toOpenSloYaml(documents, comment);
}
