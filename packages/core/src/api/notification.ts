/**
 * Notifications as the API shows them: the message model every producer (alert routing, the
 * channel test, later escalations) hands to the outbox, the notification channels (a
 * `headroom.dev/v1` NotificationChannel applied as config as code; secrets are never shown),
 * and the outbox entries with their delivery attempts.
 */
import Type from 'typebox';
import { Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const NotificationSeverity = Type.Union(
  [Type.Literal('critical'), Type.Literal('error'), Type.Literal('warning'), Type.Literal('info')],
  { description: 'As PagerDuty Events v2 names them' },
);
export type NotificationSeverity = Type.Static<typeof NotificationSeverity>;

export const NotificationStatusOfAlert = Type.Union([Type.Literal('firing'), Type.Literal('resolved')]);

export const NotificationLink = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 3000, description: 'An http(s) URL' }),
    title: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const NotificationMessage = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 1024 }),
    text: Type.String({ maxLength: 65_536, description: 'Plain text; channels escape it for their format' }),
    severity: NotificationSeverity,
    status: NotificationStatusOfAlert,
    labels: Type.Record(Type.String(), Type.String(), { description: 'Shown as fields; at most 100' }),
    links: Type.Array(NotificationLink, { maxItems: 25 }),
    data: Type.Optional(
      Type.Unknown({
        description:
          'JSON the webhook channel sends as its body exactly as given; without it the webhook body is the message itself',
      }),
    ),
  },
  { additionalProperties: false },
);
export type NotificationMessage = Type.Static<typeof NotificationMessage>;

export const ChannelType = Type.Union([
  Type.Literal('webhook'),
  Type.Literal('slack'),
  Type.Literal('email'),
]);
export type ChannelType = Type.Static<typeof ChannelType>;

export const NotificationChannel = Type.Object({
  name: Type.String(),
  displayName: Nullable(Type.String()),
  type: ChannelType,
  owner: Nullable(Type.String({ description: 'The team whose editors may change it; null: admins only' })),
  target: Type.String({
    description: 'Where it delivers, without secrets: a webhook’s origin, a Slack channel, e-mail recipients',
  }),
  settings: Type.Record(Type.String(), Type.Unknown(), {
    description:
      'The non-secret settings (webhook header names, Slack channel, e-mail recipients and SMTP host); secrets are never shown',
  }),
  secrets: Type.Array(Type.String(), {
    description: 'Names of the secret settings that are set (secret, headers, webhookUrl, smtp.password)',
  }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type NotificationChannel = Type.Static<typeof NotificationChannel>;

export const DeliveryStatus = Type.Union(
  [Type.Literal('pending'), Type.Literal('sending'), Type.Literal('delivered'), Type.Literal('dead')],
  {
    description:
      'pending: waiting for its (next) attempt; sending: claimed by a dispatcher; delivered; dead: gave up (retry by hand)',
  },
);
export type DeliveryStatus = Type.Static<typeof DeliveryStatus>;

export const DeliveryAttempt = Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  startedAt: Timestamp,
  finishedAt: Nullable(Timestamp),
  outcome: Type.Union(
    [
      Type.Literal('delivered'),
      Type.Literal('retry'),
      Type.Literal('failed'),
      Type.Literal('abandoned'),
      Type.Literal('sending'),
    ],
    {
      description:
        'retry: failed, will be tried again; failed: failed for good; abandoned: the dispatcher stopped mid-delivery (its lease expired); sending: under way',
    },
  ),
  statusCode: Nullable(Type.Integer({ description: 'HTTP status, or the SMTP reply code' })),
  error: Nullable(Type.String()),
  durationMs: Nullable(Type.Integer()),
});
export type DeliveryAttempt = Type.Static<typeof DeliveryAttempt>;

export const Notification = Type.Object({
  id: Type.String({ description: 'UUIDv7; sent as the Idempotency-Key header' }),
  channel: Type.String(),
  status: DeliveryStatus,
  attempts: Type.Integer({ minimum: 0 }),
  idempotencyKey: Type.String({ description: 'The producer’s key: a second enqueue with it adds nothing' }),
  message: NotificationMessage,
  nextAttemptAt: Nullable(Timestamp),
  lastError: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  deliveredAt: Nullable(Timestamp),
});
export type Notification = Type.Static<typeof Notification>;

export const NotificationDetail = Type.Object({
  ...Notification.properties,
  attemptHistory: Type.Array(DeliveryAttempt, { description: 'Every attempt, oldest first' }),
});
export type NotificationDetail = Type.Static<typeof NotificationDetail>;

export const NotificationListQuery = Type.Object({
  status: Type.Optional(DeliveryStatus),
  channel: Type.Optional(Type.String({ minLength: 1 })),
  key: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 300,
      description:
        'Only notifications whose idempotency key starts with this: `page:<id>:` (one page), `feedback:FB-12:`, `survey:SRV-1:`, `incident:INC-3:`',
    }),
  ),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Page back: only notifications older than this id (the last id of the previous page)',
    }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export type NotificationListQuery = Type.Static<typeof NotificationListQuery>;

export const ChannelTestResult = Type.Object({
  notification: Type.String({ description: 'Id of the enqueued test notification' }),
  channel: Type.String(),
});
export type ChannelTestResult = Type.Static<typeof ChannelTestResult>;
