/** Solutions (with their RICE inputs) and assumption tests through the API. */
import type {
  AssumptionTest,
  AssumptionTestCreate,
  AssumptionTestListQuery,
  AssumptionTestUpdate,
  RiceInput,
  Solution,
  SolutionCreate,
  SolutionListQuery,
  SolutionUpdate,
} from '@headroom/core/api/discovery';
import {
  type AssumptionTestRecord,
  discoveryRef,
  type SolutionRecord,
} from '@headroom/core/config/headroom/discovery';
import { type RiceInputs, validateRice } from '@headroom/core/discovery/rice';
import { ConflictError, InputError } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import * as repo from './repo.js';
import {
  assumptionTestView,
  badReference,
  refuseIfDependents,
  requireAssumptionTest,
  requireEditor,
  requireSolution,
  solutionView,
} from './service.js';

// ---- solutions

export function riceOf(input: RiceInput | null | undefined): RiceInputs | null {
  if (input === undefined || input === null) return null;
  const rice = {
    reach: input.reach ?? null,
    reachReason: input.reachReason?.trim() || null,
    impact: input.impact,
    confidence: input.confidence,
    effort: input.effort,
  };
  const problems = validateRice(rice);
  if (problems.length > 0)
    throw new InputError(
      `rice.${problems[0]!.field} ${problems[0]!.message}`,
      problems.map((p) => ({ path: `/rice/${p.field}`, message: p.message })),
      'INVALID_RICE',
    );
  return rice;
}

export async function listSolutionViews(db: Kysely<Database>, query: SolutionListQuery): Promise<Solution[]> {
  return (await repo.listSolutions(db, { ...query, limit: query.limit ?? 200 })).map(solutionView);
}

export async function getSolution(db: Kysely<Database>, name: string): Promise<Solution> {
  return solutionView(await requireSolution(db, name));
}

export async function createSolution(db: Kysely<Database>, ctx: AuditContext, body: SolutionCreate) {
  requireEditor(ctx, 'solutions');
  const rice = riceOf(body.rice);
  await withTransaction(db, async (trx) => {
    if (await repo.findSolution(trx, body.name))
      throw new ConflictError(`Solution '${body.name}' exists already.`, 'SOLUTION_EXISTS');
    if (!(await repo.findOpportunity(trx, body.opportunity)))
      throw badReference('/opportunity', `opportunity '${body.opportunity}' does not exist`);
    await repo.writeSolution(
      trx,
      {
        name: body.name,
        opportunity: body.opportunity,
        title: body.title,
        description: body.description ?? null,
        status: body.status ?? 'idea',
        rice,
      },
      null,
    );
    await recordAudit(trx, ctx, 'create', 'solution', discoveryRef('solution', body.name), {
      opportunity: body.opportunity,
      ...(rice && { rice }),
    });
  });
  return getSolution(db, body.name);
}

export async function updateSolution(
  db: Kysely<Database>,
  ctx: AuditContext,
  name: string,
  body: SolutionUpdate,
) {
  requireEditor(ctx, 'solutions');
  const rice = body.rice === undefined ? undefined : riceOf(body.rice);
  await withTransaction(db, async (trx) => {
    const current = await requireSolution(trx, name);
    if (body.opportunity !== undefined && !(await repo.findOpportunity(trx, body.opportunity)))
      throw badReference('/opportunity', `opportunity '${body.opportunity}' does not exist`);
    const record: SolutionRecord = {
      ...current.record,
      ...(body.opportunity !== undefined && { opportunity: body.opportunity }),
      ...(body.title !== undefined && { title: body.title }),
      ...(body.description !== undefined && { description: body.description }),
      ...(body.status !== undefined && { status: body.status }),
      ...(rice !== undefined && { rice }),
    };
    await repo.writeSolution(trx, record, current.document);
    await recordAudit(trx, ctx, 'update', 'solution', discoveryRef('solution', name), {
      changed: Object.keys(body).sort(),
      ...(rice !== undefined && { rice }),
    });
  });
  return getSolution(db, name);
}

export async function deleteSolution(db: Kysely<Database>, ctx: AuditContext, name: string) {
  requireEditor(ctx, 'solutions');
  await withTransaction(db, async (trx) => {
    await requireSolution(trx, name);
    await refuseIfDependents(trx, 'solution', name);
    await repo.deleteSolution(trx, name);
    await recordAudit(trx, ctx, 'delete', 'solution', discoveryRef('solution', name));
  });
}

// ---- assumption tests

export async function listAssumptionTestViews(db: Kysely<Database>, query: AssumptionTestListQuery) {
  return (await repo.listAssumptionTests(db, { ...query, limit: query.limit ?? 200 })).map(
    assumptionTestView,
  );
}

export async function getAssumptionTest(db: Kysely<Database>, name: string): Promise<AssumptionTest> {
  return assumptionTestView(await requireAssumptionTest(db, name));
}

export async function createAssumptionTest(
  db: Kysely<Database>,
  ctx: AuditContext,
  body: AssumptionTestCreate,
) {
  requireEditor(ctx, 'assumption tests');
  await withTransaction(db, async (trx) => {
    if (await repo.findAssumptionTest(trx, body.name))
      throw new ConflictError(`Assumption test '${body.name}' exists already.`, 'ASSUMPTION_TEST_EXISTS');
    if (!(await repo.findSolution(trx, body.solution)))
      throw badReference('/solution', `solution '${body.solution}' does not exist`);
    await repo.writeAssumptionTest(
      trx,
      {
        name: body.name,
        solution: body.solution,
        assumption: body.assumption,
        kind: body.kind,
        method: body.method ?? null,
        successCriterion: body.successCriterion ?? null,
        status: body.status ?? 'planned',
        result: body.result ?? null,
      },
      null,
    );
    await recordAudit(trx, ctx, 'create', 'assumption-test', discoveryRef('assumptionTest', body.name), {
      solution: body.solution,
    });
  });
  return getAssumptionTest(db, body.name);
}

export async function updateAssumptionTest(
  db: Kysely<Database>,
  ctx: AuditContext,
  name: string,
  body: AssumptionTestUpdate,
) {
  requireEditor(ctx, 'assumption tests');
  await withTransaction(db, async (trx) => {
    const current = await requireAssumptionTest(trx, name);
    if (body.solution !== undefined && !(await repo.findSolution(trx, body.solution)))
      throw badReference('/solution', `solution '${body.solution}' does not exist`);
    const record: AssumptionTestRecord = { ...current.record };
    for (const [k, v] of Object.entries(body))
      if (v !== undefined) (record as unknown as Record<string, unknown>)[k] = v;
    await repo.writeAssumptionTest(trx, record, current.document);
    await recordAudit(trx, ctx, 'update', 'assumption-test', discoveryRef('assumptionTest', name), {
      changed: Object.keys(body).sort(),
      ...(body.status !== undefined && { status: body.status }),
    });
  });
  return getAssumptionTest(db, name);
}

export async function deleteAssumptionTest(db: Kysely<Database>, ctx: AuditContext, name: string) {
  requireEditor(ctx, 'assumption tests');
  await withTransaction(db, async (trx) => {
    await requireAssumptionTest(trx, name);
    await repo.deleteAssumptionTest(trx, name);
    await recordAudit(trx, ctx, 'delete', 'assumption-test', discoveryRef('assumptionTest', name));
  });
}
