/**
 * Apply store for `headroom.dev/v1` BudgetCorrection (table `budget_corrections`).
 *
 * Ownership: a correction hides budget of the SLOs it selects, so an editor may create, change or
 * delete one only when every SLO it selects (before and after the change) belongs to a catalog
 * service their team owns, and, when it selects by `service`, that service is their team's too
 * (its future SLOs will be selected). Admins may change any. Selection is resolved against the
 * stored SLOs, with SLOs declared in the same apply taking the place of their stored version.
 * A correction that selects no SLO is a warning, not an error (its SLOs may come later).
 */
import { type Actor, canChangeOwned, type Verdict } from '@headroom/core/auth/policy';
import { parseEntityRef } from '@headroom/core/catalog/entity-ref';
import {
  BUDGET_CORRECTION_REF_KIND,
  BUDGET_CORRECTION_TYPE,
  type BudgetCorrectionObject,
  type CorrectionSelector,
  isBudgetCorrectionObject,
} from '@headroom/core/config/headroom/budget-correction';
import { isSloObject, openSloRef, type SloObject } from '@headroom/core/config/openslo/index';
import type { DesiredObject } from '@headroom/core/config/types';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import {
  type CorrectionRecord,
  deleteCorrection,
  findCorrection,
  type SelectableSlo,
  selects,
  writeCorrection,
} from '../corrections/repo.js';
import { serviceRefOf } from '../slos/repo.js';
import { listResolvedSlos } from '../slos/service.js';
import { serviceOwnerTeam } from './openslo-stores.js';
import {
  type ApplyStore,
  type ChangeToAuthorise,
  diffDefinitions,
  loadedDefinition,
  type PlanCheck,
  type PlanContext,
} from './stores.js';

type Declared = ((ref: string) => DesiredObject | undefined) | undefined;

const fromSloObject = (o: SloObject): SelectableSlo => ({
  name: o.slo.name,
  service: o.slo.service,
  labels: o.slo.labels,
});

/** The SLOs a selector picks: stored ones (in their declared form when re-declared) and declared ones. */
async function selectedSlos(
  db: Kysely<Database>,
  selector: CorrectionSelector,
  declared: Declared,
  alsoDeclared: readonly SelectableSlo[] = [],
): Promise<SelectableSlo[]> {
  const byName = new Map<string, SelectableSlo>();
  for (const r of await listResolvedSlos(db)) {
    const inFiles = declared?.(openSloRef('SLO', r.name));
    byName.set(
      r.name,
      inFiles && isSloObject(inFiles)
        ? fromSloObject(inFiles.data)
        : { name: r.name, service: r.slo.service, labels: r.slo.labels },
    );
  }
  for (const name of selector.slos) {
    const inFiles = declared?.(openSloRef('SLO', name));
    if (!byName.has(name) && inFiles && isSloObject(inFiles)) byName.set(name, fromSloObject(inFiles.data));
  }
  for (const s of alsoDeclared) byName.set(s.name, s);
  return [...byName.values()].filter((s) => selects(selector, s));
}

async function authoriseSelector(
  db: Kysely<Database>,
  actor: Actor,
  selector: CorrectionSelector,
  what: string,
  declared: Declared,
): Promise<Verdict> {
  if (selector.service !== null) {
    const ref = serviceRefOf(selector.service);
    const exists = ref !== null && (declared?.(ref) !== undefined || (await serviceTeamRow(db, ref)));
    if (exists) {
      const verdict = canChangeOwned(
        actor,
        await serviceOwnerTeam(db, ref, declared),
        `${what} (service '${selector.service}')`,
      );
      if (!verdict.allowed) return verdict;
    }
  }
  for (const slo of await selectedSlos(db, selector, declared)) {
    const team = await serviceOwnerTeam(db, serviceRefOf(slo.service), declared);
    const verdict = canChangeOwned(actor, team, `${what} (selects SLO '${slo.name}')`);
    if (!verdict.allowed) return verdict;
  }
  return { allowed: true };
}

async function serviceTeamRow(db: Kysely<Database>, serviceRef: string): Promise<boolean> {
  const r = parseEntityRef(serviceRef);
  const row = await db
    .selectFrom('services')
    .select('id')
    .where('namespace', '=', r.namespace)
    .where('name', '=', r.name)
    .executeTakeFirst();
  return row !== undefined;
}

async function authoriseCorrection(
  db: Kysely<Database>,
  actor: Actor,
  change: ChangeToAuthorise<CorrectionRecord>,
): Promise<Verdict> {
  if (actor.role !== 'editor') return canChangeOwned(actor, null, change.what);
  for (const record of [change.current?.record, change.desired]) {
    if (!record) continue;
    const verdict = await authoriseSelector(
      db,
      actor,
      record.definition.selector,
      change.what,
      change.declared,
    );
    if (!verdict.allowed) return verdict;
  }
  return { allowed: true };
}

/** The fields that differ; epoch-ms fields derived from the fields as written are named by those only. */
function diffCorrections(current: CorrectionRecord, desired: CorrectionRecord): string[] {
  const changed = diffDefinitions(current, desired);
  const derived: Record<string, string> = { startMs: 'start', durationMs: 'duration', untilMs: 'until' };
  return changed.filter((k) => !(derived[k] && changed.includes(derived[k])));
}

/** Corrections that select no SLO (stored or declared, not pruned), and names that name none. */
async function verifyCorrections(db: Kysely<Database>, plan: PlanContext): Promise<PlanCheck> {
  const warnings: PlanCheck['warnings'] = [];
  const corrections = plan.objects.filter(isBudgetCorrectionObject);
  if (corrections.length === 0) return { warnings, problems: [] };
  const byRef = new Map(plan.objects.map((o) => [o.ref, o]));
  const declared = (ref: string) => byRef.get(ref);
  const declaredSlos = plan.objects.filter(isSloObject).map((o) => fromSloObject(o.data));
  for (const o of corrections) {
    const c = o.data.correction;
    const selected = (await selectedSlos(db, c.selector, declared, declaredSlos)).filter(
      (s) => !plan.removed.has(openSloRef('SLO', s.name)),
    );
    const at = (path: (string | number)[]) => o.locate?.(path) ?? o.source;
    c.selector.slos.forEach((name, i) => {
      if (selected.some((s) => s.name === name)) return;
      const index = (o.data.document as { spec?: { slos?: unknown[] } }).spec?.slos?.indexOf(name) ?? i;
      const p = at(['spec', 'slos', index]);
      warnings.push({
        message: `BudgetCorrection '${c.name}': SLO '${name}' is not stored or declared (or not matched by the other selectors); the correction does not apply to it.`,
        file: p.file,
        line: p.line,
        path: `/spec/slos/${index}`,
      });
    });
    if (selected.length === 0) {
      const p = at(['spec']);
      warnings.push({
        message: `BudgetCorrection '${c.name}' selects no existing SLO; it will apply to SLOs that match it later.`,
        file: p.file,
        line: p.line,
        path: '/spec',
      });
    }
  }
  return { warnings, problems: [] };
}

export const budgetCorrectionStore: ApplyStore<BudgetCorrectionObject, CorrectionRecord> = {
  type: BUDGET_CORRECTION_TYPE,
  refKinds: [BUDGET_CORRECTION_REF_KIND],
  // After SLOs (order 60), whose ownership decides who may change a correction.
  order: 70,
  auditKind: 'budget-correction',
  toRecord: (data) => ({ name: data.correction.name, definition: data.correction, document: data.document }),
  load: async (db, ref) => loadedDefinition(await findCorrection(db, ref.name)),
  diff: diffCorrections,
  authorise: authoriseCorrection,
  write: writeCorrection,
  remove: (db, ref) => deleteCorrection(db, ref.name),
  verify: verifyCorrections,
};

export const correctionStores = [budgetCorrectionStore] as unknown as readonly ApplyStore[];
