/** Aggregation groups of the alert pipeline, as the API shows them. */
import Type from 'typebox';
import { Timestamp } from './common.js';
import { Page } from './paging.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Labels = Type.Record(Type.String(), Type.String());

export const AlertGroup = Type.Object({
  id: Type.String(),
  receiver: Nullable(
    Type.String({
      description: 'The NotificationChannel the route sends to; null when the route only pages',
    }),
  ),
  escalationPolicy: Nullable(Type.String({ description: 'The EscalationPolicy the route pages through' })),
  page: Nullable(Page),
  routeId: Type.String({ description: 'The route (Alertmanager route id)' }),
  groupKey: Type.String({ description: 'Alertmanager’s group key: route key and group labels' }),
  groupLabels: Labels,
  createdAt: Timestamp,
  lastNotification: Nullable(
    Type.Object({
      at: Timestamp,
      firing: Type.Array(Type.String(), { description: 'Fingerprints' }),
      resolved: Type.Array(Type.String()),
    }),
  ),
  nextAt: Nullable(Timestamp),
  explanation: Type.String({ description: 'When the next notification goes out, and why' }),
  alerts: Type.Array(
    Type.Object({
      id: Type.String(),
      fingerprint: Type.String(),
      status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
      acknowledged: Type.Boolean(),
      labels: Labels,
      startsAt: Timestamp,
      silencedBy: Type.Array(Type.String(), { description: 'Ids of the active silences that mute it' }),
      inhibitedBy: Nullable(
        Type.Object({ rule: Type.String(), by: Type.String({ description: 'Fingerprint' }) }),
      ),
    }),
  ),
});
export type AlertGroup = Type.Static<typeof AlertGroup>;
