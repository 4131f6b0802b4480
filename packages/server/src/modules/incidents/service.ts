/**
 * Incidents: declare (also from an alert group, in one action), change, list, show, MTTx. The
 * rules are core's (incidents/change.ts); this checks what only the database knows (services,
 * users and alert groups exist), stores what core returns with its timeline, and audits it, all
 * in one transaction.
 *
 * Closing reads core's rule with the stored postmortem, the action items and the budget the
 * incident consumed (impact.ts): SEV1/SEV2, or more than 20 % of an SLO's four-week budget,
 * needs a published postmortem (and, for the budget, a P0 action item), else 409
 * POSTMORTEM_REQUIRED naming the SLO and the share. Status updates are sent to subscribers.
 */
import type {
  DeclareIncidentRequest,
  IncidentChangeRequest,
  IncidentDetail,
  Incident as IncidentDto,
  IncidentListQuery,
  MttxQuery,
  MttxReport,
} from '@headroom/core/api/incident';
import { ConflictError, NotFoundError } from '@headroom/core/errors';
import {
  applyIncidentChange,
  changeFromRequest,
  declareIncident,
  declareInputFromRequest,
  FINAL_STATUSES,
  INCIDENT_STATUSES,
  type Incident,
  type IncidentChange,
  incidentView,
  mttxReport,
  mttxReportView,
  OPEN_STATUSES,
  type Postmortem,
  pageAcknowledgement,
  type Severity,
} from '@headroom/core/incidents/index';
import type { Kysely } from 'kysely';
import { isUniqueViolation, withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { loadGroups, loadMemberAlerts, type MemberAlert } from '../alert-groups/repo.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { iso } from '../catalog/refs.js';
import { loadSubscribers, postmortemStatuses } from './follow-up-repo.js';
import { closingContext } from './postmortems.js';
import {
  appendTimeline,
  findIncident,
  insertIncident,
  loadIncidents,
  loadTimeline,
  lockIncident,
  type NewTimelineEntry,
  nextIncidentNumber,
  updateIncident,
} from './repo.js';
import { catalogUser, field, requireEditor, requireIncident } from './service-support.js';
import { notifySubscribers } from './subscribers.js';

async function checkServices(db: Kysely<Database>, names: readonly string[], path: string): Promise<void> {
  if (names.length === 0) return;
  const rows = await db
    .selectFrom('services')
    .select('name')
    .where('namespace', '=', 'default')
    .where('name', 'in', [...new Set(names)])
    .execute();
  const known = new Set(rows.map((r) => r.name));
  names.forEach((n, i) => {
    if (!known.has(n)) throw field(`${path}/${i}`, `'${n}' is not a catalog service.`, 'UNKNOWN_SERVICE');
  });
}

async function checkAlertGroups(db: Kysely<Database>, ids: readonly string[], path: string): Promise<void> {
  if (ids.length === 0) return;
  const rows = await db
    .selectFrom('alert_groups')
    .select('id')
    .where('id', 'in', [...new Set(ids)])
    .execute();
  const known = new Set(rows.map((r) => r.id));
  ids.forEach((id, i) => {
    if (!known.has(id)) throw field(`${path}/${i}`, `'${id}' is not an alert group.`, 'UNKNOWN_ALERT_GROUP');
  });
}

async function detail(db: Kysely<Database>, incident: Incident, now: number): Promise<IncidentDetail> {
  const context = await closingContext(db, incident, now);
  const timeline = await loadTimeline(db, incident.id);
  return {
    ...incidentView(incident, context),
    impact: context.impact,
    subscribers: await loadSubscribers(db, incident.id),
    timeline: timeline.map((e) => ({
      id: e.id,
      kind: e.kind as IncidentDetail['timeline'][number]['kind'],
      at: iso(e.at),
      actor: e.actor,
      text: e.text,
      data: e.data,
    })),
  };
}

export async function getIncident(
  db: Kysely<Database>,
  id: string,
  now = Date.now(),
): Promise<IncidentDetail> {
  return detail(db, await requireIncident(db, id), now);
}

export async function listIncidents(
  db: Kysely<Database>,
  query: IncidentListQuery = {},
): Promise<IncidentDto[]> {
  const limit = query.limit ?? 200;
  const statuses =
    query.status === undefined ? undefined : query.status === 'open' ? OPEN_STATUSES : [query.status];
  const since = query.since === undefined ? undefined : Date.parse(query.since);
  const incidents = await loadIncidents(db, {
    ...(statuses && { statuses }),
    ...(query.severity && { severity: query.severity }),
    ...(since !== undefined && { declaredFrom: since }),
    // The service filter reads the JSON document, so the limit applies after it.
    ...(query.service === undefined && { limit }),
  });
  const service = query.service;
  const shown = incidents
    .filter((i) => service === undefined || i.services.includes(service))
    .slice(0, limit);
  // The list shows the postmortem's status; the budget figures are read per incident (show, impact).
  const pmStatuses = await postmortemStatuses(
    db,
    shown.map((i) => i.id),
  );
  return shown.map((i) => {
    const status = pmStatuses.get(i.id);
    return incidentView(i, { postmortem: status ? ({ status } as Postmortem) : null });
  });
}

/** Runs a declaration; a concurrent one taking the same number makes it retry with the next. */
async function withNumberRetry<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await withTransaction(db, fn);
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 4 || db.isTransaction) throw error;
    }
  }
}

interface DeclareExtras {
  /** Server-written entries (alert events) added after core's. */
  timeline?: NewTimelineEntry[];
  auditDetail?: Record<string, unknown>;
  /** Runs first inside the transaction (e.g. "not linked yet"), so the check and the write agree. */
  check?: (trx: Kysely<Database>) => Promise<void>;
}

async function declare(
  db: Kysely<Database>,
  ctx: AuditContext,
  body: DeclareIncidentRequest,
  now: number,
  extras: DeclareExtras = {},
): Promise<IncidentDetail> {
  requireEditor(ctx, 'declare incidents');
  return withNumberRetry(db, async (trx) => {
    await extras.check?.(trx);
    await checkServices(trx, body.services ?? [], '/services');
    await checkAlertGroups(trx, body.alertGroups ?? [], '/alertGroups');
    const roles: Record<string, string> = {};
    for (const [role, user] of Object.entries(body.roles ?? {})) {
      if (user !== undefined) roles[role] = await catalogUser(trx, user, `/roles/${role}`);
    }
    const number = await nextIncidentNumber(trx);
    const id = `INC-${number}`;
    const input = declareInputFromRequest(id, { ...body, roles });
    const { incident, timeline } = declareIncident(input, ctx.actor.name, now);
    await insertIncident(trx, number, incident);
    await appendTimeline(trx, id, [...timeline, ...(extras.timeline ?? [])], now);
    await recordAudit(trx, ctx, 'incident.declare', 'incident', id, {
      title: incident.title,
      severity: incident.severity,
      status: incident.status,
      services: incident.services,
      alertGroups: incident.alertGroups,
      roles: incident.roles,
      ...extras.auditDetail,
    });
    return detail(trx, incident, now);
  });
}

export function declareIncidentFromRequest(
  db: Kysely<Database>,
  ctx: AuditContext,
  body: DeclareIncidentRequest,
  now = Date.now(),
): Promise<IncidentDetail> {
  return declare(db, ctx, body, now);
}

/** What the change names that must exist in the catalog or the alert store. */
async function checkReferences(db: Kysely<Database>, change: IncidentChange): Promise<IncidentChange> {
  if (change.type === 'services') await checkServices(db, change.add ?? [], '/add');
  if (change.type === 'alert-groups') await checkAlertGroups(db, change.link ?? [], '/link');
  if (change.type === 'role' && change.user !== null) {
    return { ...change, user: await catalogUser(db, change.user, '/user') };
  }
  return change;
}

export async function changeIncident(
  db: Kysely<Database>,
  ctx: AuditContext,
  id: string,
  body: IncidentChangeRequest,
  now = Date.now(),
): Promise<IncidentDetail> {
  requireEditor(ctx, 'change incidents');
  return withTransaction(db, async (trx) => {
    await lockIncident(trx, id);
    const before = await requireIncident(trx, id);
    if (body.type === 'status' && body.status === 'merged' && body.mergedInto !== undefined) {
      if (body.mergedInto !== id && !(await findIncident(trx, body.mergedInto)))
        throw field('/mergedInto', `'${body.mergedInto}' is not an incident.`, 'INCIDENT_NOT_FOUND');
    }
    const change = await checkReferences(trx, changeFromRequest(body));
    // Only a close reads the closing rule: the postmortem, action items and budget consumed.
    const closing = change.type === 'status' && change.status === 'closed';
    const context = closing ? await closingContext(trx, before, now) : {};
    const { incident, timeline } = applyIncidentChange(before, change, ctx.actor.name, now, context);
    // A repeat of the current state writes nothing, so retries are safe and unaudited.
    if (timeline.length > 0) {
      await updateIncident(trx, incident);
      const ids = await appendTimeline(trx, id, timeline, now);
      await recordAudit(trx, ctx, `incident.${change.type}`, 'incident', id, {
        change: body,
        timeline: timeline.map((e) => e.text),
      });
      // Status updates go to the subscribed channels, committed with the update itself.
      const updates = timeline.flatMap((e, i) => (e.kind === 'status-update' ? [{ ...e, id: ids[i]! }] : []));
      if (updates.length > 0) await notifySubscribers(trx, incident, updates, now);
    }
    return detail(trx, incident, now);
  });
}

async function teamOfService(db: Kysely<Database>): Promise<(service: string) => string | null> {
  const rows = await db
    .selectFrom('services')
    .leftJoin('teams', 'teams.id', 'services.owner_team_id')
    .select(['services.name as service', 'teams.name as team'])
    .where('services.namespace', '=', 'default')
    .execute();
  const map = new Map(rows.map((r) => [r.service, r.team]));
  return (service) => map.get(service) ?? null;
}

export async function incidentMttx(db: Kysely<Database>, query: MttxQuery): Promise<MttxReport> {
  const from = Date.parse(query.from);
  const to = Date.parse(query.to);
  if (Number.isNaN(from)) throw field('/querystring/from', 'is not an RFC 3339 time.');
  if (Number.isNaN(to)) throw field('/querystring/to', 'is not an RFC 3339 time.');
  if (to <= from) throw field('/querystring/to', 'must be after from.');
  const teamOf = await teamOfService(db);
  const incidents = (await loadIncidents(db, { declaredFrom: from, declaredTo: to })).filter(
    (i) =>
      (query.severity === undefined || i.severity === query.severity) &&
      (query.service === undefined || i.services.includes(query.service)) &&
      (query.team === undefined || i.services.some((s) => teamOf(s) === query.team)),
  );
  const pages = await db
    .selectFrom('pages')
    .select(['policy', 'created_at', 'acknowledged_at'])
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .execute();
  const paged = pageAcknowledgement(
    pages.map((p) => ({
      policy: p.policy,
      startedAt: Number(p.created_at),
      acknowledgedAt: p.acknowledged_at === null ? null : Number(p.acknowledged_at),
    })),
    { from, to },
  );
  return mttxReportView(mttxReport(incidents, { from, to, teamOf }), paged);
}

// ---- declaring from an alert group

export type DeclareFromGroupRequest = Partial<
  Pick<DeclareIncidentRequest, 'title' | 'summary' | 'severity' | 'status' | 'services' | 'roles'>
>;

const TITLE_MAX = 200;
const NOT_FINAL = INCIDENT_STATUSES.filter((st) => !FINAL_STATUSES.includes(st));

/** "InstanceDown: checkout is down" for one alert name with a summary, else the names and count. */
export function titleFromAlerts(alerts: readonly MemberAlert[], groupLabels: Record<string, string>): string {
  const names = [...new Set(alerts.map((a) => a.labels.alertname).filter((n): n is string => !!n))];
  const summary = alerts.find((a) => a.annotations.summary)?.annotations.summary;
  let title: string;
  if (names.length === 1 && summary) title = `${names[0]}: ${summary}`;
  else if (names.length > 0)
    title = `${names.join(', ')} (${alerts.length} alert${alerts.length === 1 ? '' : 's'})`;
  else {
    const labels = Object.entries(groupLabels).map(([k, v]) => `${k}=${v}`);
    title = labels.length ? `Alerts ${labels.join(', ')}` : 'Alerts';
  }
  return title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title;
}

/** critical/page alerts suggest SEV2, anything else SEV3; the caller may say otherwise. */
function severityFromAlerts(alerts: readonly MemberAlert[]): Severity {
  return alerts.some((a) => ['critical', 'page'].includes((a.labels.severity ?? '').toLowerCase()))
    ? 'SEV2'
    : 'SEV3';
}

export async function declareFromAlertGroup(
  db: Kysely<Database>,
  ctx: AuditContext,
  groupId: string,
  body: DeclareFromGroupRequest = {},
  now = Date.now(),
): Promise<IncidentDetail> {
  requireEditor(ctx, 'declare incidents');
  const [group] = await loadGroups(db, groupId);
  if (!group) throw new NotFoundError('alert group', groupId, 'ALERT_GROUP_NOT_FOUND');
  const alerts = (await loadMemberAlerts(db)).filter((m) => m.groupId === groupId);
  // Services the alerts name (a `service` label) that the catalog knows.
  const labelled = [...new Set(alerts.map((a) => a.labels.service).filter((s): s is string => !!s))];
  const known =
    labelled.length === 0
      ? []
      : (
          await db
            .selectFrom('services')
            .select('name')
            .where('namespace', '=', 'default')
            .where('name', 'in', labelled)
            .execute()
        ).map((r) => r.name);
  const firstStart = alerts.length ? Math.min(now, ...alerts.map((a) => a.startsAt)) : null;
  const request: DeclareIncidentRequest = {
    title: body.title ?? titleFromAlerts(alerts, group.groupLabels),
    severity: body.severity ?? severityFromAlerts(alerts),
    services: [...new Set([...(body.services ?? []), ...known])],
    alertGroups: [groupId],
    ...(body.summary !== undefined && { summary: body.summary }),
    ...(body.status !== undefined && { status: body.status }),
    ...(body.roles !== undefined && { roles: body.roles }),
    // The first alert firing is when the problem was noticed.
    ...(firstStart !== null && { detectedAt: iso(firstStart) }),
  };
  const timeline: NewTimelineEntry[] = [];
  for (const a of alerts) {
    const name = a.labels.alertname ?? a.fingerprint;
    const data = { alertId: a.alertId, fingerprint: a.fingerprint, labels: a.labels, alertGroup: groupId };
    timeline.push({
      kind: 'alert-firing',
      at: Math.min(a.startsAt, now),
      actor: 'alerting',
      text: `Alert ${name} firing`,
      data,
    });
    if (a.status === 'resolved' && a.endsAt !== null)
      timeline.push({
        kind: 'alert-resolved',
        at: Math.min(a.endsAt, now),
        actor: 'alerting',
        text: `Alert ${name} resolved`,
        data,
      });
  }
  const notLinkedYet = async (trx: Kysely<Database>) => {
    const linked = (await loadIncidents(trx, { statuses: NOT_FINAL })).find((i) =>
      i.alertGroups.includes(groupId),
    );
    if (linked)
      throw new ConflictError(
        `Alert group ${groupId} is already linked to incident ${linked.id} (${linked.status}).`,
        'ALERT_GROUP_HAS_INCIDENT',
      );
  };
  return declare(db, ctx, request, now, {
    timeline,
    auditDetail: { fromAlertGroup: groupId },
    check: notLinkedYet,
  });
}
