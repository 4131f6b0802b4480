/**
 * SLOs as the API shows them: the `definition` (what the OpenSLO documents declare, references
 * resolved) and the `status` the evaluator computes, null until it has run. Durations are
 * OpenSLO's shorthand (`28d`, `1M`).
 */
import Type from 'typebox';
import { StringMap, Timestamp } from './common.js';
import { SloState, SloStatus } from './slo-status.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const DurationText = Type.String({ description: 'OpenSLO duration shorthand, e.g. 5m, 28d, 1M' });
const Operator = Type.Union([
  Type.Literal('lt'),
  Type.Literal('lte'),
  Type.Literal('gt'),
  Type.Literal('gte'),
]);

export const SloMetricSource = Type.Object({
  field: Type.Union(
    [
      Type.Literal('good'),
      Type.Literal('bad'),
      Type.Literal('total'),
      Type.Literal('raw'),
      Type.Literal('thresholdMetric'),
    ],
    { description: 'Where the source sits in the SLI' },
  ),
  type: Nullable(Type.String({ description: 'metricSource.type as written' })),
  effectiveType: Nullable(
    Type.String({ description: 'As written, else the type of the DataSource referred to' }),
  ),
  metricSourceRef: Nullable(Type.String()),
  dataSource: Nullable(
    Type.Object(
      { name: Type.String(), type: Type.String() },
      { description: 'The DataSource referred to (its connection details are not shown)' },
    ),
  ),
  spec: Type.Record(Type.String(), Type.Unknown(), { description: 'As written (queries keep {{.window}})' }),
  queryable: Type.Boolean({ description: 'Headroom reads this source itself (prometheus, headroom)' }),
  stream: Nullable(
    Type.String({ description: 'The bucket-store stream holding its data; ingest accepts pushes there' }),
  ),
});
export type SloMetricSource = Type.Static<typeof SloMetricSource>;

export const SloIndicator = Type.Object({
  name: Type.String(),
  displayName: Nullable(Type.String()),
  description: Nullable(Type.String()),
  type: Type.Union([Type.Literal('ratio'), Type.Literal('raw'), Type.Literal('threshold')]),
  counter: Nullable(Type.Boolean()),
  rawType: Nullable(Type.Union([Type.Literal('success'), Type.Literal('failure')])),
  sources: Type.Array(SloMetricSource, {
    description: 'ratio: good or bad, and total; raw: raw; threshold: thresholdMetric',
  }),
});
export type SloIndicator = Type.Static<typeof SloIndicator>;

export const SloWindow = Type.Object({
  type: Type.Union([Type.Literal('rolling'), Type.Literal('calendar')]),
  duration: DurationText,
  startTime: Nullable(Type.String({ description: 'Calendar windows: local start, YYYY-MM-DD HH:MM:SS' })),
  timeZone: Nullable(Type.String({ description: 'Calendar windows: IANA time zone' })),
});

export const SloObjective = Type.Object({
  displayName: Nullable(Type.String()),
  op: Nullable(Operator),
  value: Nullable(Type.Number()),
  target: Type.Number({ minimum: 0, exclusiveMaximum: 1, description: 'targetPercent is converted' }),
  timeSliceTarget: Nullable(Type.Number()),
  timeSliceWindow: Nullable(DurationText),
  compositeWeight: Nullable(Type.Number({ description: 'Composite SLOs; 1 when not written' })),
  indicator: Nullable(SloIndicator),
  indicatorRef: Nullable(Type.String()),
});

export const SloAlertCondition = Type.Object({
  name: Type.String(),
  severity: Type.String(),
  kind: Type.Literal('burnrate'),
  op: Operator,
  threshold: Type.Number(),
  lookbackWindow: DurationText,
  alertAfter: Nullable(DurationText),
});

export const SloAlertPolicy = Type.Object({
  ref: Nullable(Type.String({ description: 'alertPolicyRef, when given by reference' })),
  name: Nullable(Type.String()),
  resolved: Type.Boolean({ description: 'False when the reference names no stored AlertPolicy' }),
  alertWhenNoData: Type.Boolean(),
  alertWhenResolved: Type.Boolean(),
  alertWhenBreaching: Type.Boolean(),
  conditions: Type.Array(Nullable(SloAlertCondition), { description: 'null: an unresolved conditionRef' }),
  notificationTargets: Type.Array(
    Type.Object({
      ref: Nullable(Type.String()),
      name: Nullable(Type.String()),
      target: Nullable(Type.String()),
    }),
  ),
});

export const SloSource = Type.Object({
  type: Nullable(Type.String({ description: 'Effective metricSource type(s)' })),
  queryable: Type.Boolean(),
  stream: Nullable(Type.String()),
  note: Type.String({ description: 'Where the data comes from, or where to push it' }),
});

export const SloDefinition = Type.Object({
  objective: Type.Number({ description: 'Target of the first objective (see objectives for all)' }),
  objectives: Type.Array(SloObjective),
  window: SloWindow,
  budgetingMethod: Type.Union([
    Type.Literal('Occurrences'),
    Type.Literal('Timeslices'),
    Type.Literal('RatioTimeslices'),
  ]),
  composite: Type.Boolean({ description: 'Indicators on the objectives instead of the SLO' }),
  indicator: Nullable(SloIndicator),
  indicatorRef: Nullable(Type.String()),
  source: SloSource,
  alertPolicies: Type.Array(SloAlertPolicy),
  unresolved: Type.Array(Type.String(), {
    description: 'References that name no stored object, e.g. sli:default/x',
  }),
});
export type SloDefinition = Type.Static<typeof SloDefinition>;

export const Slo = Type.Object({
  id: Type.String(),
  name: Type.String(),
  displayName: Nullable(Type.String()),
  description: Nullable(Type.String()),
  service: Type.String({ description: 'spec.service as written: a catalog service' }),
  serviceRef: Nullable(Type.String({ description: 'component:namespace/name' })),
  serviceInCatalog: Type.Boolean(),
  ownerTeam: Nullable(
    Type.String({ description: "The service's owning team; null: only admins may change it" }),
  ),
  labels: Type.Record(Type.String(), Type.Array(Type.String())),
  annotations: StringMap,
  definition: SloDefinition,
  status: Type.Union([SloStatus, Type.Null()], {
    description: 'Error budget, burn rates, forecasts computed by the evaluator; null until it has run',
  }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Slo = Type.Static<typeof Slo>;

export const SloListQuery = Type.Object({
  service: Type.Optional(Type.String({ description: 'Only SLOs of this service (name or ref)' })),
  team: Type.Optional(Type.String({ description: 'Only SLOs whose service this team owns' })),
  status: Type.Optional(SloState),
});
export type SloListQuery = Type.Static<typeof SloListQuery>;

export const OpenSloExportQuery = Type.Object({
  service: Type.Optional(
    Type.String({ description: 'Only SLOs of this service, with the objects they use' }),
  ),
});
