/**
 * Whether a ref names something: declared in the files being applied, or stored already (and
 * not being pruned). References that name nothing are warnings: the object is stored with its
 * ref as written, and links up when the target appears (owners through resolveOwners).
 */
import type { PlanWarning } from '@headroom/core/api/apply';
import { type EntityRef, parseEntityRef } from '@headroom/core/catalog/entity-ref';
import { formatPath, pointerToPath } from '@headroom/core/config/path';
import type { DesiredObject } from '@headroom/core/config/types';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ApplyStore } from './stores.js';

export class CatalogLookup {
  private readonly cache = new Map<string, Promise<boolean>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly declared: ReadonlySet<string>,
    private readonly removed: ReadonlySet<string>,
    private readonly storeOfKind: (kind: string) => ApplyStore | undefined,
  ) {}

  exists(ref: string): Promise<boolean> {
    if (this.declared.has(ref)) return Promise.resolve(true);
    if (this.removed.has(ref)) return Promise.resolve(false);
    let found = this.cache.get(ref);
    if (!found) {
      found = this.lookup(parseEntityRef(ref));
      this.cache.set(ref, found);
    }
    return found;
  }

  private async lookup(ref: EntityRef): Promise<boolean> {
    const store = this.storeOfKind(ref.kind);
    return store ? (await store.load(this.db, ref)) !== undefined : false;
  }
}

export async function unresolvedReferences(
  objects: readonly DesiredObject[],
  lookup: CatalogLookup,
): Promise<PlanWarning[]> {
  const warnings: PlanWarning[] = [];
  for (const o of objects) {
    for (const r of o.references) {
      if (await lookup.exists(r.ref)) continue;
      warnings.push({
        message: `${o.kind} '${o.ref}': ${formatPath(pointerToPath(r.path))} '${r.ref}' is not in Headroom or in these files; kept as written.`,
        file: r.position.file,
        line: r.position.line,
        path: r.path,
      });
    }
  }
  return warnings;
}
