/**
 * The paging loop: stops pages whose group resolved, and advances the due ones with core's
 * escalation — each in one transaction that writes the new state, the group log and one outbox
 * notification per recipient (idempotency key `page:<page>:<n>:<target>`), so a crash either
 * leaves the page as it was (the next tick does it again) or has done all of it; never a double
 * page. Runs in the leading process, every interval and when the pipeline nudges it; time comes
 * from `now()` so tests drive it.
 */
import type { EscalationPolicy } from '@headroom/core/config/headroom/escalation-policy';
import { ConflictError } from '@headroom/core/errors';
import { type EscalationFacts, resolveTargets } from '@headroom/core/oncall/escalation';
import {
  advancePage,
  autoDeclareServices,
  type PageLogEntry,
  pageDeliveries,
  pageFacts,
  type StepWithRecipients,
} from '@headroom/core/oncall/paging';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/index.js';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type LeaderJob, type LeaderJobOptions, startLeaderJob } from '../../jobs/leader-job.js';
import { loadMemberAlerts, type MemberAlert } from '../alert-groups/repo.js';
import { findUserByRef } from '../catalog/users.js';
import { loadEscalationPolicies } from '../escalation-policies/repo.js';
import { declareFromAlertGroup } from '../incidents/service.js';
import { enqueueNotification } from '../notifications/index.js';
import { onCallFor } from '../schedules/service.js';
import { activeKeyId } from '../secrets/key-store.js';
import { ACK_LINK_TTL_MS, ackUrl, signAckToken } from './ack-token.js';
import { activePages, appendLog, duePages, type PageRow, setPageIncident, updatePage } from './repo.js';
import { resolvePage } from './service.js';

/** "headroom paging" */
export const PAGING_LOCK_KEY = '7221183641902201732';

export interface PagingOptions {
  /** Headroom's public URL, for the group and acknowledgement links. */
  externalUrl: string;
  /** Catalog tiers whose services' pages declare an incident (HEADROOM_INCIDENT_AUTO_DECLARE_TIERS). */
  autoDeclareTiers?: readonly number[];
  ackLinkTtlMs?: number;
}

export interface PagingTick {
  /** Pages whose steps were notified. */
  advanced: number;
  /** Outbox notifications added. */
  notified: number;
  /** Pages stopped (resolved, exhausted, cancelled). */
  stopped: number;
}

interface Group {
  exists: boolean;
  groupLabels: Record<string, string>;
  members: MemberAlert[];
}

async function groupsOf(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, Group>> {
  const out = new Map<string, Group>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('alert_groups')
    .select(['id', 'group_labels'])
    .where('id', 'in', ids)
    .execute();
  const members = await loadMemberAlerts(db);
  for (const id of ids) out.set(id, { exists: false, groupLabels: {}, members: [] });
  for (const r of rows) {
    const g = out.get(r.id)!;
    g.exists = true;
    g.groupLabels = JSON.parse(r.group_labels) as Record<string, string>;
  }
  for (const m of members) out.get(m.groupId)?.members.push(m);
  return out;
}

const factsOf = (g: Group | undefined): EscalationFacts =>
  pageFacts({
    exists: g?.exists ?? false,
    firing: g?.members.filter((m) => m.status === 'firing').length ?? 0,
  });

function titleOf(group: Group | undefined, groupKey: string): string {
  const firing = group?.members.filter((m) => m.status === 'firing') ?? [];
  const names = [...new Set(firing.map((m) => m.labels.alertname).filter((n): n is string => !!n))];
  if (names.length === 0) return `alert group ${groupKey}`;
  return `${names.join(', ')} (${firing.length} alert${firing.length === 1 ? '' : 's'} firing)`;
}

/** Whom the due steps reach: schedules looked up at each step's due time, users with their addresses. */
async function recipientsOf(db: Kysely<Database>, steps: ReturnType<typeof advancePage>['steps']) {
  const onCall = new Map<string, string | null | Error>();
  const users = new Map<string, { email: string | null } | null>();
  const user = async (name: string) => {
    if (!users.has(name)) {
      const row = await findUserByRef(db, name).catch(() => undefined);
      users.set(name, row ? { email: row.email } : null);
    }
  };
  for (const { due } of steps) {
    for (const t of due.targets) {
      if ('schedule' in t) {
        const key = `${t.schedule}@${due.at}`;
        if (onCall.has(key)) continue;
        try {
          const who = await onCallFor(db, t.schedule, due.at);
          onCall.set(key, who);
          if (who !== null) await user(who);
        } catch (e) {
          onCall.set(key, e as Error);
        }
      } else if ('user' in t) await user(t.user);
    }
  }
  const withRecipients: StepWithRecipients[] = steps.map((s) => ({
    ...s,
    resolved: resolveTargets(
      s.due.targets,
      {
        onCall(schedule, at) {
          const v = onCall.get(`${schedule}@${at}`);
          if (v instanceof Error) throw v;
          return v ?? null;
        },
        userExists: (name) => (users.get(name) ?? null) !== null,
      },
      s.due.at,
    ),
  }));
  return { steps: withRecipients, emailOf: (name: string) => users.get(name)?.email ?? null };
}

async function cancel(db: Kysely<Database>, page: PageRow, now: number): Promise<boolean> {
  return withTransaction(db, async (trx) => {
    const ok = await updatePage(trx, page, { state: page.state, status: 'cancelled', nextAt: null }, now);
    if (ok)
      await appendLog(trx, page.groupId, [
        {
          at: now,
          kind: 'cancelled',
          text: `Paging stopped: escalation policy '${page.policy}' no longer exists`,
          data: { policy: page.policy },
        },
      ]);
    return ok;
  });
}

/** Declares an incident for a page whose firing alerts name a service of an auto-declare tier; once per group. */
async function autoDeclare(
  db: Kysely<Database>,
  page: PageRow,
  group: Group | undefined,
  tiers: readonly number[],
  now: number,
): Promise<void> {
  const labels = (group?.members ?? [])
    .filter((m) => m.status === 'firing' && m.labels.service)
    .map((m) => m.labels.service!);
  if (labels.length === 0) return;
  const rows = await db
    .selectFrom('services')
    .select(['name', 'tier'])
    .where('namespace', '=', 'default')
    .where('name', 'in', [...new Set(labels)])
    .execute();
  const services = autoDeclareServices(labels, new Map(rows.map((r) => [r.name, Number(r.tier)])), tiers);
  if (services.length === 0) return;
  const ctx = {
    actor: { userId: null, name: 'headroom', role: 'admin' as const, teamIds: new Set<string>() },
    requestId: null,
  };
  let entry: PageLogEntry;
  try {
    const incident = await declareFromAlertGroup(db, ctx, page.groupId, { severity: 'SEV2', services }, now);
    await setPageIncident(db, page.id, incident.id, now);
    entry = {
      at: now,
      kind: 'incident-declared',
      text: `Incident ${incident.id} declared automatically (SEV2): service ${services.join(', ')} is in an auto-declare tier`,
      data: { incident: incident.id, services },
    };
  } catch (e) {
    entry = {
      at: now,
      kind: 'incident-not-declared',
      text: `No incident declared automatically: ${(e as Error).message}`,
      data: { services, ...(e instanceof ConflictError && { code: e.code }) },
    };
  }
  await appendLog(db, page.groupId, [entry]);
}

export async function runPaging(
  db: Kysely<Database>,
  now: number,
  options: PagingOptions,
): Promise<PagingTick> {
  const tick: PagingTick = { advanced: 0, notified: 0, stopped: 0 };
  // 1. Pages whose group resolved stop now, due or not.
  const active = await activePages(db);
  let groups = await groupsOf(
    db,
    active.map((p) => p.groupId),
  );
  for (const page of active) {
    if (!factsOf(groups.get(page.groupId)).resolved) continue;
    if (await withTransaction(db, (trx) => resolvePage(trx, page, now))) tick.stopped++;
  }
  // 2. Due pages advance.
  const due = await duePages(db, now);
  if (due.length === 0) return tick;
  groups = await groupsOf(
    db,
    due.map((p) => p.groupId),
  );
  const policies = new Map<string, EscalationPolicy>(
    (await loadEscalationPolicies(db)).map((p) => [p.name, p.definition]),
  );
  const keyId = await activeKeyId(db).catch(() => null);
  const ttl = options.ackLinkTtlMs ?? ACK_LINK_TTL_MS;
  const base = options.externalUrl.replace(/\/+$/, '');
  for (const page of due) {
    const policy = policies.get(page.policy);
    if (!policy) {
      if (await cancel(db, page, now)) tick.stopped++;
      continue;
    }
    const group = groups.get(page.groupId);
    const step = advancePage(policy, page.state, now, factsOf(group));
    const { steps, emailOf } = await recipientsOf(db, step.steps);
    const groupUrl = `${base}/alert-groups/${page.groupId}`;
    const deliveries = pageDeliveries(
      {
        pageId: page.id,
        groupId: page.groupId,
        policy: { ...policy, name: page.policy },
        title: titleOf(group, page.groupKey),
        labels: group?.groupLabels ?? {},
        groupUrl,
        ackUrl: (recipient) =>
          keyId === null
            ? groupUrl
            : ackUrl(base, signAckToken(keyId, { pageId: page.id, recipient, expiresAt: now + ttl })),
        emailOf,
      },
      steps,
    );
    const status = step.result.state.status;
    const written = await withTransaction(db, async (trx) => {
      const ok = await updatePage(
        trx,
        page,
        {
          state: step.result.state,
          status,
          nextAt: step.result.nextAt,
          ...(status === 'resolved' && { resolvedAt: now }),
        },
        now,
      );
      if (!ok) return false;
      await appendLog(trx, page.groupId, [...deliveries.log, ...(step.stopped ? [step.stopped] : [])]);
      for (const n of deliveries.outbox)
        await enqueueNotification(
          trx,
          { channel: n.channel, message: n.message, idempotencyKey: n.idempotencyKey },
          now,
        );
      return true;
    });
    if (!written) continue;
    if (step.steps.length > 0) tick.advanced++;
    tick.notified += deliveries.outbox.length;
    if (status !== 'active') tick.stopped++;
    if (
      page.state.sent === 0 &&
      step.steps.length > 0 &&
      options.autoDeclareTiers?.length &&
      !page.incidentId
    )
      await autoDeclare(db, page, group, options.autoDeclareTiers, now);
  }
  return tick;
}

export type PagingJob = LeaderJob<PagingTick>;

export function startPaging(
  database: Db,
  options: PagingOptions & LeaderJobOptions & { now?: () => number },
): PagingJob {
  const now = options.now ?? Date.now;
  return startLeaderJob(
    database,
    { name: 'paging', lockKey: PAGING_LOCK_KEY, run: () => runPaging(database.db, now(), options) },
    options,
  );
}
