/** The alert store as the API shows it: one alert per identity, and its event log. */
import Type from 'typebox';
import { Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ALERT_SOURCES = ['alertmanager', 'pagerduty', 'generic', 'headroom'] as const;
export const AlertSource = Type.Enum(ALERT_SOURCES);
export type AlertSource = (typeof ALERT_SOURCES)[number];

export const ALERT_EVENT_KINDS = [
  'triggered',
  're-received',
  'acknowledged',
  'resolved',
  'auto-resolved',
] as const;
export const AlertEventKind = Type.Enum(ALERT_EVENT_KINDS);
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];

export const AlertStatus = Type.Union([Type.Literal('firing'), Type.Literal('resolved')]);
export type AlertStatus = Type.Static<typeof AlertStatus>;

export const Alert = Type.Object({
  id: Type.String(),
  fingerprint: Type.String({
    description:
      'Identity: Alertmanager’s fingerprint of the labels; for PagerDuty events the fingerprint of ' +
      '{__integration_id__, __dedup_key__}',
  }),
  status: AlertStatus,
  acknowledged: Type.Boolean({ description: 'Acknowledged (PagerDuty acknowledge) while firing' }),
  resolution: Nullable(
    Type.Union([Type.Literal('resolved'), Type.Literal('auto-resolved')], {
      description: 'How it resolved: by its source, or by Headroom (stale timeout or a passed endsAt)',
    }),
  ),
  labels: Type.Record(Type.String(), Type.String()),
  annotations: Type.Record(Type.String(), Type.String()),
  startsAt: Timestamp,
  endsAt: Nullable(Timestamp),
  source: AlertSource,
  integration: Nullable(Type.String({ description: 'Name of the integration it came through last' })),
  integrationId: Nullable(Type.String()),
  generatorURL: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown(), {
    description: 'Source-specific extras (PagerDuty: dedup_key, client, client_url, links, images)',
  }),
  firstReceivedAt: Timestamp,
  lastReceivedAt: Timestamp,
  sequence: Type.Integer({ description: 'Sequence number of its latest event' }),
});
export type Alert = Type.Static<typeof Alert>;

export const AlertEvent = Type.Object({
  sequence: Type.Integer({ description: 'Monotonic over all alerts: the order changes were stored in' }),
  kind: AlertEventKind,
  at: Timestamp,
  status: AlertStatus,
  detail: Type.Record(Type.String(), Type.Unknown()),
});
export type AlertEvent = Type.Static<typeof AlertEvent>;

export const AlertWithEvents = Type.Object({
  ...Alert.properties,
  events: Type.Array(AlertEvent, { description: 'Oldest first (the latest 500)' }),
});
export type AlertWithEvents = Type.Static<typeof AlertWithEvents>;

export const AlertListQuery = Type.Object({
  status: Type.Optional(AlertStatus),
  source: Type.Optional(AlertSource),
  integration: Type.Optional(Type.String({ description: 'Integration name or id' })),
  label: Type.Optional(
    Type.Array(Type.String({ pattern: '^[^=]+=.*$' }), {
      description: 'Equality matchers `name=value`; repeat for several (all must hold)',
    }),
  ),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Page on: only alerts after the one with this id (the last id of the previous page)',
    }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export type AlertListQuery = Type.Static<typeof AlertListQuery>;
