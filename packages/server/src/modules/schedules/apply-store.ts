/**
 * Apply store for `headroom.dev/v1` Schedule (table `schedules`).
 *
 * Ownership, as for notification channels: a schedule with `spec.owner` may be created, changed
 * or deleted by an editor of that team (before and after the change); one without an owner by
 * admins only. Users: every user a schedule names must be stored, or declared in the same apply,
 * and not pruned by it; otherwise the apply is refused with the file, line and field. Pruning a
 * user that a stored schedule (not in this apply) names is a warning. Pruning a schedule deletes
 * its overrides and feeds with it.
 */
import { type Actor, canChangeOwned, type Verdict } from '@headroom/core/auth/policy';
import { parseEntityRef } from '@headroom/core/catalog/entity-ref';
import {
  isScheduleObject,
  SCHEDULE_REF_KIND,
  SCHEDULE_TYPE,
  type ScheduleObject,
  scheduleRef,
} from '@headroom/core/config/headroom/schedule';
import type { FieldProblem } from '@headroom/core/errors';
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
import { deleteSchedule, findSchedule, loadSchedules, type ScheduleRecord, writeSchedule } from './repo.js';

const userRef = (name: string) => {
  const r = parseEntityRef(name, { defaultKind: 'user', defaultNamespace: 'default' });
  return `user:${r.namespace}/${r.name}`;
};

async function authoriseSchedule(
  db: Kysely<Database>,
  actor: Actor,
  change: ChangeToAuthorise<ScheduleRecord>,
): Promise<Verdict> {
  if (actor.role !== 'editor') return canChangeOwned(actor, null, change.what);
  for (const record of [change.current?.record, change.desired]) {
    if (!record) continue;
    const verdict = canChangeOwned(actor, await ownerTeamId(db, record.definition.owner), change.what);
    if (!verdict.allowed) return verdict;
  }
  return { allowed: true };
}

/** Users of declared schedules must exist after the apply; stored schedules losing a user get a warning. */
async function verifySchedules(db: Kysely<Database>, plan: PlanContext): Promise<PlanCheck> {
  const check: PlanCheck = { warnings: [], problems: [] };
  const known = new Map<string, boolean>();
  const exists = async (name: string) => {
    const ref = userRef(name);
    if (plan.removed.has(ref)) return false;
    if (plan.declared.has(ref)) return true;
    let found = known.get(ref);
    if (found === undefined) {
      found = (await findUserByRef(db, ref)) !== undefined;
      known.set(ref, found);
    }
    return found;
  };
  const declared = plan.objects.filter(isScheduleObject);
  for (const o of declared) {
    const s = o.data.schedule;
    for (const [i, layer] of s.layers.entries()) {
      for (const [j, user] of layer.users.entries()) {
        if (await exists(user)) continue;
        const path = ['spec', 'layers', i, 'users', j];
        const at = o.locate?.(path) ?? o.source;
        const problem: FieldProblem = {
          path: `/spec/layers/${i}/users/${j}`,
          message: `Schedule '${s.name}', layer '${layer.name}': user '${user}' does not exist${plan.removed.has(userRef(user)) ? ' after this apply (it is pruned)' : ''}; create it first or declare it in the same apply`,
          file: at.file,
          line: at.line,
          column: at.column,
        };
        check.problems.push(problem);
      }
    }
  }
  if (plan.removed.size > 0) {
    const declaredNames = new Set(declared.map((o) => o.data.schedule.name));
    for (const stored of await loadSchedules(db)) {
      if (declaredNames.has(stored.name) || plan.removed.has(scheduleRef(stored.name))) continue;
      const lost = [...new Set(stored.definition.layers.flatMap((l) => l.users))].filter((u) =>
        plan.removed.has(userRef(u)),
      );
      if (lost.length > 0)
        check.warnings.push({
          message: `Schedule '${stored.name}' names ${lost.map((u) => `'${u}'`).join(', ')}, which this apply prunes; their shifts keep the name but nobody can be paged for them.`,
          path: '',
        });
    }
  }
  return check;
}

export const scheduleStore: ApplyStore<ScheduleObject, ScheduleRecord> = {
  type: SCHEDULE_TYPE,
  refKinds: [SCHEDULE_REF_KIND],
  // After teams (10) and users (20), which own schedules and are on call in them.
  order: 95,
  auditKind: 'schedule',
  toRecord: (data) => ({ name: data.schedule.name, definition: data.schedule, document: data.document }),
  load: async (db, ref) => loadedDefinition(await findSchedule(db, ref.name)),
  diff: diffDefinitions,
  authorise: authoriseSchedule,
  write: writeSchedule,
  remove: (db, ref) => deleteSchedule(db, ref.name),
  verify: verifySchedules,
};

export const scheduleStores = [scheduleStore] as unknown as readonly ApplyStore[];
