/**
 * The order milestones must keep, and which ones each status needs. Two chains, checked for every
 * pair whose times are both known (so an unknown milestone in the middle never hides a wrong
 * order around it):
 *
 *   impactStartedAt ≤ detectedAt ≤ declaredAt ≤ acknowledgedAt ≤ closedAt
 *   impactStartedAt ≤ mitigatedAt ≤ resolvedAt ≤ closedAt
 *
 * Declaration is not ordered against mitigation or resolution: an incident may be declared
 * retrospectively, after an outage found in the logs was already over.
 */
import { type FieldProblem, InputError } from '../errors.js';
import type { Incident, IncidentMilestones, IncidentStatus, Milestone } from './model.js';

const CHAINS: readonly (readonly Milestone[])[] = [
  ['impactStartedAt', 'detectedAt', 'declaredAt', 'acknowledgedAt', 'closedAt'],
  ['impactStartedAt', 'mitigatedAt', 'resolvedAt', 'closedAt'],
];

/** Clocks of the people editing may run a little ahead of the server's. */
export const FUTURE_TOLERANCE_MS = 60_000;

const LABEL: Record<Milestone, string> = {
  impactStartedAt: 'impact started',
  detectedAt: 'detected',
  declaredAt: 'declared',
  acknowledgedAt: 'acknowledged',
  mitigatedAt: 'mitigated',
  resolvedAt: 'resolved',
  closedAt: 'closed',
};

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Every problem with the milestones (future or invalid times first, then order), each naming a field: the one the caller changed
 * where one of the pair was changed, else the later one.
 */
export function milestoneProblems(
  m: IncidentMilestones,
  now: number,
  changed: ReadonlySet<Milestone> = new Set(),
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const field of Object.keys(LABEL) as Milestone[]) {
    const t = m[field];
    if (t === null) continue;
    if (!Number.isFinite(t)) {
      problems.push({ path: `/${field}`, code: 'INVALID_TIME', message: `${field} is not a valid time.` });
    } else if (t > now + FUTURE_TOLERANCE_MS) {
      problems.push({
        path: `/${field}`,
        code: 'MILESTONE_IN_FUTURE',
        message: `${field} (${iso(t)}) is in the future; milestones record what has happened.`,
      });
    }
  }
  for (const chain of CHAINS) {
    for (let i = 0; i < chain.length; i++) {
      for (let j = i + 1; j < chain.length; j++) {
        const early = chain[i]!;
        const late = chain[j]!;
        const a = m[early];
        const b = m[late];
        if (a === null || b === null || a <= b) continue;
        const key = `${early}/${late}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const field = changed.has(early) && !changed.has(late) ? early : late;
        problems.push({
          path: `/${field}`,
          code: 'MILESTONE_ORDER',
          message: `${late} (${iso(b)}) is before ${early} (${iso(a)}): an incident cannot be ${LABEL[late]} before it was ${LABEL[early]}.`,
        });
      }
    }
  }
  return problems;
}

/** Milestones a status needs, and those it must not have yet. */
const REQUIRED: Partial<Record<IncidentStatus, { set: Milestone[]; unset: Milestone[] }>> = {
  triage: { set: [], unset: ['mitigatedAt', 'resolvedAt', 'closedAt'] },
  investigating: { set: [], unset: ['mitigatedAt', 'resolvedAt', 'closedAt'] },
  mitigated: { set: ['mitigatedAt'], unset: ['resolvedAt', 'closedAt'] },
  resolved: { set: ['mitigatedAt', 'resolvedAt'], unset: ['closedAt'] },
  closed: { set: ['mitigatedAt', 'resolvedAt', 'closedAt'], unset: [] },
  // cancelled and merged keep whatever they had.
};

export function statusMilestoneProblems(incident: Incident): FieldProblem[] {
  const rule = REQUIRED[incident.status];
  if (!rule) return [];
  const problems: FieldProblem[] = [];
  for (const f of rule.set) {
    if (incident[f] === null) {
      problems.push({
        path: `/${f}`,
        code: 'MILESTONE_REQUIRED',
        message: `${f} is required while the incident is ${incident.status}.`,
      });
    }
  }
  for (const f of rule.unset) {
    if (incident[f] !== null) {
      problems.push({
        path: `/${f}`,
        code: 'MILESTONE_NOT_YET',
        message: `${f} cannot be set while the incident is ${incident.status}; change the status instead.`,
      });
    }
  }
  return problems;
}

/** Throws an InputError naming the first field at fault, with all problems listed. */
export function assertValidMilestones(
  incident: Incident,
  now: number,
  changed: ReadonlySet<Milestone> = new Set(),
): void {
  const problems = [...milestoneProblems(incident, now, changed), ...statusMilestoneProblems(incident)];
  const first = problems[0];
  if (first) throw new InputError(`${first.path} ${first.message}`, problems, 'INVALID_MILESTONES');
}
