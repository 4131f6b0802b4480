/**
 * Incidents, as the Google SRE book's "Managing Incidents" describes them, with severities and
 * statuses after incident.io and PagerDuty. Every instant is epoch milliseconds.
 *
 * Status life cycle (the transitions `nextStatuses` allows):
 *   triage        → investigating, mitigated, resolved, cancelled, merged
 *   investigating → mitigated, resolved, cancelled, merged
 *   mitigated     → investigating (the mitigation did not hold), resolved, cancelled, merged
 *   resolved      → closed, investigating (reopen: the impact came back)
 *   closed, cancelled, merged: final
 * Forward skips are allowed (a fix found during triage goes straight to resolved).
 *
 * - Closed, cancelled and merged are final: a recurrence after close is a new incident (with the
 *   old one linked in a note), so closed figures and published postmortems stay true.
 * - Resolved may reopen to investigating (incident.io and PagerDuty both allow re-opening a
 *   resolved incident); resolved → triage is refused: a reopened incident is already known.
 * - Resolved cannot be cancelled or merged: once resolved it happened, and its figures count.
 * - Going back clears the milestones after it (mitigatedAt, resolvedAt) — the timeline keeps the
 *   earlier ones — so MTTM/MTTR measure the final mitigation and resolution.
 */

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface SeverityDefinition {
  severity: Severity;
  /** Short name shown beside the level, e.g. "Critical". */
  name: string;
  description: string;
}

/** Defaults after incident.io's and PagerDuty's published severity levels (not yet configurable). */
export const DEFAULT_SEVERITY_DEFINITIONS: readonly SeverityDefinition[] = [
  {
    severity: 'SEV1',
    name: 'Critical',
    description:
      'A critical service is down or severely degraded for most customers, data is lost or exposed, or ' +
      'there is a security breach. All hands: page the incident commander and responders at any hour.',
  },
  {
    severity: 'SEV2',
    name: 'Major',
    description:
      'A major feature is unavailable or badly degraded for many customers, or a critical service is ' +
      'at risk. Page responders at any hour; communicate status regularly.',
  },
  {
    severity: 'SEV3',
    name: 'Minor',
    description:
      'A minor feature is degraded or some customers see errors, with a workaround available. ' +
      'Handle promptly during working hours.',
  },
  {
    severity: 'SEV4',
    name: 'Low',
    description:
      'Little or no customer impact: a cosmetic problem, a near miss or an internal-only issue. ' +
      'Handle as normal work.',
  },
];

export const INCIDENT_STATUSES = [
  'triage',
  'investigating',
  'mitigated',
  'resolved',
  'closed',
  'cancelled',
  'merged',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** Still under way: people are working on it. */
export const OPEN_STATUSES: readonly IncidentStatus[] = ['triage', 'investigating', 'mitigated'];
/** Nothing more happens to it but corrections and notes. */
export const FINAL_STATUSES: readonly IncidentStatus[] = ['closed', 'cancelled', 'merged'];

const TRANSITIONS: Record<IncidentStatus, readonly IncidentStatus[]> = {
  triage: ['investigating', 'mitigated', 'resolved', 'cancelled', 'merged'],
  investigating: ['mitigated', 'resolved', 'cancelled', 'merged'],
  mitigated: ['investigating', 'resolved', 'cancelled', 'merged'],
  resolved: ['closed', 'investigating'],
  closed: [],
  cancelled: [],
  merged: [],
};

/** The statuses an incident in `status` may move to. */
export function nextStatuses(status: IncidentStatus): readonly IncidentStatus[] {
  return TRANSITIONS[status];
}

export function isTransitionAllowed(from: IncidentStatus, to: IncidentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Roles of the Incident Command System as the SRE book uses them. */
export const INCIDENT_ROLES = ['commander', 'operations', 'communications', 'scribe'] as const;
export type IncidentRole = (typeof INCIDENT_ROLES)[number];

export const INCIDENT_ROLE_NAMES: Record<IncidentRole, string> = {
  commander: 'Incident commander',
  operations: 'Operations lead',
  communications: 'Communications lead',
  scribe: 'Scribe',
};

/** The milestones, in the order they normally happen. */
export const MILESTONES = [
  'impactStartedAt',
  'detectedAt',
  'declaredAt',
  'acknowledgedAt',
  'mitigatedAt',
  'resolvedAt',
  'closedAt',
] as const;
export type Milestone = (typeof MILESTONES)[number];

export interface IncidentMilestones {
  /** When customers were first affected; null = not known (yet). */
  impactStartedAt: number | null;
  /** When the problem was first noticed (alert fired, report came in). */
  detectedAt: number | null;
  /** When the incident was declared. Always known. */
  declaredAt: number;
  /** When someone took ownership (first commander, first move out of triage, or an explicit ack). */
  acknowledgedAt: number | null;
  /** When customer impact stopped (maybe by a workaround). */
  mitigatedAt: number | null;
  /** When the underlying problem was fixed. */
  resolvedAt: number | null;
  /** When the follow-up was done and the incident closed. */
  closedAt: number | null;
}

export interface Incident extends IncidentMilestones {
  id: string;
  title: string;
  /** Markdown; the current understanding of what is going on. */
  summary: string;
  severity: Severity;
  status: IncidentStatus;
  /** The user holding each role; a role nobody holds is absent. */
  roles: Partial<Record<IncidentRole, string>>;
  /** Catalog service names, sorted, unique. */
  services: string[];
  /** Linked alert group ids, sorted, unique. */
  alertGroups: string[];
  /** The incident this one was merged into (status `merged`), else null. */
  mergedInto: string | null;
  createdBy: string;
  updatedAt: number;
}

export type TimelineEntryKind =
  | 'declared'
  | 'status'
  | 'severity'
  | 'role'
  | 'note'
  | 'status-update'
  | 'edit'
  | 'milestone'
  | 'service'
  | 'alert-group'
  | 'acknowledged';

/**
 * One line of the timeline. `data` holds what changed, machine-readable (from/to); `text` is the
 * human sentence. The server adds ids and alert events (firing/resolved) in the same shape.
 */
export interface TimelineEntry {
  kind: TimelineEntryKind;
  /** When it happened (for milestone corrections: when the correction was made). */
  at: number;
  actor: string;
  text: string;
  data: Record<string, unknown>;
}
