/**
 * An SLO's multiwindow, multi-burn-rate alert tiers as they stand now: each window pair's burn
 * rates against its threshold, the events rule, and the tier's alert in the alert store.
 */
import Type from 'typebox';
import { Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const WindowKey = Type.Union([
  Type.Literal('5m'),
  Type.Literal('30m'),
  Type.Literal('1h'),
  Type.Literal('2h'),
  Type.Literal('6h'),
  Type.Literal('1d'),
  Type.Literal('3d'),
]);

export const SloAlertTierPair = Type.Object({
  long: WindowKey,
  short: WindowKey,
  budgetShare: Type.Number({
    description: 'Share of the window’s budget spent in the long window at the factor',
  }),
  factor: Type.Number({ description: 'The burn-rate threshold both windows must exceed' }),
  longRate: Nullable(Type.Number()),
  shortRate: Nullable(Type.Number()),
  longEvents: Nullable(Type.Number({ description: 'Events (or slices) in the long window' })),
  minEvents: Type.Number({ description: 'Fewest events in the long window for the pair to alert' }),
  enoughEvents: Type.Boolean(),
  met: Type.Boolean({ description: 'Both burn rates above the factor and enough events' }),
});

export const SloAlertTier = Type.Object({
  tier: Type.Union([Type.Literal('page'), Type.Literal('ticket')]),
  severity: Type.String(),
  firing: Type.Boolean({ description: 'Evaluated now: some pair is met and nothing suppresses the tier' }),
  suppressed: Nullable(Type.Union([Type.Literal('disabled'), Type.Literal('correction')])),
  description: Type.String(),
  pairs: Type.Array(SloAlertTierPair),
  alert: Nullable(
    Type.Object(
      {
        id: Type.String(),
        fingerprint: Type.String(),
        status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
        acknowledged: Type.Boolean(),
        startsAt: Timestamp,
        endsAt: Nullable(Timestamp),
      },
      {
        description: 'The tier’s alert in the alert store (as of the last evaluator pass); null: never fired',
      },
    ),
  ),
});

export const SloAlertTiers = Type.Object({
  slo: Type.String(),
  evaluatedAt: Timestamp,
  subjects: Type.Array(
    Type.Object({
      objective: Nullable(
        Type.String({ description: 'The objective label when the SLO has several; null for one' }),
      ),
      target: Type.Number(),
      tiers: Type.Array(SloAlertTier),
    }),
    { description: 'A composite alerts on its one budget; otherwise each objective on its own target' },
  ),
});
export type SloAlertTiers = Type.Static<typeof SloAlertTiers>;
