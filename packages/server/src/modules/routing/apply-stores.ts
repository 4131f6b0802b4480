/**
 * Apply stores for `headroom.dev/v1` Route, InhibitRule and Silence.
 *
 * Who may change them: editors and admins (routing is shared by every team, as in Alertmanager;
 * every change is audited). Pruning a Silence document does not delete the silence: it expires
 * it and keeps it in the history, detached from the name. Checks across documents and what is
 * stored: at most one root Route; two top-level routes with the same order are a warning (they
 * are tried in name order); a Silence already over when applied is a warning. An
 * `escalationPolicy` must name a stored or declared (and not pruned) EscalationPolicy: a page that
 * goes nowhere is worse than a refused apply.
 */

import { expiredWindow, silenceState } from '@headroom/core/alerting/silences';
import type { Actor, Verdict } from '@headroom/core/auth/policy';
import { hasRole } from '@headroom/core/auth/policy';
import { ESCALATION_POLICY_REF_KIND } from '@headroom/core/config/headroom/escalation-policy';
import {
  INHIBIT_RULE_REF_KIND,
  INHIBIT_RULE_TYPE,
  type InhibitRuleObject,
  isRouteObject,
  isSilenceObject,
  ROUTE_REF_KIND,
  ROUTE_TYPE,
  type RouteObject,
  routeRef,
  SILENCE_REF_KIND,
  SILENCE_TYPE,
  type SilenceDefinition,
  type SilenceObject,
} from '@headroom/core/config/headroom/routing';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import {
  type ApplyStore,
  diffDefinitions,
  loadedDefinition,
  type PlanCheck,
  type PlanContext,
} from '../apply/stores.js';
import { findEscalationPolicy } from '../escalation-policies/repo.js';
import {
  deleteInhibitRule,
  deleteRoute,
  findInhibitRule,
  findRoute,
  findSilenceByName,
  type InhibitRuleRecord,
  insertSilence,
  loadRoutes,
  type RouteRecord,
  updateSilence,
  writeInhibitRule,
  writeRoute,
} from './repo.js';

function authoriseRouting(actor: Actor, what: string): Verdict {
  return hasRole(actor, 'editor')
    ? { allowed: true }
    : { allowed: false, reason: `Viewers cannot change ${what}; editors and admins can.` };
}

/** One root among stored and declared routes; same-order siblings are a warning. */
async function verifyRoutes(db: Kysely<Database>, plan: PlanContext): Promise<PlanCheck> {
  const check: PlanCheck = { warnings: [], problems: [] };
  const declared = plan.objects.filter(isRouteObject);
  if (declared.length === 0) return check;
  const byName = new Map<string, { root: boolean; order: number; declared: boolean }>();
  for (const r of await loadRoutes(db)) {
    if (plan.removed.has(routeRef(r.name))) continue;
    byName.set(r.name, { root: r.definition.root, order: r.definition.order, declared: false });
  }
  for (const o of declared)
    byName.set(o.data.route.name, { root: o.data.route.root, order: o.data.route.order, declared: true });
  const roots = [...byName.entries()].filter(([, r]) => r.root).map(([name]) => name);
  const policyPrefix = `${ESCALATION_POLICY_REF_KIND}:default/`;
  const known = new Map<string, boolean>();
  for (const o of declared) {
    for (const r of o.references) {
      if (!r.ref.startsWith(policyPrefix)) continue;
      const policy = r.ref.slice(policyPrefix.length);
      let exists = plan.declared.has(r.ref) && !plan.removed.has(r.ref);
      if (!exists && !plan.removed.has(r.ref)) {
        exists = known.get(policy) ?? (await findEscalationPolicy(db, policy)) !== undefined;
        known.set(policy, exists);
      }
      if (exists) continue;
      check.problems.push({
        path: r.path,
        message: `Route '${o.data.route.name}': escalation policy '${policy}' does not exist${plan.removed.has(r.ref) ? ' after this apply (it is pruned)' : ''}; apply the EscalationPolicy first or declare it in the same apply`,
        file: r.position.file,
        line: r.position.line,
        column: r.position.column,
      });
    }
  }
  for (const o of declared) {
    const route = o.data.route;
    const at = (path: string[]) => o.locate?.(path) ?? o.source;
    if (route.root) {
      const other = roots.find((name) => name !== route.name);
      if (other) {
        const p = at(['spec', 'root']);
        check.problems.push({
          path: '/spec/root',
          message: `only one Route may be the root; '${other}' is the root already (prune it or set its root: false)`,
          file: p.file,
          line: p.line,
          column: p.column,
        });
      }
      continue;
    }
    const same = [...byName.entries()]
      .filter(([name, r]) => name !== route.name && !r.root && r.order === route.order)
      .map(([name]) => name);
    if (same.length > 0) {
      const p = at(['spec', 'order']);
      check.warnings.push({
        message: `Route '${route.name}' has order ${route.order} as ${same.map((n) => `'${n}'`).join(', ')} do; routes of the same order are tried in name order.`,
        file: p.file,
        line: p.line,
        path: '/spec/order',
      });
    }
  }
  if (roots.length === 0) {
    const first = declared[0]!;
    check.warnings.push({
      message:
        'No root Route (spec.root: true) is applied: alerts that match no route have no receiver and are not notified.',
      file: first.source.file,
      line: first.source.line,
      path: '',
    });
  }
  return check;
}

export const routeStore: ApplyStore<RouteObject, RouteRecord> = {
  type: ROUTE_TYPE,
  refKinds: [ROUTE_REF_KIND],
  // After notification channels (80), which routes name as receivers.
  order: 90,
  auditKind: 'route',
  toRecord: (data) => ({ name: data.route.name, definition: data.route, document: data.document }),
  load: async (db, ref) => loadedDefinition(await findRoute(db, ref.name)),
  diff: diffDefinitions,
  authorise: async (_db, actor, change) => authoriseRouting(actor, change.what),
  write: writeRoute,
  remove: (db, ref) => deleteRoute(db, ref.name),
  verify: verifyRoutes,
};

export const inhibitRuleStore: ApplyStore<InhibitRuleObject, InhibitRuleRecord> = {
  type: INHIBIT_RULE_TYPE,
  refKinds: [INHIBIT_RULE_REF_KIND],
  order: 91,
  auditKind: 'inhibit-rule',
  toRecord: (data) => ({ name: data.rule.name, definition: data.rule, document: data.document }),
  load: async (db, ref) => loadedDefinition(await findInhibitRule(db, ref.name)),
  diff: diffDefinitions,
  authorise: async (_db, actor, change) => authoriseRouting(actor, change.what),
  write: writeInhibitRule,
  remove: (db, ref) => deleteInhibitRule(db, ref.name),
};

interface SilenceRecord {
  name: string;
  definition: SilenceDefinition;
  document: unknown;
}

async function verifySilences(_db: Kysely<Database>, plan: PlanContext): Promise<PlanCheck> {
  const now = Date.now();
  const warnings: PlanCheck['warnings'] = [];
  for (const o of plan.objects.filter(isSilenceObject)) {
    const s = o.data.silence;
    if (silenceState(s, now) !== 'expired') continue;
    const p = o.locate?.(['spec', 'endsAt']) ?? o.source;
    warnings.push({
      message: `Silence '${s.name}' ended at ${new Date(s.endsAt).toISOString()}: it is kept as an expired silence and mutes nothing.`,
      file: p.file,
      line: p.line,
      path: '/spec/endsAt',
    });
  }
  return { warnings, problems: [] };
}

export const silenceStore: ApplyStore<SilenceObject, SilenceRecord> = {
  type: SILENCE_TYPE,
  refKinds: [SILENCE_REF_KIND],
  order: 92,
  auditKind: 'silence',
  toRecord: (data) => ({ name: data.silence.name, definition: data.silence, document: data.document }),
  async load(db, ref) {
    const s = await findSilenceByName(db, ref.name);
    if (!s) return undefined;
    const definition: SilenceDefinition = {
      name: ref.name,
      matchers: s.matchers,
      startsAt: s.startsAt,
      endsAt: s.endsAt,
      createdBy: s.createdBy,
      comment: s.comment,
    };
    return { id: s.id, record: { name: ref.name, definition, document: s.document } };
  },
  diff: diffDefinitions,
  authorise: async (_db, actor, change) => authoriseRouting(actor, change.what),
  async write(db, record) {
    const now = Date.now();
    const d = record.definition;
    const existing = await findSilenceByName(db, record.name);
    const fields = {
      matchers: d.matchers,
      startsAt: d.startsAt,
      endsAt: d.endsAt,
      createdBy: d.createdBy,
      comment: d.comment,
      document: record.document,
    };
    if (existing) await updateSilence(db, existing.id, fields, now);
    else await insertSilence(db, { ...fields, name: record.name, source: 'apply' }, now);
  },
  // Pruned: expired (if it is not already) and detached from its name, kept as history.
  async remove(db, ref) {
    const s = await findSilenceByName(db, ref.name);
    if (!s) return;
    const now = Date.now();
    const window = silenceState(s, now) === 'expired' ? {} : expiredWindow(s, now);
    await updateSilence(db, s.id, { ...window, name: null }, now);
  },
  verify: verifySilences,
};

export const routingStores = [routeStore, inhibitRuleStore, silenceStore] as unknown as readonly ApplyStore[];
