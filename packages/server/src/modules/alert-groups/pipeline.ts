/**
 * The alert pipeline, Alertmanager's dispatcher over Headroom's alert store: every tick it reads
 * the alerts that changed since the last tick (intake and Headroom's own burn-rate alerts alike),
 * puts firing ones into the aggregation groups of the routes they match, and flushes the groups
 * that are due — silenced and inhibited alerts left out — deciding with core's schedule.ts
 * whether a notification goes out, which it hands to the durable outbox in the same transaction
 * that records it. Groups live in the database, so a restart continues where it was. A group
 * whose route has an escalationPolicy starts a page when it flushes firing alerts (and its page
 * stops when its last alert resolves); the paging job (modules/paging) escalates it.
 */

import { groupMessage } from '@headroom/core/alerting/group-message';
import { type DependantsOf, type InhibitionCandidate, inhibitions } from '@headroom/core/alerting/inhibit';
import type { Labels } from '@headroom/core/alerting/matchers';
import {
  groupKey,
  matchRoutes,
  type RouteMatch,
  type RouteNode,
  walkRoutes,
} from '@headroom/core/alerting/routes';
import {
  decideNotification,
  type GroupAlert,
  type GroupTimings,
  type LastNotification,
} from '@headroom/core/alerting/schedule';
import { silencedBy } from '@headroom/core/alerting/silences';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { alertsChangedSince } from '../alerts/store.js';
import { dependantsResolver } from '../catalog/graph.js';
import { loadEscalationPolicies } from '../escalation-policies/repo.js';
import { recordAlertEvents } from '../incidents/alert-events.js';
import { enqueueNotification } from '../notifications/index.js';
import { resolvePageOfGroup, startPageForGroup } from '../paging/service.js';
import { loadRouting } from '../routing/service.js';
import { NOTIFY_ANNOTATION } from '../slo-status/alerts.js';
import {
  addMember,
  deleteGroup,
  ensureGroup,
  type GroupRow,
  loadGroups,
  loadMemberAlerts,
  type MemberAlert,
  readCursor,
  removeMembers,
  saveCursor,
  updateGroup,
} from './repo.js';

export interface PipelineTick {
  /** Alert changes read from the feed. */
  changes: number;
  groups: number;
  /** Notifications handed to the outbox. */
  notified: number;
  /** Pages started (groups of routes with an escalationPolicy that fired). */
  paged: number;
}

export interface PipelineOptions {
  /** Headroom's public URL, for links in notifications. */
  externalUrl: string;
}

const FEED_PAGE = 500;

/** Why an alert is left out of notifications now: the silences and the inhibition muting it. */
export interface Muting {
  silencedBy: string[];
  inhibitedBy: { rule: string; by: string } | null;
}

export async function runPipeline(
  db: Kysely<Database>,
  now: number,
  options: PipelineOptions,
): Promise<PipelineTick> {
  const routing = await loadRouting(db, now);
  let changes = 0;
  // 1. Firing alerts join the groups of every route they match.
  let cursor = await readCursor(db);
  for (;;) {
    const page = await alertsChangedSince(db, cursor, FEED_PAGE);
    if (page.alerts.length === 0) break;
    await withTransaction(db, async (trx) => {
      for (const alert of page.alerts) {
        if (alert.state.status !== 'firing') continue;
        const labels = JSON.parse(alert.state.labels) as Labels;
        const annotations = JSON.parse(alert.state.annotations) as Labels;
        const routed = matchRoutes(routing.tree, labels);
        // A named channel the routes already send this alert to gets it once.
        const direct = directMatches(routing.tree, labels, annotations).filter(
          (d) => !routed.some((r) => r.route.options.receiver === d.route.options.receiver),
        );
        for (const match of [...routed, ...direct]) {
          const { receiver, escalationPolicy } = match.route.options;
          // A route that pages without a receiver still groups (receiver '' notifies no channel).
          if (!receiver && !escalationPolicy) continue;
          const group = await ensureGroup(trx, {
            id: uuidv7(),
            routeId: match.route.id,
            groupKey: match.groupKey,
            receiver: receiver ?? '',
            groupLabels: match.groupLabels,
            now,
          });
          await addMember(trx, group, alert.id, now);
        }
      }
      await recordAlertEvents(trx, page.alerts, now);
      await saveCursor(trx, page.cursor, now);
    });
    changes += page.alerts.length;
    cursor = page.cursor;
    if (page.alerts.length < FEED_PAGE) break;
  }

  // 2. Every group decides; the due ones flush.
  const groups = await loadGroups(db);
  const members = await loadMemberAlerts(db);
  const dependantsOf = routing.inhibitRules.some((r) => r.dependants)
    ? await dependantsResolver(db)
    : undefined;
  const muting = mutingOf(members, routing.silences, routing.inhibitRules, now, dependantsOf);
  const routes = new Map(walkRoutes(routing.tree).map((r) => [r.id, r]));
  const policies = new Map((await loadEscalationPolicies(db)).map((p) => [p.name, p.definition]));
  let notified = 0;
  let paged = 0;
  for (const group of groups) {
    const alerts = members.filter((m) => m.groupId === group.id);
    const timings = timingsOf(routes.get(group.routeId), routing.tree);
    const state = {
      createdAt: group.createdAt,
      lastFlushAt: group.lastFlushAt,
      lastNotification: group.lastNotification,
      alerts: alerts.map((a): GroupAlert => {
        const m = muting.get(a.alertId);
        return {
          fingerprint: a.fingerprint,
          name: nameOf(a),
          startsAt: a.startsAt,
          endsAt: a.status === 'resolved' ? (a.endsAt ?? a.lastReceivedAt) : null,
          muted: m !== undefined && (m.silencedBy.length > 0 || m.inhibitedBy !== null),
        };
      }),
    };
    const decision = decideNotification(state, timings, now);
    if (!decision.due) {
      if (group.nextAt !== decision.flushAt || group.explanation !== decision.explanation)
        await updateGroup(db, group.id, { nextAt: decision.flushAt, explanation: decision.explanation, now });
      continue;
    }
    await withTransaction(db, async (trx) => {
      if (decision.notify && decision.send && group.receiver !== '') {
        const inMessage = new Set([...decision.firing, ...decision.resolved]);
        const message = groupMessage({
          groupKey: group.groupKey,
          receiver: group.receiver,
          groupLabels: group.groupLabels,
          alerts: alerts
            .filter((a) => inMessage.has(a.fingerprint))
            .map((a) => ({
              fingerprint: a.fingerprint,
              status: decision.resolved.includes(a.fingerprint) ? 'resolved' : 'firing',
              labels: a.labels,
              annotations: a.annotations,
              startsAt: a.startsAt,
              endsAt: decision.resolved.includes(a.fingerprint) ? (a.endsAt ?? a.lastReceivedAt) : null,
              generatorUrl: a.generatorUrl,
            })),
          externalUrl: options.externalUrl,
          reason: decision.reason,
          explanation: decision.explanation,
          groupId: group.id,
        });
        await enqueueNotification(
          trx,
          { channel: group.receiver, message, idempotencyKey: `alert-group:${group.id}:${now}` },
          now,
        );
        notified++;
      }
      // After a flush the group forgets its resolved alerts; a group left empty is gone.
      const gone = alerts.filter((a) => a.status === 'resolved').map((a) => a.alertId);
      if (gone.length === alerts.length) {
        await resolvePageOfGroup(trx, group.id, now);
        await deleteGroup(trx, group.id);
        return;
      }
      const route = routes.get(group.routeId);
      const started = await startPageForGroup(
        trx,
        {
          id: group.id,
          groupKey: group.groupKey,
          policy: route?.options.escalationPolicy ?? null,
          firing: decision.firing.length,
        },
        policies,
        now,
      );
      if (started) paged++;
      await removeMembers(trx, group.id, gone);
      const last: LastNotification | null = decision.notify
        ? { at: now, firing: decision.firing, resolved: decision.resolved }
        : group.lastNotification;
      await updateGroup(trx, group.id, {
        lastFlushAt: now,
        lastNotification: last,
        nextAt: now + timings.groupIntervalMs,
        explanation: decision.explanation,
        now,
      });
    });
  }
  return { changes, groups: groups.length, notified, paged };
}

/**
 * Channels an alert names itself (the `headroom.dev/notify` annotation: an OpenSLO AlertPolicy's
 * notification targets) get it besides the routes, in a group of their own per alert name and SLO,
 * with the root route's timings.
 */
function directMatches(tree: RouteNode, labels: Labels, annotations: Labels): RouteMatch[] {
  const names = (annotations[NOTIFY_ANNOTATION] ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  return [...new Set(names)].map((receiver) => {
    const groupLabels = Object.fromEntries(
      ['alertname', 'slo'].filter((k) => labels[k] !== undefined).map((k) => [k, labels[k]!]),
    );
    const route: RouteNode = {
      ...tree,
      name: `notify:${receiver}`,
      matchers: [],
      continue: true,
      options: {
        ...tree.options,
        receiver,
        escalationPolicy: null,
        groupBy: Object.keys(groupLabels),
        groupByAll: false,
      },
      key: `{}/notify:${receiver}`,
      id: `notify:${receiver}`,
      path: [],
      routes: [],
    };
    return { route, groupLabels, groupKey: groupKey(route, groupLabels) };
  });
}

function timingsOf(route: RouteNode | undefined, tree: RouteNode): GroupTimings {
  // A group whose route was removed keeps flushing with the root's timings until it empties.
  const o = (route ?? tree).options;
  return {
    groupWaitMs: o.groupWaitMs,
    groupIntervalMs: o.groupIntervalMs,
    repeatIntervalMs: o.repeatIntervalMs,
  };
}

function nameOf(a: MemberAlert): string {
  const name = a.labels.alertname ?? a.fingerprint;
  return a.labels.slo ? `${name} ${a.labels.slo}${a.labels.tier ? ` (${a.labels.tier})` : ''}` : name;
}

/** Silences and inhibitions of every alert in a group, by alert id. */
export function mutingOf(
  alerts: readonly MemberAlert[],
  silences: Parameters<typeof silencedBy>[1],
  rules: Parameters<typeof inhibitions>[1],
  now: number,
  dependantsOf?: DependantsOf,
): Map<string, Muting> {
  const unique = [...new Map(alerts.map((a) => [a.alertId, a])).values()];
  const candidates: InhibitionCandidate[] = unique.map((a) => ({
    fingerprint: a.fingerprint,
    labels: a.labels,
    firing: a.status === 'firing',
  }));
  const inhibited = inhibitions(candidates, rules, dependantsOf);
  return new Map(
    unique.map((a) => [
      a.alertId,
      { silencedBy: silencedBy(a.labels, silences, now), inhibitedBy: inhibited.get(a.fingerprint) ?? null },
    ]),
  );
}

export type { GroupRow };
