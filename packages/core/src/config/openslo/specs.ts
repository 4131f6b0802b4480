/**
 * The specs of OpenSLO v1's kinds other than SLO, read as the specification and its reference
 * implementation (github.com/OpenSLO/OpenSLO, pkg/openslo/v1) validate them. Each reader is also
 * used for the same object written inline (an SLO's `indicator`, an AlertPolicy's conditions).
 */
import {
  type AlertCondition,
  type AlertNotificationTarget,
  type AlertPolicy,
  type DataSource,
  isHeadroomType,
  isQueryableType,
  type Linked,
  type MetricSource,
  type ObjectMeta,
  OPENSLO_API_VERSION,
  OPERATORS,
  type OpenSloKind,
  type OpenSloService,
  type SliMetric,
} from '../../slo/model.js';
import { toPointer } from '../path.js';
import type { NormalizeContext, ObjectReference } from '../types.js';
import {
  type Fields,
  type Path,
  readBoolean,
  readDescription,
  readDuration,
  readEnum,
  readList,
  readMap,
  readMetadata,
  readName,
  readNumber,
  readString,
  warnUnknown,
} from './read.js';
import { openSloRef } from './refs.js';

/**
 * A further check of a metric source's `spec` (the PromQL grammar check plugs in here), called
 * for every metricSource with its `type` as written.
 */
export type MetricSourceCheck = (
  source: { type: string | null; spec: Record<string, unknown> },
  report: { error(path: Path, message: string): void; warn(path: Path, message: string): void },
  path: Path,
) => void;

export interface ReadOptions {
  checkMetricSource?: MetricSourceCheck | undefined;
}

/** What a reader needs besides the value: where to report, refs found so far, and options. */
export interface ReadScope {
  ctx: NormalizeContext;
  references: ObjectReference[];
  options: ReadOptions;
}

export function addReference(scope: ReadScope, kind: OpenSloKind, name: string, path: Path): void {
  const { file, line, column } = scope.ctx.position(path);
  scope.references.push({
    ref: openSloRef(kind, name),
    path: toPointer(path),
    position: { file, line, column },
  });
}

const present = (fields: Fields, key: string) => fields[key] !== undefined && fields[key] !== null;

function readMetricSource(scope: ReadScope, path: Path, value: unknown): MetricSource | null {
  const { ctx } = scope;
  const metric = readMap(ctx, path, value, true);
  if (!metric) return null;
  warnUnknown(ctx, path, metric, ['metricSource'], 'a metric');
  const at = [...path, 'metricSource'];
  const source = readMap(ctx, at, metric.metricSource, true);
  if (!source) return null;
  warnUnknown(ctx, at, source, ['metricSourceRef', 'type', 'spec'], 'metricSource');
  const ref = readName(ctx, [...at, 'metricSourceRef'], source.metricSourceRef, false);
  const type = readString(ctx, [...at, 'type'], source.type);
  const spec = readMap(ctx, [...at, 'spec'], source.spec) ?? {};
  if (!present(source, 'metricSourceRef') && !present(source, 'type')) {
    ctx.error(at, 'needs a type, or a metricSourceRef naming the DataSource that gives one');
  }
  if (ref !== null) addReference(scope, 'DataSource', ref, [...at, 'metricSourceRef']);
  let stream: string | null = null;
  if (isHeadroomType(type) && spec.stream !== undefined) {
    stream = readString(ctx, [...at, 'spec', 'stream'], spec.stream, { required: true });
  }
  scope.options.checkMetricSource?.(
    { type, spec },
    { error: (p, m) => ctx.error(p, m), warn: (p, m) => ctx.warn(p, m) },
    at,
  );
  return {
    type,
    metricSourceRef: ref,
    spec,
    dataSource: null,
    effectiveType: type,
    queryable: isQueryableType(type),
    stream,
  };
}

function readRatioMetric(scope: ReadScope, path: Path, value: unknown): SliMetric | null {
  const { ctx } = scope;
  const ratio = readMap(ctx, path, value, true);
  if (!ratio) return null;
  warnUnknown(ctx, path, ratio, ['counter', 'good', 'bad', 'total', 'rawType', 'raw'], 'ratioMetric');
  const counter = readBoolean(ctx, [...path, 'counter'], ratio.counter);
  if (present(ratio, 'raw')) {
    for (const other of ['good', 'bad', 'total'].filter((k) => present(ratio, k))) {
      ctx.error([...path, other], 'cannot be used together with raw (raw is an already computed ratio)');
    }
    const rawType = readEnum(ctx, [...path, 'rawType'], ratio.rawType, ['success', 'failure'] as const, true);
    const raw = readMetricSource(scope, [...path, 'raw'], ratio.raw);
    return rawType && raw ? { type: 'raw', counter, rawType, raw } : null;
  }
  if (present(ratio, 'rawType')) ctx.error([...path, 'rawType'], 'is only used with raw');
  if (present(ratio, 'good') && present(ratio, 'bad')) {
    ctx.error([...path, 'bad'], 'cannot be used together with good: give good/total or bad/total');
    return null;
  }
  if (!present(ratio, 'good') && !present(ratio, 'bad')) {
    ctx.error(path, 'needs good or bad (the numerator) with total, or raw with rawType');
    return null;
  }
  if (!present(ratio, 'total')) {
    ctx.error([...path, 'total'], 'is required with good or bad (the denominator)');
    return null;
  }
  const numeratorField = present(ratio, 'good') ? 'good' : 'bad';
  const numerator = readMetricSource(scope, [...path, numeratorField], ratio[numeratorField]);
  const total = readMetricSource(scope, [...path, 'total'], ratio.total);
  if (!numerator || !total) return null;
  if (isHeadroomType(numerator.type) && isHeadroomType(total.type) && numerator.stream !== total.stream) {
    ctx.error(
      [...path, numeratorField, 'metricSource', 'spec', 'stream'],
      `must name the same stream as total (a Headroom stream carries both counts): ${JSON.stringify(numerator.stream)} vs ${JSON.stringify(total.stream)}`,
    );
  }
  return {
    type: 'ratio',
    counter,
    good: numeratorField === 'good' ? numerator : null,
    bad: numeratorField === 'bad' ? numerator : null,
    total,
  };
}

/** An SLI's spec: exactly one of thresholdMetric and ratioMetric. */
export function readSliSpec(
  scope: ReadScope,
  path: Path,
  value: unknown,
): { description: string | null; metric: SliMetric } | null {
  const { ctx } = scope;
  const spec = readMap(ctx, path, value, true);
  if (!spec) return null;
  warnUnknown(ctx, path, spec, ['description', 'thresholdMetric', 'ratioMetric'], 'an SLI spec');
  const description = readDescription(ctx, [...path, 'description'], spec.description);
  const threshold = present(spec, 'thresholdMetric');
  const ratio = present(spec, 'ratioMetric');
  if (threshold && ratio) {
    ctx.error([...path, 'ratioMetric'], 'cannot be used together with thresholdMetric: give one of them');
    return null;
  }
  if (!threshold && !ratio) {
    ctx.error(path, 'needs a ratioMetric or a thresholdMetric');
    return null;
  }
  let metric: SliMetric | null;
  if (threshold) {
    const source = readMetricSource(scope, [...path, 'thresholdMetric'], spec.thresholdMetric);
    metric = source && { type: 'threshold', metric: source };
  } else {
    metric = readRatioMetric(scope, [...path, 'ratioMetric'], spec.ratioMetric);
  }
  return metric && { description, metric };
}

export function readDataSourceSpec(scope: ReadScope, path: Path, value: unknown, meta: ObjectMeta) {
  const { ctx } = scope;
  const spec = readMap(ctx, path, value, true);
  if (!spec) return null;
  warnUnknown(ctx, path, spec, ['description', 'type', 'connectionDetails'], 'a DataSource spec');
  const description = readDescription(ctx, [...path, 'description'], spec.description);
  const type = readString(ctx, [...path, 'type'], spec.type, { required: true });
  if (!present(spec, 'connectionDetails')) ctx.error([...path, 'connectionDetails'], 'is required');
  if (type === null) return null;
  const source: DataSource = {
    ...meta,
    description,
    type,
    connectionDetails: spec.connectionDetails ?? null,
  };
  return source;
}

/** `0m` (the spec's default for alertAfter) means no delay. */
const ZERO_DURATION = /^0[mhdwMQY]$/;

export function readAlertConditionSpec(
  scope: ReadScope,
  path: Path,
  value: unknown,
  meta: ObjectMeta,
): AlertCondition | null {
  const { ctx } = scope;
  const spec = readMap(ctx, path, value, true);
  if (!spec) return null;
  warnUnknown(ctx, path, spec, ['description', 'severity', 'condition'], 'an AlertCondition spec');
  const description = readDescription(ctx, [...path, 'description'], spec.description);
  const severity = readString(ctx, [...path, 'severity'], spec.severity, { required: true });
  const at = [...path, 'condition'];
  const condition = readMap(ctx, at, spec.condition, true);
  if (!condition) return null;
  warnUnknown(
    ctx,
    at,
    condition,
    ['kind', 'op', 'threshold', 'lookbackWindow', 'alertAfter'],
    'an alert condition',
  );
  // The spec: kind defaults to burnrate, alertAfter to 0m.
  if (present(condition, 'kind')) readEnum(ctx, [...at, 'kind'], condition.kind, ['burnrate'] as const);
  const op = readEnum(ctx, [...at, 'op'], condition.op, OPERATORS, true);
  const threshold = readNumber(ctx, [...at, 'threshold'], condition.threshold, true);
  const lookbackWindow = readDuration(ctx, [...at, 'lookbackWindow'], condition.lookbackWindow, {
    required: true,
  });
  const alertAfter =
    typeof condition.alertAfter === 'string' && ZERO_DURATION.test(condition.alertAfter)
      ? null
      : readDuration(ctx, [...at, 'alertAfter'], condition.alertAfter);
  if (severity === null || op === null || threshold === null || lookbackWindow === null) return null;
  return {
    ...meta,
    description,
    severity,
    condition: { kind: 'burnrate', op, threshold, lookbackWindow, alertAfter },
  };
}

export function readAlertTargetSpec(
  scope: ReadScope,
  path: Path,
  value: unknown,
  meta: ObjectMeta,
): AlertNotificationTarget | null {
  const { ctx } = scope;
  const spec = readMap(ctx, path, value, true);
  if (!spec) return null;
  warnUnknown(ctx, path, spec, ['description', 'target'], 'an AlertNotificationTarget spec');
  const description = readDescription(ctx, [...path, 'description'], spec.description);
  const target = readString(ctx, [...path, 'target'], spec.target, { required: true });
  return target === null ? null : { ...meta, description, target };
}

export function readServiceSpec(
  scope: ReadScope,
  path: Path,
  value: unknown,
  meta: ObjectMeta,
): OpenSloService | null {
  const spec = readMap(scope.ctx, path, value);
  if (!spec) return null;
  warnUnknown(scope.ctx, path, spec, ['description'], 'a Service spec');
  return { ...meta, description: readDescription(scope.ctx, [...path, 'description'], spec.description) };
}

type InlineReader<T> = (scope: ReadScope, path: Path, value: unknown, meta: ObjectMeta) => T | null;

/**
 * A part given by reference (`{ <refField>: name }`) or inline (`{ kind, metadata, spec }`,
 * apiVersion optional), never both.
 */
export function readLinked<T>(
  scope: ReadScope,
  path: Path,
  value: unknown,
  refField: string,
  kind: OpenSloKind,
  readSpec: InlineReader<T>,
): Linked<T> | null {
  const { ctx } = scope;
  const item = readMap(ctx, path, value, true);
  if (!item) return null;
  const byRef = present(item, refField);
  const inline = ['kind', 'metadata', 'spec'].some((k) => present(item, k));
  if (byRef && inline) {
    ctx.error(path, `give either ${refField} or an inline ${kind} (kind, metadata, spec), not both`);
    return null;
  }
  if (!byRef && !inline) {
    ctx.error(path, `needs ${refField}, or an inline ${kind} with kind, metadata and spec`);
    return null;
  }
  if (byRef) {
    warnUnknown(ctx, path, item, [refField], `a reference to a ${kind}`);
    const ref = readName(ctx, [...path, refField], item[refField]);
    if (ref !== null) addReference(scope, kind, ref, [...path, refField]);
    return ref === null ? null : { ref, value: null };
  }
  warnUnknown(ctx, path, item, ['apiVersion', 'kind', 'metadata', 'spec'], `an inline ${kind}`);
  if (present(item, 'apiVersion') && item.apiVersion !== OPENSLO_API_VERSION) {
    ctx.error([...path, 'apiVersion'], `must be ${OPENSLO_API_VERSION} (or left out)`);
  }
  readEnum(ctx, [...path, 'kind'], item.kind, [kind], true);
  const meta = readMetadata(ctx, [...path, 'metadata'], item.metadata);
  if (!meta) return null;
  const spec = readSpec(scope, [...path, 'spec'], item.spec, meta);
  return spec === null ? null : { ref: null, value: spec };
}

export function readAlertPolicySpec(
  scope: ReadScope,
  path: Path,
  value: unknown,
  meta: ObjectMeta,
): AlertPolicy | null {
  const { ctx } = scope;
  const spec = readMap(ctx, path, value, true);
  if (!spec) return null;
  const known = [
    'description',
    'alertWhenNoData',
    'alertWhenResolved',
    'alertWhenBreaching',
    'conditions',
    'notificationTargets',
  ];
  warnUnknown(ctx, path, spec, known, 'an AlertPolicy spec');
  const description = readDescription(ctx, [...path, 'description'], spec.description);
  const flag = (field: string) => readBoolean(ctx, [...path, field], spec[field]) ?? false;
  const conditionList = readList(ctx, [...path, 'conditions'], spec.conditions, true);
  if (Array.isArray(spec.conditions) && conditionList.length !== 1) {
    ctx.error(
      [...path, 'conditions'],
      `must hold exactly one condition (OpenSLO v1), not ${conditionList.length}`,
    );
  }
  const targetList = readList(ctx, [...path, 'notificationTargets'], spec.notificationTargets, true);
  if (Array.isArray(spec.notificationTargets) && targetList.length === 0) {
    ctx.error([...path, 'notificationTargets'], 'needs at least one notification target');
  }
  const conditions = conditionList.map((c, i) =>
    readLinked(
      scope,
      [...path, 'conditions', i],
      c,
      'conditionRef',
      'AlertCondition',
      readAlertConditionSpec,
    ),
  );
  const notificationTargets = targetList.map((t, i) =>
    readLinked(
      scope,
      [...path, 'notificationTargets', i],
      t,
      'targetRef',
      'AlertNotificationTarget',
      readAlertTargetSpec,
    ),
  );
  if (conditions.includes(null) || notificationTargets.includes(null)) return null;
  return {
    ...meta,
    description,
    alertWhenNoData: flag('alertWhenNoData'),
    alertWhenResolved: flag('alertWhenResolved'),
    alertWhenBreaching: flag('alertWhenBreaching'),
    conditions: conditions as Linked<AlertCondition>[],
    notificationTargets: notificationTargets as Linked<AlertNotificationTarget>[],
  };
}
