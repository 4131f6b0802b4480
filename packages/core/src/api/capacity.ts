/**
 * Capacity planning as the API shows it: resources with their latest usage and runway, hourly
 * usage, forecasts (organic and under a growth scenario), the runway table across resources,
 * scenarios, and the ad-hoc forecast. The maths lives in core/capacity; times here are RFC 3339
 * strings, there epoch milliseconds.
 */
import Type from 'typebox';
import { Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const CapacityMeasure = Type.Union(
  [
    Type.Literal('cpu-cores'),
    Type.Literal('memory-bytes'),
    Type.Literal('requests-per-second'),
    Type.Literal('storage-bytes'),
    Type.Literal('connections'),
    Type.Literal('custom'),
  ],
  { description: 'What is measured' },
);

export const UsagePoint = Type.Object({
  t: Timestamp,
  max: Type.Number({ description: 'Highest sample of the hour' }),
  mean: Type.Number({ description: 'Mean of the samples of the hour' }),
  samples: Type.Integer(),
});
export type UsagePoint = Type.Static<typeof UsagePoint>;

export const Crossing = Type.Object({
  level: Type.Number({ description: 'The level crossed, in the resource’s unit' }),
  at: Nullable(Timestamp),
  early: Nullable(Timestamp),
  late: Nullable(Timestamp),
});
export type Crossing = Type.Static<typeof Crossing>;

export const RunwayView = Type.Object({
  threshold: Crossing,
  limit: Crossing,
  alreadyAboveThreshold: Type.Boolean(),
  alreadyAboveLimit: Type.Boolean(),
  /** Days from now to the threshold crossing on the mean forecast. */
  daysToThreshold: Nullable(Type.Number()),
  daysToLimit: Nullable(Type.Number()),
  insideLeadTime: Type.Boolean({ description: 'Runway to the safe threshold is shorter than the lead time' }),
  warning: Nullable(Type.String()),
});
export type RunwayView = Type.Static<typeof RunwayView>;

export const SizingView = Type.Object({
  peak: Type.Number({ description: 'Forecast peak (mean) within the horizon' }),
  peakAt: Nullable(Timestamp),
  perInstance: Type.Number(),
  k: Type.Integer(),
  needed: Type.Integer({ description: 'N = ceil(peak ÷ perInstance)' }),
  total: Type.Integer({ description: 'N + k (per region where given)' }),
  regions: Type.Optional(
    Type.Array(
      Type.Object({
        name: Type.String(),
        peak: Type.Number(),
        needed: Type.Integer(),
        total: Type.Integer(),
      }),
    ),
  ),
});
export type SizingView = Type.Static<typeof SizingView>;

export const CostView = Type.Object({
  /** Units of capacity the forecast peak needs (instances × perInstance, else peak ÷ safe utilisation). */
  units: Type.Number(),
  monthly: Type.Number(),
  currency: Type.String(),
  basis: Type.String({ description: 'How the units were computed, in words' }),
});
export type CostView = Type.Static<typeof CostView>;

export const ForecastPoint = Type.Object({
  t: Timestamp,
  mean: Type.Number(),
  lower: Type.Number(),
  upper: Type.Number(),
});

export const ForecastModel = Type.Object({
  kind: Type.String({
    description: 'holt-winters-additive, holt-winters-multiplicative, damped-trend or linear-trend',
  }),
  period: Type.Optional(Type.Integer({ description: 'Seasonal period in steps' })),
  params: Type.Record(Type.String(), Type.Number()),
  explanation: Type.String(),
});

export const Backtest = Type.Object({
  heldOut: Type.Integer(),
  mape: Nullable(Type.Number()),
  smape: Type.Number(),
  mase: Nullable(Type.Number()),
  benchmark: Type.String(),
});

/** The figures of one outlook (organic, or under a scenario). */
export const Outlook = Type.Object({
  model: ForecastModel,
  level: Type.Number(),
  backtest: Nullable(Backtest),
  notes: Type.Array(Type.String()),
  points: Type.Array(ForecastPoint),
  runway: Nullable(RunwayView),
  sizing: Nullable(SizingView),
  cost: Nullable(CostView),
});
export type Outlook = Type.Static<typeof Outlook>;

export const ResourceLimit = Type.Object({
  value: Nullable(Type.Number({ description: 'The limit now (read from Prometheus for a limit query)' })),
  query: Nullable(Type.String()),
  threshold: Nullable(Type.Number({ description: 'limit × safeUtilisation' })),
});

export const CapacityResourceSummary = Type.Object({
  name: Type.String(),
  title: Nullable(Type.String()),
  service: Type.String(),
  team: Nullable(Type.String()),
  measure: CapacityMeasure,
  unit: Type.String(),
  limit: ResourceLimit,
  safeUtilisation: Type.Number(),
  leadTime: Type.String(),
  perInstance: Nullable(Type.Number()),
  redundancy: Type.Integer(),
  costPerUnitMonth: Nullable(Type.Number()),
  currency: Type.String(),
  source: Type.Union([Type.Literal('push'), Type.Literal('prometheus')]),
  latest: Nullable(Type.Object({ t: Timestamp, max: Type.Number(), mean: Type.Number() })),
  utilisation: Nullable(Type.Number({ description: 'Latest hourly max ÷ limit' })),
  runway: Nullable(RunwayView),
  model: Nullable(Type.String({ description: 'Explanation of the forecast model chosen' })),
  problem: Nullable(Type.String({ description: 'Why no forecast or limit is available, when so' })),
  poll: Nullable(
    Type.Object({
      coveredFrom: Nullable(Timestamp),
      coveredTo: Nullable(Timestamp),
      lastSuccessAt: Nullable(Timestamp),
      lastError: Nullable(Type.String()),
    }),
  ),
});
export type CapacityResourceSummary = Type.Static<typeof CapacityResourceSummary>;

export const CapacityResourceList = Type.Object({ items: Type.Array(CapacityResourceSummary) });
export type CapacityResourceList = Type.Static<typeof CapacityResourceList>;

export const CapacityResourceQuery = Type.Object({
  service: Type.Optional(Type.String({ maxLength: 300 })),
  team: Type.Optional(Type.String({ maxLength: 300 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});

export const UsageQuery = Type.Object({
  from: Type.Optional(Type.String({ description: 'RFC 3339 time, or a duration back from now such as 30d' })),
  to: Type.Optional(Type.String({ description: 'RFC 3339 time; default now' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 10_000 })),
});

export const UsageSeries = Type.Object({
  resource: Type.String(),
  unit: Type.String(),
  from: Timestamp,
  to: Timestamp,
  points: Type.Array(UsagePoint),
});
export type UsageSeries = Type.Static<typeof UsageSeries>;

export const ForecastQuery = Type.Object({
  horizon: Type.Optional(Type.String({ description: 'How far ahead: 7d … 365d (default 90d)' })),
  scenario: Type.Optional(Type.String({ maxLength: 63 })),
  level: Type.Optional(Type.Number({ minimum: 0.5, maximum: 0.99, default: 0.8 })),
  history: Type.Optional(Type.String({ description: 'History returned with it (default 30d)' })),
});

export const CapacityForecast = Type.Object({
  resource: Type.String(),
  service: Type.String(),
  team: Nullable(Type.String()),
  unit: Type.String(),
  horizon: Type.String(),
  leadTime: Type.String(),
  limit: Nullable(Type.Number()),
  threshold: Nullable(Type.Number()),
  currency: Type.String(),
  history: Type.Array(UsagePoint),
  organic: Outlook,
  scenario: Nullable(
    Type.Object({ name: Type.String(), description: Nullable(Type.String()), outlook: Outlook }),
  ),
});
export type CapacityForecast = Type.Static<typeof CapacityForecast>;

export const RunwayRow = Type.Object({
  resource: Type.String(),
  title: Nullable(Type.String()),
  service: Type.String(),
  team: Nullable(Type.String()),
  unit: Type.String(),
  utilisation: Nullable(Type.Number()),
  thresholdAt: Nullable(Timestamp),
  thresholdEarly: Nullable(Timestamp),
  thresholdLate: Nullable(Timestamp),
  limitAt: Nullable(Timestamp),
  limitEarly: Nullable(Timestamp),
  limitLate: Nullable(Timestamp),
  leadTime: Type.String(),
  /** Days of runway to the threshold minus the lead time (negative: inside the lead time); null = not within the horizon. */
  slackDays: Nullable(Type.Number()),
  insideLeadTime: Type.Boolean(),
  problem: Nullable(Type.String()),
});
export type RunwayRow = Type.Static<typeof RunwayRow>;

export const RunwayTable = Type.Object({
  scenario: Nullable(Type.String()),
  horizon: Type.String(),
  items: Type.Array(RunwayRow),
});
export type RunwayTable = Type.Static<typeof RunwayTable>;

export const RunwayQuery = Type.Object({
  scenario: Type.Optional(Type.String({ maxLength: 63 })),
  service: Type.Optional(Type.String({ maxLength: 300 })),
  team: Type.Optional(Type.String({ maxLength: 300 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});

export const ScenarioEvent = Type.Object({
  name: Type.String(),
  type: Type.Union([Type.Literal('step'), Type.Literal('peak'), Type.Literal('ramp')]),
  start: Timestamp,
  end: Nullable(Timestamp),
  factor: Type.Number(),
  change: Type.String(),
});

export const GrowthScenario = Type.Object({
  name: Type.String(),
  title: Nullable(Type.String()),
  description: Nullable(Type.String()),
  selector: Type.Object({ services: Type.Array(Type.String()), resources: Type.Array(Type.String()) }),
  events: Type.Array(ScenarioEvent),
});
export type GrowthScenario = Type.Static<typeof GrowthScenario>;

export const ScenarioList = Type.Object({ items: Type.Array(GrowthScenario) });

export const ScenarioEffect = Type.Object({
  resource: Type.String(),
  service: Type.String(),
  unit: Type.String(),
  currency: Type.String(),
  organic: Type.Object({
    thresholdAt: Nullable(Timestamp),
    limitAt: Nullable(Timestamp),
    monthlyCost: Nullable(Type.Number()),
    instances: Nullable(Type.Integer()),
  }),
  scenario: Type.Object({
    thresholdAt: Nullable(Timestamp),
    limitAt: Nullable(Timestamp),
    monthlyCost: Nullable(Type.Number()),
    instances: Nullable(Type.Integer()),
  }),
  problem: Nullable(Type.String()),
});

export const ScenarioDetail = Type.Object({
  scenario: GrowthScenario,
  horizon: Type.String(),
  effects: Type.Array(ScenarioEffect),
});
export type ScenarioDetail = Type.Static<typeof ScenarioDetail>;

export const UsageRecord = Type.Object({
  resource: Type.String({ description: 'metadata.name of the CapacityResource' }),
  ts: Type.Union([Type.String(), Type.Number()], { description: 'RFC 3339 time or epoch milliseconds' }),
  value: Type.Number({ minimum: 0 }),
});

export const UsageResult = Type.Object({
  accepted: Type.Integer({
    description: 'Records stored (a record for a minute already stored replaces it)',
  }),
  resources: Type.Array(Type.String()),
  hours: Type.Integer({ description: 'Hourly aggregates recomputed' }),
});
export type UsageResult = Type.Static<typeof UsageResult>;

export const AdhocForecastRequest = Type.Object(
  {
    points: Type.Optional(
      Type.Array(
        Type.Object({
          t: Type.Union([Type.String(), Type.Number()], { description: 'RFC 3339 or epoch ms' }),
          v: Type.Number(),
        }),
        { maxItems: 200_000 },
      ),
    ),
    csv: Type.Optional(Type.String({ maxLength: 8_000_000, description: '`timestamp,value` rows' })),
    step: Type.Optional(
      Type.String({ description: 'Grid step such as 1h or 1d; guessed from the data when absent' }),
    ),
    season: Type.Optional(
      Type.Integer({ minimum: 2, maximum: 10_000, description: 'Seasonal period in steps' }),
    ),
    horizon: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 20_000, description: 'Steps ahead (default one season or 24)' }),
    ),
    level: Type.Optional(Type.Number({ minimum: 0.5, maximum: 0.99 })),
  },
  { additionalProperties: false, description: 'Give points or csv, not both. Nothing is stored.' },
);
export type AdhocForecastRequest = Type.Static<typeof AdhocForecastRequest>;

export const AdhocForecast = Type.Object({
  stepMs: Type.Integer(),
  model: ForecastModel,
  level: Type.Number(),
  backtest: Nullable(Backtest),
  notes: Type.Array(Type.String()),
  points: Type.Array(ForecastPoint),
});
export type AdhocForecast = Type.Static<typeof AdhocForecast>;

export const CapacityBackfillRequest = Type.Object(
  {
    from: Type.Optional(
      Type.String({ description: 'How far back from now, such as 90d (default 90d, at most 400d)' }),
    ),
  },
  { additionalProperties: false },
);

export const CapacityBackfillResult = Type.Object({
  resource: Type.String(),
  from: Timestamp,
  to: Timestamp,
  samples: Type.Integer(),
  hours: Type.Integer(),
  chunks: Type.Integer(),
  warnings: Type.Array(Type.String()),
});
export type CapacityBackfillResult = Type.Static<typeof CapacityBackfillResult>;
