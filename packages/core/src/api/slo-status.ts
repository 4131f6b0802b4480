/**
 * What the evaluator says about an SLO at one moment: error budget, burn rates over the
 * standard windows, exhaustion forecasts, data age. Ratios are fractions (0.25 = 25 %).
 */
import Type from 'typebox';
import { Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Rate = Nullable(
  Type.Number({ description: 'Error ratio ÷ error budget; null: no events in the window' }),
);

export const SloState = Type.Union(
  [Type.Literal('healthy'), Type.Literal('burning'), Type.Literal('exhausted'), Type.Literal('no-data')],
  {
    description:
      'exhausted: no budget left; burning: the last hour burns faster than the budget allows (burn rate > 1); no-data: no events in the window',
  },
);
export type SloState = Type.Static<typeof SloState>;

export const SloStatus = Type.Object({
  state: SloState,
  evaluatedAt: Timestamp,
  window: Type.Object({ start: Timestamp, end: Timestamp }),
  sli: Nullable(
    Type.Number({ description: 'Over the window: good ÷ total (units of the budgeting method)' }),
  ),
  good: Type.Number(),
  total: Type.Number(),
  errorBudget: Type.Object({
    total: Type.Number({ description: '1 − objective' }),
    consumed: Type.Number({ description: 'Error ratio ÷ budget over the window (may exceed 1)' }),
    remaining: Type.Number({ description: '1 − consumed (negative when overspent)' }),
    remainingEvents: Nullable(
      Type.Number({ description: 'Budget × total − bad: bad events (or slices) still allowed' }),
    ),
    remainingMinutes: Nullable(
      Type.Number({
        description: 'Minutes of total failure at the last hour’s traffic that would exhaust it',
      }),
    ),
  }),
  burnRates: Type.Object({
    '5m': Rate,
    '30m': Rate,
    '1h': Rate,
    '2h': Rate,
    '6h': Rate,
    '1d': Rate,
    '3d': Rate,
    window: Rate,
  }),
  exhaustion: Type.Object(
    {
      '1h': Nullable(Timestamp),
      '1d': Nullable(Timestamp),
      '7d': Nullable(Timestamp),
    },
    {
      description: 'When the budget runs out at the burn rate of each look-back; null: not within the window',
    },
  ),
  dataAge: Nullable(
    Type.Number({ description: 'Seconds since the newest minute with data; null: no data ever' }),
  ),
  lastDataAt: Nullable(Timestamp),
  noDataSlices: Type.Integer({
    description: 'Timeslice methods: slices without data, left out of both sides',
  }),
  corrections: Type.Array(Type.Object({ start: Timestamp, end: Timestamp }), {
    description: 'Budget corrections inside the window: their minutes count for nothing',
  }),
  note: Nullable(
    Type.String({ description: 'Why numbers are missing, e.g. a source Headroom cannot query' }),
  ),
  objectives: Type.Array(
    Type.Object({
      index: Type.Integer({ description: 'Position in spec.objectives' }),
      displayName: Nullable(Type.String()),
      target: Type.Number(),
      state: SloState,
      sli: Nullable(Type.Number()),
      consumed: Type.Number({ description: 'Error budget consumed over the window, against this target' }),
      remaining: Type.Number(),
      burnRate1h: Rate,
    }),
    {
      description:
        'Each objective on its own, against its own target. The headline numbers above are the first objective (as OpenSLO’s single `objective` reads), or for a composite SLO all of them weighted together.',
    },
  ),
});
export type SloStatus = Type.Static<typeof SloStatus>;

export const SloSeriesQuery = Type.Object({
  from: Type.Optional(
    Type.String({ format: 'date-time', description: 'Default: the start of the SLO window' }),
  ),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'Default: now' })),
  step: Type.Optional(
    Type.Integer({
      minimum: 60,
      maximum: 86_400,
      description: 'Seconds between points; default fits ~200 points',
    }),
  ),
});

export const SloSeries = Type.Object({
  slo: Type.String(),
  step: Type.Integer({ description: 'Seconds' }),
  points: Type.Array(
    Type.Object({
      t: Timestamp,
      sli: Nullable(Type.Number({ description: 'Over the step ending at t' })),
      remaining: Type.Number({ description: 'Error budget remaining over the SLO window ending at t' }),
      burnRate1h: Nullable(Type.Number({ description: 'Burn rate over the hour ending at t' })),
      total: Type.Number({ description: 'Events (or slices) in the step ending at t' }),
    }),
  ),
});
export type SloSeries = Type.Static<typeof SloSeries>;
