/**
 * Hearing users (continuous discovery, issue 8): feedback items with votes, comments, status
 * history and merges, and interview notes with the weekly interview cadence, as the API shows
 * them. Ids are FB-<n> and INT-<n>; times are RFC 3339. The workflow rules live in
 * core/discovery/feedback-workflow.ts.
 */
import Type from 'typebox';
import type { PlatformCapability } from '../discovery/capabilities.js';
import type { FeedbackKind as Kind, FeedbackStatus as Status } from '../discovery/feedback-workflow.js';
import { Rfc1123Name, Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = (options: Type.TStringOptions = {}) => Type.String({ minLength: 1, ...options });

export const FeedbackKind = Type.Union(
  [Type.Literal('pain-point'), Type.Literal('request'), Type.Literal('question'), Type.Literal('praise')],
  { description: 'pain-point, request, question or praise' },
);
export const FeedbackStatus = Type.Union(
  [
    Type.Literal('open'),
    Type.Literal('under-review'),
    Type.Literal('planned'),
    Type.Literal('in-progress'),
    Type.Literal('done'),
    Type.Literal('declined'),
    Type.Literal('duplicate'),
  ],
  {
    description: 'open → under-review → planned → in-progress → done, or declined; duplicate only by merging',
  },
);
export const Capability = Type.Union(
  [
    Type.Literal('catalog'),
    Type.Literal('slos'),
    Type.Literal('alerting'),
    Type.Literal('on-call'),
    Type.Literal('incidents'),
    Type.Literal('postmortems'),
    Type.Literal('release-gate'),
    Type.Literal('capacity'),
    Type.Literal('discovery'),
  ],
  { description: 'The platform capability it is about' },
);
const FeedbackId = Type.String({ description: 'FB-<n>' });
const TeamName = Text({ maxLength: 200, description: 'A catalog team name' });
const Tag = Type.String({ pattern: '^[a-z0-9][-a-z0-9_.]{0,62}$', maxLength: 63 });
const Board = Type.String({ pattern: '^[A-Za-z0-9][-A-Za-z0-9_. ]{0,62}$', maxLength: 63 });
const Page = Type.String({
  pattern: '^/\\S*$',
  maxLength: 500,
  description: 'The UI path it was filed from',
});

export const FeedbackVote = Type.Object({
  voter: Type.String(),
  pain: Nullable(Type.Integer({ minimum: 1, maximum: 5 })),
  at: Timestamp,
});
export type FeedbackVote = Type.Static<typeof FeedbackVote>;

export const FeedbackComment = Type.Object({
  id: Type.String(),
  author: Type.String(),
  body: Type.String({ description: 'Markdown' }),
  createdAt: Timestamp,
});
export type FeedbackComment = Type.Static<typeof FeedbackComment>;

export const FeedbackNotified = Type.Object({
  reached: Type.Array(Type.String(), { description: 'Users e-mailed (through the outbox)' }),
  unreachable: Type.Array(Type.Object({ user: Type.String(), reason: Type.String() }), {
    description: 'Users who could not be told, and why (no e-mail address, not a catalog user)',
  }),
});
export type FeedbackNotified = Type.Static<typeof FeedbackNotified>;

export const FeedbackStatusChange = Type.Object({
  from: Nullable(FeedbackStatus),
  to: FeedbackStatus,
  note: Nullable(Type.String()),
  actor: Type.String(),
  at: Timestamp,
  notified: Nullable(FeedbackNotified),
});
export type FeedbackStatusChange = Type.Static<typeof FeedbackStatusChange>;

const itemFields = {
  id: FeedbackId,
  kind: FeedbackKind,
  title: Type.String(),
  body: Type.String({ description: 'Markdown' }),
  services: Type.Array(Type.String()),
  capability: Nullable(Type.String()),
  team: Nullable(Type.String({ description: 'The team it comes from' })),
  author: Type.String(),
  tags: Type.Array(Type.String()),
  board: Nullable(Type.String()),
  page: Nullable(Type.String()),
  status: FeedbackStatus,
  statusNote: Nullable(Type.String({ description: "The team's note on the latest status change" })),
  duplicateOf: Nullable(Type.String({ description: 'The item it was merged into' })),
  votes: Type.Integer(),
  meanPain: Nullable(Type.Number({ description: 'Mean of the pains (1–5) voters gave' })),
  commentCount: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  closedAt: Nullable(Timestamp),
};

export const FeedbackSummary = Type.Object(itemFields);
export type FeedbackSummary = Type.Static<typeof FeedbackSummary>;

export const FeedbackItem = Type.Object({
  ...itemFields,
  voters: Type.Array(FeedbackVote, { description: 'Oldest vote first' }),
  comments: Type.Array(FeedbackComment, { description: 'Oldest first' }),
  duplicates: Type.Array(Type.Object({ id: FeedbackId, title: Type.String(), author: Type.String() }), {
    description: 'Items merged into this one',
  }),
  history: Type.Array(FeedbackStatusChange, { description: 'Status changes, oldest first' }),
  interviews: Type.Array(Type.String(), { description: 'Interviews linked to it (INT-<n>)' }),
});
export type FeedbackItem = Type.Static<typeof FeedbackItem>;

export const CreateFeedbackRequest = Type.Object(
  {
    kind: Type.Optional(FeedbackKind),
    title: Text({ maxLength: 200 }),
    body: Type.Optional(Type.String({ maxLength: 20_000 })),
    services: Type.Optional(Type.Array(Rfc1123Name, { maxItems: 20 })),
    capability: Type.Optional(Nullable(Capability)),
    team: Type.Optional(Nullable(TeamName)),
    tags: Type.Optional(Type.Array(Tag, { maxItems: 20 })),
    board: Type.Optional(Nullable(Board)),
    page: Type.Optional(Nullable(Page)),
  },
  {
    additionalProperties: false,
    description:
      "kind defaults to pain-point; services must be catalog services; team must be a catalog team and defaults to the author's team when they belong to exactly one.",
  },
);
export type CreateFeedbackRequest = Type.Static<typeof CreateFeedbackRequest>;

export const UpdateFeedbackRequest = Type.Object(
  {
    kind: Type.Optional(FeedbackKind),
    title: Type.Optional(Text({ maxLength: 200 })),
    body: Type.Optional(Type.String({ maxLength: 20_000 })),
    services: Type.Optional(Type.Array(Rfc1123Name, { maxItems: 20 })),
    capability: Type.Optional(Nullable(Capability)),
    team: Type.Optional(Nullable(TeamName)),
    tags: Type.Optional(Type.Array(Tag, { maxItems: 20 })),
    board: Type.Optional(Nullable(Board)),
    page: Type.Optional(Nullable(Page)),
  },
  { additionalProperties: false, minProperties: 1, description: 'Only the fields sent change.' },
);
export type UpdateFeedbackRequest = Type.Static<typeof UpdateFeedbackRequest>;

export const FeedbackSort = Type.Union(
  [Type.Literal('votes'), Type.Literal('pain'), Type.Literal('newest')],
  {
    description:
      'votes: most votes first; pain: highest mean pain first (then votes); newest: newest first (default)',
  },
);

export const FeedbackListQuery = Type.Object({
  status: Type.Optional(FeedbackStatus),
  kind: Type.Optional(FeedbackKind),
  service: Type.Optional(Rfc1123Name),
  team: Type.Optional(Type.String({ maxLength: 200 })),
  capability: Type.Optional(Capability),
  board: Type.Optional(Type.String({ maxLength: 63 })),
  tag: Type.Optional(Type.String({ maxLength: 63 })),
  author: Type.Optional(Type.String({ maxLength: 200 })),
  voter: Type.Optional(Type.String({ maxLength: 200, description: 'Only items this user voted on' })),
  q: Type.Optional(
    Type.String({ maxLength: 200, description: 'Words in the title or body (case-insensitive)' }),
  ),
  sort: Type.Optional(FeedbackSort),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});
export type FeedbackListQuery = Type.Static<typeof FeedbackListQuery>;

export const VoteRequest = Type.Object(
  {
    pain: Type.Optional(
      Nullable(Type.Integer({ minimum: 1, maximum: 5, description: 'How much it hurts, 1–5' })),
    ),
  },
  { additionalProperties: false },
);
export type VoteRequest = Type.Static<typeof VoteRequest>;

export const CommentRequest = Type.Object(
  { body: Text({ maxLength: 20_000, description: 'Markdown' }) },
  { additionalProperties: false },
);
export type CommentRequest = Type.Static<typeof CommentRequest>;

export const StatusChangeRequest = Type.Object(
  {
    status: FeedbackStatus,
    note: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
  },
  { additionalProperties: false, description: 'A note is required for done and declined.' },
);
export type StatusChangeRequest = Type.Static<typeof StatusChangeRequest>;

export const MergeRequest = Type.Object(
  { into: Text({ maxLength: 100, description: 'The item to keep (FB-<n>)' }) },
  { additionalProperties: false },
);
export type MergeRequest = Type.Static<typeof MergeRequest>;

export const FeedbackBoard = Type.Object({
  board: Type.String(),
  total: Type.Integer(),
  byStatus: Type.Record(Type.String(), Type.Integer(), { description: 'status → items' }),
});
export type FeedbackBoard = Type.Static<typeof FeedbackBoard>;

// Interviews

export const Interview = Type.Object({
  id: Type.String({ description: 'INT-<n>' }),
  team: Type.String(),
  interviewer: Type.String(),
  participants: Type.Array(Type.String()),
  heldAt: Timestamp,
  summary: Type.String(),
  notes: Type.String({ description: 'Markdown' }),
  feedback: Type.Array(Type.String(), { description: 'Linked feedback items (FB-<n>)' }),
  opportunities: Type.Array(Type.String(), { description: 'Linked opportunities' }),
  createdBy: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Interview = Type.Static<typeof Interview>;

const Participant = Text({ maxLength: 200 });
const LinkId = Text({ maxLength: 100 });

export const CreateInterviewRequest = Type.Object(
  {
    team: TeamName,
    interviewer: Type.Optional(
      Text({ maxLength: 200, description: 'A catalog user; defaults to the caller' }),
    ),
    participants: Type.Optional(Type.Array(Participant, { maxItems: 50 })),
    heldAt: Type.Optional(Timestamp),
    summary: Text({ maxLength: 1000 }),
    notes: Type.Optional(Type.String({ maxLength: 50_000 })),
    feedback: Type.Optional(Type.Array(LinkId, { maxItems: 100 })),
    opportunities: Type.Optional(Type.Array(LinkId, { maxItems: 100 })),
  },
  { additionalProperties: false, description: 'heldAt defaults to now and may not be in the future.' },
);
export type CreateInterviewRequest = Type.Static<typeof CreateInterviewRequest>;

export const UpdateInterviewRequest = Type.Object(
  {
    team: Type.Optional(TeamName),
    interviewer: Type.Optional(Text({ maxLength: 200 })),
    participants: Type.Optional(Type.Array(Participant, { maxItems: 50 })),
    heldAt: Type.Optional(Timestamp),
    summary: Type.Optional(Text({ maxLength: 1000 })),
    notes: Type.Optional(Type.String({ maxLength: 50_000 })),
    feedback: Type.Optional(Type.Array(LinkId, { maxItems: 100 })),
    opportunities: Type.Optional(Type.Array(LinkId, { maxItems: 100 })),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'Only the fields sent change; feedback and opportunities replace the links of their kind.',
  },
);
export type UpdateInterviewRequest = Type.Static<typeof UpdateInterviewRequest>;

export const InterviewListQuery = Type.Object({
  team: Type.Optional(Type.String({ maxLength: 200 })),
  interviewer: Type.Optional(Type.String({ maxLength: 200 })),
  feedback: Type.Optional(
    Type.String({ maxLength: 100, description: 'Only interviews linked to this item' }),
  ),
  since: Type.Optional(Timestamp),
  until: Type.Optional(Timestamp),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});
export type InterviewListQuery = Type.Static<typeof InterviewListQuery>;

export const CadenceQuery = Type.Object({
  weeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 104, default: 8 })),
});

export const InterviewCadence = Type.Object({
  weeks: Type.Array(
    Type.Object({
      weekStart: Type.String({ description: 'Monday (UTC), YYYY-MM-DD' }),
      interviews: Type.Integer(),
      teams: Type.Array(Type.String(), { description: 'Distinct teams heard from' }),
    }),
    { description: 'Oldest week first; the last is the current week' },
  ),
  weeksWithInterviews: Type.Integer(),
  notHeardFrom: Type.Array(Type.String(), {
    description: 'Catalog teams without an interview in these weeks',
  }),
});
export type InterviewCadence = Type.Static<typeof InterviewCadence>;

// The literal lists above must match core/discovery's lists exactly: these fail to compile otherwise.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameKinds: Same<Type.Static<typeof FeedbackKind>, Kind> = true;
const sameStatuses: Same<Type.Static<typeof FeedbackStatus>, Status> = true;
const sameCapabilities: Same<Type.Static<typeof Capability>, PlatformCapability> = true;
void [sameKinds, sameStatuses, sameCapabilities];
