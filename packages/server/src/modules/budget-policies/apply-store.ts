/**
 * Apply store for `headroom.dev/v1` ErrorBudgetPolicy (table `error_budget_policies`).
 * Ownership as for escalation policies: a policy with `spec.owner` may be changed by an editor
 * of that team (before and after the change); one without an owner by admins only. Services a
 * policy names that do not exist are warnings (from the document's references), not errors: a
 * policy may be applied before the catalog has the service.
 */
import { type Actor, canChangeOwned, type Verdict } from '@headroom/core/auth/policy';
import {
  ERROR_BUDGET_POLICY_REF_KIND,
  ERROR_BUDGET_POLICY_TYPE,
  type ErrorBudgetPolicyObject,
} from '@headroom/core/config/headroom/error-budget-policy';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import {
  type ApplyStore,
  type ChangeToAuthorise,
  diffDefinitions,
  loadedDefinition,
} from '../apply/stores.js';
import { ownerTeamId } from '../catalog/records.js';
import {
  deleteErrorBudgetPolicy,
  type ErrorBudgetPolicyRecord,
  findErrorBudgetPolicy,
  writeErrorBudgetPolicy,
} from './repo.js';

async function authorisePolicy(
  db: Kysely<Database>,
  actor: Actor,
  change: ChangeToAuthorise<ErrorBudgetPolicyRecord>,
): Promise<Verdict> {
  if (actor.role !== 'editor') return canChangeOwned(actor, null, change.what);
  for (const record of [change.current?.record, change.desired]) {
    if (!record) continue;
    const verdict = canChangeOwned(actor, await ownerTeamId(db, record.definition.owner), change.what);
    if (!verdict.allowed) return verdict;
  }
  return { allowed: true };
}

export const errorBudgetPolicyStore: ApplyStore<ErrorBudgetPolicyObject, ErrorBudgetPolicyRecord> = {
  type: ERROR_BUDGET_POLICY_TYPE,
  refKinds: [ERROR_BUDGET_POLICY_REF_KIND],
  // After teams (10) and services, which policies name.
  order: 98,
  auditKind: 'error-budget-policy',
  toRecord: (data) => ({ name: data.policy.name, definition: data.policy, document: data.document }),
  load: async (db, ref) => loadedDefinition(await findErrorBudgetPolicy(db, ref.name)),
  diff: diffDefinitions,
  authorise: authorisePolicy,
  write: writeErrorBudgetPolicy,
  remove: (db, ref) => deleteErrorBudgetPolicy(db, ref.name),
};

export const errorBudgetPolicyStores = [errorBudgetPolicyStore] as unknown as readonly ApplyStore[];
