/**
 * Integrations: where alerts from outside come in. Each has a secret shown once at creation — a
 * bearer token (Alertmanager, generic) or a 32-character PagerDuty routing key — stored hashed.
 */
import Type from 'typebox';
import { Rfc1123Name, Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const INTEGRATION_TYPES = ['alertmanager', 'pagerduty', 'generic'] as const;
export const IntegrationType = Type.Enum(INTEGRATION_TYPES, {
  description: 'alertmanager: webhook receiver; pagerduty: Events API v2; generic: Headroom’s JSON format',
});
export type IntegrationType = (typeof INTEGRATION_TYPES)[number];

const ResolveTimeout = Type.Integer({
  minimum: 0,
  maximum: 525_600,
  description:
    'Minutes after the last receipt at which a firing alert of this integration that was never resolved is ' +
    'resolved (auto-resolved); 0 = never. Default: the server’s HEADROOM_ALERT_RESOLVE_TIMEOUT_MINUTES.',
});

export const IntegrationCreate = Type.Object(
  {
    type: IntegrationType,
    name: Rfc1123Name,
    team: Type.Optional(
      Type.String({ description: 'Owning team; its editors may manage the integration (else admins only)' }),
    ),
    resolveTimeoutMinutes: Type.Optional(Nullable(ResolveTimeout)),
  },
  { additionalProperties: false },
);
export type IntegrationCreate = Type.Static<typeof IntegrationCreate>;

export const Integration = Type.Object({
  id: Type.String(),
  type: IntegrationType,
  name: Type.String(),
  team: Nullable(Type.String()),
  prefix: Type.String({ description: 'First characters of the secret, to recognise it' }),
  url: Type.String({
    description: 'Where to send alerts (PagerDuty: also accepted at /v2/enqueue of the server)',
  }),
  resolveTimeoutMinutes: Nullable(ResolveTimeout),
  effectiveResolveTimeoutMinutes: Type.Integer({
    minimum: 0,
    description: 'The timeout that applies (this integration’s or the server default); 0 = never',
  }),
  createdAt: Timestamp,
  createdBy: Type.String(),
  lastReceivedAt: Nullable(Timestamp),
  revokedAt: Nullable(Timestamp),
});
export type Integration = Type.Static<typeof Integration>;

export const IntegrationCreated = Type.Object({
  secret: Type.String({
    description:
      'The bearer token, or the PagerDuty routing key (32 characters); shown only in this response',
  }),
  integration: Integration,
});
export type IntegrationCreated = Type.Static<typeof IntegrationCreated>;
