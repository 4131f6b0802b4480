/**
 * Core incident values in the API's shapes (api/incident.ts) — RFC 3339 times, seconds, derived
 * fields — and API requests into core inputs.
 */
import type {
  Incident as ApiIncident,
  MttxReport as ApiMttxReport,
  SeverityDefinition as ApiSeverityDefinition,
  DeclareIncidentRequest,
  IncidentChangeRequest,
} from '../api/incident.js';
import { InputError } from '../errors.js';
import type { DeclareIncidentInput, IncidentChange } from './change.js';
import { type Incident, MILESTONES, type Milestone, nextStatuses, type SeverityDefinition } from './model.js';
import {
  type DurationStats,
  MTTX_DEFINITIONS,
  MTTX_METRICS,
  type MttxGroup,
  type MttxReport,
  type PageAcknowledgement,
} from './mttx.js';
import {
  type ClosingContext,
  closingBlockers,
  DEFAULT_POSTMORTEM_POLICY,
  postmortemRequirement,
} from './postmortem.js';

const iso = (t: number) => new Date(t).toISOString();
const isoOrNull = (t: number | null) => (t === null ? null : iso(t));

export function incidentView(incident: Incident, ctx: ClosingContext = {}): ApiIncident {
  const req = postmortemRequirement(incident, ctx.budgetConsumed, ctx.policy);
  const milestones = Object.fromEntries(MILESTONES.map((m) => [m, isoOrNull(incident[m])]));
  return {
    id: incident.id,
    title: incident.title,
    summary: incident.summary,
    severity: incident.severity,
    status: incident.status,
    nextStatuses: [...nextStatuses(incident.status)],
    roles: { ...incident.roles },
    services: [...incident.services],
    alertGroups: [...incident.alertGroups],
    mergedInto: incident.mergedInto,
    milestones: { ...milestones, declaredAt: iso(incident.declaredAt) } as ApiIncident['milestones'],
    postmortem: { ...req, status: ctx.postmortem?.status ?? null },
    closingBlockers: incident.status === 'resolved' ? closingBlockers(incident, ctx) : [],
    createdBy: incident.createdBy,
    updatedAt: iso(incident.updatedAt),
  };
}

export function severityDefinitionsView(
  definitions: readonly SeverityDefinition[],
  policy = DEFAULT_POSTMORTEM_POLICY,
): ApiSeverityDefinition[] {
  return definitions.map((d) => ({
    ...d,
    postmortemRequired: policy.requiredSeverities.includes(d.severity),
  }));
}

const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);

const statsView = (s: DurationStats) => ({
  count: s.count,
  missing: s.missing,
  meanSeconds: seconds(s.mean),
  medianSeconds: seconds(s.median),
  minSeconds: seconds(s.min),
  maxSeconds: seconds(s.max),
});

export const PAGE_MTTA_DEFINITION =
  'MTTA (pages): an alert group page started (its first notification with firing alerts) → first acknowledgement';

function groupView(g: MttxGroup): ApiMttxReport['overall'] {
  const metrics = {} as ApiMttxReport['overall']['metrics'];
  for (const m of MTTX_METRICS) metrics[m] = statsView(g.metrics[m]);
  return { incidents: g.incidents, metrics };
}

const mapGroups = (r: Record<string, MttxGroup>) =>
  Object.fromEntries(Object.entries(r).map(([k, g]) => [k, groupView(g)]));

export function mttxReportView(report: MttxReport, pages: PageAcknowledgement): ApiMttxReport {
  return {
    pages: {
      definition: PAGE_MTTA_DEFINITION,
      overall: statsView(pages.overall),
      byPolicy: Object.fromEntries(Object.entries(pages.byPolicy).map(([k, v]) => [k, statsView(v)])),
    },
    period: { from: iso(report.period.from), to: iso(report.period.to) },
    definitions: MTTX_METRICS.map((m) => ({ ...MTTX_DEFINITIONS[m] })),
    excluded: { ...report.excluded },
    overall: groupView(report.overall),
    bySeverity: mapGroups(report.bySeverity),
    byService: mapGroups(report.byService),
    byTeam: mapGroups(report.byTeam),
  };
}

// ---- requests (RFC 3339) into core inputs (epoch ms)

function ms(value: string, path: string): number {
  const t = Date.parse(value);
  if (Number.isNaN(t))
    throw new InputError(`${path} is not an RFC 3339 time.`, [{ path, message: 'not an RFC 3339 time' }]);
  return t;
}
const msOrNull = (v: string | null, path: string) => (v === null ? null : ms(v, path));

export function declareInputFromRequest(id: string, body: DeclareIncidentRequest): DeclareIncidentInput {
  const input: DeclareIncidentInput = { id, title: body.title, severity: body.severity };
  if (body.summary !== undefined) input.summary = body.summary;
  if (body.status !== undefined) input.status = body.status;
  if (body.services !== undefined) input.services = body.services;
  if (body.alertGroups !== undefined) input.alertGroups = body.alertGroups;
  if (body.roles !== undefined) input.roles = body.roles;
  if (body.impactStartedAt !== undefined)
    input.impactStartedAt = msOrNull(body.impactStartedAt, '/impactStartedAt');
  if (body.detectedAt !== undefined) input.detectedAt = msOrNull(body.detectedAt, '/detectedAt');
  if (body.declaredAt !== undefined) input.declaredAt = ms(body.declaredAt, '/declaredAt');
  return input;
}

export function changeFromRequest(body: IncidentChangeRequest): IncidentChange {
  switch (body.type) {
    case 'status': {
      const { at, ...rest } = body;
      return at === undefined ? rest : { ...rest, at: ms(at, '/at') };
    }
    case 'note': {
      const { at, ...rest } = body;
      return at === undefined ? rest : { ...rest, at: ms(at, '/at') };
    }
    case 'acknowledge':
      return body.at === undefined
        ? { type: 'acknowledge' }
        : { type: 'acknowledge', at: ms(body.at, '/at') };
    case 'milestones': {
      const milestones: Partial<Record<Milestone, number | null>> = {};
      for (const [k, v] of Object.entries(body.milestones)) {
        if (v !== undefined) milestones[k as Milestone] = msOrNull(v, `/milestones/${k}`);
      }
      return { type: 'milestones', milestones };
    }
    default:
      return body;
  }
}
