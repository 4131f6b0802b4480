/**
 * On-call schedules as the API shows them: the definition (a `headroom.dev/v1` Schedule applied as
 * config as code), who is on call now and the next hand-off, the final schedule for a range,
 * overrides (created and removed through the API) and secret iCalendar feed URLs.
 */
import Type from 'typebox';
import { Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const Weekday = Type.Union(
  [
    Type.Literal('mon'),
    Type.Literal('tue'),
    Type.Literal('wed'),
    Type.Literal('thu'),
    Type.Literal('fri'),
    Type.Literal('sat'),
    Type.Literal('sun'),
  ],
  { description: 'Day of the week' },
);

export const ScheduleRestriction = Type.Union([
  Type.Object({
    type: Type.Literal('daily'),
    days: Type.Array(Weekday, { description: 'Days on which a window starts; empty = every day' }),
    from: Type.String({ description: 'HH:MM local time' }),
    to: Type.String({ description: 'HH:MM; at or before from = past midnight' }),
  }),
  Type.Object({
    type: Type.Literal('weekly'),
    from: Type.String({ description: 'Day and time, e.g. "fri 18:00"' }),
    to: Type.String({ description: 'Day and time, e.g. "mon 08:00"' }),
  }),
]);
export type ScheduleRestriction = Type.Static<typeof ScheduleRestriction>;

export const ScheduleLayer = Type.Object({
  name: Type.String(),
  users: Type.Array(Type.String(), { description: 'The rotation, in order' }),
  shiftLength: Type.String({ description: 'Nh, Nd or Nw' }),
  handoffTime: Type.String({ description: 'HH:MM wall-clock time in timeZone' }),
  start: Type.String({ description: 'Local date of the first shift' }),
  end: Nullable(Type.String({ description: 'Local date-time at which the layer stops' })),
  timeZone: Type.String(),
  restrictions: Type.Array(ScheduleRestriction),
});
export type ScheduleLayer = Type.Static<typeof ScheduleLayer>;

export const OnCallSource = Type.Union([
  Type.Literal('layer'),
  Type.Literal('override'),
  Type.Literal('none'),
]);

export const FinalScheduleEntry = Type.Object({
  start: Timestamp,
  end: Timestamp,
  user: Nullable(Type.String({ description: 'null = nobody on call' })),
  source: OnCallSource,
  layer: Nullable(Type.String({ description: 'The layer whose shift this is' })),
  overrideId: Nullable(Type.String()),
});
export type FinalScheduleEntry = Type.Static<typeof FinalScheduleEntry>;

export const Handoff = Type.Object({
  at: Timestamp,
  user: Nullable(Type.String({ description: 'Who is on call from then; null = nobody' })),
});
export type Handoff = Type.Static<typeof Handoff>;

export const OnCallNow = Type.Object({
  user: Nullable(Type.String()),
  source: OnCallSource,
  layer: Nullable(Type.String()),
  overrideId: Nullable(Type.String()),
  since: Nullable(Timestamp),
  nextHandoff: Nullable(Handoff),
});
export type OnCallNow = Type.Static<typeof OnCallNow>;

export const ScheduleOverride = Type.Object({
  id: Type.String(),
  schedule: Type.String(),
  user: Type.String(),
  start: Timestamp,
  end: Timestamp,
  createdBy: Type.String(),
  createdAt: Timestamp,
});
export type ScheduleOverride = Type.Static<typeof ScheduleOverride>;

export const ScheduleSummary = Type.Object({
  name: Type.String(),
  displayName: Nullable(Type.String()),
  description: Nullable(Type.String()),
  owner: Nullable(Type.String({ description: 'The owning team; its editors may change the schedule' })),
  timeZone: Type.String(),
  layers: Type.Array(Type.String(), { description: 'Layer names, lowest first' }),
  onCall: OnCallNow,
});
export type ScheduleSummary = Type.Static<typeof ScheduleSummary>;

export const ScheduleDetail = Type.Object({
  name: Type.String(),
  displayName: Nullable(Type.String()),
  description: Nullable(Type.String()),
  owner: Nullable(Type.String()),
  timeZone: Type.String(),
  layers: Type.Array(ScheduleLayer, { description: 'Lowest first: a later layer wins' }),
  onCall: OnCallNow,
  overrides: Type.Array(ScheduleOverride, { description: 'Overrides that have not ended' }),
  feed: Type.Object({
    active: Type.Boolean({ description: 'A secret iCalendar URL exists' }),
    createdAt: Nullable(Timestamp),
  }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ScheduleDetail = Type.Static<typeof ScheduleDetail>;

export const FinalScheduleQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time', description: 'Default now' })),
  to: Type.Optional(
    Type.String({ format: 'date-time', description: 'Default from + 7 days; at most 366 days after from' }),
  ),
});
export type FinalScheduleQuery = Type.Static<typeof FinalScheduleQuery>;

export const FinalSchedule = Type.Object({
  schedule: Type.String(),
  timeZone: Type.String(),
  from: Timestamp,
  to: Timestamp,
  entries: Type.Array(FinalScheduleEntry, { description: 'In order; they partition [from, to) exactly' }),
});
export type FinalSchedule = Type.Static<typeof FinalSchedule>;

export const OverrideCreate = Type.Object(
  {
    user: Type.String({ minLength: 1, maxLength: 200, description: 'A catalog user name' }),
    start: Type.String({ format: 'date-time' }),
    end: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type OverrideCreate = Type.Static<typeof OverrideCreate>;

export const OverrideListQuery = Type.Object({
  from: Type.Optional(
    Type.String({ format: 'date-time', description: 'Overrides ending after it; default now' }),
  ),
});
export type OverrideListQuery = Type.Static<typeof OverrideListQuery>;

export const OnCallQuery = Type.Object({
  at: Type.Optional(Type.String({ format: 'date-time', description: 'Default now' })),
});
export type OnCallQuery = Type.Static<typeof OnCallQuery>;

export const OnCallEntry = Type.Object({
  schedule: Type.String(),
  displayName: Nullable(Type.String()),
  ...OnCallNow.properties,
});
export type OnCallEntry = Type.Static<typeof OnCallEntry>;

export const FeedCreated = Type.Object({
  url: Type.String({ description: 'The secret URL; shown once, store it now' }),
  token: Type.String(),
  kind: Type.Union([Type.Literal('schedule'), Type.Literal('user')]),
  target: Type.String({ description: 'The schedule or user name' }),
  rotated: Type.Boolean({ description: 'true when an earlier URL was revoked by this one' }),
  createdAt: Timestamp,
});
export type FeedCreated = Type.Static<typeof FeedCreated>;

export const UserFeedQuery = Type.Object({
  user: Type.Optional(
    Type.String({ description: 'Default the caller; admins may name anyone', maxLength: 200 }),
  ),
});
export type UserFeedQuery = Type.Static<typeof UserFeedQuery>;
