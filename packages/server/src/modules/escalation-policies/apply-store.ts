/**
 * Apply store for `headroom.dev/v1` EscalationPolicy (table `escalation_policies`).
 *
 * Ownership, as for schedules: a policy with `spec.owner` may be created, changed or deleted by
 * an editor of that team (before and after the change); one without an owner by admins only.
 * Schedules and users a policy names must be stored, or declared in the same apply, and not
 * pruned by it; otherwise the apply is refused with the file, line and field. Channels that do
 * not exist are warnings (from the document's references), as for a route's receivers.
 */
import { type Actor, canChangeOwned, type Verdict } from '@headroom/core/auth/policy';
import { parseEntityRef } from '@headroom/core/catalog/entity-ref';
import {
  ESCALATION_POLICY_REF_KIND,
  ESCALATION_POLICY_TYPE,
  type EscalationPolicyObject,
  isEscalationPolicyObject,
} from '@headroom/core/config/headroom/escalation-policy';
import { scheduleRef } from '@headroom/core/config/headroom/schedule';
import type { FieldProblem } from '@headroom/core/errors';
import { NOTIFICATION_CHANNEL_REF_KIND } from '@headroom/core/notifications/channel';
import type { EscalationTarget } from '@headroom/core/oncall/escalation';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import {
  type ApplyStore,
  type ChangeToAuthorise,
  diffDefinitions,
  loadedDefinition,
  type PlanCheck,
  type PlanContext,
} from '../apply/stores.js';
import { ownerTeamId } from '../catalog/records.js';
import { findUserByRef } from '../catalog/users.js';
import { findSchedule } from '../schedules/repo.js';
import {
  deleteEscalationPolicy,
  type EscalationPolicyRecord,
  findEscalationPolicy,
  writeEscalationPolicy,
} from './repo.js';

const userRef = (name: string) => {
  const r = parseEntityRef(name, { defaultKind: 'user', defaultNamespace: 'default' });
  return `user:${r.namespace}/${r.name}`;
};

/** The entity ref a target names, and what to call it in messages. */
function targetRef(t: EscalationTarget): { ref: string; what: string; field: string } {
  if ('schedule' in t)
    return { ref: scheduleRef(t.schedule), what: `schedule '${t.schedule}'`, field: 'schedule' };
  if ('user' in t) return { ref: userRef(t.user), what: `user '${t.user}'`, field: 'user' };
  return {
    ref: `${NOTIFICATION_CHANNEL_REF_KIND}:default/${t.channel}`,
    what: `channel '${t.channel}'`,
    field: 'channel',
  };
}

async function authorisePolicy(
  db: Kysely<Database>,
  actor: Actor,
  change: ChangeToAuthorise<EscalationPolicyRecord>,
): Promise<Verdict> {
  if (actor.role !== 'editor') return canChangeOwned(actor, null, change.what);
  for (const record of [change.current?.record, change.desired]) {
    if (!record) continue;
    const verdict = canChangeOwned(actor, await ownerTeamId(db, record.definition.owner), change.what);
    if (!verdict.allowed) return verdict;
  }
  return { allowed: true };
}

/**
 * Where a target sits in the document as written: the normalized steps drop duplicate targets,
 * so the index is looked up in the raw `notify` list.
 */
function rawTargetIndex(document: unknown, step: number, t: EscalationTarget): number | undefined {
  const spec = (document as { spec?: { steps?: unknown } } | null)?.spec;
  const steps = Array.isArray(spec?.steps) ? spec.steps : [];
  const notify = (steps[step] as { notify?: unknown } | undefined)?.notify;
  if (!Array.isArray(notify)) return undefined;
  const { ref } = targetRef(t);
  const i = notify.findIndex((raw) => {
    if (raw === null || typeof raw !== 'object') return false;
    const r = raw as Record<string, unknown>;
    if (typeof r.schedule === 'string') return scheduleRef(r.schedule) === ref;
    if (typeof r.user === 'string') return userRef(r.user) === ref;
    if (typeof r.channel === 'string') return `${NOTIFICATION_CHANNEL_REF_KIND}:default/${r.channel}` === ref;
    return false;
  });
  return i < 0 ? undefined : i;
}

/**
 * Schedules and users of declared policies must exist after the apply. A stored policy that is
 * not declared is pruned along with its targets (apply wrote it), so it needs no warning here.
 */
async function verifyPolicies(db: Kysely<Database>, plan: PlanContext): Promise<PlanCheck> {
  const check: PlanCheck = { warnings: [], problems: [] };
  const known = new Map<string, boolean>();
  const exists = async (t: EscalationTarget) => {
    const { ref } = targetRef(t);
    if (plan.removed.has(ref)) return false;
    if (plan.declared.has(ref)) return true;
    let found = known.get(ref);
    if (found === undefined) {
      found =
        'schedule' in t
          ? (await findSchedule(db, t.schedule)) !== undefined
          : (await findUserByRef(db, ref)) !== undefined;
      known.set(ref, found);
    }
    return found;
  };
  const declared = plan.objects.filter(isEscalationPolicyObject);
  for (const o of declared) {
    const p = o.data.policy;
    for (const [s, step] of p.steps.entries()) {
      for (const target of step.notify) {
        if ('channel' in target || (await exists(target))) continue;
        const { ref, what, field } = targetRef(target);
        const i = rawTargetIndex(o.data.document, s, target) ?? 0;
        const path = ['spec', 'steps', s, 'notify', i, field];
        const at = o.locate?.(path) ?? o.source;
        const problem: FieldProblem = {
          path: `/spec/steps/${s}/notify/${i}/${field}`,
          message: `EscalationPolicy '${p.name}', step ${s + 1}: ${what} does not exist${plan.removed.has(ref) ? ' after this apply (it is pruned)' : ''}; create it first or declare it in the same apply`,
          file: at.file,
          line: at.line,
          column: at.column,
        };
        check.problems.push(problem);
      }
    }
  }
  return check;
}

export const escalationPolicyStore: ApplyStore<EscalationPolicyObject, EscalationPolicyRecord> = {
  type: ESCALATION_POLICY_TYPE,
  refKinds: [ESCALATION_POLICY_REF_KIND],
  // After teams (10), users (20), channels (80) and schedules (95), which policies name.
  order: 97,
  auditKind: 'escalation-policy',
  toRecord: (data) => ({ name: data.policy.name, definition: data.policy, document: data.document }),
  load: async (db, ref) => loadedDefinition(await findEscalationPolicy(db, ref.name)),
  diff: diffDefinitions,
  authorise: authorisePolicy,
  write: writeEscalationPolicy,
  remove: (db, ref) => deleteEscalationPolicy(db, ref.name),
  verify: verifyPolicies,
};

export const escalationPolicyStores = [escalationPolicyStore] as unknown as readonly ApplyStore[];
