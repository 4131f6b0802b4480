/**
 * Postmortem documents, action item lists and incident subscribers as the API shows them; the
 * postmortem and action item shapes themselves are in api/incident.ts.
 */
import Type from 'typebox';
import { ActionItemStatus, Postmortem } from './incident.js';

export const PostmortemDocument = Type.Intersect([
  Postmortem,
  Type.Object({
    stored: Type.Boolean({
      description: 'false: nothing saved yet; this is the draft prefilled from the incident',
    }),
  }),
]);
export type PostmortemDocument = Type.Static<typeof PostmortemDocument>;

export const ActionItemListQuery = Type.Object({
  team: Type.Optional(Type.String({ description: "Only items whose service's owner is this team" })),
  incident: Type.Optional(Type.String()),
  status: Type.Optional(ActionItemStatus),
  overdue: Type.Optional(
    Type.Boolean({ description: 'Only open or in-progress items due before today (UTC)' }),
  ),
});
export type ActionItemListQuery = Type.Static<typeof ActionItemListQuery>;

export const SubscribeRequest = Type.Object(
  {
    channel: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'A NotificationChannel name (editors and admins)',
      }),
    ),
    user: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          "A person to e-mail the updates to: 'me' (anyone may follow an incident) or a user name (editors and admins). Stored as the channel mailto:<their e-mail>.",
      }),
    ),
  },
  { additionalProperties: false, description: 'Exactly one of channel and user' },
);
export type SubscribeRequest = Type.Static<typeof SubscribeRequest>;

export const Subscribers = Type.Object({
  incidentId: Type.String(),
  channels: Type.Array(Type.String()),
});
export type Subscribers = Type.Static<typeof Subscribers>;
