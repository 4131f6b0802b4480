/**
 * The DORA four keys over a period, overall and per service and owning team. Pure: the server
 * loads deployments, the incidents linked to them and the links; this counts.
 *
 * A deployment belongs to the period when it started in [from, to) in the environment asked for.
 * Per team: the deployments of the services the team owns now. Definitions and level bands:
 * levels.ts (DORA_DEFINITIONS).
 */
import { type DoraKeyName, type DoraLevelName, doraLevel } from './levels.js';

export type DeploymentOutcome = 'succeeded' | 'failed' | 'rolled-back';

export interface DoraDeployment {
  id: string;
  service: string;
  team: string | null;
  environment: string;
  status: DeploymentOutcome;
  startedAt: number;
  finishedAt: number;
  commitTime: number | null;
}

export interface DoraIncident {
  id: string;
  impactStartedAt: number | null;
  detectedAt: number | null;
  resolvedAt: number | null;
}

export interface DoraLink {
  deploymentId: string;
  incidentId: string;
}

export interface DoraKeyResult {
  key: DoraKeyName;
  /** per day, milliseconds or a ratio; null when nothing was measured. */
  value: number | null;
  level: DoraLevelName | null;
  counted: number;
  missing: number;
  numerator?: number;
  denominator?: number;
}

export interface DoraGroupResult {
  deployments: number;
  deploymentFrequency: DoraKeyResult;
  leadTime: DoraKeyResult;
  changeFailureRate: DoraKeyResult;
  recoveryTime: DoraKeyResult;
}

export interface DoraResult {
  from: number;
  to: number;
  days: number;
  environment: string;
  overall: DoraGroupResult;
  byService: Record<string, DoraGroupResult>;
  byTeam: Record<string, DoraGroupResult>;
}

const DAY_MS = 86_400_000;

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The four keys of one group of deployments (already narrowed to the period and environment). */
export function fourKeys(
  deployments: readonly DoraDeployment[],
  incidents: ReadonlyMap<string, DoraIncident>,
  incidentsOf: ReadonlyMap<string, readonly string[]>,
  days: number,
): DoraGroupResult {
  const succeeded = deployments.filter((d) => d.status === 'succeeded');

  const perDay = days > 0 ? succeeded.length / days : null;

  const leadTimes = succeeded.flatMap((d) => (d.commitTime === null ? [] : [d.finishedAt - d.commitTime]));
  const leadMedian = median(leadTimes);

  const failed = deployments.filter((d) => (incidentsOf.get(d.id)?.length ?? 0) > 0);
  const cfr = deployments.length === 0 ? null : failed.length / deployments.length;

  const linked = new Set(failed.flatMap((d) => incidentsOf.get(d.id) ?? []));
  const recoveries: number[] = [];
  let recoveryMissing = 0;
  for (const id of linked) {
    const i = incidents.get(id);
    const start = i ? (i.impactStartedAt ?? i.detectedAt) : null;
    if (!i || start === null || i.resolvedAt === null) recoveryMissing++;
    else recoveries.push(Math.max(0, i.resolvedAt - start));
  }
  const recoveryMedian = median(recoveries);

  return {
    deployments: deployments.length,
    deploymentFrequency: {
      key: 'deploymentFrequency',
      value: perDay,
      level: doraLevel('deploymentFrequency', perDay),
      counted: succeeded.length,
      missing: 0,
    },
    leadTime: {
      key: 'leadTime',
      value: leadMedian,
      level: doraLevel('leadTime', leadMedian === null ? null : leadMedian / 1000),
      counted: leadTimes.length,
      missing: succeeded.length - leadTimes.length,
    },
    changeFailureRate: {
      key: 'changeFailureRate',
      value: cfr,
      level: doraLevel('changeFailureRate', cfr),
      counted: deployments.length,
      missing: 0,
      numerator: failed.length,
      denominator: deployments.length,
    },
    recoveryTime: {
      key: 'recoveryTime',
      value: recoveryMedian,
      level: doraLevel('recoveryTime', recoveryMedian === null ? null : recoveryMedian / 1000),
      counted: recoveries.length,
      missing: recoveryMissing,
    },
  };
}

export interface DoraInput {
  deployments: readonly DoraDeployment[];
  incidents: readonly DoraIncident[];
  links: readonly DoraLink[];
  from: number;
  to: number;
  environment: string;
  /** Groups to report even without deployments (the service or team asked for). */
  services?: readonly string[];
  teams?: readonly string[];
}

export function doraFourKeys(input: DoraInput): DoraResult {
  const { from, to, environment } = input;
  const days = Math.max(0, to - from) / DAY_MS;
  const inPeriod = input.deployments.filter(
    (d) => d.environment === environment && d.startedAt >= from && d.startedAt < to,
  );
  const incidents = new Map(input.incidents.map((i) => [i.id, i]));
  const incidentsOf = new Map<string, string[]>();
  for (const l of input.links) {
    const list = incidentsOf.get(l.deploymentId) ?? [];
    if (!list.includes(l.incidentId)) list.push(l.incidentId);
    incidentsOf.set(l.deploymentId, list);
  }
  const group = (
    key: (d: DoraDeployment) => string | null,
    always: readonly string[] = [],
  ): Record<string, DoraGroupResult> => {
    const groups = new Map<string, DoraDeployment[]>(always.map((k) => [k, []]));
    for (const d of inPeriod) {
      const k = key(d);
      if (k === null) continue;
      groups.set(k, [...(groups.get(k) ?? []), d]);
    }
    const out: Record<string, DoraGroupResult> = {};
    for (const k of [...groups.keys()].sort())
      out[k] = fourKeys(groups.get(k)!, incidents, incidentsOf, days);
    return out;
  };
  return {
    from,
    to,
    days,
    environment,
    overall: fourKeys(inPeriod, incidents, incidentsOf, days),
    byService: group((d) => d.service, input.services),
    byTeam: group((d) => d.team, input.teams),
  };
}
