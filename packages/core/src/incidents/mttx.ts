/**
 * Mean (and median) time to X over a set of incidents, each metric with its clock named:
 *
 *   MTTD  detected − impact started          how long impact went unnoticed
 *   MTTA  acknowledged − declared            how long a declared incident waited for an owner.
 *         Declared, not detected: alert-to-acknowledgement belongs to alert groups (their own
 *         MTTA), and an incident's acknowledgement answers its declaration.
 *   MTTM  mitigated − impact started         how long customers were affected
 *   MTTR  resolved − impact started          until the underlying problem was fixed
 *   MTTR (declared)  resolved − declared     the responders' view, for incidents without a known
 *         impact start
 *
 * An incident belongs to a period when it was declared in [from, to). Cancelled and merged ones
 * are left out of every metric (false alarms and duplicates) and counted. An incident without one
 * of a metric's two milestones is left out of that metric and counted in its `missing`.
 * An incident counts once in each service it impacted and once in each team owning one of them.
 */
import type { Incident, Milestone, Severity } from './model.js';
import { SEVERITIES } from './model.js';

export const MTTX_METRICS = ['mttd', 'mtta', 'mttm', 'mttr', 'mttrDeclared'] as const;
export type MttxMetric = (typeof MTTX_METRICS)[number];

export interface MttxDefinition {
  metric: MttxMetric;
  name: string;
  from: Milestone;
  to: Milestone;
  description: string;
}

export const MTTX_DEFINITIONS: Record<MttxMetric, MttxDefinition> = {
  mttd: {
    metric: 'mttd',
    name: 'Mean time to detect',
    from: 'impactStartedAt',
    to: 'detectedAt',
    description: 'From impact started to detected.',
  },
  mtta: {
    metric: 'mtta',
    name: 'Mean time to acknowledge',
    from: 'declaredAt',
    to: 'acknowledgedAt',
    description: 'From declared to acknowledged (commander assigned or work started).',
  },
  mttm: {
    metric: 'mttm',
    name: 'Mean time to mitigate',
    from: 'impactStartedAt',
    to: 'mitigatedAt',
    description: 'From impact started to mitigated (customer impact stopped).',
  },
  mttr: {
    metric: 'mttr',
    name: 'Mean time to resolve',
    from: 'impactStartedAt',
    to: 'resolvedAt',
    description: 'From impact started to resolved.',
  },
  mttrDeclared: {
    metric: 'mttrDeclared',
    name: 'Mean time to resolve from declaration',
    from: 'declaredAt',
    to: 'resolvedAt',
    description: 'From declared to resolved.',
  },
};

export interface DurationStats {
  /** Incidents measured. */
  count: number;
  /** Incidents in the period left out for lack of one of the two milestones. */
  missing: number;
  /** Milliseconds; null when count is 0. */
  mean: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
}

export type MttxFigures = Record<MttxMetric, DurationStats>;

export interface MttxGroup {
  /** Incidents in the period counted in this group (cancelled and merged excluded). */
  incidents: number;
  metrics: MttxFigures;
}

export interface MttxReport {
  period: { from: number; to: number };
  /** Declared in the period but cancelled or merged, hence in no figure. */
  excluded: { cancelled: number; merged: number };
  overall: MttxGroup;
  bySeverity: Record<Severity, MttxGroup>;
  byService: Record<string, MttxGroup>;
  /** Only when a `teamOf` was given. */
  byTeam: Record<string, MttxGroup>;
}

export interface MttxOptions {
  from: number;
  to: number;
  /** The owning team of a service (from the catalog); null = none. */
  teamOf?: (service: string) => string | null;
}

export function durationStats(durations: readonly number[], missing: number): DurationStats {
  if (durations.length === 0) return { count: 0, missing, mean: null, median: null, min: null, max: null };
  const sorted = [...durations].sort((a, b) => a - b);
  const n = sorted.length;
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  // Mean via the sum of offsets from the minimum keeps it inside [min, max] despite rounding.
  const min = sorted[0]!;
  const mean = min + sorted.reduce((s, d) => s + (d - min), 0) / n;
  return { count: n, missing, mean: Math.min(mean, sorted[n - 1]!), median, min, max: sorted[n - 1]! };
}

/** The metric's duration for one incident, or null when a milestone is missing. */
export function incidentDuration(incident: Incident, metric: MttxMetric): number | null {
  const { from, to } = MTTX_DEFINITIONS[metric];
  const a = incident[from];
  const b = incident[to];
  // A negative span cannot pass validation; treat stored bad data as missing, not as a figure.
  return a === null || b === null || b < a ? null : b - a;
}

function figures(incidents: readonly Incident[]): MttxGroup {
  const metrics = {} as MttxFigures;
  for (const metric of MTTX_METRICS) {
    const durations: number[] = [];
    for (const i of incidents) {
      const d = incidentDuration(i, metric);
      if (d !== null) durations.push(d);
    }
    metrics[metric] = durationStats(durations, incidents.length - durations.length);
  }
  return { incidents: incidents.length, metrics };
}

function groupBy(incidents: readonly Incident[], keys: (i: Incident) => Iterable<string>) {
  const groups = new Map<string, Incident[]>();
  for (const i of incidents) {
    for (const k of new Set(keys(i))) {
      const g = groups.get(k);
      if (g) g.push(i);
      else groups.set(k, [i]);
    }
  }
  const out: Record<string, MttxGroup> = {};
  for (const k of [...groups.keys()].sort()) out[k] = figures(groups.get(k)!);
  return out;
}

export function mttxReport(incidents: readonly Incident[], options: MttxOptions): MttxReport {
  const inPeriod = incidents.filter((i) => i.declaredAt >= options.from && i.declaredAt < options.to);
  const counted = inPeriod.filter((i) => i.status !== 'cancelled' && i.status !== 'merged');
  const bySeverity = {} as Record<Severity, MttxGroup>;
  for (const s of SEVERITIES) bySeverity[s] = figures(counted.filter((i) => i.severity === s));
  const teamOf = options.teamOf;
  return {
    period: { from: options.from, to: options.to },
    excluded: {
      cancelled: inPeriod.filter((i) => i.status === 'cancelled').length,
      merged: inPeriod.filter((i) => i.status === 'merged').length,
    },
    overall: figures(counted),
    bySeverity,
    byService: groupBy(counted, (i) => i.services),
    byTeam: teamOf
      ? groupBy(counted, (i) => i.services.map(teamOf).filter((t): t is string => t !== null))
      : {},
  };
}

/** A page (an alert group's escalation) as the MTTA of alerting reads it. */
export interface PageTiming {
  policy: string;
  /** When the page started: the group's first flush with firing alerts. */
  startedAt: number;
  acknowledgedAt: number | null;
}

export interface PageAcknowledgement {
  overall: DurationStats;
  byPolicy: Record<string, DurationStats>;
}

/**
 * MTTA of alerting: page started (triggered) → first acknowledgement, for pages started in
 * [from, to). Pages never acknowledged (resolved or exhausted first) count as missing.
 */
export function pageAcknowledgement(
  pages: readonly PageTiming[],
  period: { from: number; to: number },
): PageAcknowledgement {
  const inPeriod = pages.filter((p) => p.startedAt >= period.from && p.startedAt < period.to);
  const stats = (list: readonly PageTiming[]) => {
    const acked = list.filter((p) => p.acknowledgedAt !== null);
    return durationStats(
      acked.map((p) => p.acknowledgedAt! - p.startedAt),
      list.length - acked.length,
    );
  };
  const policies = [...new Set(inPeriod.map((p) => p.policy))].sort();
  return {
    overall: stats(inPeriod),
    byPolicy: Object.fromEntries(
      policies.map((name) => [name, stats(inPeriod.filter((p) => p.policy === name))]),
    ),
  };
}
