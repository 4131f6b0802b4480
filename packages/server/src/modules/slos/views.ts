/**
 * The API's view of a resolved SLO definition (core/api/slo.ts): durations as shorthand,
 * DataSources by name and type only (their connection details may hold credentials).
 */
import type { SloDefinition, Slo as SloDto, SloIndicator, SloMetricSource } from '@headroom/core/api/slo';
import { type MissingReference, openSloRef, sourceOf } from '@headroom/core/config/openslo/index';
import { formatDuration } from '@headroom/core/slo/duration';
import {
  type AlertPolicy,
  isComposite,
  type Linked,
  metricSourcesOf,
  type Objective,
  type Sli,
  type Slo,
} from '@headroom/core/slo/model';

export function indicatorView(sli: Sli | null): SloIndicator | null {
  if (!sli) return null;
  const m = sli.metric;
  return {
    name: sli.name,
    displayName: sli.displayName,
    description: sli.description,
    type: m.type,
    counter: m.type === 'threshold' ? null : m.counter,
    rawType: m.type === 'raw' ? m.rawType : null,
    sources: metricSourcesOf(m).map(({ field, source: s }) => ({
      field: field as SloMetricSource['field'],
      type: s.type,
      effectiveType: s.effectiveType,
      metricSourceRef: s.metricSourceRef,
      dataSource: s.dataSource && { name: s.dataSource.name, type: s.dataSource.type },
      spec: s.spec,
      queryable: s.queryable,
      stream: s.stream,
    })),
  };
}

function objectiveView(o: Objective): SloDefinition['objectives'][number] {
  return {
    displayName: o.displayName,
    op: o.op,
    value: o.value,
    target: o.target,
    timeSliceTarget: o.timeSliceTarget,
    timeSliceWindow: o.timeSliceWindow && formatDuration(o.timeSliceWindow),
    compositeWeight: o.compositeWeight,
    indicator: indicatorView(o.indicator),
    indicatorRef: o.indicatorRef,
  };
}

function policyView(p: Linked<AlertPolicy>): SloDefinition['alertPolicies'][number] {
  const v = p.value;
  return {
    ref: p.ref,
    name: v?.name ?? null,
    resolved: v !== null,
    alertWhenNoData: v?.alertWhenNoData ?? false,
    alertWhenResolved: v?.alertWhenResolved ?? false,
    alertWhenBreaching: v?.alertWhenBreaching ?? false,
    conditions: (v?.conditions ?? []).map((c) =>
      c.value
        ? {
            name: c.value.name,
            severity: c.value.severity,
            kind: c.value.condition.kind,
            op: c.value.condition.op,
            threshold: c.value.condition.threshold,
            lookbackWindow: formatDuration(c.value.condition.lookbackWindow),
            alertAfter: c.value.condition.alertAfter && formatDuration(c.value.condition.alertAfter),
          }
        : null,
    ),
    notificationTargets: (v?.notificationTargets ?? []).map((t) => ({
      ref: t.ref,
      name: t.value?.name ?? null,
      target: t.value?.target ?? null,
    })),
  };
}

const INGEST = 'POST /api/v1/ingest/events';

/** Where the SLO's data comes from, in a sentence (for every indicator of a composite SLO). */
export function sourceSummary(slo: Slo): SloDefinition['source'] {
  const slis = isComposite(slo) ? slo.objectives.map((o) => o.indicator) : [slo.indicator];
  if (slis.some((s) => s === null)) {
    return {
      type: null,
      queryable: false,
      stream: null,
      note: 'The indicator is not stored (see unresolved).',
    };
  }
  const parts = slis.map(sourceOf);
  const types = [...new Set(parts.map((p) => p.type))].join('; ');
  const streams = [...new Set(parts.map((p) => p.stream).filter((s): s is string => s !== null))];
  const queryable = parts.every((p) => p.queryable);
  const streamText = streams.map((s) => `'${s}'`).join(', ');
  const headroom = parts.every((p) => p.type?.toLowerCase() === 'headroom');
  const note = !queryable
    ? `Headroom cannot query ${types}: push the data to stream ${streamText} instead (${INGEST}).`
    : headroom
      ? `Data is pushed to Headroom's stream ${streamText} (${INGEST}).`
      : `Headroom queries ${types} every minute into stream ${streamText}.`;
  return { type: types, queryable, stream: streams[0] ?? null, note };
}

export function definitionView(slo: Slo, missing: MissingReference[]): SloDefinition {
  const first = slo.objectives[0];
  return {
    objective: first ? first.target : 0,
    objectives: slo.objectives.map(objectiveView),
    window:
      slo.timeWindow.type === 'rolling'
        ? {
            type: 'rolling',
            duration: formatDuration(slo.timeWindow.duration),
            startTime: null,
            timeZone: null,
          }
        : {
            type: 'calendar',
            duration: formatDuration(slo.timeWindow.duration),
            startTime: slo.timeWindow.startTime,
            timeZone: slo.timeWindow.timeZone,
          },
    budgetingMethod: slo.budgetingMethod,
    composite: isComposite(slo),
    indicator: indicatorView(slo.indicator),
    indicatorRef: slo.indicatorRef,
    source: sourceSummary(slo),
    alertPolicies: slo.alertPolicies.map(policyView),
    unresolved: [...new Set(missing.map((m) => openSloRef(m.kind, m.name)))].sort(),
  };
}

export type { SloDto };
