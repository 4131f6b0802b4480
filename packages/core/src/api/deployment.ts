/**
 * Deployments, their links to incidents, link suggestions and the DORA four keys as the API shows
 * them. The maths lives in core/dora; times here are RFC 3339 strings, there epoch milliseconds.
 */
import Type from 'typebox';
import { Rfc1123Name, Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = (options: Type.TStringOptions = {}) => Type.String({ minLength: 1, ...options });

export const DeploymentStatus = Type.Union(
  [Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('rolled-back')],
  { description: 'How the deployment ended' },
);
export type DeploymentStatus = Type.Static<typeof DeploymentStatus>;

/** Change labels as the release gate takes them: p0-fix, security, … */
const ChangeLabel = Type.String({ pattern: '^[A-Za-z0-9][-A-Za-z0-9_.:/]{0,62}$', maxLength: 63 });

export const Deployment = Type.Object({
  id: Type.String({ description: 'DEP-<n>' }),
  service: Type.String(),
  team: Nullable(Type.String({ description: "The service's owning team now" })),
  version: Type.String(),
  commit: Type.String(),
  commitTime: Nullable(Timestamp),
  startedAt: Timestamp,
  finishedAt: Timestamp,
  environment: Type.String(),
  status: DeploymentStatus,
  author: Nullable(Type.String({ description: 'Who made the change, as sent' })),
  recordedBy: Type.String({ description: 'The user or token that recorded it' }),
  recordedAt: Timestamp,
  pipelineUrl: Nullable(Type.String()),
  gateDecision: Nullable(Type.String({ description: 'The release gate decision that preceded it' })),
  labels: Type.Array(Type.String()),
  incidents: Type.Array(Type.String(), { description: 'Ids of the incidents linked to it' }),
});
export type Deployment = Type.Static<typeof Deployment>;

export const RecordDeploymentRequest = Type.Object(
  {
    service: Rfc1123Name,
    version: Text({ maxLength: 200 }),
    commit: Text({ maxLength: 200, description: 'Commit SHA or other revision id' }),
    commitTime: Type.Optional(Nullable(Timestamp)),
    startedAt: Type.Optional(Timestamp),
    finishedAt: Type.Optional(Timestamp),
    environment: Type.Optional(Text({ maxLength: 63, pattern: '^[A-Za-z0-9][-A-Za-z0-9_.]*$' })),
    status: Type.Optional(DeploymentStatus),
    author: Type.Optional(Nullable(Text({ maxLength: 200 }))),
    pipelineUrl: Type.Optional(Nullable(Type.String({ pattern: '^https?://\\S+$', maxLength: 2000 }))),
    gateDecision: Type.Optional(Nullable(Text({ maxLength: 100 }))),
    labels: Type.Optional(Type.Array(ChangeLabel, { maxItems: 50 })),
  },
  {
    additionalProperties: false,
    description:
      'startedAt defaults to now, finishedAt to the later of now and startedAt, environment to production, ' +
      'status to succeeded. The same service, version, commit and startedAt recorded again answers the ' +
      'deployment already stored (200) instead of a new one (201).',
  },
);
export type RecordDeploymentRequest = Type.Static<typeof RecordDeploymentRequest>;

export const DeploymentListQuery = Type.Object({
  service: Type.Optional(Rfc1123Name),
  team: Type.Optional(Type.String({ maxLength: 200 })),
  environment: Type.Optional(Type.String({ maxLength: 63 })),
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});
export type DeploymentListQuery = Type.Static<typeof DeploymentListQuery>;

export const DeploymentLinkSource = Type.Union([Type.Literal('manual'), Type.Literal('suggestion')], {
  description: 'Linked by hand, or an accepted suggestion',
});
export type DeploymentLinkSource = Type.Static<typeof DeploymentLinkSource>;

export const LinkDeploymentRequest = Type.Object(
  {
    deployment: Text({ maxLength: 100, description: 'The deployment id (DEP-<n>)' }),
    source: Type.Optional(DeploymentLinkSource),
  },
  { additionalProperties: false },
);
export type LinkDeploymentRequest = Type.Static<typeof LinkDeploymentRequest>;

export const IncidentDeploymentLink = Type.Object({
  incidentId: Type.String(),
  deployment: Deployment,
  source: DeploymentLinkSource,
  linkedBy: Type.String(),
  linkedAt: Timestamp,
});
export type IncidentDeploymentLink = Type.Static<typeof IncidentDeploymentLink>;

export const DeploymentSuggestionQuery = Type.Object({
  hours: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, maximum: 720, default: 24, description: 'How far back to look' }),
  ),
});
export type DeploymentSuggestionQuery = Type.Static<typeof DeploymentSuggestionQuery>;

export const DeploymentSuggestion = Type.Object({
  deployment: Deployment,
  secondsBefore: Type.Number({ description: 'From the deployment start to the reference time' }),
  reason: Type.String(),
});
export type DeploymentSuggestion = Type.Static<typeof DeploymentSuggestion>;

export const DeploymentSuggestions = Type.Object({
  incidentId: Type.String(),
  reference: Type.Union(
    [Type.Literal('impactStartedAt'), Type.Literal('detectedAt'), Type.Literal('declaredAt')],
    { description: 'The milestone looked back from: impact start, else detection, else declaration' },
  ),
  referenceTime: Timestamp,
  hours: Type.Number(),
  services: Type.Array(Type.String(), { description: "The incident's impacted services" }),
  suggestions: Type.Array(DeploymentSuggestion, {
    description: 'Deployments not yet linked, nearest to the reference time first',
  }),
});
export type DeploymentSuggestions = Type.Static<typeof DeploymentSuggestions>;

// ---- DORA four keys

export const DoraLevel = Type.Union(
  [Type.Literal('elite'), Type.Literal('high'), Type.Literal('medium'), Type.Literal('low')],
  { description: '2024 State of DevOps (DORA) performance cluster' },
);
export type DoraLevel = Type.Static<typeof DoraLevel>;

export const DoraKey = Type.Union([
  Type.Literal('deploymentFrequency'),
  Type.Literal('leadTime'),
  Type.Literal('changeFailureRate'),
  Type.Literal('recoveryTime'),
]);
export type DoraKey = Type.Static<typeof DoraKey>;

export const DoraThreshold = Type.Object({
  level: DoraLevel,
  reportValue: Type.String({ description: "The 2024 report's value for this cluster, as written there" }),
  rule: Type.String({ description: 'The band applied here, e.g. "≤ 5 %"' }),
  min: Nullable(Type.Number({ description: 'Lower bound, in the unit of the key; null = none' })),
  includesMin: Type.Boolean({ description: 'The lower bound itself is in this band' }),
  max: Nullable(Type.Number({ description: 'Upper bound, in the unit of the key; null = none' })),
  includesMax: Type.Boolean({ description: 'The upper bound itself is in this band' }),
});
export type DoraThreshold = Type.Static<typeof DoraThreshold>;

export const DoraFigure = Type.Object({
  key: DoraKey,
  name: Type.String(),
  unit: Type.Union([Type.Literal('per-day'), Type.Literal('seconds'), Type.Literal('ratio')]),
  value: Nullable(Type.Number({ description: 'null when nothing was measured' })),
  display: Type.String({ description: 'The value for people, e.g. "2.5 per day (17.5 per week)"' }),
  level: Nullable(DoraLevel),
  counted: Type.Integer({ description: 'Deployments or incidents measured' }),
  missing: Type.Integer({
    description: 'Left out for lack of a time (commit time, impact start, resolution)',
  }),
  numerator: Type.Optional(
    Type.Integer({ description: 'Change failure rate: deployments linked to incidents' }),
  ),
  denominator: Type.Optional(Type.Integer({ description: 'Change failure rate: all deployments' })),
});
export type DoraFigure = Type.Static<typeof DoraFigure>;

export const DoraFigures = Type.Object({
  deployments: Type.Integer({ description: 'Deployments in the period and environment, any status' }),
  deploymentFrequency: DoraFigure,
  leadTime: DoraFigure,
  changeFailureRate: DoraFigure,
  recoveryTime: DoraFigure,
});
export type DoraFigures = Type.Static<typeof DoraFigures>;

export const DoraDefinition = Type.Object({
  key: DoraKey,
  name: Type.String(),
  description: Type.String(),
  thresholds: Type.Array(DoraThreshold, { description: 'Best level first' }),
});
export type DoraDefinition = Type.Static<typeof DoraDefinition>;

export const DoraQuery = Type.Object({
  service: Type.Optional(Rfc1123Name),
  team: Type.Optional(Type.String({ maxLength: 200 })),
  environment: Type.Optional(Type.String({ maxLength: 63, default: 'production' })),
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
});
export type DoraQuery = Type.Static<typeof DoraQuery>;

export const DoraReport = Type.Object({
  period: Type.Object({ from: Timestamp, to: Timestamp, days: Type.Number() }),
  environment: Type.String(),
  source: Type.Object({
    title: Type.String(),
    url: Type.String(),
    notes: Type.Array(Type.String(), { description: 'Interpretations made to turn clusters into bands' }),
  }),
  definitions: Type.Array(DoraDefinition),
  overall: DoraFigures,
  byService: Type.Record(Type.String(), DoraFigures),
  byTeam: Type.Record(Type.String(), DoraFigures),
});
export type DoraReport = Type.Static<typeof DoraReport>;
