/**
 * Budget corrections as the API shows them: the definition (a `headroom.dev/v1` BudgetCorrection
 * applied as config as code), the SLOs it selects now, and its current or next occurrence.
 */
import Type from 'typebox';
import { Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const CorrectionCategory = Type.Union([
  Type.Literal('planned-maintenance'),
  Type.Literal('incident-exemption'),
  Type.Literal('data-issue'),
  Type.Literal('other'),
]);

export const CorrectionOccurrence = Type.Object({
  start: Timestamp,
  end: Timestamp,
  active: Type.Boolean({ description: 'true when the occurrence is under way now' }),
});
export type CorrectionOccurrence = Type.Static<typeof CorrectionOccurrence>;

export const BudgetCorrection = Type.Object({
  name: Type.String(),
  displayName: Nullable(Type.String()),
  selector: Type.Object(
    {
      slos: Type.Array(Type.String(), { description: 'SLO names; empty = not selected by name' }),
      service: Nullable(Type.String({ description: 'A catalog service: all its SLOs' })),
      labels: Type.Record(Type.String(), Type.String(), { description: 'Every pair must be an SLO label' }),
    },
    { description: 'An SLO is selected when it matches every selector given' },
  ),
  selectedSlos: Type.Array(Type.String(), { description: 'Names of the stored SLOs selected now' }),
  start: Type.String({ description: 'As written: RFC 3339 with offset, or local time in timeZone' }),
  timeZone: Nullable(Type.String({ description: 'IANA time zone of start and of the recurrence' })),
  duration: Type.String({ description: 'OpenSLO duration shorthand, e.g. 2h' }),
  rrule: Nullable(Type.String({ description: 'RFC 5545 RRULE value; null = once' })),
  until: Nullable(Type.String({ description: 'No occurrence starts at or after it' })),
  category: CorrectionCategory,
  reason: Type.String(),
  occurrence: Type.Union([CorrectionOccurrence, Type.Null()], {
    description: 'The occurrence under way, else the next one (within a year); null when none',
  }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type BudgetCorrection = Type.Static<typeof BudgetCorrection>;

export const CorrectionListQuery = Type.Object({
  slo: Type.Optional(Type.String({ description: 'Only corrections selecting this SLO' })),
});
export type CorrectionListQuery = Type.Static<typeof CorrectionListQuery>;
