/**
 * What the alert intake endpoints accept: Alertmanager's webhook (payload version 4), PagerDuty
 * Events API v2 events, and Headroom's generic JSON alert format, plus the reply of the two
 * bearer-token endpoints. PagerDuty events are validated by hand (PagerDuty's own error body);
 * the schema here documents them.
 */
import Type from 'typebox';

const Labels = Type.Record(Type.String(), Type.String());

/**
 * One alert of an Alertmanager webhook. Fields Alertmanager adds in newer versions pass through
 * unread; `fingerprint` is recomputed from the labels (Headroom's fingerprint is Alertmanager's).
 */
export const AlertmanagerAlert = Type.Object({
  status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  labels: Labels,
  annotations: Type.Optional(Labels),
  startsAt: Type.Optional(Type.String({ description: 'RFC 3339' })),
  endsAt: Type.Optional(
    Type.String({
      description:
        'RFC 3339; `0001-01-01T00:00:00Z` (Go’s zero time) or a future time while firing, the resolve time once resolved',
    }),
  ),
  generatorURL: Type.Optional(Type.String()),
  fingerprint: Type.Optional(Type.String()),
});
export type AlertmanagerAlert = Type.Static<typeof AlertmanagerAlert>;

/** Alertmanager's webhook body (`webhook_config`, payload version 4); unknown fields are ignored. */
export const AlertmanagerWebhook = Type.Object(
  {
    version: Type.Optional(Type.String({ description: 'Payload version, "4"' })),
    groupKey: Type.Optional(Type.String()),
    truncatedAlerts: Type.Optional(Type.Integer({ minimum: 0 })),
    status: Type.Optional(Type.Union([Type.Literal('firing'), Type.Literal('resolved')])),
    receiver: Type.Optional(Type.String()),
    groupLabels: Type.Optional(Labels),
    commonLabels: Type.Optional(Labels),
    commonAnnotations: Type.Optional(Labels),
    externalURL: Type.Optional(Type.String()),
    alerts: Type.Array(AlertmanagerAlert),
  },
  {
    description:
      'The body Alertmanager’s webhook receiver sends (payload version 4). Newer fields such as ' +
      '`truncatedAlerts`, `notification_reason` or `routeLabels` are accepted and ignored.',
  },
);
export type AlertmanagerWebhook = Type.Static<typeof AlertmanagerWebhook>;

/** Prometheus' classic label name syntax; `__`-prefixed names are reserved. */
export const GENERIC_LABEL_NAME_PATTERN = '^[a-zA-Z_][a-zA-Z0-9_]*$';

/** One alert in Headroom's generic JSON format. */
export const GenericAlert = Type.Object(
  {
    labels: Type.Record(Type.String(), Type.String(), {
      minProperties: 1,
      propertyNames: { pattern: GENERIC_LABEL_NAME_PATTERN, maxLength: 256 },
      description:
        'The alert’s identity: its fingerprint is Alertmanager’s over these labels. Names follow Prometheus ' +
        '(`[a-zA-Z_][a-zA-Z0-9_]*`); `alertname` and `severity` are conventional.',
    }),
    annotations: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'Descriptive text: description, runbook_url, …',
      }),
    ),
    summary: Type.Optional(
      Type.String({ maxLength: 1024, description: 'Short text; stored as annotations.summary' }),
    ),
    status: Type.Optional(
      Type.Union([Type.Literal('firing'), Type.Literal('resolved')], {
        description: 'Default: `resolved` when endsAt is given and not in the future, else `firing`',
      }),
    ),
    startsAt: Type.Optional(
      Type.String({ description: 'RFC 3339; default: when Headroom first received the alert (episode)' }),
    ),
    endsAt: Type.Optional(
      Type.String({
        description:
          'RFC 3339. Resolved: when it ended. Firing with a future endsAt: the alert resolves then unless sent again.',
      }),
    ),
    generatorURL: Type.Optional(
      Type.String({ maxLength: 2048, description: 'Link back to the alert’s source' }),
    ),
  },
  { additionalProperties: false },
);
export type GenericAlert = Type.Static<typeof GenericAlert>;

export const GenericAlertBatch = Type.Object(
  { alerts: Type.Array(GenericAlert, { description: 'One or more alerts' }) },
  { additionalProperties: false },
);
export type GenericAlertBatch = Type.Static<typeof GenericAlertBatch>;

export const PAGERDUTY_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export const PAGERDUTY_ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;

/** A PagerDuty Events API v2 alert event (documentation; validated by hand, as PagerDuty does). */
export const PagerDutyEvent = Type.Object({
  routing_key: Type.String({
    minLength: 32,
    maxLength: 32,
    description: 'The integration’s 32-character routing key',
  }),
  event_action: Type.Enum(PAGERDUTY_ACTIONS),
  dedup_key: Type.Optional(
    Type.String({
      maxLength: 255,
      description: 'The alert’s key; generated and returned for a trigger without one',
    }),
  ),
  payload: Type.Optional(
    Type.Object({
      summary: Type.String({ maxLength: 1024 }),
      source: Type.String(),
      severity: Type.Enum(PAGERDUTY_SEVERITIES),
      timestamp: Type.Optional(Type.String({ description: 'ISO 8601; when the event was detected' })),
      component: Type.Optional(Type.String()),
      group: Type.Optional(Type.String()),
      class: Type.Optional(Type.String()),
      custom_details: Type.Optional(Type.Unknown()),
    }),
  ),
  images: Type.Optional(
    Type.Array(
      Type.Object({
        src: Type.String(),
        href: Type.Optional(Type.String()),
        alt: Type.Optional(Type.String()),
      }),
    ),
  ),
  links: Type.Optional(Type.Array(Type.Object({ href: Type.String(), text: Type.Optional(Type.String()) }))),
  client: Type.Optional(Type.String()),
  client_url: Type.Optional(Type.String()),
});
export type PagerDutyEvent = Type.Static<typeof PagerDutyEvent>;

/** PagerDuty's reply to an accepted event (202). */
export const PagerDutyAccepted = Type.Object({
  status: Type.Literal('success'),
  message: Type.Literal('Event processed'),
  dedup_key: Type.String(),
});

/** PagerDuty's error reply (400 invalid event, 404 unknown routing key, 413, 429). */
export const PagerDutyError = Type.Object({
  status: Type.String(),
  message: Type.String(),
  errors: Type.Array(Type.String()),
});
export type PagerDutyError = Type.Static<typeof PagerDutyError>;

/** What happened to one alert of a delivery. `unchanged`: a repeat, or a change that no longer applies. */
export const IntakeChange = Type.Union([
  Type.Literal('triggered'),
  Type.Literal('re-received'),
  Type.Literal('acknowledged'),
  Type.Literal('resolved'),
  Type.Literal('unchanged'),
]);
export type IntakeChange = Type.Static<typeof IntakeChange>;

/** Reply of the Alertmanager and generic endpoints: sent once every alert is stored. */
export const IntakeResult = Type.Object({
  received: Type.Integer({ description: 'Alerts in the delivery' }),
  changed: Type.Integer({ description: 'Alerts whose state changed (a repeated delivery changes none)' }),
  alerts: Type.Array(
    Type.Object({
      fingerprint: Type.String({
        description: 'Alertmanager’s fingerprint of the labels: the alert’s identity',
      }),
      change: IntakeChange,
    }),
    { description: 'In the order of the delivery' },
  ),
});
export type IntakeResult = Type.Static<typeof IntakeResult>;
