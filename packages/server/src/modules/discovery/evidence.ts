/**
 * Gathers the rows core's evidence (discovery/evidence.ts) aggregates: incidents and pages of the
 * last 90 days, the budget each incident consumed (incidents/impact.ts, the figures of GET
 * /incidents/{id}/impact), linked feedback with votes and authors' teams, interviews, and the
 * services' owning teams. One `EvidenceSources` per request caches what every opportunity shares.
 */
import type { Evidence, MeasureValue } from '@headroom/core/api/discovery';
import type { OutcomeRecord } from '@headroom/core/config/headroom/discovery';
import {
  computeEvidence,
  DAY_MS,
  type FeedbackRow,
  type IncidentBudgetRow,
  type IncidentRow,
  type InterviewRow,
  measureValue,
  OUTCOME_MEASURES,
  type PageRow,
  parseWorkingHours,
  servicesConcerned,
  targetMet,
  type WorkingHours,
} from '@headroom/core/discovery/evidence';
import type { Kysely } from 'kysely';
import type { ServerConfig } from '../../config.js';
import type { Database } from '../../db/schema.js';
import { iso, json } from '../catalog/refs.js';
import { incidentImpact } from '../incidents/impact.js';
import { findIncident, loadIncidents } from '../incidents/repo.js';
import type { StoredOpportunity } from './repo.js';

/** Budget figures are computed for at most this many incidents per request, newest first. */
export const MAX_BUDGET_INCIDENTS = 100;
const WINDOW_DAYS = 90;

export interface EvidenceSources {
  now: number;
  hours: WorkingHours;
  defaultTimeZone: string;
  incidents: IncidentRow[];
  pages: PageRow[];
  budgets: Map<string, Promise<IncidentBudgetRow | null>>;
}

export async function loadSources(
  db: Kysely<Database>,
  config: Pick<ServerConfig, 'workingHours' | 'workingHoursTimeZone'>,
  now = Date.now(),
): Promise<EvidenceSources> {
  const since = now - WINDOW_DAYS * DAY_MS;
  const [incidents, pages] = await Promise.all([
    loadIncidents(db, { declaredFrom: since, limit: 10_000 }),
    pageRows(db, since),
  ]);
  return {
    now,
    hours: parseWorkingHours(config.workingHours),
    defaultTimeZone: config.workingHoursTimeZone,
    incidents: incidents.map((i) => ({
      id: i.id,
      severity: i.severity,
      status: i.status,
      declaredAt: i.declaredAt,
      services: i.services,
    })),
    pages,
    budgets: new Map(),
  };
}

/** `service="checkout"` inside a group key (`{}/{service="checkout"}:{…}`), as Alertmanager prints label sets. */
function servicesInGroupKey(key: string): string[] {
  return [...key.matchAll(/(?:^|[{,\s])service="((?:[^"\\]|\\.)*)"/g)].map((m) =>
    m[1]!.replace(/\\(.)/g, '$1'),
  );
}

/**
 * Pages started since `since`, with the services they were for and the time zone of the schedule
 * their first notification reached. Alert groups are deleted once resolved, so a page's services
 * come from whichever of these survives: the group's labels and alerts, its incident, its group key.
 */
async function pageRows(db: Kysely<Database>, since: number): Promise<PageRow[]> {
  const pages = await db
    .selectFrom('pages')
    .select(['id', 'group_id', 'group_key', 'incident_id', 'created_at'])
    .where('created_at', '>', since)
    .orderBy('created_at')
    .limit(50_000)
    .execute();
  if (pages.length === 0) return [];
  const groupIds = [...new Set(pages.map((p) => p.group_id))];
  const services = new Map<string, Set<string>>(groupIds.map((g) => [g, new Set()]));
  const add = (group: string, s: string | undefined) => {
    if (s) services.get(group)?.add(s);
  };
  for (const ids of chunks(groupIds)) {
    const groups = await db
      .selectFrom('alert_groups')
      .select(['id', 'group_labels'])
      .where('id', 'in', ids)
      .execute();
    for (const g of groups) add(g.id, json.parse<Record<string, string>>(g.group_labels).service);
    const members = await db
      .selectFrom('alert_group_members')
      .innerJoin('alerts', 'alerts.id', 'alert_group_members.alert_id')
      .select(['alert_group_members.group_id', 'alerts.labels'])
      .where('alert_group_members.group_id', 'in', ids)
      .execute();
    for (const m of members) add(m.group_id, json.parse<Record<string, string>>(m.labels).service);
  }
  const incidentIds = [...new Set(pages.map((p) => p.incident_id).filter((i): i is string => i !== null))];
  const incidentServices = new Map<string, string[]>();
  for (const ids of chunks(incidentIds)) {
    const rows = await db.selectFrom('incidents').select(['id', 'services']).where('id', 'in', ids).execute();
    for (const r of rows) incidentServices.set(r.id, json.parse<string[]>(r.services));
  }
  const zones = await scheduleZones(db, groupIds);
  return pages.map((p) => {
    const set = new Set(services.get(p.group_id));
    for (const s of servicesInGroupKey(p.group_key)) set.add(s);
    for (const s of p.incident_id ? (incidentServices.get(p.incident_id) ?? []) : []) set.add(s);
    return {
      id: p.id,
      startedAt: Number(p.created_at),
      services: [...set].sort(),
      timeZone: zones.get(p.group_id) ?? null,
    };
  });
}

/** The time zone of the first schedule each group's page reached (its first `step-notified` entry). */
async function scheduleZones(
  db: Kysely<Database>,
  groupIds: readonly string[],
): Promise<Map<string, string>> {
  const firstSchedule = new Map<string, string>();
  for (const ids of chunks(groupIds)) {
    const entries = await db
      .selectFrom('alert_group_log')
      .select(['group_id', 'data'])
      .where('group_id', 'in', ids)
      .where('kind', '=', 'step-notified')
      .orderBy('at')
      .orderBy('id')
      .execute();
    for (const e of entries) {
      if (firstSchedule.has(e.group_id)) continue;
      const reached = json.parse<{ reached?: { via?: string }[] }>(e.data).reached ?? [];
      const via = reached.map((r) => r.via ?? '').find((v) => v.startsWith('schedule:'));
      if (via) firstSchedule.set(e.group_id, via.slice('schedule:'.length));
    }
  }
  if (firstSchedule.size === 0) return new Map();
  const schedules = await db
    .selectFrom('schedules')
    .select(['name', 'definition'])
    .where('name', 'in', [...new Set(firstSchedule.values())])
    .execute();
  const zoneOf = new Map(
    schedules.map((s) => [s.name, json.parse<{ timeZone?: string }>(s.definition).timeZone]),
  );
  const out = new Map<string, string>();
  for (const [group, schedule] of firstSchedule) {
    const zone = zoneOf.get(schedule);
    if (zone) out.set(group, zone);
  }
  return out;
}

function chunks<T>(xs: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

async function feedbackRows(db: Kysely<Database>, ids: readonly string[]): Promise<FeedbackRow[]> {
  if (ids.length === 0) return [];
  const items = await db
    .selectFrom('feedback_items')
    .select(['id', 'services', 'team', 'author'])
    .where('id', 'in', [...ids])
    .execute();
  const votes = await db
    .selectFrom('feedback_votes')
    .select(['item_id', 'voter', 'pain'])
    .where('item_id', 'in', [...ids])
    .execute();
  const authors = [...new Set(items.map((i) => i.author))];
  const memberships =
    authors.length === 0
      ? []
      : await db
          .selectFrom('users')
          .innerJoin('team_members', 'team_members.user_id', 'users.id')
          .innerJoin('teams', 'teams.id', 'team_members.team_id')
          .select(['users.name as user', 'teams.name as team'])
          .where('users.name', 'in', authors)
          .execute();
  return items.map((i) => ({
    id: i.id,
    services: json.parse<string[]>(i.services),
    team: i.team,
    author: i.author,
    authorTeams: memberships.filter((m) => m.user === i.author).map((m) => m.team),
    votes: votes
      .filter((v) => v.item_id === i.id)
      .map((v) => ({ voter: v.voter, pain: v.pain === null ? null : Number(v.pain) })),
  }));
}

async function interviewRows(db: Kysely<Database>, ids: readonly string[]): Promise<InterviewRow[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('interviews')
    .select(['id', 'team', 'held_at'])
    .where('id', 'in', [...ids])
    .execute();
  return rows.map((r) => ({ id: r.id, team: r.team, heldAt: Number(r.held_at) }));
}

/** Owning team's name per service name (default namespace); the owner as written when no team matches. */
async function serviceOwners(
  db: Kysely<Database>,
  services: readonly string[],
): Promise<Record<string, string | null>> {
  if (services.length === 0) return {};
  const rows = await db
    .selectFrom('services')
    .leftJoin('teams', 'teams.id', 'services.owner_team_id')
    .select(['services.name', 'services.owner_ref', 'teams.name as team'])
    .where('services.namespace', '=', 'default')
    .where('services.name', 'in', [...services])
    .execute();
  const out: Record<string, string | null> = {};
  for (const r of rows) out[r.name] = r.team ?? (r.owner_ref ? r.owner_ref.replace(/^.*[:/]/, '') : null);
  return out;
}

/** The budget an incident consumed per objective, computed once per request. */
function incidentBudget(
  db: Kysely<Database>,
  sources: EvidenceSources,
  id: string,
): Promise<IncidentBudgetRow | null> {
  let found = sources.budgets.get(id);
  if (!found) {
    found = (async () => {
      const incident = await findIncident(db, id);
      if (!incident) return null;
      const impact = await incidentImpact(db, incident, sources.now);
      return {
        incidentId: id,
        objectives: impact.objectives.map((o) => ({
          service: o.service,
          slo: o.slo,
          label: o.label,
          fourWeekShare: o.fourWeeks.share,
        })),
      };
    })();
    sources.budgets.set(id, found);
  }
  return found;
}

export async function opportunityEvidence(
  db: Kysely<Database>,
  sources: EvidenceSources,
  opportunity: StoredOpportunity,
  options: { budget?: boolean } = {},
): Promise<Evidence> {
  const r = opportunity.record;
  const interviewIds = [...new Set([...r.interviews, ...opportunity.interviewsFromInterviews])];
  const [feedback, interviews] = await Promise.all([
    feedbackRows(db, r.feedback),
    interviewRows(db, interviewIds),
  ]);
  const services = servicesConcerned(r.services, feedback);
  const set = new Set(services);
  const touched = sources.incidents
    .filter((i) => i.status !== 'cancelled' && i.status !== 'merged' && i.services.some((s) => set.has(s)))
    .sort((a, b) => b.declaredAt - a.declaredAt)
    .slice(0, MAX_BUDGET_INCIDENTS);
  const budgets =
    options.budget === false
      ? []
      : (await Promise.all(touched.map((i) => incidentBudget(db, sources, i.id)))).filter(
          (b): b is IncidentBudgetRow => b !== null,
        );
  const e = computeEvidence({
    now: sources.now,
    services: r.services,
    incidents: sources.incidents,
    incidentBudgets: budgets,
    pages: sources.pages,
    feedback,
    interviews,
    serviceOwners: await serviceOwners(db, services),
    workingHours: sources.hours,
    defaultTimeZone: sources.defaultTimeZone,
  });
  return {
    opportunity: r.name,
    at: iso(sources.now),
    ...e,
    incidentBudgetConsumed: { ...e.incidentBudgetConsumed, incidentsComputed: budgets.length },
  };
}

export function outcomeMeasure(outcome: OutcomeRecord, sources: EvidenceSources): MeasureValue | null {
  const { measure, services, target } = outcome.metric;
  if (!measure) return null;
  const value = measureValue(measure, {
    now: sources.now,
    services,
    incidents: sources.incidents,
    pages: sources.pages,
    workingHours: sources.hours,
    defaultTimeZone: sources.defaultTimeZone,
  });
  return {
    measure,
    description: OUTCOME_MEASURES[measure],
    value,
    met: target ? targetMet(target, value) : null,
    at: iso(sources.now),
  };
}
