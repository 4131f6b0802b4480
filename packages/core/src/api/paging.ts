/** Pages (escalations of alert groups), their acknowledgement, and the alert group's log. */
import Type from 'typebox';
import { Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const PageStatus = Type.Union(
  [
    Type.Literal('active'),
    Type.Literal('acknowledged'),
    Type.Literal('resolved'),
    Type.Literal('exhausted'),
    Type.Literal('cancelled'),
  ],
  {
    description:
      'active: escalating; acknowledged/resolved: stopped; exhausted: every step and repeat sent; cancelled: its policy was deleted',
  },
);

export const AckVia = Type.Union([Type.Literal('api'), Type.Literal('cli'), Type.Literal('link')]);

export const Page = Type.Object({
  id: Type.String(),
  groupId: Type.String(),
  policy: Type.String({ description: 'The EscalationPolicy it pages through' }),
  status: PageStatus,
  startedAt: Timestamp,
  notificationsSent: Type.Integer({ description: 'Steps notified so far, across repeats' }),
  nextAt: Nullable(Timestamp),
  acknowledgedBy: Nullable(Type.String()),
  acknowledgedVia: Nullable(AckVia),
  acknowledgedAt: Nullable(Timestamp),
  resolvedAt: Nullable(Timestamp),
  incidentId: Nullable(Type.String({ description: 'The incident declared automatically for the group' })),
});
export type Page = Type.Static<typeof Page>;

export const AlertGroupLogEntry = Type.Object({
  at: Timestamp,
  kind: Type.String({
    description:
      'page-started, page-not-started, step-notified, target-unreachable, acknowledged, resolved, exhausted, cancelled, incident-declared, incident-not-declared',
  }),
  text: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
});
export type AlertGroupLogEntry = Type.Static<typeof AlertGroupLogEntry>;

export const AlertGroupLog = Type.Object({
  groupId: Type.String(),
  page: Nullable(Page),
  entries: Type.Array(AlertGroupLogEntry),
});
export type AlertGroupLog = Type.Static<typeof AlertGroupLog>;

export const AcknowledgeQuery = Type.Object(
  {
    via: Type.Optional(
      Type.Union([Type.Literal('api'), Type.Literal('cli')], {
        description: 'How it was acknowledged, for the log (default api); the CLI sends cli',
      }),
    ),
  },
  { additionalProperties: false },
);
export type AcknowledgeQuery = Type.Static<typeof AcknowledgeQuery>;
