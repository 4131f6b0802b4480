/** Aggregation groups as the API shows them: members, muting, last and next notification, and why. */

import { walkRoutes } from '@headroom/core/alerting/routes';
import type { AlertGroup } from '@headroom/core/api/alert-group';
import { NotFoundError } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { dependantsResolver } from '../catalog/graph.js';
import { pagesOfGroups } from '../paging/repo.js';
import { pageView } from '../paging/service.js';
import { loadRouting } from '../routing/service.js';
import { mutingOf } from './pipeline.js';
import { loadGroups, loadMemberAlerts } from './repo.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function listAlertGroups(
  db: Kysely<Database>,
  now = Date.now(),
  id?: string,
): Promise<AlertGroup[]> {
  const groups = await loadGroups(db, id);
  if (groups.length === 0) return [];
  const members = await loadMemberAlerts(db);
  const routing = await loadRouting(db, now);
  const dependantsOf = routing.inhibitRules.some((r) => r.dependants)
    ? await dependantsResolver(db)
    : undefined;
  const muting = mutingOf(members, routing.silences, routing.inhibitRules, now, dependantsOf);
  const routes = new Map(walkRoutes(routing.tree).map((r) => [r.id, r]));
  const pages = new Map(
    (
      await pagesOfGroups(
        db,
        groups.map((g) => g.id),
      )
    ).map((p) => [p.groupId, p]),
  );
  return groups.map((g) => ({
    id: g.id,
    receiver: g.receiver === '' ? null : g.receiver,
    escalationPolicy: routes.get(g.routeId)?.options.escalationPolicy ?? null,
    page: pages.has(g.id) ? pageView(pages.get(g.id)!) : null,
    routeId: g.routeId,
    groupKey: g.groupKey,
    groupLabels: g.groupLabels,
    createdAt: iso(g.createdAt)!,
    lastNotification: g.lastNotification && {
      at: iso(g.lastNotification.at)!,
      firing: [...g.lastNotification.firing],
      resolved: [...g.lastNotification.resolved],
    },
    nextAt: iso(g.nextAt),
    explanation: g.explanation,
    alerts: members
      .filter((m) => m.groupId === g.id)
      .map((m) => {
        const mu = muting.get(m.alertId);
        return {
          id: m.alertId,
          fingerprint: m.fingerprint,
          status: m.status,
          acknowledged: m.acknowledged,
          labels: m.labels,
          startsAt: iso(m.startsAt)!,
          silencedBy: mu?.silencedBy ?? [],
          inhibitedBy: mu?.inhibitedBy ?? null,
        };
      }),
  }));
}

export async function getAlertGroup(db: Kysely<Database>, id: string, now = Date.now()): Promise<AlertGroup> {
  const [group] = await listAlertGroups(db, now, id);
  if (!group) throw new NotFoundError('alert group', id, 'ALERT_GROUP_NOT_FOUND');
  return group;
}
