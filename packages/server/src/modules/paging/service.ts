/**
 * Pages for the pipeline, the API and the ack links: start a page when a paging route's group
 * fires, stop it when the group resolves, acknowledge it (API, CLI or a signed link), and show an
 * alert group's page and log. The escalation itself runs in job.ts.
 */
import type { AlertGroupLog, Page } from '@headroom/core/api/paging';
import type { EscalationPolicy } from '@headroom/core/config/headroom/escalation-policy';
import { ConflictError, NotFoundError } from '@headroom/core/errors';
import { type EscalationState, startEscalation } from '@headroom/core/oncall/escalation';
import {
  type AckVia,
  advancePage,
  type PageLogEntry,
  pageStartedEntry,
  pageToStart,
} from '@headroom/core/oncall/paging';
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { findEscalationPolicy } from '../escalation-policies/repo.js';
import {
  appendLog,
  findPageOfGroup,
  groupLog,
  hasLogEntry,
  insertPage,
  type PageRow,
  updatePage,
} from './repo.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function pageView(p: PageRow): Page {
  return {
    id: p.id,
    groupId: p.groupId,
    policy: p.policy,
    status: p.status,
    startedAt: iso(p.state.startedAt)!,
    notificationsSent: p.state.sent,
    nextAt: p.status === 'active' ? iso(p.nextAt) : null,
    acknowledgedBy: p.acknowledgedBy,
    acknowledgedVia: p.acknowledgedVia,
    acknowledgedAt: iso(p.acknowledgedAt),
    resolvedAt: iso(p.resolvedAt),
    incidentId: p.incidentId,
  };
}

/**
 * In the pipeline's flush transaction: a group of a paging route that fires and has no page yet
 * gets one (its first step is due at once). Returns whether one started.
 */
export async function startPageForGroup(
  trx: Kysely<Database>,
  group: { id: string; groupKey: string; policy: string | null; firing: number },
  policies: ReadonlyMap<string, EscalationPolicy>,
  now: number,
): Promise<boolean> {
  if (group.policy === null || group.firing === 0) return false;
  const hasPage = (await findPageOfGroup(trx, group.id)) !== undefined;
  if (!pageToStart({ policy: group.policy, hasPage, firing: group.firing })) return false;
  const policy = policies.get(group.policy);
  if (!policy || policy.steps.length === 0) {
    // Once per group: the flush repeats every group_interval.
    if (!(await hasLogEntry(trx, group.id, 'page-not-started')))
      await appendLog(trx, group.id, [
        {
          at: now,
          kind: 'page-not-started',
          text: `Not paged: the route's escalation policy '${group.policy}' does not exist (apply it)`,
          data: { policy: group.policy },
        },
      ]);
    return false;
  }
  await insertPage(
    trx,
    {
      groupId: group.id,
      groupKey: group.groupKey,
      policy: group.policy,
      state: startEscalation(policy, now),
    },
    now,
  );
  await appendLog(trx, group.id, [pageStartedEntry(group.policy, policy, now)]);
  return true;
}

/** Stops a page with the facts given (acknowledged or resolved), logging why; false if it was not active. */
async function stopPage(
  trx: Kysely<Database>,
  page: PageRow,
  now: number,
  how: { resolved: true } | { acknowledged: { by: string; via: AckVia } },
): Promise<boolean> {
  const policy = (await findEscalationPolicy(trx, page.policy))?.definition;
  const resolved = 'resolved' in how;
  const ack = 'acknowledged' in how ? how.acknowledged : undefined;
  let stoppedEntry: PageLogEntry;
  let state: EscalationState = {
    ...page.state,
    status: resolved ? 'resolved' : 'acknowledged',
    stoppedAt: now,
  };
  if (policy) {
    const step = advancePage(policy, page.state, now, { resolved, acknowledged: !resolved }, {}, ack);
    state = { ...step.result.state };
    stoppedEntry = step.stopped ?? {
      at: now,
      kind: state.status as 'resolved',
      text: step.result.explanation,
      data: {},
    };
  } else {
    stoppedEntry = {
      at: now,
      kind: resolved ? 'resolved' : 'acknowledged',
      text: resolved
        ? 'Resolved: every alert of the group resolved.'
        : `Acknowledged by ${ack!.by} (${ack!.via}).`,
      data: ack ? { ...ack } : {},
    };
  }
  const ok = await updatePage(
    trx,
    page,
    {
      state,
      status: resolved ? 'resolved' : 'acknowledged',
      nextAt: null,
      ...(ack && { acknowledged: { ...ack, at: now } }),
      ...(resolved && { resolvedAt: now }),
    },
    now,
  );
  if (!ok) return false;
  await appendLog(trx, page.groupId, [stoppedEntry]);
  return true;
}

/** In the pipeline's transaction when a group's last alert resolved: its active page stops. */
export async function resolvePageOfGroup(trx: Kysely<Database>, groupId: string, now: number): Promise<void> {
  const page = await findPageOfGroup(trx, groupId);
  if (page?.status === 'active') await stopPage(trx, page, now, { resolved: true });
}

export async function resolvePage(trx: Kysely<Database>, page: PageRow, now: number): Promise<boolean> {
  return stopPage(trx, page, now, { resolved: true });
}

/**
 * Acknowledges the group's page. 409 ALERT_GROUP_NOT_PAGED when it has none, PAGE_RESOLVED
 * when it is over already, PAGE_ACKNOWLEDGED when someone acknowledged it before.
 */
export async function acknowledgeGroup(
  db: Kysely<Database>,
  ctx: AuditContext,
  groupId: string,
  via: AckVia,
  now = Date.now(),
): Promise<Page> {
  return withTransaction(db, async (trx) => {
    const page = await findPageOfGroup(trx, groupId);
    if (!page) {
      const exists = await trx
        .selectFrom('alert_groups')
        .select('id')
        .where('id', '=', groupId)
        .executeTakeFirst();
      if (!exists) throw new NotFoundError('alert group', groupId, 'ALERT_GROUP_NOT_FOUND');
      throw new ConflictError(
        `Alert group ${groupId} has no page to acknowledge: its route has no escalationPolicy, or it has not fired yet.`,
        'ALERT_GROUP_NOT_PAGED',
      );
    }
    if (page.status === 'acknowledged')
      throw new ConflictError(
        `The page of alert group ${groupId} was acknowledged already by ${page.acknowledgedBy} (${page.acknowledgedVia}) at ${iso(page.acknowledgedAt)}.`,
        'PAGE_ACKNOWLEDGED',
      );
    if (page.status !== 'active')
      throw new ConflictError(
        `The page of alert group ${groupId} is ${page.status}: nothing to acknowledge.`,
        page.status === 'resolved' ? 'PAGE_RESOLVED' : 'PAGE_NOT_ACTIVE',
      );
    const by = ctx.actor.name;
    if (!(await stopPage(trx, page, now, { acknowledged: { by, via } })))
      throw new ConflictError('The page changed while acknowledging it; try again.', 'PAGE_CHANGED');
    await recordAudit(trx, ctx, 'acknowledge', 'page', `alert-group:${groupId}`, {
      page: page.id,
      policy: page.policy,
      via,
    });
    return pageView((await findPageOfGroup(trx, groupId))!);
  });
}

export async function alertGroupLog(db: Kysely<Database>, groupId: string): Promise<AlertGroupLog> {
  const [page, entries] = await Promise.all([findPageOfGroup(db, groupId), groupLog(db, groupId)]);
  if (!page && entries.length === 0) {
    const exists = await db
      .selectFrom('alert_groups')
      .select('id')
      .where('id', '=', groupId)
      .executeTakeFirst();
    if (!exists) throw new NotFoundError('alert group', groupId, 'ALERT_GROUP_NOT_FOUND');
  }
  return {
    groupId,
    page: page ? pageView(page) : null,
    entries: entries.map((e) => ({ at: iso(e.at)!, kind: e.kind, text: e.text, data: e.data })),
  };
}
