/**
 * The opportunity-solution tree through the API (the UI's tree editor), by name: the views and
 * checks every kind shares, and outcomes; opportunities.ts and solutions.ts hold the rest.
 * Editors and admins may change the tree (the SRE team's shared workspace); everyone may read
 * it. Every change is audited in its transaction.
 */
import type {
  AssumptionTest,
  Opportunity,
  Outcome,
  OutcomeCreate,
  OutcomeMetricInput,
  OutcomeUpdate,
  Solution,
} from '@headroom/core/api/discovery';
import { hasRole } from '@headroom/core/auth/policy';
import {
  type AssumptionTestRecord,
  discoveryRef,
  type OutcomeMetric,
  type OutcomeRecord,
  type SolutionRecord,
} from '@headroom/core/config/headroom/discovery';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import type { ServerConfig } from '../../config.js';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { iso } from '../catalog/refs.js';
import { type EvidenceSources, loadSources, outcomeMeasure } from './evidence.js';
import * as repo from './repo.js';

export type Config = Pick<ServerConfig, 'workingHours' | 'workingHoursTimeZone'>;

export function requireEditor(ctx: AuditContext, what: string) {
  if (!hasRole(ctx.actor, 'editor'))
    throw new ForbiddenError(
      `Viewers cannot change ${what}; editors and admins change the opportunity-solution tree.`,
    );
}

const managedBy = (document: unknown) =>
  (document === null || document === undefined ? 'api' : 'apply') as 'api' | 'apply';

// ---- views

export function outcomeView(s: repo.Stored<OutcomeRecord>, sources: EvidenceSources | null): Outcome {
  return {
    ...s.record,
    current: sources ? outcomeMeasure(s.record, sources) : null,
    managedBy: managedBy(s.document),
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

export function opportunityView(s: repo.StoredOpportunity): Opportunity {
  const r = s.record;
  return {
    name: r.name,
    outcome: r.outcome,
    parent: r.parent,
    title: r.title,
    description: r.description,
    services: r.services,
    feedback: r.feedback ?? [],
    interviews: [...new Set([...(r.interviews ?? []), ...s.interviewsFromInterviews])].sort(),
    managedBy: managedBy(s.document),
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

export function solutionView(s: repo.Stored<SolutionRecord>): Solution {
  return {
    ...s.record,
    managedBy: managedBy(s.document),
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

export function assumptionTestView(s: repo.Stored<AssumptionTestRecord>): AssumptionTest {
  return {
    ...s.record,
    managedBy: managedBy(s.document),
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
  };
}

// ---- lookups that answer 404

export async function requireOutcome(db: Kysely<Database>, name: string) {
  const found = await repo.findOutcome(db, name);
  if (!found) throw new NotFoundError('Outcome', name, 'OUTCOME_NOT_FOUND');
  return found;
}

export async function requireOpportunity(db: Kysely<Database>, name: string) {
  const found = await repo.findOpportunity(db, name);
  if (!found) throw new NotFoundError('Opportunity', name, 'OPPORTUNITY_NOT_FOUND');
  return found;
}

export async function requireSolution(db: Kysely<Database>, name: string) {
  const found = await repo.findSolution(db, name);
  if (!found) throw new NotFoundError('Solution', name, 'SOLUTION_NOT_FOUND');
  return found;
}

export async function requireAssumptionTest(db: Kysely<Database>, name: string) {
  const found = await repo.findAssumptionTest(db, name);
  if (!found) throw new NotFoundError('Assumption test', name, 'ASSUMPTION_TEST_NOT_FOUND');
  return found;
}

/** A reference in a request body that names nothing: 400 naming the field. */
export function badReference(field: string, message: string): InputError {
  return new InputError(`${field.slice(1)}: ${message}`, [{ path: field, message }], 'UNKNOWN_REFERENCE');
}

export async function refuseIfDependents(
  db: Kysely<Database>,
  kind: 'outcome' | 'opportunity' | 'solution',
  name: string,
) {
  const deps = await repo.dependentsOf(db, kind, name);
  if (deps.length > 0)
    throw new ConflictError(
      `${kind[0]!.toUpperCase()}${kind.slice(1)} '${name}' still has ${deps.slice(0, 5).join(', ')}${deps.length > 5 ? ` and ${deps.length - 5} more` : ''}; delete or move them first.`,
      'HAS_DEPENDENTS',
    );
}

// ---- outcomes

const metricOf = (input: OutcomeMetricInput | undefined, base?: OutcomeMetric): OutcomeMetric => ({
  description: input?.description !== undefined ? input.description : (base?.description ?? null),
  target: input?.target !== undefined ? input.target : (base?.target ?? null),
  measure: input?.measure !== undefined ? input.measure : (base?.measure ?? null),
  services: input?.services !== undefined ? [...new Set(input.services)].sort() : (base?.services ?? []),
});

export async function listOutcomeViews(
  db: Kysely<Database>,
  config: Config,
  limit: number,
): Promise<Outcome[]> {
  const outcomes = await repo.listOutcomes(db, limit);
  const sources = outcomes.some((o) => o.record.metric.measure) ? await loadSources(db, config) : null;
  return outcomes.map((o) => outcomeView(o, sources));
}

export async function getOutcome(db: Kysely<Database>, config: Config, name: string): Promise<Outcome> {
  const o = await requireOutcome(db, name);
  return outcomeView(o, o.record.metric.measure ? await loadSources(db, config) : null);
}

export async function createOutcome(
  db: Kysely<Database>,
  ctx: AuditContext,
  config: Config,
  body: OutcomeCreate,
) {
  requireEditor(ctx, 'outcomes');
  await withTransaction(db, async (trx) => {
    if (await repo.findOutcome(trx, body.name))
      throw new ConflictError(`Outcome '${body.name}' exists already.`, 'OUTCOME_EXISTS');
    const record: OutcomeRecord = {
      name: body.name,
      title: body.title,
      description: body.description ?? null,
      metric: metricOf(body.metric),
    };
    await repo.writeOutcome(trx, record, null);
    await recordAudit(trx, ctx, 'create', 'outcome', discoveryRef('outcome', body.name), {
      title: body.title,
    });
  });
  return getOutcome(db, config, body.name);
}

export async function updateOutcome(
  db: Kysely<Database>,
  ctx: AuditContext,
  config: Config,
  name: string,
  body: OutcomeUpdate,
) {
  requireEditor(ctx, 'outcomes');
  await withTransaction(db, async (trx) => {
    const current = await requireOutcome(trx, name);
    const record: OutcomeRecord = {
      ...current.record,
      ...(body.title !== undefined && { title: body.title }),
      ...(body.description !== undefined && { description: body.description }),
      metric: metricOf(body.metric, current.record.metric),
    };
    await repo.writeOutcome(trx, record, current.document);
    await recordAudit(trx, ctx, 'update', 'outcome', discoveryRef('outcome', name), {
      changed: Object.keys(body).sort(),
    });
  });
  return getOutcome(db, config, name);
}

export async function deleteOutcome(db: Kysely<Database>, ctx: AuditContext, name: string) {
  requireEditor(ctx, 'outcomes');
  await withTransaction(db, async (trx) => {
    await requireOutcome(trx, name);
    await refuseIfDependents(trx, 'outcome', name);
    await repo.deleteOutcome(trx, name);
    await recordAudit(trx, ctx, 'delete', 'outcome', discoveryRef('outcome', name));
  });
}
