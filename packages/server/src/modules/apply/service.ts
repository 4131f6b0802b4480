/**
 * Config as code: POST /api/v1/apply. Every document of every file is validated before
 * anything is read from the database; then, in one transaction, the plan is computed,
 * every change is authorised with the API's own policy, and (unless dry-run) written with an
 * audit entry each. Any error rolls the whole apply back.
 */
import type { ApplyRequest, ApplyResult, PlanItem } from '@headroom/core/api/apply';
import type { Actor } from '@headroom/core/auth/policy';
import { compileConfig } from '@headroom/core/config/compile';
import { builtinKindRegistry } from '@headroom/core/config/index';
import { ConflictError, type FieldProblem, HeadroomError } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { errorBudgetPolicyStores } from '../budget-policies/apply-store.js';
import { capacityStores } from '../capacity/apply-store.js';
import type { UserRecord } from '../catalog/records.js';
import { REF_KIND, refOf } from '../catalog/refs.js';
import { discoveryStores } from '../discovery/apply-store.js';
import { escalationPolicyStores } from '../escalation-policies/apply-store.js';
import { notificationStores } from '../notifications/channel-store.js';
import { routingStores } from '../routing/apply-stores.js';
import { scheduleStores } from '../schedules/apply-store.js';
import { applyStores } from './catalog-stores.js';
import { correctionStores } from './correction-stores.js';
import { executeMemberships } from './memberships.js';
import { openSloStores } from './openslo-stores.js';
import { computePlan, type Plan, type PlannedChange, StoreIndex } from './plan.js';

const registry = builtinKindRegistry();
const stores = new StoreIndex([
  ...applyStores,
  ...openSloStores,
  ...correctionStores,
  ...notificationStores,
  ...routingStores,
  ...scheduleStores,
  ...escalationPolicyStores,
  ...errorBudgetPolicyStores,
  ...discoveryStores,
  ...capacityStores,
]);

const positionOf = (c: PlannedChange) =>
  c.object ? { file: c.object.source.file, line: c.object.source.line, column: c.object.source.column } : {};

/** A forbidden change fails the whole apply; the problem lists every one of them. */
async function authorise(db: Kysely<Database>, actor: Actor, plan: Plan): Promise<void> {
  const problems: FieldProblem[] = [];
  const declared = new Map(plan.changes.flatMap((c) => (c.object ? [[c.ref, c.object] as const] : [])));
  for (const c of plan.changes) {
    if (c.action === 'unchanged') continue;
    const verdict = await c.store.authorise(db, actor, {
      action: c.action,
      current: c.current,
      desired: c.desired,
      what: `${c.kind} '${c.ref}'`,
      declared: (ref) => declared.get(ref),
    });
    if (!verdict.allowed)
      problems.push({ path: '', message: `${c.action} ${c.ref}: ${verdict.reason}`, ...positionOf(c) });
  }
  if (problems.length > 0) {
    const more =
      problems.length > 1
        ? ` (and ${problems.length - 1} more forbidden change${problems.length > 2 ? 's' : ''})`
        : '';
    throw new HeadroomError('FORBIDDEN', 403, `${problems[0]!.message}${more}`, problems);
  }
}

/** Apply may change roles and prune users, but never remove the last admin or the caller. */
async function keepAdmins(db: Kysely<Database>, actor: Actor, plan: Plan): Promise<void> {
  const userChanges = plan.changes.filter((c) => c.store.type === 'user' && c.action !== 'unchanged');
  if (userChanges.length === 0) return;
  const admins = new Set(
    (await db.selectFrom('users').select(['namespace', 'name']).where('role', '=', 'admin').execute()).map(
      (u) => refOf(REF_KIND.user, u.namespace, u.name),
    ),
  );
  for (const c of userChanges) {
    if (c.action === 'delete') {
      if (c.current?.id === actor.userId)
        throw new ConflictError(`Pruning ${c.ref} would delete you, who runs this apply.`, 'SELF_DELETE');
      admins.delete(c.ref);
      continue;
    }
    const role = (c.desired as UserRecord).role;
    if (role === 'admin') admins.add(c.ref);
    else if (role !== undefined) admins.delete(c.ref);
  }
  if (admins.size === 0)
    throw new ConflictError('This apply would leave Headroom without an admin.', 'LAST_ADMIN');
}

async function execute(db: Kysely<Database>, ctx: AuditContext, plan: Plan): Promise<void> {
  const now = Date.now();
  const upserts = plan.changes.filter((c) => c.action === 'create' || c.action === 'update');
  for (const c of upserts) {
    // A membership-only update has nothing else to write.
    if (c.changes.some((f) => f !== 'members' && f !== 'teams') || c.action === 'create') {
      await c.store.write(db, c.desired);
    }
  }
  await executeMemberships(db, plan.memberships);
  for (const c of plan.changes.filter((c) => c.action === 'delete')) {
    await c.store.remove(db, c.entityRef);
    await db.deleteFrom('applied_objects').where('ref', '=', c.ref).execute();
  }
  if (plan.staleApplied.length > 0) {
    await db.deleteFrom('applied_objects').where('ref', 'in', plan.staleApplied).execute();
  }
  for (const c of plan.changes) {
    if (c.action === 'unchanged') continue;
    const source = c.object?.source;
    if (c.action === 'create') {
      await db
        .insertInto('applied_objects')
        .values({ kind: c.kind, ref: c.ref, source: source?.file ?? '', applied_at: now })
        .onConflict((oc) =>
          oc.columns(['kind', 'ref']).doUpdateSet({ source: source?.file ?? '', applied_at: now }),
        )
        .execute();
    }
    await recordAudit(db, ctx, `apply.${c.action}`, c.store.auditKind, c.ref, {
      ...(c.action === 'update' && { changed: c.changes }),
      ...(source && { file: source.file, line: source.line }),
    });
  }
}

function result(plan: Plan, dryRun: boolean): ApplyResult {
  const summary = { create: 0, update: 0, unchanged: 0, delete: 0 };
  const items: PlanItem[] = plan.changes.map((c) => {
    summary[c.action]++;
    return {
      action: c.action,
      kind: c.kind,
      ref: c.ref,
      ...(c.object && { file: c.object.source.file, line: c.object.source.line }),
      ...(c.action === 'update' && { changes: c.changes }),
    };
  });
  return { dryRun, items, warnings: plan.warnings, summary };
}

export async function applyConfig(
  db: Kysely<Database>,
  ctx: AuditContext,
  request: ApplyRequest,
): Promise<ApplyResult> {
  // Throws InputError (400) listing every problem before the database is touched.
  const compiled = compileConfig(request.files, registry);
  const dryRun = request.dryRun ?? false;
  const run = async (trx: Kysely<Database>) => {
    const plan = await computePlan(trx, compiled, stores, request.prune ?? false);
    await authorise(trx, ctx.actor, plan);
    await keepAdmins(trx, ctx.actor, plan);
    if (!dryRun) await execute(trx, ctx, plan);
    return result(plan, dryRun);
  };
  return dryRun ? run(db) : withTransaction(db, run);
}
