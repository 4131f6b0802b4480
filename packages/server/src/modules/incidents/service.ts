/**
 * Incidents: declare (also from an alert group, in one action), change, list, show, MTTx. The
 * rules are core's (incidents/change.ts); this checks what only the database knows (services,
 * users and alert groups exist), stores what core returns with its timeline, and audits it, all
 * in one transaction.
 *
 * Closing: postmortems are not stored yet, so every close gets core's default context (no
 * postmortem, no action items, no budget figures): SEV1/SEV2 incidents cannot be closed
 * (409 POSTMORTEM_REQUIRED); SEV3/SEV4 can.
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
import { hasRole } from '@headroom/core/auth/policy';
import { ConflictError, ForbiddenError, InputError, NotFoundError } from '@headroom/core/errors';
import {
  applyIncidentChange,
  type ClosingContext,
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
  type Severity,
} from '@headroom/core/incidents/index';
import type { Kysely } from 'kysely';
import { isUniqueViolation, withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { loadGroups, loadMemberAlerts, type MemberAlert } from '../alert-groups/repo.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { iso } from '../catalog/refs.js';
import { findUserByRef } from '../catalog/users.js';
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

/** Until postmortems are stored: none exists, so the core's rule refuses closing SEV1/SEV2. */
const NO_POSTMORTEM: ClosingContext = { postmortem: null, actionItems: [], budgetConsumed: [] };

const field = (path: string, message: string, code = 'INVALID_INPUT') =>
  new InputError(`${path} ${message}`, [{ path, message }], code);

function requireEditor(ctx: AuditContext, what: string): void {
  if (!hasRole(ctx.actor, 'editor')) throw new ForbiddenError(`Viewers cannot ${what}.`);
}

async function requireIncident(db: Kysely<Database>, id: string): Promise<Incident> {
  const incident = await findIncident(db, id);
  if (!incident) throw new NotFoundError('Incident', id, 'INCIDENT_NOT_FOUND');
  return incident;
}

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

/** The catalog name of the user, or a 400 naming the field. */
async function catalogUser(db: Kysely<Database>, user: string, path: string): Promise<string> {
  let row: Awaited<ReturnType<typeof findUserByRef>>;
  try {
    row = await findUserByRef(db, user);
  } catch {
    row = undefined;
  }
  if (!row) throw field(path, `'${user}' is not a catalog user.`, 'UNKNOWN_USER');
  return row.namespace === 'default' ? row.name : `${row.namespace}/${row.name}`;
}

function detail(incident: Incident, timeline: Awaited<ReturnType<typeof loadTimeline>>): IncidentDetail {
  return {
    ...incidentView(incident, NO_POSTMORTEM),
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

export async function getIncident(db: Kysely<Database>, id: string): Promise<IncidentDetail> {
  const incident = await requireIncident(db, id);
  return detail(incident, await loadTimeline(db, id));
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
  return incidents
    .filter((i) => service === undefined || i.services.includes(service))
    .slice(0, limit)
    .map((i) => incidentView(i, NO_POSTMORTEM));
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
    return detail(incident, await loadTimeline(trx, id));
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
    const { incident, timeline } = applyIncidentChange(before, change, ctx.actor.name, now, NO_POSTMORTEM);
    // A repeat of the current state writes nothing, so retries are safe and unaudited.
    if (timeline.length > 0) {
      await updateIncident(trx, incident);
      await appendTimeline(trx, id, timeline, now);
      await recordAudit(trx, ctx, `incident.${change.type}`, 'incident', id, {
        change: body,
        timeline: timeline.map((e) => e.text),
      });
    }
    return detail(incident, await loadTimeline(trx, id));
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
  return mttxReportView(mttxReport(incidents, { from, to, teamOf }));
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
