import type { CatalogEntity } from '@headroom/core/api/catalog';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { iso, json, refOf, shortName } from './refs.js';

/** System, Domain, API and Resource entities with their outgoing relations. */
export async function listEntities(db: Kysely<Database>, kind?: string): Promise<CatalogEntity[]> {
  let q = db.selectFrom('entities').selectAll().orderBy('kind').orderBy('namespace').orderBy('name');
  if (kind) q = q.where('kind', '=', kind.toLowerCase());
  const rows = await q.execute();
  const teamIds = [...new Set(rows.map((r) => r.owner_team_id).filter((x): x is string => x !== null))];
  const teams = new Map<string, string>();
  if (teamIds.length > 0) {
    for (const t of await db
      .selectFrom('teams')
      .select(['id', 'name', 'namespace'])
      .where('id', 'in', teamIds)
      .execute()) {
      teams.set(t.id, shortName(t.namespace, t.name));
    }
  }
  const refs = rows.map((r) => refOf(r.kind, r.namespace, r.name));
  const relations = new Map<string, { type: string; target: string }[]>();
  if (refs.length > 0) {
    const rel = await db
      .selectFrom('relations')
      .selectAll()
      .where('source_ref', 'in', refs)
      .orderBy('type')
      .orderBy('target_ref')
      .execute();
    for (const r of rel)
      relations.set(r.source_ref, [
        ...(relations.get(r.source_ref) ?? []),
        { type: r.type, target: r.target_ref },
      ]);
  }
  return rows.map((r) => {
    const ref = refOf(r.kind, r.namespace, r.name);
    return {
      id: r.id,
      ref,
      kind: r.kind,
      name: r.name,
      namespace: r.namespace,
      title: r.title,
      description: r.description,
      owner: r.owner_ref,
      ownerTeam: r.owner_team_id ? (teams.get(r.owner_team_id) ?? null) : null,
      spec: json.parse(r.spec),
      tags: json.parse(r.tags),
      links: json.parse(r.links),
      annotations: json.parse(r.annotations),
      labels: json.parse(r.labels),
      relations: relations.get(ref) ?? [],
      createdAt: iso(r.created_at),
      updatedAt: iso(r.updated_at),
    };
  });
}
