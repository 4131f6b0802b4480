/**
 * Escalation policies as the API shows them: the steps of a `headroom.dev/v1` EscalationPolicy
 * (applied as config as code) and, in the detail, whom each step would notify right now.
 */
import Type from 'typebox';
import { Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const EscalationTargetView = Type.Union(
  [
    Type.Object({ schedule: Type.String({ description: 'Whoever is on call in this schedule' }) }),
    Type.Object({ user: Type.String() }),
    Type.Object({ channel: Type.String({ description: 'A notification channel' }) }),
  ],
  { description: 'One of schedule, user or channel' },
);
export type EscalationTargetView = Type.Static<typeof EscalationTargetView>;

export const EscalationRecipient = Type.Union([
  Type.Object({ user: Type.String(), via: EscalationTargetView }),
  Type.Object({ channel: Type.String(), via: EscalationTargetView }),
]);
export type EscalationRecipient = Type.Static<typeof EscalationRecipient>;

export const EscalationStepView = Type.Object({
  delay: Type.String({ description: 'The wait after this step before the next, e.g. 5m' }),
  delayMs: Type.Integer(),
  notify: Type.Array(EscalationTargetView),
});
export type EscalationStepView = Type.Static<typeof EscalationStepView>;

export const EscalationStepNow = Type.Object({
  delay: Type.String(),
  delayMs: Type.Integer(),
  notify: Type.Array(EscalationTargetView),
  now: Type.Object(
    {
      recipients: Type.Array(EscalationRecipient, {
        description: 'Each user and channel once, in the order of the targets',
      }),
      notes: Type.Array(Type.String(), { description: 'Why a target gives nobody right now' }),
      explanation: Type.String(),
    },
    { description: 'Whom this step would notify if it were due now' },
  ),
});
export type EscalationStepNow = Type.Static<typeof EscalationStepNow>;

export const EscalationPolicySummary = Type.Object({
  name: Type.String(),
  displayName: Nullable(Type.String()),
  description: Nullable(Type.String()),
  owner: Nullable(Type.String({ description: 'The owning team; its editors may change the policy' })),
  repeat: Type.Integer({ description: 'How many more times the policy runs after the last step' }),
  steps: Type.Array(EscalationStepView),
});
export type EscalationPolicySummary = Type.Static<typeof EscalationPolicySummary>;

export const EscalationPolicyDetail = Type.Object({
  name: Type.String(),
  displayName: Nullable(Type.String()),
  description: Nullable(Type.String()),
  owner: Nullable(Type.String()),
  repeat: Type.Integer(),
  steps: Type.Array(EscalationStepNow),
  at: Timestamp,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type EscalationPolicyDetail = Type.Static<typeof EscalationPolicyDetail>;
