import type { DependencyGraph } from '@headroom/core/api/catalog';
import { DEPENDENCY_RELATIONS, walkDependencies } from '@headroom/core/catalog/dependency-graph';
import { NotFoundError } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { parseRef, REF_KIND, refOf } from './refs.js';

/**
 * Upstream = what an entity depends on (directly, or through the APIs it consumes);
 * downstream = what depends on it, i.e. who is hurt when it fails. `service` scope starts from a
 * service; `entity` scope from the other Backstage kinds (a bare name means a Resource, since
 * "what depends on this database?" is the usual question).
 */
export async function dependencyGraph(
  db: Kysely<Database>,
  input: string,
  direction: 'upstream' | 'downstream',
  maxDepth: number,
  scope: 'service' | 'entity',
): Promise<DependencyGraph> {
  const target = parseRef(input, scope === 'service' ? REF_KIND.service : 'resource', undefined, 'ref');
  const known = await knownRefs(db);
  const wrongKind = scope === 'service' ? target.kind !== REF_KIND.service : target.kind === REF_KIND.service;
  if (wrongKind || !known.has(target.ref)) {
    if (scope === 'service') throw new NotFoundError('Service', input, 'SERVICE_NOT_FOUND');
    throw new NotFoundError('Entity', input, 'ENTITY_NOT_FOUND');
  }
  const rows = await db
    .selectFrom('relations')
    .select(['source_ref', 'type', 'target_ref'])
    .where('type', 'in', [...DEPENDENCY_RELATIONS])
    .execute();
  const relations = rows.map((r) => ({ source: r.source_ref, type: r.type, target: r.target_ref }));
  const nodes = walkDependencies(relations, target.ref, direction, maxDepth, (ref) => known.has(ref));
  return { root: target.ref, direction, nodes };
}

async function knownRefs(db: Kysely<Database>): Promise<Set<string>> {
  const out = new Set<string>();
  for (const s of await db.selectFrom('services').select(['namespace', 'name']).execute()) {
    out.add(refOf(REF_KIND.service, s.namespace, s.name));
  }
  for (const e of await db.selectFrom('entities').select(['kind', 'namespace', 'name']).execute()) {
    out.add(refOf(e.kind, e.namespace, e.name));
  }
  return out;
}

/**
 * For catalog-aware inhibition: the services that depend on a service (by name, as alerts label
 * it), directly or through others, read from the relations once and memoised per service.
 */
export async function dependantsResolver(
  db: Kysely<Database>,
): Promise<(service: string) => ReadonlySet<string>> {
  const rows = await db
    .selectFrom('relations')
    .select(['source_ref', 'type', 'target_ref'])
    .where('type', 'in', [...DEPENDENCY_RELATIONS])
    .execute();
  const relations = rows.map((r) => ({ source: r.source_ref, type: r.type, target: r.target_ref }));
  const memo = new Map<string, ReadonlySet<string>>();
  return (service) => {
    let found = memo.get(service);
    if (!found) {
      let start: string;
      try {
        start = parseRef(service, REF_KIND.service, undefined, 'service').ref;
      } catch {
        return new Set();
      }
      const nodes = walkDependencies(relations, start, 'downstream', 50, () => true);
      found = new Set(nodes.filter((n) => n.kind === REF_KIND.service).map((n) => n.name));
      memo.set(service, found);
    }
    return found;
  };
}
