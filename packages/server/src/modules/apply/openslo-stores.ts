/**
 * Apply stores for OpenSLO v1: SLOs (table `slos`) and every other kind (`openslo_objects`).
 *
 * Ownership: an SLO belongs to the team that owns its catalog service (`spec.service`); an
 * editor of that team may change it, an SLO whose service is not in the catalog only an admin.
 * The other OpenSLO objects belong to the SLOs that use them: an editor may change one when
 * they may change every SLO using it (directly, or through an SLI or AlertPolicy); one no SLO
 * uses, any editor.
 *
 * References: an SLO's `indicatorRef` must name an SLI of the same apply or a stored one (else
 * the apply is refused); other unresolved references are warnings. Pruning an SLI that a
 * remaining SLO uses is refused.
 */
import { type Actor, canChangeOwned, type Verdict } from '@headroom/core/auth/policy';
import { parseEntityRef } from '@headroom/core/catalog/entity-ref';
import type { ServiceObject } from '@headroom/core/config/catalog-objects';
import {
  indicatorProblems,
  isOpenSloObject,
  isSloObject,
  OPENSLO_OBJECT_TYPE,
  OPENSLO_REF_KIND,
  type OpenSloObject,
  openSloKindOfRef,
  openSloRef,
  referencedIndicatorProblems,
  type SloObject,
} from '@headroom/core/config/openslo/index';
import { formatPath, toPointer } from '@headroom/core/config/path';
import type { DesiredObject, PathSegment } from '@headroom/core/config/types';
import type { FieldProblem } from '@headroom/core/errors';
import type { Sli } from '@headroom/core/slo/model';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { ownerTeamId } from '../catalog/records.js';
import { json } from '../catalog/refs.js';
import { comparableDataSources, REDACTED, unfilledRedactions } from '../secrets/datasources.js';
import {
  deleteObjectRecord,
  deleteSloRecord,
  findObjectRow,
  findSloRow,
  loadObjectRecord,
  loadSloRecord,
  type OpenSloRecord,
  referrersOf,
  type SloRecord,
  sloRecord,
  slosUsing,
  writeObjectRecord,
  writeSloRecord,
} from '../slos/repo.js';
import type { ApplyStore, ChangeToAuthorise, PlanCheck, PlanContext } from './stores.js';

/** The team owning the catalog service an SLO names; a service declared in the same apply counts. */
/** The team owning a catalog service (by ref); a service declared in the same apply counts. */
export async function serviceOwnerTeam(
  db: Kysely<Database>,
  serviceRef: string | null,
  declared?: (ref: string) => DesiredObject | undefined,
): Promise<string | null> {
  if (!serviceRef) return null;
  const inFiles = declared?.(serviceRef);
  if (inFiles?.type === 'service') return ownerTeamId(db, (inFiles.data as ServiceObject).ownerRef);
  const r = parseEntityRef(serviceRef);
  const row = await db
    .selectFrom('services')
    .select('owner_team_id')
    .where('namespace', '=', r.namespace)
    .where('name', '=', r.name)
    .executeTakeFirst();
  return row?.owner_team_id ?? null;
}

async function authoriseSlo(db: Kysely<Database>, actor: Actor, change: ChangeToAuthorise<SloRecord>) {
  if (change.current) {
    const before = await serviceOwnerTeam(db, change.current.record.serviceRef, change.declared);
    const verdict = canChangeOwned(actor, before, change.what);
    if (!verdict.allowed) return verdict;
  }
  if (change.desired && (!change.current || change.desired.serviceRef !== change.current.record.serviceRef)) {
    return canChangeOwned(
      actor,
      await serviceOwnerTeam(db, change.desired.serviceRef, change.declared),
      change.what,
    );
  }
  return { allowed: true } as const;
}

async function authoriseObject(
  db: Kysely<Database>,
  actor: Actor,
  change: ChangeToAuthorise<OpenSloRecord>,
): Promise<Verdict> {
  if (actor.role !== 'editor') return canChangeOwned(actor, null, change.what);
  const record = (change.desired ?? change.current?.record)!;
  for (const name of await slosUsing(db, openSloRef(record.kind, record.name))) {
    const row = await findSloRow(db, name);
    const team = row ? await serviceOwnerTeam(db, row.service_ref, change.declared) : null;
    const verdict = canChangeOwned(actor, team, `${change.what} (used by SLO '${name}')`);
    if (!verdict.allowed) return verdict;
  }
  return { allowed: true };
}

/** The fields that differ; a change of the document's form only (targetPercent for target) is `document`. */
function diffDefinitions(
  current: { definition: unknown; document: unknown },
  desired: { definition: unknown; document: unknown },
): string[] {
  const a = current.definition as Record<string, unknown>;
  const b = desired.definition as Record<string, unknown>;
  const changed = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => json.stringify(a[k] ?? null) !== json.stringify(b[k] ?? null))
    .sort();
  if (changed.length > 0) return changed;
  return json.stringify(current.document) === json.stringify(desired.document) ? [] : ['document'];
}

function problemAt(object: DesiredObject, path: PathSegment[], message: string): FieldProblem {
  const at = object.locate?.(path) ?? object.source;
  return { path: toPointer(path), message, file: at.file, line: at.line, column: at.column };
}

async function verifySlos(db: Kysely<Database>, plan: PlanContext): Promise<PlanCheck> {
  const warnings: PlanCheck['warnings'] = [];
  const problems: FieldProblem[] = [];
  const declaredSlis = new Map<string, DesiredObject<OpenSloObject>>();
  for (const o of plan.objects.filter(isOpenSloObject))
    if (o.data.kind === 'SLI') declaredSlis.set(o.data.name, o);
  const stored = new Map<string, Sli | undefined>();
  const storedSli = async (name: string) => {
    if (plan.removed.has(openSloRef('SLI', name))) return undefined;
    if (!stored.has(name)) {
      const row = await findObjectRow(db, 'SLI', name);
      stored.set(name, row ? (loadObjectRecord(row).definition as Sli) : undefined);
    }
    return stored.get(name);
  };
  const slos = plan.objects.filter(isSloObject);

  // Declared SLOs whose indicatorRef names no SLI of these files: the stored one, or an error.
  for (const o of slos) {
    const slo = o.data.slo;
    const inFiles = referencedIndicatorProblems(slo, (n) => {
      const d = declaredSlis.get(n);
      return d?.data.kind === 'SLI' ? d.data.definition : undefined;
    });
    for (const { name, path } of inFiles.unresolved) {
      const sli = await storedSli(name);
      if (!sli) {
        problems.push(
          problemAt(o, path, `names no SLI: '${name}' is neither in these files nor stored in Headroom`),
        );
        continue;
      }
      const index = path.length > 2 ? (path[2] as number) : null;
      for (const p of indicatorProblems(slo, sli, index)) problems.push(problemAt(o, p.path, p.message));
    }
  }

  // A declared SLI must still fit the stored SLOs (not in these files) that use it.
  for (const [name, o] of declaredSlis) {
    if (o.data.kind !== 'SLI') continue;
    const sli = o.data.definition;
    for (const ref of (await referrersOf(db, [o.ref])).get(o.ref) ?? []) {
      if (!ref.startsWith(`${OPENSLO_REF_KIND.SLO}:`) || plan.declared.has(ref) || plan.removed.has(ref))
        continue;
      const row = await findSloRow(db, parseEntityRef(ref).name);
      if (!row) continue;
      const slo = loadSloRecord(row).definition;
      const uses: (number | null)[] = slo.indicatorRef === name ? [null] : [];
      slo.objectives.forEach((ob, i) => {
        if (ob.indicatorRef === name) uses.push(i);
      });
      for (const index of uses) {
        for (const p of indicatorProblems(slo, sli, index)) {
          problems.push(
            problemAt(
              o,
              ['spec'],
              `no longer fits the stored SLO '${slo.name}': its ${formatPath(p.path)} ${p.message}`,
            ),
          );
        }
      }
    }
  }

  // Pruning an SLI that a remaining stored SLO uses would leave that SLO without an indicator.
  const prunedSlis = [...plan.removed].filter((r) => r.startsWith(`${OPENSLO_REF_KIND.SLI}:`));
  for (const [sliRef, users] of await referrersOf(db, prunedSlis)) {
    for (const ref of users.filter(
      (u) => u.startsWith('slo:') && !plan.removed.has(u) && !plan.declared.has(u),
    )) {
      problems.push({
        path: '',
        message: `pruning ${sliRef} would leave ${ref} without its indicator: keep the SLI in the files or remove the SLO too`,
      });
    }
  }

  // An SLO is owned through its catalog service; without one, only admins may change it.
  for (const o of slos) {
    const record = sloRecord(o.data.slo, o.data.document);
    const known =
      record.serviceRef !== null &&
      !plan.removed.has(record.serviceRef) &&
      (plan.declared.has(record.serviceRef) || (await serviceExists(db, record.serviceRef)));
    if (known) continue;
    const at = o.locate?.(['spec', 'service']) ?? o.source;
    warnings.push({
      message: `SLO '${record.name}': service '${record.service}' is not in the catalog, so the SLO has no owning team and only admins can change it; add the service (a Backstage Component, or headroom services create) to give it one.`,
      file: at.file,
      line: at.line,
      path: '/spec/service',
    });
  }
  return { warnings, problems };
}

async function serviceExists(db: Kysely<Database>, serviceRef: string): Promise<boolean> {
  const r = parseEntityRef(serviceRef);
  const row = await db
    .selectFrom('services')
    .select('id')
    .where('namespace', '=', r.namespace)
    .where('name', '=', r.name)
    .executeTakeFirst();
  return row !== undefined;
}

export const sloStore: ApplyStore<SloObject, SloRecord> = {
  type: OPENSLO_OBJECT_TYPE.slo,
  refKinds: [OPENSLO_REF_KIND.SLO],
  // After the catalog (its services own SLOs) and after the objects SLOs refer to.
  order: 60,
  auditKind: 'slo',
  toRecord: (data) => sloRecord(data.slo, data.document),
  async load(db, ref) {
    const row = await findSloRow(db, ref.name);
    return row ? { id: row.id, record: loadSloRecord(row) } : undefined;
  },
  diff: diffDefinitions,
  authorise: authoriseSlo,
  write: writeSloRecord,
  remove: (db, ref) => deleteSloRecord(db, ref.name),
  verify: verifySlos,
};

export const openSloObjectStore: ApplyStore<OpenSloObject, OpenSloRecord> = {
  type: OPENSLO_OBJECT_TYPE.object,
  refKinds: Object.entries(OPENSLO_REF_KIND)
    .filter(([kind]) => kind !== 'SLO')
    .map(([, refKind]) => refKind),
  order: 50,
  auditKind: 'openslo',
  toRecord: (data) => data,
  async load(db, ref) {
    const kind = openSloKindOfRef(ref.kind);
    const row = kind ? await findObjectRow(db, kind, ref.name) : undefined;
    return row ? { id: row.id, record: loadObjectRecord(row) } : undefined;
  },
  // Stored credentials are sealed: compare them in the open (`<redacted>` standing for the value held).
  diff: (current, desired) => diffDefinitions(...comparableDataSources(current, desired)),
  authorise: authoriseObject,
  write: writeObjectRecord,
  verify: verifyDataSources,
  async remove(db, ref) {
    const kind = openSloKindOfRef(ref.kind);
    if (kind) await deleteObjectRecord(db, kind, ref.name);
  },
};

/** A `<redacted>` credential (from an export) with no value held for it: applied, but say so. */
async function verifyDataSources(db: Kysely<Database>, plan: PlanContext): Promise<PlanCheck> {
  const warnings: PlanCheck['warnings'] = [];
  for (const o of plan.objects.filter(isOpenSloObject)) {
    if (o.data.kind !== 'DataSource') continue;
    const row = await findObjectRow(db, 'DataSource', o.data.name);
    const fields = unfilledRedactions(o.data, row && loadObjectRecord(row));
    if (fields.length === 0) continue;
    const at = o.locate?.(['spec', 'connectionDetails']) ?? o.source;
    warnings.push({
      message: `DataSource '${o.data.name}': ${fields.join(', ')} ${fields.length === 1 ? 'is' : 'are'} '${REDACTED}' (as an export shows credentials) and Headroom holds no value for ${fields.length === 1 ? 'it' : 'them'}; polling through this DataSource fails until it is applied with the value.`,
      file: at.file,
      line: at.line,
      path: '/spec/connectionDetails',
    });
  }
  return { warnings, problems: [] };
}

export const openSloStores = [sloStore, openSloObjectStore] as unknown as readonly ApplyStore[];
