/**
 * Error budget policies and the release gate as the API shows them: a service's current verdict
 * (allow, warn or deny) with the reasons and the SLO numbers behind it, the gate's request and
 * answer, exemptions, and the record of each gate decision. Fractions are 0–1 (0.25 = 25 %).
 */
import Type from 'typebox';
import { Timestamp } from './common.js';
import { SloState } from './slo-status.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const GateVerdict = Type.Union([Type.Literal('allow'), Type.Literal('warn'), Type.Literal('deny')], {
  description: 'allow: ship; warn: ship, but the budget is low or a freeze is exempted; deny: release freeze',
});
export type GateVerdict = Type.Static<typeof GateVerdict>;

export const PolicyRuleName = Type.Union(
  [
    Type.Literal('no-policy'),
    Type.Literal('within-budget'),
    Type.Literal('warn-below'),
    Type.Literal('freeze-when-exhausted'),
    Type.Literal('allowed-label'),
    Type.Literal('exemption'),
    Type.Literal('no-data'),
  ],
  {
    description:
      'no-policy: no ErrorBudgetPolicy selects the service; within-budget: the SLO has more budget than the warning threshold; warn-below: budget remaining under warnBelow; freeze-when-exhausted: budget remaining ≤ 0; allowed-label: the change carries a label that passes a freeze; exemption: an active exemption turns the freeze into a warning; no-data: no status yet, the SLO is not counted',
  },
);
export type PolicyRuleName = Type.Static<typeof PolicyRuleName>;

export const PolicyReason = Type.Object({
  rule: PolicyRuleName,
  verdict: GateVerdict,
  message: Type.String({
    description: 'One sentence naming the SLO, its budget remaining, the rule and threshold',
  }),
  slo: Nullable(Type.String()),
  objective: Nullable(
    Type.Object({ index: Type.Integer(), displayName: Nullable(Type.String()), target: Type.Number() }),
  ),
  budgetRemaining: Nullable(
    Type.Number({ description: 'Fraction of the error budget left (negative: overspent)' }),
  ),
  threshold: Nullable(Type.Number({ description: 'The rule’s threshold: warnBelow, or 0 for the freeze' })),
  policy: Nullable(Type.String({ description: 'The ErrorBudgetPolicy whose rule applied' })),
  label: Nullable(Type.String({ description: 'allowed-label: the change label that passed the freeze' })),
  exemption: Nullable(Type.String({ description: 'exemption: its id' })),
});
export type PolicyReason = Type.Static<typeof PolicyReason>;

/** The rules in force for a service: the strictest of every policy that selects it. */
export const EffectivePolicyRules = Type.Object({
  freezeWhenExhausted: Type.Boolean(),
  warnBelow: Type.Number({ description: 'Warn when budget remaining is below this fraction' }),
  allowLabels: Type.Array(Type.String(), {
    description: 'Change labels that pass a freeze (the intersection when several policies apply)',
  }),
  incidentBudgetShare: Type.Number({
    description:
      'An incident consuming more than this fraction of a four-week budget needs a published postmortem with a P0 action item before it closes',
  }),
});
export type EffectivePolicyRules = Type.Static<typeof EffectivePolicyRules>;

export const PolicySloObjective = Type.Object({
  index: Type.Integer(),
  displayName: Nullable(Type.String()),
  target: Type.Number(),
  state: SloState,
  budgetRemaining: Type.Number(),
});

export const PolicySlo = Type.Object({
  name: Type.String(),
  displayName: Nullable(Type.String()),
  state: Nullable(SloState),
  budgetRemaining: Nullable(
    Type.Number({ description: 'The lowest of its objectives; null: no status yet' }),
  ),
  window: Nullable(Type.Object({ start: Timestamp, end: Timestamp })),
  evaluatedAt: Nullable(Timestamp),
  objectives: Type.Array(PolicySloObjective),
  verdict: GateVerdict,
});
export type PolicySlo = Type.Static<typeof PolicySlo>;

export const Exemption = Type.Object({
  id: Type.String(),
  service: Type.String(),
  reason: Type.String(),
  approver: Type.String({ description: 'The user who approved it' }),
  slos: Nullable(Type.Array(Type.String(), { description: 'null: every SLO of the service' })),
  expiresAt: Timestamp,
  createdBy: Type.String(),
  createdAt: Timestamp,
  active: Type.Boolean({ description: 'Not yet expired' }),
});
export type Exemption = Type.Static<typeof Exemption>;

export const ExemptionCreate = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    approver: Type.String({ minLength: 1, maxLength: 200, description: 'A user name or user ref' }),
    expiresAt: Type.String({ format: 'date-time', description: 'In the future, at most 90 days ahead' }),
    slos: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'Default: every SLO of the service',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ExemptionCreate = Type.Static<typeof ExemptionCreate>;

export const ExemptionList = Type.Object({ items: Type.Array(Exemption) });
export type ExemptionList = Type.Static<typeof ExemptionList>;

export const ExemptionListQuery = Type.Object({
  all: Type.Optional(Type.Boolean({ description: 'Include expired exemptions' })),
});

/** A service's verdict now: `GET /services/{name}/policy`, and the body of every gate answer. */
export const PolicyVerdict = Type.Object({
  service: Type.String(),
  verdict: GateVerdict,
  reasons: Type.Array(PolicyReason),
  slos: Type.Array(PolicySlo),
  policies: Type.Array(Type.String(), { description: 'The ErrorBudgetPolicies that select the service' }),
  rules: Nullable(EffectivePolicyRules),
  exemptions: Type.Array(Exemption, { description: 'Active exemptions' }),
  at: Timestamp,
});
export type PolicyVerdict = Type.Static<typeof PolicyVerdict>;

const Label = Type.String({ minLength: 1, maxLength: 100 });

export const GateChange = Type.Object({
  commit: Nullable(Type.String()),
  author: Nullable(Type.String()),
  labels: Type.Array(Type.String()),
  version: Nullable(Type.String()),
  pipelineUrl: Nullable(Type.String()),
});
export type GateChange = Type.Static<typeof GateChange>;

export const GateRequest = Type.Object(
  {
    commit: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    author: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    labels: Type.Optional(Type.Array(Label, { maxItems: 50, description: 'e.g. p0-fix, security' })),
    version: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    pipelineUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type GateRequest = Type.Static<typeof GateRequest>;

/** `GET /services/{name}/gate`: the same as the POST body, labels comma-separated. */
export const GateQuery = Type.Object({
  commit: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  author: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  labels: Type.Optional(
    Type.String({ maxLength: 2000, description: 'Comma-separated, e.g. p0-fix,security' }),
  ),
  version: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  pipelineUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
});
export type GateQuery = Type.Static<typeof GateQuery>;

export const GateResponse = Type.Object({
  ...PolicyVerdict.properties,
  decisionId: Type.String({ description: 'The recorded decision, listed by /gate-decisions' }),
  change: GateChange,
});
export type GateResponse = Type.Static<typeof GateResponse>;

/** One recorded gate decision: who asked, for which change, and the answer. */
export const GateDecision = Type.Object({
  id: Type.String(),
  service: Type.String(),
  at: Timestamp,
  verdict: GateVerdict,
  reasons: Type.Array(PolicyReason),
  slos: Type.Array(
    Type.Object({ name: Type.String(), budgetRemaining: Nullable(Type.Number()), verdict: GateVerdict }),
  ),
  change: GateChange,
  requestedBy: Type.String({ description: 'The user of the token or session that asked' }),
});
export type GateDecision = Type.Static<typeof GateDecision>;

export const GateDecisionQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  verdict: Type.Optional(GateVerdict),
  from: Type.Optional(
    Type.String({ format: 'date-time', description: 'Only decisions made at or after this time' }),
  ),
  to: Type.Optional(
    Type.String({ format: 'date-time', description: 'Only decisions made before this time' }),
  ),
});

export const GateDecisionList = Type.Object({ items: Type.Array(GateDecision) });
export type GateDecisionList = Type.Static<typeof GateDecisionList>;
