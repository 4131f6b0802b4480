/**
 * Declaring an incident and every change to it, as pure functions: each returns the new incident
 * and the timeline entries it writes, or throws a HeadroomError naming the field and changing
 * nothing. The server stores what they return and audits the change.
 *
 * Milestones follow the status: moving to mitigated/resolved/closed stamps that milestone (with
 * the change's `at`, default now); resolving without a mitigation time stamps mitigatedAt too
 * (impact ended at the latest then); the first move out of triage, the first commander or an
 * explicit acknowledge stamps acknowledgedAt. Going back (reopen) clears the later milestones.
 * Repeating the current status or role holder is a no-op (no entries), so retries are safe.
 */
import { HeadroomError, InputError } from '../errors.js';
import { assertValidMilestones } from './milestones.js';
import {
  FINAL_STATUSES,
  INCIDENT_ROLE_NAMES,
  INCIDENT_ROLES,
  INCIDENT_STATUSES,
  type Incident,
  type IncidentMilestones,
  type IncidentRole,
  type IncidentStatus,
  isTransitionAllowed,
  MILESTONES,
  type Milestone,
  nextStatuses,
  SEVERITIES,
  type Severity,
  type TimelineEntry,
} from './model.js';
import { type ClosingContext, closingBlockers } from './postmortem.js';

export type IncidentChange =
  | { type: 'status'; status: IncidentStatus; at?: number; reason?: string; mergedInto?: string }
  | { type: 'severity'; severity: Severity; reason?: string }
  | { type: 'edit'; title?: string; summary?: string }
  | { type: 'milestones'; milestones: Partial<Record<Milestone, number | null>> }
  | { type: 'role'; role: IncidentRole; user: string | null }
  | { type: 'services'; add?: string[]; remove?: string[] }
  | { type: 'alert-groups'; link?: string[]; unlink?: string[] }
  /** `at`: when it happened, for notes written after the fact (never in the future). */
  | { type: 'note'; text: string; at?: number }
  | { type: 'status-update'; text: string }
  | { type: 'acknowledge'; at?: number };

export interface DeclareIncidentInput {
  id: string;
  title: string;
  summary?: string;
  severity: Severity;
  /** Default triage. */
  status?: 'triage' | 'investigating';
  services?: string[];
  alertGroups?: string[];
  roles?: Partial<Record<IncidentRole, string>>;
  impactStartedAt?: number | null;
  /** Default declaredAt: declaring is detection at the latest. */
  detectedAt?: number | null;
  /** Default now; earlier for a retrospective declaration. */
  declaredAt?: number;
}

export interface ChangeResult {
  incident: Incident;
  timeline: TimelineEntry[];
}

const SERVICE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const MAX_TITLE = 200;

function fail(path: string, message: string, code = 'INVALID_INPUT'): never {
  throw new InputError(`${path} ${message}`, [{ path, message }], code);
}

function checkTitle(title: string, path = '/title'): string {
  const t = title.trim();
  if (t === '') fail(path, 'must not be empty.');
  if (t.length > MAX_TITLE) fail(path, `must be at most ${MAX_TITLE} characters.`);
  return t;
}

function checkSeverity(s: string, path = '/severity'): Severity {
  if (!(SEVERITIES as readonly string[]).includes(s)) fail(path, `must be one of ${SEVERITIES.join(', ')}.`);
  return s as Severity;
}

function checkServices(names: readonly string[], path: string): string[] {
  names.forEach((n, i) => {
    if (!SERVICE_NAME.test(n)) fail(`${path}/${i}`, `'${n}' is not a service name (RFC 1123 label).`);
  });
  return [...names];
}

function checkIds(ids: readonly string[], path: string): string[] {
  ids.forEach((id, i) => {
    if (id.trim() === '') fail(`${path}/${i}`, 'must not be empty.');
  });
  return [...ids];
}

function checkUser(user: string, path: string): string {
  if (user.trim() === '') fail(path, 'must not be empty.');
  return user.trim();
}

const sortedUnique = (xs: Iterable<string>) => [...new Set(xs)].sort();

export function declareIncident(input: DeclareIncidentInput, actor: string, now: number): ChangeResult {
  const title = checkTitle(input.title);
  const severity = checkSeverity(input.severity);
  const status = input.status ?? 'triage';
  if (status !== 'triage' && status !== 'investigating') fail('/status', 'must be triage or investigating.');
  const roles: Partial<Record<IncidentRole, string>> = {};
  for (const [role, user] of Object.entries(input.roles ?? {})) {
    if (!(INCIDENT_ROLES as readonly string[]).includes(role)) {
      fail(`/roles/${role}`, `is not a role; roles are ${INCIDENT_ROLES.join(', ')}.`);
    }
    if (user !== undefined) roles[role as IncidentRole] = checkUser(user, `/roles/${role}`);
  }
  const declaredAt = input.declaredAt ?? now;
  const acknowledged = status === 'investigating' || roles.commander !== undefined;
  const incident: Incident = {
    id: input.id,
    title,
    summary: input.summary ?? '',
    severity,
    status,
    roles,
    services: sortedUnique(checkServices(input.services ?? [], '/services')),
    alertGroups: sortedUnique(checkIds(input.alertGroups ?? [], '/alertGroups')),
    mergedInto: null,
    createdBy: actor,
    updatedAt: now,
    impactStartedAt: input.impactStartedAt ?? null,
    detectedAt: input.detectedAt === undefined ? declaredAt : input.detectedAt,
    declaredAt,
    // Declared by someone already on it: acknowledged at declaration, also for a retrospective one.
    acknowledgedAt: acknowledged ? declaredAt : null,
    mitigatedAt: null,
    resolvedAt: null,
    closedAt: null,
  };
  assertValidMilestones(incident, now, new Set(['impactStartedAt', 'detectedAt', 'declaredAt']));
  const timeline: TimelineEntry[] = [
    {
      kind: 'declared',
      at: declaredAt,
      actor,
      text: `${actor} declared ${severity} incident "${title}"`,
      data: { severity, status, services: incident.services, alertGroups: incident.alertGroups },
    },
  ];
  for (const [role, user] of Object.entries(roles)) {
    timeline.push(roleEntry(role as IncidentRole, null, user, actor, now));
  }
  return { incident, timeline };
}

function roleEntry(
  role: IncidentRole,
  from: string | null,
  to: string | null,
  actor: string,
  at: number,
): TimelineEntry {
  const name = INCIDENT_ROLE_NAMES[role];
  const text =
    to === null
      ? `${from} stepped down as ${name}`
      : from === null
        ? `${to} became ${name}`
        : `${from} handed over ${name} to ${to}`;
  return { kind: 'role', at, actor, text, data: { role, from, to } };
}

/**
 * Applies one change. `context` answers the closing rule (postmortem, action items, budget
 * consumed, policy); without it a close of an incident that needs a postmortem is refused.
 */
export function applyIncidentChange(
  incident: Incident,
  change: IncidentChange,
  actor: string,
  now: number,
  context: ClosingContext = {},
): ChangeResult {
  const final = FINAL_STATUSES.includes(incident.status);
  // After the end only corrections for the record: title/summary, severity, milestones, services, notes.
  if (final && !['edit', 'severity', 'milestones', 'services', 'note'].includes(change.type)) {
    fail(
      '/type',
      `a ${incident.status} incident accepts only corrections and notes, not '${change.type}'.`,
      'INCIDENT_FINAL',
    );
  }
  const entry = (kind: TimelineEntry['kind'], text: string, data: Record<string, unknown>, at = now) => ({
    kind,
    at,
    actor,
    text,
    data,
  });
  const next: Incident = { ...incident, roles: { ...incident.roles }, updatedAt: now };
  const timeline: TimelineEntry[] = [];
  const changed = new Set<Milestone>();

  switch (change.type) {
    case 'status': {
      const to = change.status;
      if (!(INCIDENT_STATUSES as readonly string[]).includes(to)) {
        fail('/status', `must be one of ${INCIDENT_STATUSES.join(', ')}.`);
      }
      if (to === incident.status) return { incident, timeline: [] };
      if (!isTransitionAllowed(incident.status, to)) {
        const allowed = nextStatuses(incident.status);
        fail(
          '/status',
          `cannot move from ${incident.status} to ${to}; from ${incident.status} it may move to ${allowed.length ? allowed.join(', ') : 'nothing (final)'}.`,
          'INVALID_TRANSITION',
        );
      }
      const at = change.at ?? now;
      if (change.at !== undefined && !Number.isFinite(change.at)) fail('/at', 'is not a valid time.');
      if (to === 'merged') {
        const into = change.mergedInto?.trim() ?? '';
        if (into === '') fail('/mergedInto', 'is required to merge: the id of the incident it duplicates.');
        if (into === incident.id) fail('/mergedInto', 'cannot be the incident itself.');
        next.mergedInto = into;
      }
      if (to === 'closed') {
        const blockers = closingBlockers(incident, context);
        if (blockers.length > 0) {
          throw new HeadroomError(
            'POSTMORTEM_REQUIRED',
            409,
            `Cannot close incident ${incident.id}: ${blockers.join(' ')}`,
            blockers.map((message) => ({ path: '/status', message, code: 'POSTMORTEM_REQUIRED' })),
          );
        }
      }
      if (next.acknowledgedAt === null && to !== 'cancelled' && to !== 'merged') {
        next.acknowledgedAt = at;
      }
      if (to === 'investigating') {
        next.mitigatedAt = null;
        next.resolvedAt = null;
      } else if (to === 'mitigated') {
        next.mitigatedAt = at;
        changed.add('mitigatedAt');
      } else if (to === 'resolved') {
        next.resolvedAt = at;
        next.mitigatedAt ??= at;
        changed.add('resolvedAt');
      } else if (to === 'closed') {
        next.closedAt = at;
        changed.add('closedAt');
      }
      next.status = to;
      const reopened = incident.status === 'resolved' || incident.status === 'mitigated';
      const verb =
        to === 'investigating' && reopened
          ? `reopened (${incident.status} → investigating)`
          : `${incident.status} → ${to}`;
      const reason = change.reason?.trim() ? `: ${change.reason.trim()}` : '';
      timeline.push(
        entry(
          'status',
          `Status ${verb}${to === 'merged' ? ` into ${next.mergedInto}` : ''}${reason}`,
          { from: incident.status, to, reason: change.reason ?? null, mergedInto: next.mergedInto },
          at,
        ),
      );
      break;
    }
    case 'severity': {
      const to = checkSeverity(change.severity);
      if (to === incident.severity) return { incident, timeline: [] };
      next.severity = to;
      const reason = change.reason?.trim() ? `: ${change.reason.trim()}` : '';
      timeline.push(
        entry('severity', `Severity ${incident.severity} → ${to}${reason}`, { from: incident.severity, to }),
      );
      break;
    }
    case 'edit': {
      const data: Record<string, unknown> = {};
      if (change.title !== undefined) {
        next.title = checkTitle(change.title);
        if (next.title !== incident.title) data.title = { from: incident.title, to: next.title };
      }
      if (change.summary !== undefined && change.summary !== incident.summary) {
        next.summary = change.summary;
        data.summary = { from: incident.summary, to: change.summary };
      }
      if (Object.keys(data).length === 0) return { incident, timeline: [] };
      timeline.push(entry('edit', `Edited ${Object.keys(data).join(' and ')}`, data));
      break;
    }
    case 'milestones': {
      for (const [field, value] of Object.entries(change.milestones)) {
        if (!(MILESTONES as readonly string[]).includes(field)) {
          fail(`/milestones/${field}`, `is not a milestone; milestones are ${MILESTONES.join(', ')}.`);
        }
        const f = field as Milestone;
        if (value === undefined) continue;
        if (value === null && f === 'declaredAt') fail('/milestones/declaredAt', 'cannot be removed.');
        if (value !== null && !Number.isFinite(value)) fail(`/milestones/${f}`, 'is not a valid time.');
        if (incident[f] === value) continue;
        (next as IncidentMilestones)[f] = value as number;
        changed.add(f);
        timeline.push(
          entry('milestone', `Corrected ${f}: ${fmt(incident[f])} → ${fmt(value)}`, {
            milestone: f,
            from: incident[f],
            to: value,
          }),
        );
      }
      if (timeline.length === 0) return { incident, timeline: [] };
      break;
    }
    case 'role': {
      if (!(INCIDENT_ROLES as readonly string[]).includes(change.role)) {
        fail('/role', `must be one of ${INCIDENT_ROLES.join(', ')}.`);
      }
      const to = change.user === null ? null : checkUser(change.user, '/user');
      const from = incident.roles[change.role] ?? null;
      if (from === to) return { incident, timeline: [] };
      if (to === null) delete next.roles[change.role];
      else next.roles[change.role] = to;
      timeline.push(roleEntry(change.role, from, to, actor, now));
      if (change.role === 'commander' && to !== null && next.acknowledgedAt === null) {
        next.acknowledgedAt = now;
        timeline.push(entry('acknowledged', `${to} acknowledged the incident as commander`, {}));
      }
      break;
    }
    case 'services': {
      const add = checkServices(change.add ?? [], '/add');
      const remove = new Set(checkServices(change.remove ?? [], '/remove'));
      next.services = sortedUnique([...incident.services, ...add].filter((s) => !remove.has(s)));
      const added = next.services.filter((s) => !incident.services.includes(s));
      const removed = incident.services.filter((s) => !next.services.includes(s));
      if (added.length === 0 && removed.length === 0) return { incident, timeline: [] };
      timeline.push(entry('service', describe('service', added, removed), { added, removed }));
      break;
    }
    case 'alert-groups': {
      const link = checkIds(change.link ?? [], '/link');
      const unlink = new Set(checkIds(change.unlink ?? [], '/unlink'));
      next.alertGroups = sortedUnique([...incident.alertGroups, ...link].filter((g) => !unlink.has(g)));
      const added = next.alertGroups.filter((g) => !incident.alertGroups.includes(g));
      const removed = incident.alertGroups.filter((g) => !next.alertGroups.includes(g));
      if (added.length === 0 && removed.length === 0) return { incident, timeline: [] };
      timeline.push(entry('alert-group', describe('alert group', added, removed), { added, removed }));
      break;
    }
    case 'note':
    case 'status-update': {
      if (change.text.trim() === '') fail('/text', 'must not be empty.');
      const at = change.type === 'note' ? (change.at ?? now) : now;
      if (!Number.isFinite(at)) fail('/at', 'is not a valid time.');
      if (at > now) fail('/at', 'is in the future; a note records what already happened.');
      timeline.push(entry(change.type, change.text, {}, at));
      break;
    }
    case 'acknowledge': {
      if (incident.acknowledgedAt !== null) return { incident, timeline: [] };
      const at = change.at ?? now;
      next.acknowledgedAt = at;
      changed.add('acknowledgedAt');
      timeline.push(entry('acknowledged', `${actor} acknowledged the incident`, {}, at));
      break;
    }
    default: {
      const never: never = change;
      fail('/type', `unknown change '${(never as { type: string }).type}'.`);
    }
  }
  assertValidMilestones(next, now, changed);
  return { incident: next, timeline };
}

const fmt = (t: number | null) => (t === null ? 'unset' : new Date(t).toISOString());

function describe(what: string, added: string[], removed: string[]): string {
  const parts: string[] = [];
  if (added.length) parts.push(`added ${what}${added.length > 1 ? 's' : ''} ${added.join(', ')}`);
  if (removed.length) parts.push(`removed ${what}${removed.length > 1 ? 's' : ''} ${removed.join(', ')}`);
  const s = parts.join('; ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
