/**
 * The plan: for every desired object, compare its normalized record with what is stored and
 * decide create / update (with the fields that differ) / unchanged; with prune, delete what an
 * earlier apply created and the files no longer declare. Reads only.
 */
import type { PlanAction, PlanWarning } from '@headroom/core/api/apply';
import { type EntityRef, parseEntityRef } from '@headroom/core/catalog/entity-ref';
import { CONFIG_ERROR_CODES, type CompiledConfig } from '@headroom/core/config/compile';
import { formatPath, pointerToPath } from '@headroom/core/config/path';
import type { DesiredObject } from '@headroom/core/config/types';
import { type FieldProblem, InputError } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { type MembershipPlan, planMemberships } from './memberships.js';
import { CatalogLookup, unresolvedReferences } from './references.js';
import type { ApplyStore, CurrentState } from './stores.js';

export interface PlannedChange {
  store: ApplyStore;
  action: PlanAction;
  ref: string;
  entityRef: EntityRef;
  /** Kind as written (`Component`), or as recorded for deletions. */
  kind: string;
  object?: DesiredObject;
  desired?: unknown;
  current?: CurrentState;
  changes: string[];
}

export interface Plan {
  changes: PlannedChange[];
  warnings: PlanWarning[];
  memberships: MembershipPlan;
  /** applied_objects rows whose object is gone already (deleted through the API). */
  staleApplied: string[];
}

export class StoreIndex {
  private readonly byType = new Map<string, ApplyStore>();
  private readonly byKind = new Map<string, ApplyStore>();

  constructor(stores: readonly ApplyStore[]) {
    for (const s of stores) {
      this.byType.set(s.type, s);
      for (const k of s.refKinds) this.byKind.set(k, s);
    }
  }

  forObject(o: DesiredObject): ApplyStore {
    const store = this.byType.get(o.type);
    if (!store) throw new Error(`No apply store for objects of type '${o.type}' (${o.kind}).`);
    return store;
  }

  forRefKind(kind: string): ApplyStore | undefined {
    return this.byKind.get(kind);
  }

  all(): ApplyStore[] {
    return [...this.byType.values()];
  }
}

/** Problems found against what is stored: the same 400 INVALID_CONFIG as a document problem. */
function planError(problems: FieldProblem[]): InputError {
  const f = problems[0]!;
  const where = f.file ? `${f.file}${f.line ? `:${f.line}:${f.column ?? 1}` : ''}: ` : '';
  const field = f.path ? `${formatPath(pointerToPath(f.path))} ` : '';
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new InputError(`${where}${field}${f.message}${more}`, problems, CONFIG_ERROR_CODES.schema);
}

const DISPLAY_KIND: Record<string, string> = { api: 'API' };
const displayKind = (kind: string) => DISPLAY_KIND[kind] ?? kind.charAt(0).toUpperCase() + kind.slice(1);

async function pruneCandidates(
  db: Kysely<Database>,
  stores: StoreIndex,
  declared: ReadonlySet<string>,
): Promise<{ deletes: PlannedChange[]; stale: string[] }> {
  const rows = await db.selectFrom('applied_objects').select(['kind', 'ref']).orderBy('applied_at').execute();
  const deletes: PlannedChange[] = [];
  const stale: string[] = [];
  for (const row of rows) {
    if (declared.has(row.ref)) continue;
    const entityRef = parseEntityRef(row.ref);
    const store = stores.forRefKind(entityRef.kind);
    if (!store) continue;
    const current = await store.load(db, entityRef);
    if (!current) stale.push(row.ref);
    else
      deletes.push({
        store,
        action: 'delete',
        ref: row.ref,
        entityRef,
        kind: row.kind || displayKind(entityRef.kind),
        current,
        changes: [],
      });
  }
  return { deletes, stale };
}

export async function computePlan(
  db: Kysely<Database>,
  compiled: CompiledConfig,
  stores: StoreIndex,
  prune: boolean,
): Promise<Plan> {
  const upserts: PlannedChange[] = [];
  for (const object of compiled.objects) {
    const store = stores.forObject(object);
    const entityRef = parseEntityRef(object.ref);
    const desired = store.toRecord(object.data);
    const current = await store.load(db, entityRef);
    const changes = current ? store.diff(current.record, desired) : [];
    const action: PlanAction = !current ? 'create' : changes.length > 0 ? 'update' : 'unchanged';
    upserts.push({
      store,
      action,
      ref: object.ref,
      entityRef,
      kind: object.kind,
      object,
      desired,
      current,
      changes,
    });
  }
  const declared = new Set(compiled.objects.map((o) => o.ref));
  const { deletes, stale } = prune ? await pruneCandidates(db, stores, declared) : { deletes: [], stale: [] };
  const removed = new Set(deletes.map((d) => d.ref));
  const lookup = new CatalogLookup(db, declared, removed, (kind) => stores.forRefKind(kind));
  const warnings = [...compiled.warnings, ...(await unresolvedReferences(compiled.objects, lookup))];
  const problems: FieldProblem[] = [];
  for (const store of stores.all()) {
    if (!store.verify) continue;
    const check = await store.verify(db, { objects: compiled.objects, declared, removed });
    warnings.push(...check.warnings);
    problems.push(...check.problems);
  }
  if (problems.length > 0) throw planError(problems);

  const memberships = await planMemberships(db, compiled.objects, lookup, removed);
  for (const change of upserts) {
    const field =
      memberships.teams.has(change.ref) && change.object?.type === 'team'
        ? 'members'
        : memberships.users.has(change.ref) && change.object?.type === 'user'
          ? 'teams'
          : undefined;
    if (!field || change.action === 'create') continue;
    change.action = 'update';
    change.changes.push(field);
  }

  // Writes in store order (teams before users before services), deletes in reverse.
  const stable = <T>(list: T[], key: (t: T) => number) =>
    list
      .map((t, i) => ({ t, i }))
      .sort((a, b) => key(a.t) - key(b.t) || a.i - b.i)
      .map(({ t }) => t);
  return {
    changes: [...stable(upserts, (c) => c.store.order), ...stable(deletes, (c) => -c.store.order)],
    warnings,
    memberships,
    staleApplied: stale,
  };
}
