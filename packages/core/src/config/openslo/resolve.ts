/**
 * Resolving references: an SLO is stored as declared (its `indicatorRef`, `alertPolicyRef` and
 * metric sources' `metricSourceRef` by name); every reader of SLOs resolves them against the
 * other OpenSLO objects, so a changed SLI or DataSource takes effect in every SLO using it
 * without rewriting those SLOs. Apply resolves against the files first and then against what is
 * stored (see the server's SLO store). Pure.
 */
import {
  type AlertCondition,
  type AlertNotificationTarget,
  type AlertPolicy,
  type DataSource,
  defaultStream,
  isHeadroomType,
  isQueryableType,
  type Linked,
  type MetricSource,
  metricSourcesOf,
  type OpenSloKind,
  type Sli,
  type SliMetric,
  type Slo,
  sliQueryable,
} from '../../slo/model.js';
import type { OpenSloDefinition } from './refs.js';

/** Finds OpenSLO objects by kind and name. */
export interface OpenSloIndex {
  sli(name: string): Sli | undefined;
  dataSource(name: string): DataSource | undefined;
  alertPolicy(name: string): AlertPolicy | undefined;
  alertCondition(name: string): AlertCondition | undefined;
  alertTarget(name: string): AlertNotificationTarget | undefined;
}

export function indexObjects(objects: Iterable<OpenSloDefinition>): OpenSloIndex {
  const byKey = new Map<string, unknown>();
  for (const o of objects) byKey.set(`${o.kind}/${o.definition.name}`, o.definition);
  const get =
    <T>(kind: OpenSloKind) =>
    (name: string) =>
      byKey.get(`${kind}/${name}`) as T | undefined;
  return {
    sli: get<Sli>('SLI'),
    dataSource: get<DataSource>('DataSource'),
    alertPolicy: get<AlertPolicy>('AlertPolicy'),
    alertCondition: get<AlertCondition>('AlertCondition'),
    alertTarget: get<AlertNotificationTarget>('AlertNotificationTarget'),
  };
}

export interface MissingReference {
  kind: OpenSloKind;
  name: string;
}

function bindSource(
  source: MetricSource,
  index: OpenSloIndex,
  stream: string | null,
  missing: MissingReference[],
): MetricSource {
  let dataSource: DataSource | null = null;
  if (source.metricSourceRef) {
    dataSource = index.dataSource(source.metricSourceRef) ?? null;
    if (!dataSource) missing.push({ kind: 'DataSource', name: source.metricSourceRef });
  }
  const effectiveType = source.type ?? dataSource?.type ?? null;
  const ownStream = typeof source.spec.stream === 'string' ? source.spec.stream : null;
  // Prometheus-polled data lands in the SLO's stream too; other sources take pushed data there.
  const boundStream = isHeadroomType(effectiveType) ? (ownStream ?? stream) : stream;
  return {
    ...source,
    dataSource,
    effectiveType,
    queryable: isQueryableType(effectiveType),
    stream: boundStream,
  };
}

function bindMetric(
  metric: SliMetric,
  index: OpenSloIndex,
  stream: string | null,
  missing: MissingReference[],
): SliMetric {
  const bind = (s: MetricSource) => bindSource(s, index, stream, missing);
  switch (metric.type) {
    case 'ratio':
      return {
        ...metric,
        good: metric.good && bind(metric.good),
        bad: metric.bad && bind(metric.bad),
        total: bind(metric.total),
      };
    case 'raw':
      return { ...metric, raw: bind(metric.raw) };
    case 'threshold':
      return { ...metric, metric: bind(metric.metric) };
  }
}

/** An SLI with its DataSources filled in; `stream` is the SLO stream it is bound to (null: none). */
export function resolveSli(
  sli: Sli,
  index: OpenSloIndex,
  stream: string | null = null,
  missing: MissingReference[] = [],
): Sli {
  return { ...sli, metric: bindMetric(sli.metric, index, stream, missing) };
}

function linked<T>(
  part: Linked<T>,
  kind: OpenSloKind,
  find: (name: string) => T | undefined,
  missing: MissingReference[],
): Linked<T> {
  if (!part.ref) return part;
  const value = find(part.ref) ?? null;
  if (!value) missing.push({ kind, name: part.ref });
  return { ref: part.ref, value };
}

export function resolveAlertPolicy(
  policy: AlertPolicy,
  index: OpenSloIndex,
  missing: MissingReference[] = [],
): AlertPolicy {
  return {
    ...policy,
    conditions: policy.conditions.map((c) => linked(c, 'AlertCondition', index.alertCondition, missing)),
    notificationTargets: policy.notificationTargets.map((t) =>
      linked(t, 'AlertNotificationTarget', index.alertTarget, missing),
    ),
  };
}

/**
 * The SLO with every reference resolved: indicator(s) with their DataSources and streams, and
 * alert policies with their conditions and targets. `missing` lists what was named but not found
 * (those parts stay null).
 */
export function resolveSlo(slo: Slo, index: OpenSloIndex): { slo: Slo; missing: MissingReference[] } {
  const missing: MissingReference[] = [];
  const sliOf = (inline: Sli | null, ref: string | null, stream: string): Sli | null => {
    const found = ref ? index.sli(ref) : inline;
    if (ref && !found) missing.push({ kind: 'SLI', name: ref });
    return found ? resolveSli(found, index, stream, missing) : null;
  };
  const resolved: Slo = {
    ...slo,
    indicator: slo.indicator || slo.indicatorRef ? sliOf(slo.indicator, slo.indicatorRef, slo.name) : null,
    objectives: slo.objectives.map((o, i) =>
      o.indicator || o.indicatorRef
        ? { ...o, indicator: sliOf(o.indicator, o.indicatorRef, defaultStream(slo.name, i)) }
        : o,
    ),
    alertPolicies: slo.alertPolicies.map((p) => {
      const found = linked(p, 'AlertPolicy', index.alertPolicy, missing);
      return found.value ? { ...found, value: resolveAlertPolicy(found.value, index, missing) } : found;
    }),
  };
  return { slo: resolved, missing };
}

/** Where a resolved SLI's data comes from, in one line for status and listings. */
export function sourceOf(sli: Sli | null): {
  type: string | null;
  queryable: boolean;
  stream: string | null;
} {
  if (!sli) return { type: null, queryable: false, stream: null };
  const sources = metricSourcesOf(sli.metric).map((m) => m.source);
  const types = [...new Set(sources.map((s) => s.effectiveType ?? 'unknown'))];
  return {
    type: types.join(', '),
    queryable: sliQueryable(sli.metric),
    stream: sources.find((s) => s.stream !== null)?.stream ?? null,
  };
}
