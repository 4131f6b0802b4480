/**
 * The normalized SLO model: what an OpenSLO v1 document means once validated, in the shape
 * every consumer reads (the evaluator, ingest, the Prometheus poller, alerting). Types and tiny
 * pure helpers only; reading documents lives in config/openslo, resolving references in
 * config/openslo/resolve.ts.
 *
 * Objects are stored as declared: a part given by reference keeps its `…Ref` and has no value
 * until it is resolved against the other objects (`resolveSlo`). A resolved SLO has its
 * indicator, its metric sources' DataSources and its alert policies filled in.
 */
import type { Duration } from './duration.js';

export const OPENSLO_API_VERSION = 'openslo/v1';

export type OpenSloKind =
  | 'SLO'
  | 'SLI'
  | 'DataSource'
  | 'AlertPolicy'
  | 'AlertCondition'
  | 'AlertNotificationTarget'
  | 'Service';

export const OPENSLO_KINDS: readonly OpenSloKind[] = [
  'SLO',
  'SLI',
  'DataSource',
  'AlertPolicy',
  'AlertCondition',
  'AlertNotificationTarget',
  'Service',
];

export type BudgetingMethod = 'Occurrences' | 'Timeslices' | 'RatioTimeslices';
export const BUDGETING_METHODS: readonly BudgetingMethod[] = ['Occurrences', 'Timeslices', 'RatioTimeslices'];

export type Operator = 'lt' | 'lte' | 'gt' | 'gte';
export const OPERATORS: readonly Operator[] = ['lt', 'lte', 'gt', 'gte'];

/** metadata of every kind. Label values are lists (OpenSLO allows a string or a list of strings). */
export interface ObjectMeta {
  name: string;
  displayName: string | null;
  labels: Record<string, string[]>;
  annotations: Record<string, string>;
}

/** A part written inline or by reference: `ref` is the name referred to, `value` the object once known. */
export interface Linked<T> {
  ref: string | null;
  value: T | null;
}

/** spec of a DataSource: connection details are kept exactly as written (a map or a list of maps). */
export interface DataSource extends ObjectMeta {
  description: string | null;
  type: string;
  connectionDetails: unknown;
}

/** One `metricSource` of an SLI. */
export interface MetricSource {
  /** `type` as written; null when omitted (it then comes from the DataSource named by the ref). */
  type: string | null;
  metricSourceRef: string | null;
  /** `spec` as written (`{}` when empty); Prometheus queries keep their `{{.window}}` placeholder. */
  spec: Record<string, unknown>;
  /** The DataSource named by metricSourceRef, once resolved. */
  dataSource: DataSource | null;
  /** `type` as written, else the DataSource's type; null when neither is known. */
  effectiveType: string | null;
  /** Headroom reads it itself: `prometheus` (PromQL) or `headroom` (its embedded ingest). */
  queryable: boolean;
  /**
   * The bucket-store stream that holds this source's data: `spec.stream` of a `headroom` source,
   * else the SLO's default stream (`defaultStream`). Prometheus-polled data is stored there; for
   * a source Headroom cannot query, data can be pushed there through ingest. Null only in an SLI
   * that is not bound to an SLO (a stored SLI on its own).
   */
  stream: string | null;
}

export type RawType = 'success' | 'failure';

/** good/total or bad/total: exactly one of good and bad is set. */
export interface RatioMetric {
  type: 'ratio';
  /** `counter` as written (null when omitted). */
  counter: boolean | null;
  good: MetricSource | null;
  bad: MetricSource | null;
  total: MetricSource;
}

/** A precomputed ratio of successes (`success`) or failures (`failure`). */
export interface RawMetric {
  type: 'raw';
  counter: boolean | null;
  rawType: RawType;
  raw: MetricSource;
}

/** Values compared with each objective's `op` and `value`. */
export interface ThresholdMetric {
  type: 'threshold';
  metric: MetricSource;
}

export type SliMetric = RatioMetric | RawMetric | ThresholdMetric;

export interface Sli extends ObjectMeta {
  description: string | null;
  metric: SliMetric;
}

export type TimeWindow =
  | { type: 'rolling'; duration: Duration }
  | {
      type: 'calendar';
      duration: Duration;
      /** Local date and time in `timeZone`, `YYYY-MM-DD HH:MM:SS`. */
      startTime: string;
      /** IANA time zone name. */
      timeZone: string;
    };

export interface Objective {
  displayName: string | null;
  op: Operator | null;
  value: number | null;
  /** In [0, 1); `targetPercent` is converted. */
  target: number;
  /** (0, 1]; Timeslices only. */
  timeSliceTarget: number | null;
  /** Timeslices and RatioTimeslices; a bare number in a document means minutes. */
  timeSliceWindow: Duration | null;
  /** Composite SLOs: the weight of this objective as written (> 0); see `objectiveWeight`. */
  compositeWeight: number | null;
  /** Composite SLOs: the objective's own indicator (inline or resolved from indicatorRef). */
  indicator: Sli | null;
  indicatorRef: string | null;
}

export interface AlertConditionSpec {
  kind: 'burnrate';
  op: Operator;
  threshold: number;
  lookbackWindow: Duration;
  /** null when omitted or `0m` (alert at once). */
  alertAfter: Duration | null;
}

export interface AlertCondition extends ObjectMeta {
  description: string | null;
  severity: string;
  condition: AlertConditionSpec;
}

export interface AlertNotificationTarget extends ObjectMeta {
  description: string | null;
  target: string;
}

export interface AlertPolicy extends ObjectMeta {
  description: string | null;
  alertWhenNoData: boolean;
  alertWhenResolved: boolean;
  alertWhenBreaching: boolean;
  conditions: Linked<AlertCondition>[];
  notificationTargets: Linked<AlertNotificationTarget>[];
}

/** OpenSLO's Service: a grouping of SLOs (Headroom's own services live in the catalog). */
export interface OpenSloService extends ObjectMeta {
  description: string | null;
}

export interface Slo extends ObjectMeta {
  description: string | null;
  /** spec.service as written: the name of a Headroom (catalog) service. */
  service: string;
  /** The SLI, inline or resolved from indicatorRef; null for composite SLOs and before resolution. */
  indicator: Sli | null;
  indicatorRef: string | null;
  timeWindow: TimeWindow;
  budgetingMethod: BudgetingMethod;
  objectives: Objective[];
  alertPolicies: Linked<AlertPolicy>[];
}

/** A composite SLO has its indicators on its objectives instead of on the SLO. */
export function isComposite(slo: Pick<Slo, 'objectives'>): boolean {
  return slo.objectives.some((o) => o.indicator !== null || o.indicatorRef !== null);
}

/** An objective's weight in a composite SLO: as written, else 1. */
export function objectiveWeight(objective: Objective): number {
  return objective.compositeWeight ?? 1;
}

/** metricSource types Headroom reads itself, compared case-insensitively. */
export const QUERYABLE_SOURCE_TYPES = ['prometheus', 'headroom'] as const;

export function isQueryableType(type: string | null): boolean {
  return type !== null && (QUERYABLE_SOURCE_TYPES as readonly string[]).includes(type.toLowerCase());
}

export function isHeadroomType(type: string | null): boolean {
  return type !== null && type.toLowerCase() === 'headroom';
}

/**
 * The embedded stream of an SLO: its name; a composite SLO's objective `i` has `<slo>.<i>`
 * (SLO names are RFC 1123 labels, so the dot cannot clash with another SLO's name).
 */
export function defaultStream(sloName: string, objectiveIndex?: number): string {
  return objectiveIndex === undefined ? sloName : `${sloName}.${objectiveIndex}`;
}

/** The metric sources of an SLI with the field each one is under (`good`, `total`, …). */
export function metricSourcesOf(metric: SliMetric): { field: string; source: MetricSource }[] {
  switch (metric.type) {
    case 'ratio':
      return [
        ...(metric.good ? [{ field: 'good', source: metric.good }] : []),
        ...(metric.bad ? [{ field: 'bad', source: metric.bad }] : []),
        { field: 'total', source: metric.total },
      ];
    case 'raw':
      return [{ field: 'raw', source: metric.raw }];
    case 'threshold':
      return [{ field: 'thresholdMetric', source: metric.metric }];
  }
}

/** Whether Headroom can read every source of the SLI itself, all of one kind. */
export function sliQueryable(metric: SliMetric): boolean {
  const sources = metricSourcesOf(metric).map((m) => m.source);
  const kinds = new Set(sources.map((s) => s.effectiveType?.toLowerCase() ?? ''));
  return sources.every((s) => s.queryable) && kinds.size === 1;
}
