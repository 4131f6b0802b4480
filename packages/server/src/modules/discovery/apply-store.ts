/**
 * Apply stores for the opportunity-solution tree kinds (Outcome, Opportunity, Solution,
 * AssumptionTest). Editors and admins may change them: the tree is the SRE team's shared
 * workspace, as it is through the API. Every reference — outcome, parent opportunity,
 * opportunity, solution, feedback item, interview — must be stored or declared in the same apply
 * and not pruned by it; otherwise the whole apply is refused with the file, line and field.
 */
import { type Actor, hasRole, type Verdict } from '@headroom/core/auth/policy';
import {
  type AssumptionTestRecord,
  DISCOVERY_KINDS,
  type DiscoveryObject,
  discoveryRef,
  type OpportunityRecord,
  type OutcomeRecord,
  type SolutionRecord,
} from '@headroom/core/config/headroom/discovery';
import type { DesiredObject } from '@headroom/core/config/types';
import type { FieldProblem } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { ApplyStore, PlanCheck, PlanContext } from '../apply/stores.js';
import { json } from '../catalog/refs.js';
import {
  deleteAssumptionTest,
  deleteOpportunity,
  deleteOutcome,
  deleteSolution,
  feedbackExists,
  findAssumptionTest,
  findOpportunity,
  findOutcome,
  findSolution,
  interviewsExist,
  type Stored,
  writeAssumptionTest,
  writeOpportunity,
  writeOutcome,
  writeSolution,
} from './repo.js';

interface Rec<R> {
  record: R;
  document: unknown;
}

async function authoriseDiscovery(
  _db: Kysely<Database>,
  actor: Actor,
  change: { what: string },
): Promise<Verdict> {
  return hasRole(actor, 'editor')
    ? { allowed: true }
    : { allowed: false, reason: `Viewers cannot change ${change.what}.` };
}

/** Fields of the record that differ; a change of the document's form only is `document`. */
function diff<R extends object>(current: Rec<R>, desired: Rec<R>): string[] {
  const a = current.record as Record<string, unknown>;
  const b = desired.record as Record<string, unknown>;
  const changed = Object.keys(b)
    .filter((k) => b[k] !== undefined && json.stringify(a[k] ?? null) !== json.stringify(b[k] ?? null))
    .sort();
  if (changed.length > 0) return changed;
  return json.stringify(current.document ?? null) === json.stringify(desired.document) ? [] : ['document'];
}

const loaded = <R>(found: Stored<R> | undefined, name: string) =>
  found ? { id: name, record: { record: found.record, document: found.document } } : undefined;

const of = <R>(o: DesiredObject) => o.data as DiscoveryObject<R>;

// ---- references, checked once per plan

async function storedTree(db: Kysely<Database>) {
  const [outcomes, opportunities, solutions, tests] = await Promise.all([
    db.selectFrom('outcomes').select('name').execute(),
    db.selectFrom('opportunities').select(['name', 'outcome', 'parent']).execute(),
    db.selectFrom('solutions').select(['name', 'opportunity']).execute(),
    db.selectFrom('assumption_tests').select(['name', 'solution']).execute(),
  ]);
  return { outcomes, opportunities, solutions, tests };
}

async function verifyTree(db: Kysely<Database>, plan: PlanContext): Promise<PlanCheck> {
  const problems: FieldProblem[] = [];
  const mine = plan.objects.filter((o) => Object.values(DISCOVERY_KINDS).some((k) => k.type === o.type));
  if (mine.length === 0 && ![...plan.removed].some((r) => /^(outcome|opportunity|solution):/.test(r)))
    return { warnings: [], problems };
  const stored = await storedTree(db);
  const exists = (
    kind: 'outcome' | 'opportunity' | 'solution',
    name: string,
    storedNames: { name: string }[],
  ) => {
    const ref = discoveryRef(kind, name);
    if (plan.removed.has(ref)) return false;
    return plan.declared.has(ref) || storedNames.some((s) => s.name === name);
  };
  const problem = (o: DesiredObject, path: (string | number)[], message: string) => {
    const at = o.locate?.(path) ?? o.source;
    problems.push({
      path: `/${path.join('/')}`,
      message: `${o.kind} '${(o.data as DiscoveryObject<{ name: string }>).record.name}': ${message}`,
      file: at.file,
      line: at.line,
      column: at.column,
    });
  };
  const missing = (what: string, pruned: boolean) =>
    `${what} does not exist${pruned ? ' after this apply (it is pruned)' : ''}; create it first or declare it in the same apply`;

  // Where each opportunity sits after the apply: declared ones as declared, else as stored.
  const placement = new Map<string, { outcome: string; parent: string | null }>();
  for (const s of stored.opportunities) placement.set(s.name, { outcome: s.outcome, parent: s.parent });
  for (const o of mine.filter((x) => x.type === DISCOVERY_KINDS.opportunity.type)) {
    const r = of<OpportunityRecord>(o).record;
    placement.set(r.name, { outcome: r.outcome, parent: r.parent });
  }

  const feedbackIds = new Set<string>();
  const interviewIds = new Set<string>();
  for (const o of mine) {
    if (o.type === DISCOVERY_KINDS.opportunity.type) {
      const r = of<OpportunityRecord>(o).record;
      for (const id of r.feedback ?? []) feedbackIds.add(id);
      for (const id of r.interviews ?? []) interviewIds.add(id);
    }
  }
  const [fb, ints] = await Promise.all([
    feedbackExists(db, [...feedbackIds]),
    interviewsExist(db, [...interviewIds]),
  ]);

  for (const o of mine) {
    const d = o.data as DiscoveryObject<Record<string, unknown>>;
    if (o.type === DISCOVERY_KINDS.opportunity.type) {
      const r = d.record as unknown as OpportunityRecord;
      if (!exists('outcome', r.outcome, stored.outcomes))
        problem(
          o,
          ['spec', 'outcome'],
          missing(`outcome '${r.outcome}'`, plan.removed.has(discoveryRef('outcome', r.outcome))),
        );
      if (r.parent !== null) {
        if (!exists('opportunity', r.parent, stored.opportunities))
          problem(
            o,
            ['spec', 'parent'],
            missing(`opportunity '${r.parent}'`, plan.removed.has(discoveryRef('opportunity', r.parent))),
          );
        else {
          const p = placement.get(r.parent);
          if (p && p.outcome !== r.outcome)
            problem(
              o,
              ['spec', 'parent'],
              `parent opportunity '${r.parent}' belongs to outcome '${p.outcome}', not '${r.outcome}'`,
            );
          // A parent chain that comes back here is a cycle, not a tree.
          const seen = new Set([r.name]);
          for (let at: string | null = r.parent; at !== null; at = placement.get(at)?.parent ?? null) {
            if (seen.has(at)) {
              problem(o, ['spec', 'parent'], `parents form a cycle (${[...seen, at].join(' → ')})`);
              break;
            }
            seen.add(at);
          }
        }
      }
      (r.feedback ?? []).forEach((id) => {
        if (!fb.has(id))
          problem(
            o,
            ['spec', 'feedback', rawIndex(d.document, 'feedback', id)],
            `feedback item ${id} does not exist`,
          );
      });
      (r.interviews ?? []).forEach((id) => {
        if (!ints.has(id))
          problem(
            o,
            ['spec', 'interviews', rawIndex(d.document, 'interviews', id)],
            `interview ${id} does not exist`,
          );
      });
    } else if (o.type === DISCOVERY_KINDS.solution.type) {
      const name = String(d.record.opportunity);
      if (!exists('opportunity', name, stored.opportunities))
        problem(
          o,
          ['spec', 'opportunity'],
          missing(`opportunity '${name}'`, plan.removed.has(discoveryRef('opportunity', name))),
        );
    } else if (o.type === DISCOVERY_KINDS.assumptionTest.type) {
      const name = String(d.record.solution);
      if (!exists('solution', name, stored.solutions))
        problem(
          o,
          ['spec', 'solution'],
          missing(`solution '${name}'`, plan.removed.has(discoveryRef('solution', name))),
        );
    }
  }

  // Pruning an object that stored, undeclared objects still hang under would orphan them.
  const stays = (kind: 'opportunity' | 'solution' | 'assumptionTest', name: string) => {
    const ref = discoveryRef(kind, name);
    return !plan.removed.has(ref) && !plan.declared.has(ref);
  };
  const orphan = (what: string, child: string) =>
    problems.push({
      path: '',
      message: `Pruning ${what} would leave ${child} without it; delete or move that first`,
    });
  for (const ref of plan.removed) {
    const [kind, rest] = ref.split(':');
    const name = rest?.split('/')[1] ?? '';
    if (kind === 'outcome')
      for (const s of stored.opportunities)
        if (s.outcome === name && stays('opportunity', s.name))
          orphan(`outcome '${name}'`, `opportunity '${s.name}'`);
    if (kind === 'opportunity') {
      for (const s of stored.opportunities)
        if (s.parent === name && stays('opportunity', s.name))
          orphan(`opportunity '${name}'`, `opportunity '${s.name}'`);
      for (const s of stored.solutions)
        if (s.opportunity === name && stays('solution', s.name))
          orphan(`opportunity '${name}'`, `solution '${s.name}'`);
    }
    if (kind === 'solution')
      for (const s of stored.tests)
        if (s.solution === name && stays('assumptionTest', s.name))
          orphan(`solution '${name}'`, `assumption test '${s.name}'`);
  }
  return { warnings: [], problems };
}

/** Index of an id in the document's list as written (normalizing sorted it). */
function rawIndex(document: unknown, field: string, id: string): number {
  const spec = (document as { spec?: Record<string, unknown> } | null)?.spec;
  const list = spec?.[field];
  return Array.isArray(list) ? Math.max(0, list.indexOf(id)) : 0;
}

const APPLY_ACTOR = 'apply';

export const outcomeStore: ApplyStore<DiscoveryObject<OutcomeRecord>, Rec<OutcomeRecord>> = {
  type: DISCOVERY_KINDS.outcome.type,
  refKinds: [DISCOVERY_KINDS.outcome.refKind],
  order: 110,
  auditKind: 'outcome',
  toRecord: (data) => ({ record: data.record, document: data.document }),
  load: async (db, ref) => loaded(await findOutcome(db, ref.name), ref.name),
  diff,
  authorise: authoriseDiscovery,
  write: (db, r) => writeOutcome(db, r.record, r.document),
  remove: (db, ref) => deleteOutcome(db, ref.name),
  verify: verifyTree,
};

export const opportunityStore: ApplyStore<DiscoveryObject<OpportunityRecord>, Rec<OpportunityRecord>> = {
  type: DISCOVERY_KINDS.opportunity.type,
  refKinds: [DISCOVERY_KINDS.opportunity.refKind],
  order: 111,
  auditKind: 'opportunity',
  toRecord: (data) => ({ record: data.record, document: data.document }),
  async load(db, ref) {
    const found = await findOpportunity(db, ref.name);
    return found ? { id: ref.name, record: { record: found.record, document: found.document } } : undefined;
  },
  diff,
  authorise: authoriseDiscovery,
  write: (db, r) => writeOpportunity(db, r.record, r.document, APPLY_ACTOR),
  remove: (db, ref) => deleteOpportunity(db, ref.name),
};

type SolutionData = DiscoveryObject<SolutionRecord>;
type TestData = DiscoveryObject<AssumptionTestRecord>;

export const solutionStore: ApplyStore<SolutionData, Rec<SolutionData['record']>> = {
  type: DISCOVERY_KINDS.solution.type,
  refKinds: [DISCOVERY_KINDS.solution.refKind],
  order: 112,
  auditKind: 'solution',
  toRecord: (data) => ({ record: data.record, document: data.document }),
  load: async (db, ref) => loaded(await findSolution(db, ref.name), ref.name),
  diff,
  authorise: authoriseDiscovery,
  write: (db, r) => writeSolution(db, r.record, r.document),
  remove: (db, ref) => deleteSolution(db, ref.name),
};

export const assumptionTestStore: ApplyStore<TestData, Rec<TestData['record']>> = {
  type: DISCOVERY_KINDS.assumptionTest.type,
  refKinds: [DISCOVERY_KINDS.assumptionTest.refKind],
  order: 113,
  auditKind: 'assumption-test',
  toRecord: (data) => ({ record: data.record, document: data.document }),
  load: async (db, ref) => loaded(await findAssumptionTest(db, ref.name), ref.name),
  diff,
  authorise: authoriseDiscovery,
  write: (db, r) => writeAssumptionTest(db, r.record, r.document),
  remove: (db, ref) => deleteAssumptionTest(db, ref.name),
};

export const discoveryStores = [
  outcomeStore,
  opportunityStore,
  solutionStore,
  assumptionTestStore,
] as unknown as readonly ApplyStore[];
