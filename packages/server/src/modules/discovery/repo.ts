/**
 * Rows of the opportunity-solution tree, on SQLite and PostgreSQL. Written by apply
 * (apply-store.ts) and by the API (service.ts); no authorisation or audit here.
 */
import type {
  AssumptionTestRecord,
  OpportunityRecord,
  OutcomeMetric,
  OutcomeRecord,
  SolutionRecord,
} from '@headroom/core/config/headroom/discovery';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema.js';
import type {
  AssumptionTestsTable,
  OpportunitiesTable,
  OutcomesTable,
  SolutionsTable,
} from '../../db/tables/discovery.js';
import { json } from '../catalog/refs.js';

export interface Stored<R> {
  record: R;
  /** The document as applied; null when made through the API. */
  document: unknown;
  createdAt: number;
  updatedAt: number;
}

const doc = (text: string | null) => (text === null ? null : json.parse<unknown>(text));
const docText = (d: unknown) => (d === null || d === undefined ? null : json.stringify(d));

// ---- outcomes

const toOutcome = (r: Selectable<OutcomesTable>): Stored<OutcomeRecord> => ({
  record: {
    name: r.name,
    title: r.title,
    description: r.description,
    metric: json.parse<OutcomeMetric>(r.metric),
  },
  document: doc(r.document),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export async function findOutcome(db: Kysely<Database>, name: string) {
  const row = await db.selectFrom('outcomes').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toOutcome(row);
}

export async function listOutcomes(db: Kysely<Database>, limit = 1000): Promise<Stored<OutcomeRecord>[]> {
  return (await db.selectFrom('outcomes').selectAll().orderBy('name').limit(limit).execute()).map(toOutcome);
}

export async function writeOutcome(
  db: Kysely<Database>,
  r: OutcomeRecord,
  document: unknown,
  now = Date.now(),
) {
  const columns = {
    title: r.title,
    description: r.description,
    metric: json.stringify(r.metric),
    document: docText(document),
    updated_at: now,
  };
  const updated = await db.updateTable('outcomes').set(columns).where('name', '=', r.name).executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await db
    .insertInto('outcomes')
    .values({ name: r.name, created_at: now, ...columns })
    .execute();
}

export async function deleteOutcome(db: Kysely<Database>, name: string) {
  await db.deleteFrom('outcomes').where('name', '=', name).execute();
}

// ---- opportunities and their links

export interface OpportunityLinks {
  feedback: string[];
  /** Linked here (opportunity_links). */
  interviews: string[];
  /** Linked to this opportunity from the interview (interview_links, written by the feedback module). */
  interviewsFromInterviews: string[];
}

const emptyLinks = (): OpportunityLinks => ({ feedback: [], interviews: [], interviewsFromInterviews: [] });

export async function linksOf(
  db: Kysely<Database>,
  names: readonly string[] | null,
): Promise<Map<string, OpportunityLinks>> {
  const out = new Map<string, OpportunityLinks>();
  if (names !== null && names.length === 0) return out;
  let q = db.selectFrom('opportunity_links').select(['opportunity', 'target_kind', 'target_id']);
  if (names !== null) q = q.where('opportunity', 'in', [...names]);
  for (const r of await q.execute()) {
    const l = out.get(r.opportunity) ?? emptyLinks();
    (r.target_kind === 'feedback' ? l.feedback : l.interviews).push(r.target_id);
    out.set(r.opportunity, l);
  }
  let iq = db
    .selectFrom('interview_links')
    .select(['interview_id', 'target_id'])
    .where('target_kind', '=', 'opportunity');
  if (names !== null) iq = iq.where('target_id', 'in', [...names]);
  for (const r of await iq.execute()) {
    const l = out.get(r.target_id) ?? emptyLinks();
    l.interviewsFromInterviews.push(r.interview_id);
    out.set(r.target_id, l);
  }
  return out;
}

export async function addLink(
  db: Kysely<Database>,
  opportunity: string,
  kind: 'feedback' | 'interview',
  id: string,
  by: string,
  now = Date.now(),
): Promise<boolean> {
  const found = await db
    .selectFrom('opportunity_links')
    .select('opportunity')
    .where('opportunity', '=', opportunity)
    .where('target_kind', '=', kind)
    .where('target_id', '=', id)
    .executeTakeFirst();
  if (found) return false;
  await db
    .insertInto('opportunity_links')
    .values({ opportunity, target_kind: kind, target_id: id, created_by: by, created_at: now })
    .execute();
  return true;
}

export async function removeLink(
  db: Kysely<Database>,
  opportunity: string,
  kind: 'feedback' | 'interview',
  id: string,
): Promise<boolean> {
  const r = await db
    .deleteFrom('opportunity_links')
    .where('opportunity', '=', opportunity)
    .where('target_kind', '=', kind)
    .where('target_id', '=', id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Makes the opportunity's links of one kind exactly `ids` (apply's desired state). */
async function setLinks(
  db: Kysely<Database>,
  opportunity: string,
  kind: 'feedback' | 'interview',
  ids: readonly string[],
  by: string,
  now: number,
) {
  const current = await db
    .selectFrom('opportunity_links')
    .select('target_id')
    .where('opportunity', '=', opportunity)
    .where('target_kind', '=', kind)
    .execute();
  const have = new Set(current.map((r) => r.target_id));
  const gone = [...have].filter((id) => !ids.includes(id));
  if (gone.length > 0)
    await db
      .deleteFrom('opportunity_links')
      .where('opportunity', '=', opportunity)
      .where('target_kind', '=', kind)
      .where('target_id', 'in', gone)
      .execute();
  for (const id of ids) if (!have.has(id)) await addLink(db, opportunity, kind, id, by, now);
}

const toOpportunity = (r: Selectable<OpportunitiesTable>, links: OpportunityLinks | undefined) => ({
  record: {
    name: r.name,
    outcome: r.outcome,
    parent: r.parent,
    title: r.title,
    description: r.description,
    services: json.parse<string[]>(r.services),
    feedback: [...(links?.feedback ?? [])].sort(),
    interviews: [...(links?.interviews ?? [])].sort(),
  } satisfies OpportunityRecord,
  interviewsFromInterviews: links?.interviewsFromInterviews ?? [],
  document: doc(r.document),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});
export type StoredOpportunity = ReturnType<typeof toOpportunity>;

export async function findOpportunity(
  db: Kysely<Database>,
  name: string,
): Promise<StoredOpportunity | undefined> {
  const row = await db.selectFrom('opportunities').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toOpportunity(row, (await linksOf(db, [name])).get(name));
}

export interface OpportunityFilter {
  outcome?: string;
  parent?: string;
  service?: string;
  /** Only opportunities linked to this feedback item (FB-<n>) or interview (INT-<n>). */
  linked?: string;
  limit?: number;
}

export async function listOpportunities(
  db: Kysely<Database>,
  filter: OpportunityFilter = {},
): Promise<StoredOpportunity[]> {
  let q = db.selectFrom('opportunities').selectAll().orderBy('outcome').orderBy('name');
  if (filter.outcome) q = q.where('outcome', '=', filter.outcome);
  if (filter.parent) q = q.where('parent', '=', filter.parent);
  if (filter.linked) {
    const target = filter.linked;
    q = q.where('name', 'in', (eb) =>
      eb.selectFrom('opportunity_links').select('opportunity').where('target_id', '=', target),
    );
  }
  let rows = await q.execute();
  // Services are a JSON list: filtered here, before the limit.
  if (filter.service) rows = rows.filter((r) => json.parse<string[]>(r.services).includes(filter.service!));
  if (filter.limit !== undefined) rows = rows.slice(0, filter.limit);
  const links = await linksOf(
    db,
    rows.map((r) => r.name),
  );
  return rows.map((r) => toOpportunity(r, links.get(r.name)));
}

export async function writeOpportunity(
  db: Kysely<Database>,
  r: OpportunityRecord,
  document: unknown,
  by: string,
  now = Date.now(),
) {
  const columns = {
    outcome: r.outcome,
    parent: r.parent,
    title: r.title,
    description: r.description,
    services: json.stringify(r.services),
    document: docText(document),
    updated_at: now,
  };
  const updated = await db
    .updateTable('opportunities')
    .set(columns)
    .where('name', '=', r.name)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0)
    await db
      .insertInto('opportunities')
      .values({ name: r.name, created_at: now, ...columns })
      .execute();
  if (r.feedback) await setLinks(db, r.name, 'feedback', r.feedback, by, now);
  if (r.interviews) await setLinks(db, r.name, 'interview', r.interviews, by, now);
}

export async function deleteOpportunity(db: Kysely<Database>, name: string) {
  await db.deleteFrom('opportunity_links').where('opportunity', '=', name).execute();
  await db.deleteFrom('opportunities').where('name', '=', name).execute();
}

// ---- solutions

const toSolution = (r: Selectable<SolutionsTable>): Stored<SolutionRecord> => ({
  record: {
    name: r.name,
    opportunity: r.opportunity,
    title: r.title,
    description: r.description,
    status: r.status as SolutionRecord['status'],
    rice:
      Number(r.scored) === 1
        ? {
            reach: r.reach === null ? null : Number(r.reach),
            reachReason: r.reach_override_reason,
            impact: Number(r.impact),
            confidence: Number(r.confidence),
            effort: Number(r.effort),
          }
        : null,
  },
  document: doc(r.document),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export async function findSolution(db: Kysely<Database>, name: string) {
  const row = await db.selectFrom('solutions').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toSolution(row);
}

export async function listSolutions(
  db: Kysely<Database>,
  filter: { opportunity?: string; opportunities?: readonly string[]; status?: string; limit?: number } = {},
): Promise<Stored<SolutionRecord>[]> {
  if (filter.opportunities && filter.opportunities.length === 0) return [];
  let q = db.selectFrom('solutions').selectAll().orderBy('opportunity').orderBy('name');
  if (filter.opportunity) q = q.where('opportunity', '=', filter.opportunity);
  if (filter.opportunities) q = q.where('opportunity', 'in', [...filter.opportunities]);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  return (await q.execute()).map(toSolution);
}

export async function writeSolution(
  db: Kysely<Database>,
  r: SolutionRecord,
  document: unknown,
  now = Date.now(),
) {
  const columns = {
    opportunity: r.opportunity,
    title: r.title,
    description: r.description,
    status: r.status,
    scored: r.rice ? 1 : 0,
    reach: r.rice?.reach ?? null,
    reach_override_reason: r.rice?.reach === null ? null : (r.rice?.reachReason ?? null),
    impact: r.rice?.impact ?? null,
    confidence: r.rice?.confidence ?? null,
    effort: r.rice?.effort ?? null,
    document: docText(document),
    updated_at: now,
  };
  const updated = await db
    .updateTable('solutions')
    .set(columns)
    .where('name', '=', r.name)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await db
    .insertInto('solutions')
    .values({ name: r.name, created_at: now, ...columns })
    .execute();
}

export async function deleteSolution(db: Kysely<Database>, name: string) {
  await db.deleteFrom('solutions').where('name', '=', name).execute();
}

// ---- assumption tests

const toAssumptionTest = (r: Selectable<AssumptionTestsTable>): Stored<AssumptionTestRecord> => ({
  record: {
    name: r.name,
    solution: r.solution,
    assumption: r.assumption,
    kind: r.kind as AssumptionTestRecord['kind'],
    method: r.method,
    successCriterion: r.success_criterion,
    status: r.status as AssumptionTestRecord['status'],
    result: r.result,
  },
  document: doc(r.document),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export async function findAssumptionTest(db: Kysely<Database>, name: string) {
  const row = await db.selectFrom('assumption_tests').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toAssumptionTest(row);
}

export async function listAssumptionTests(
  db: Kysely<Database>,
  filter: {
    solution?: string;
    solutions?: readonly string[];
    status?: string;
    kind?: string;
    limit?: number;
  } = {},
): Promise<Stored<AssumptionTestRecord>[]> {
  if (filter.solutions && filter.solutions.length === 0) return [];
  let q = db.selectFrom('assumption_tests').selectAll().orderBy('solution').orderBy('name');
  if (filter.solution) q = q.where('solution', '=', filter.solution);
  if (filter.solutions) q = q.where('solution', 'in', [...filter.solutions]);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  return (await q.execute()).map(toAssumptionTest);
}

export async function writeAssumptionTest(
  db: Kysely<Database>,
  r: AssumptionTestRecord,
  document: unknown,
  now = Date.now(),
) {
  const columns = {
    solution: r.solution,
    assumption: r.assumption,
    kind: r.kind,
    method: r.method,
    success_criterion: r.successCriterion,
    status: r.status,
    result: r.result,
    document: docText(document),
    updated_at: now,
  };
  const updated = await db
    .updateTable('assumption_tests')
    .set(columns)
    .where('name', '=', r.name)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return;
  await db
    .insertInto('assumption_tests')
    .values({ name: r.name, created_at: now, ...columns })
    .execute();
}

export async function deleteAssumptionTest(db: Kysely<Database>, name: string) {
  await db.deleteFrom('assumption_tests').where('name', '=', name).execute();
}

// ---- what refers to an object (deletes are refused while anything does)

export async function dependentsOf(
  db: Kysely<Database>,
  kind: 'outcome' | 'opportunity' | 'solution',
  name: string,
): Promise<string[]> {
  if (kind === 'outcome')
    return (await db.selectFrom('opportunities').select('name').where('outcome', '=', name).execute()).map(
      (r) => `opportunity '${r.name}'`,
    );
  if (kind === 'opportunity') {
    const subs = await db.selectFrom('opportunities').select('name').where('parent', '=', name).execute();
    const sols = await db.selectFrom('solutions').select('name').where('opportunity', '=', name).execute();
    return [...subs.map((r) => `opportunity '${r.name}'`), ...sols.map((r) => `solution '${r.name}'`)];
  }
  return (await db.selectFrom('assumption_tests').select('name').where('solution', '=', name).execute()).map(
    (r) => `assumption test '${r.name}'`,
  );
}

export async function feedbackExists(db: Kysely<Database>, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('feedback_items')
    .select('id')
    .where('id', 'in', [...ids])
    .execute();
  return new Set(rows.map((r) => r.id));
}

export async function interviewsExist(db: Kysely<Database>, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .selectFrom('interviews')
    .select('id')
    .where('id', 'in', [...ids])
    .execute();
  return new Set(rows.map((r) => r.id));
}
