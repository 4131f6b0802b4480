/**
 * Opportunities through the API: create, change, move (a subtree moves with its root), delete,
 * link to feedback items and interviews, and their evidence.
 */
import type {
  Opportunity,
  OpportunityCreate,
  OpportunityListQuery,
  OpportunityUpdate,
} from '@headroom/core/api/discovery';
import {
  discoveryRef,
  FEEDBACK_ID,
  INTERVIEW_ID,
  type OpportunityRecord,
} from '@headroom/core/config/headroom/discovery';
import { ConflictError, type FieldProblem, InputError, NotFoundError } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { loadSources, opportunityEvidence } from './evidence.js';
import * as repo from './repo.js';
import {
  badReference,
  type Config,
  opportunityView,
  refuseIfDependents,
  requireEditor,
  requireOpportunity,
} from './service.js';

// ---- opportunities

/** Outcome and parent must exist, the parent under the same outcome, and no parent chain may loop. */
async function checkPlacement(trx: Kysely<Database>, name: string, outcome: string, parent: string | null) {
  if (!(await repo.findOutcome(trx, outcome)))
    throw badReference('/outcome', `outcome '${outcome}' does not exist`);
  if (parent === null) return;
  if (parent === name) throw badReference('/parent', 'an opportunity cannot be its own parent');
  const p = await repo.findOpportunity(trx, parent);
  if (!p) throw badReference('/parent', `opportunity '${parent}' does not exist`);
  if (p.record.outcome !== outcome)
    throw badReference(
      '/parent',
      `opportunity '${parent}' belongs to outcome '${p.record.outcome}', not '${outcome}'`,
    );
  const seen = new Set([name]);
  for (let at: string | null = parent; at !== null; ) {
    if (seen.has(at))
      throw badReference('/parent', `parents would form a cycle (${[...seen, at].join(' → ')})`);
    seen.add(at);
    at = (await repo.findOpportunity(trx, at))?.record.parent ?? null;
  }
}

async function checkLinkTargets(
  trx: Kysely<Database>,
  feedback: readonly string[],
  interviews: readonly string[],
) {
  const problems: FieldProblem[] = [];
  const fb = await repo.feedbackExists(trx, feedback);
  feedback.forEach((id, i) => {
    if (!fb.has(id)) problems.push({ path: `/feedback/${i}`, message: `feedback item ${id} does not exist` });
  });
  const ints = await repo.interviewsExist(trx, interviews);
  interviews.forEach((id, i) => {
    if (!ints.has(id)) problems.push({ path: `/interviews/${i}`, message: `interview ${id} does not exist` });
  });
  if (problems.length > 0)
    throw new InputError(
      `${problems[0]!.path.slice(1)}: ${problems[0]!.message}`,
      problems,
      'UNKNOWN_REFERENCE',
    );
}

export async function listOpportunityViews(
  db: Kysely<Database>,
  query: OpportunityListQuery,
): Promise<Opportunity[]> {
  return (await repo.listOpportunities(db, { ...query, limit: query.limit ?? 200 })).map(opportunityView);
}

export async function getOpportunity(db: Kysely<Database>, name: string): Promise<Opportunity> {
  return opportunityView(await requireOpportunity(db, name));
}

export async function createOpportunity(db: Kysely<Database>, ctx: AuditContext, body: OpportunityCreate) {
  requireEditor(ctx, 'opportunities');
  await withTransaction(db, async (trx) => {
    if (await repo.findOpportunity(trx, body.name))
      throw new ConflictError(`Opportunity '${body.name}' exists already.`, 'OPPORTUNITY_EXISTS');
    const parent = body.parent ?? null;
    await checkPlacement(trx, body.name, body.outcome, parent);
    const feedback = [...new Set(body.feedback ?? [])];
    const interviews = [...new Set(body.interviews ?? [])];
    await checkLinkTargets(trx, feedback, interviews);
    const record: OpportunityRecord = {
      name: body.name,
      outcome: body.outcome,
      parent,
      title: body.title,
      description: body.description ?? null,
      services: [...new Set(body.services ?? [])].sort(),
      feedback: feedback.sort(),
      interviews: interviews.sort(),
    };
    await repo.writeOpportunity(trx, record, null, ctx.actor.name);
    await recordAudit(trx, ctx, 'create', 'opportunity', discoveryRef('opportunity', body.name), {
      outcome: body.outcome,
      parent,
    });
  });
  return getOpportunity(db, body.name);
}

/** Sub-opportunities of `name`, all levels down. */
async function descendants(trx: Kysely<Database>, name: string): Promise<string[]> {
  const out: string[] = [];
  const queue = [name];
  while (queue.length > 0) {
    const at = queue.shift()!;
    const subs = await trx.selectFrom('opportunities').select('name').where('parent', '=', at).execute();
    for (const s of subs) {
      if (out.includes(s.name) || s.name === name) continue;
      out.push(s.name);
      queue.push(s.name);
    }
  }
  return out;
}

export async function updateOpportunity(
  db: Kysely<Database>,
  ctx: AuditContext,
  name: string,
  body: OpportunityUpdate,
) {
  requireEditor(ctx, 'opportunities');
  await withTransaction(db, async (trx) => {
    const current = await requireOpportunity(trx, name);
    const outcome = body.outcome ?? current.record.outcome;
    const parent = body.parent !== undefined ? body.parent : current.record.parent;
    if (body.outcome !== undefined || body.parent !== undefined)
      await checkPlacement(trx, name, outcome, parent);
    const { feedback: _f, interviews: _i, ...rest } = current.record;
    const record: OpportunityRecord = {
      ...rest,
      outcome,
      parent,
      ...(body.title !== undefined && { title: body.title }),
      ...(body.description !== undefined && { description: body.description }),
      ...(body.services !== undefined && { services: [...new Set(body.services)].sort() }),
    };
    await repo.writeOpportunity(trx, record, current.document, ctx.actor.name);
    // A subtree moves with its root.
    if (outcome !== current.record.outcome) {
      const subs = await descendants(trx, name);
      if (subs.length > 0)
        await trx
          .updateTable('opportunities')
          .set({ outcome, updated_at: Date.now() })
          .where('name', 'in', subs)
          .execute();
    }
    await recordAudit(trx, ctx, 'update', 'opportunity', discoveryRef('opportunity', name), {
      changed: Object.keys(body).sort(),
    });
  });
  return getOpportunity(db, name);
}

export async function deleteOpportunity(db: Kysely<Database>, ctx: AuditContext, name: string) {
  requireEditor(ctx, 'opportunities');
  await withTransaction(db, async (trx) => {
    await requireOpportunity(trx, name);
    await refuseIfDependents(trx, 'opportunity', name);
    await repo.deleteOpportunity(trx, name);
    await recordAudit(trx, ctx, 'delete', 'opportunity', discoveryRef('opportunity', name));
  });
}

function linkKind(id: string): 'feedback' | 'interview' {
  if (FEEDBACK_ID.test(id)) return 'feedback';
  if (INTERVIEW_ID.test(id)) return 'interview';
  throw new InputError(`'${id}' is neither a feedback item (FB-<n>) nor an interview (INT-<n>).`, [
    { path: '/id', message: 'must be FB-<n> or INT-<n>' },
  ]);
}

export async function linkOpportunity(db: Kysely<Database>, ctx: AuditContext, name: string, id: string) {
  requireEditor(ctx, 'opportunities');
  const kind = linkKind(id);
  return withTransaction(db, async (trx) => {
    await requireOpportunity(trx, name);
    const exists =
      kind === 'feedback' ? await repo.feedbackExists(trx, [id]) : await repo.interviewsExist(trx, [id]);
    if (!exists.has(id))
      throw new NotFoundError(
        kind === 'feedback' ? 'Feedback item' : 'Interview',
        id,
        kind === 'feedback' ? 'FEEDBACK_NOT_FOUND' : 'INTERVIEW_NOT_FOUND',
      );
    const added = await repo.addLink(trx, name, kind, id, ctx.actor.name);
    if (added)
      await recordAudit(trx, ctx, 'link', 'opportunity', discoveryRef('opportunity', name), { [kind]: id });
    return { created: added, opportunity: opportunityView((await repo.findOpportunity(trx, name))!) };
  });
}

export async function unlinkOpportunity(db: Kysely<Database>, ctx: AuditContext, name: string, id: string) {
  requireEditor(ctx, 'opportunities');
  const kind = linkKind(id);
  await withTransaction(db, async (trx) => {
    await requireOpportunity(trx, name);
    if (!(await repo.removeLink(trx, name, kind, id)))
      throw new NotFoundError(`Link from opportunity '${name}' to`, id, 'LINK_NOT_FOUND');
    await recordAudit(trx, ctx, 'unlink', 'opportunity', discoveryRef('opportunity', name), { [kind]: id });
  });
}

export async function evidenceOf(db: Kysely<Database>, config: Config, name: string) {
  const opportunity = await requireOpportunity(db, name);
  return opportunityEvidence(db, await loadSources(db, config), opportunity);
}
