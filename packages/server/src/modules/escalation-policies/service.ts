/**
 * Escalation policies for readers: the list, and the detail with whom each step would notify right
 * now (schedules resolved to whoever is on call, through schedules' `onCallFor`). Policies are
 * written by apply only; nothing here changes state. Escalation itself is not wired to alerts yet.
 */
import type {
  EscalationPolicyDetail,
  EscalationPolicySummary,
  EscalationStepView,
} from '@headroom/core/api/escalation-policy';
import type { EscalationStep } from '@headroom/core/config/headroom/escalation-policy';
import { NotFoundError } from '@headroom/core/errors';
import { type EscalationTarget, resolveTargets } from '@headroom/core/oncall/escalation';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { iso } from '../catalog/refs.js';
import { findUserByRef } from '../catalog/users.js';
import { onCallFor } from '../schedules/service.js';
import { findEscalationPolicy, loadEscalationPolicies } from './repo.js';

const stepView = (s: EscalationStep): EscalationStepView => ({
  delay: s.delay,
  delayMs: s.delayMs,
  notify: s.notify,
});

export async function listEscalationPolicies(db: Kysely<Database>): Promise<EscalationPolicySummary[]> {
  return (await loadEscalationPolicies(db)).map(({ definition: d }) => ({
    name: d.name,
    displayName: d.displayName,
    description: d.description,
    owner: d.owner,
    repeat: d.repeat,
    steps: d.steps.map(stepView),
  }));
}

type OnCall = { user: string | null } | { error: string };

/**
 * resolveTargets reads synchronously, so who is on call in each schedule and which users exist
 * are read first (each once); a schedule that is gone becomes a note, not a failure.
 */
async function lookupFor(db: Kysely<Database>, targets: readonly EscalationTarget[], at: number) {
  const onCall = new Map<string, OnCall>();
  const users = new Map<string, boolean>();
  const checkUser = async (name: string) => {
    if (!users.has(name)) users.set(name, (await findUserByRef(db, name)) !== undefined);
  };
  for (const t of targets) {
    if ('schedule' in t && !onCall.has(t.schedule)) {
      try {
        const user = await onCallFor(db, t.schedule, at);
        onCall.set(t.schedule, { user });
        if (user !== null) await checkUser(user);
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
        onCall.set(t.schedule, { error: 'it does not exist' });
      }
    } else if ('user' in t) await checkUser(t.user);
  }
  return {
    onCall(schedule: string) {
      const found = onCall.get(schedule);
      if (!found) return null;
      if ('error' in found) throw new Error(found.error);
      return found.user;
    },
    userExists: (name: string) => users.get(name) ?? false,
  };
}

export async function getEscalationPolicy(
  db: Kysely<Database>,
  name: string,
  now = Date.now(),
): Promise<EscalationPolicyDetail> {
  const p = await findEscalationPolicy(db, name);
  if (!p) throw new NotFoundError('Escalation policy', name, 'ESCALATION_POLICY_NOT_FOUND');
  const d = p.definition;
  const lookup = await lookupFor(
    db,
    d.steps.flatMap((s) => s.notify),
    now,
  );
  return {
    name: d.name,
    displayName: d.displayName,
    description: d.description,
    owner: d.owner,
    repeat: d.repeat,
    steps: d.steps.map((s) => ({ ...stepView(s), now: resolveTargets(s.notify, lookup, now) })),
    at: iso(now),
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
  };
}
