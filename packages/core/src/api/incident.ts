/**
 * Incidents, their timeline, postmortems, action items and MTTx figures as the API shows them.
 * The rules live in core/incidents (status transitions, milestone order, the closing rule);
 * times here are RFC 3339 strings, there epoch milliseconds.
 */
import Type from 'typebox';
import { Rfc1123Name, Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = (options: Type.TStringOptions = {}) => Type.String({ minLength: 1, ...options });

export const Severity = Type.Union(
  [Type.Literal('SEV1'), Type.Literal('SEV2'), Type.Literal('SEV3'), Type.Literal('SEV4')],
  { description: 'SEV1 most severe; the definitions are configurable (GET /api/v1/incidents/severities)' },
);
export type Severity = Type.Static<typeof Severity>;

export const SeverityDefinition = Type.Object({
  severity: Severity,
  name: Type.String(),
  description: Type.String(),
  postmortemRequired: Type.Boolean({ description: 'Closing needs a published postmortem' }),
});
export type SeverityDefinition = Type.Static<typeof SeverityDefinition>;

export const IncidentStatus = Type.Union(
  [
    Type.Literal('triage'),
    Type.Literal('investigating'),
    Type.Literal('mitigated'),
    Type.Literal('resolved'),
    Type.Literal('closed'),
    Type.Literal('cancelled'),
    Type.Literal('merged'),
  ],
  {
    description:
      'triage → investigating → mitigated → resolved → closed (forward skips allowed); mitigated or ' +
      'resolved → investigating reopens; triage, investigating or mitigated → cancelled or merged; ' +
      'closed, cancelled and merged are final',
  },
);
export type IncidentStatus = Type.Static<typeof IncidentStatus>;

export const IncidentRole = Type.Union([
  Type.Literal('commander'),
  Type.Literal('operations'),
  Type.Literal('communications'),
  Type.Literal('scribe'),
]);
export type IncidentRole = Type.Static<typeof IncidentRole>;

const UserName = Text({ maxLength: 200 });

export const IncidentRoles = Type.Object(
  {
    commander: Type.Optional(UserName),
    operations: Type.Optional(UserName),
    communications: Type.Optional(UserName),
    scribe: Type.Optional(UserName),
  },
  { additionalProperties: false, description: 'The user holding each role; absent = nobody' },
);

const milestone = (description: string) => Type.Union([Timestamp, Type.Null()], { description });
export const IncidentMilestones = Type.Object({
  impactStartedAt: milestone('When customers were first affected; null = not known'),
  detectedAt: milestone('When the problem was first noticed'),
  declaredAt: Timestamp,
  acknowledgedAt: milestone('When someone took ownership'),
  mitigatedAt: milestone('When customer impact stopped'),
  resolvedAt: milestone('When the problem was fixed'),
  closedAt: milestone('When the follow-up was done'),
});

export const Incident = Type.Object({
  id: Type.String(),
  title: Type.String(),
  summary: Type.String({ description: 'Markdown' }),
  severity: Severity,
  status: IncidentStatus,
  nextStatuses: Type.Array(IncidentStatus, { description: 'Where the status may move from here' }),
  roles: IncidentRoles,
  services: Type.Array(Type.String()),
  alertGroups: Type.Array(Type.String(), { description: 'Linked alert group ids' }),
  mergedInto: Nullable(Type.String()),
  milestones: IncidentMilestones,
  postmortem: Type.Object({
    required: Type.Boolean(),
    p0ActionItemRequired: Type.Boolean(),
    reasons: Type.Array(Type.String()),
    status: Nullable(
      Type.Union([Type.Literal('draft'), Type.Literal('in-review'), Type.Literal('published')]),
    ),
  }),
  closingBlockers: Type.Array(Type.String(), { description: 'Why it cannot close yet; empty = it may' }),
  createdBy: Type.String(),
  updatedAt: Timestamp,
});
export type Incident = Type.Static<typeof Incident>;

export const TimelineEntryKind = Type.Union([
  Type.Literal('declared'),
  Type.Literal('status'),
  Type.Literal('severity'),
  Type.Literal('role'),
  Type.Literal('note'),
  Type.Literal('status-update'),
  Type.Literal('edit'),
  Type.Literal('milestone'),
  Type.Literal('service'),
  Type.Literal('alert-group'),
  Type.Literal('acknowledged'),
  Type.Literal('alert-firing'),
  Type.Literal('alert-resolved'),
  Type.Literal('postmortem'),
  Type.Literal('action-item'),
  Type.Literal('deployment'),
]);

export const TimelineEntry = Type.Object({
  id: Type.String(),
  kind: TimelineEntryKind,
  at: Timestamp,
  actor: Type.String(),
  text: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown(), { description: 'What changed: from/to and the like' }),
});
export type TimelineEntry = Type.Static<typeof TimelineEntry>;

/** The error budget one SLO objective lost to the incident (core incidents/budget-impact.ts). */
export const ObjectiveImpact = Type.Object({
  slo: Type.String(),
  label: Type.String({ description: 'The SLO, and the objective when it has several' }),
  service: Type.String(),
  objective: Type.Integer({ description: 'Objective index' }),
  objectiveName: Nullable(Type.String()),
  budgetingMethod: Type.String(),
  target: Type.Number(),
  unit: Type.Union([Type.Literal('events'), Type.Literal('slices')]),
  good: Type.Number({ description: 'Good units in the incident span' }),
  total: Type.Number({ description: 'Units in the incident span' }),
  bad: Type.Number(),
  window: Type.Object({
    from: Timestamp,
    to: Timestamp,
    total: Type.Number({ description: 'Units in the SLO window ending at the end of the span' }),
    budgetUnits: Type.Number({ description: '(1 − target) × total' }),
    share: Nullable(Type.Number({ description: 'bad ÷ budgetUnits; 1 = the whole window budget' })),
  }),
  fourWeeks: Type.Object({
    from: Timestamp,
    to: Timestamp,
    expectedUnits: Type.Number({
      description:
        'Occurrences: events in the 28 days ending at the end of the span; slices: 40 320 min ÷ slice',
    }),
    budgetUnits: Type.Number({ description: '(1 − target) × expectedUnits' }),
    share: Nullable(Type.Number({ description: 'bad ÷ budgetUnits; the closing rule reads this' })),
  }),
  note: Nullable(Type.String()),
});
export type ObjectiveImpact = Type.Static<typeof ObjectiveImpact>;

export const IncidentImpact = Type.Object({
  incidentId: Type.String(),
  from: Timestamp,
  to: Timestamp,
  open: Type.Boolean({ description: 'Not resolved yet: the span runs to now' }),
  formula: Type.String(),
  objectives: Type.Array(ObjectiveImpact),
  maxFourWeekShare: Nullable(Type.Number()),
});
export type IncidentImpact = Type.Static<typeof IncidentImpact>;

export const IncidentDetail = Type.Intersect([
  Incident,
  Type.Object({
    timeline: Type.Array(TimelineEntry, { description: 'Oldest first' }),
    impact: Type.Optional(IncidentImpact),
    subscribers: Type.Optional(Type.Array(Type.String(), { description: 'Subscribed channel names' })),
  }),
]);
export type IncidentDetail = Type.Static<typeof IncidentDetail>;

export const DeclareIncidentRequest = Type.Object(
  {
    title: Text({ maxLength: 200 }),
    summary: Type.Optional(Type.String()),
    severity: Severity,
    status: Type.Optional(Type.Union([Type.Literal('triage'), Type.Literal('investigating')])),
    services: Type.Optional(Type.Array(Rfc1123Name)),
    alertGroups: Type.Optional(Type.Array(Text(), { description: 'Alert group ids to link' })),
    roles: Type.Optional(IncidentRoles),
    impactStartedAt: Type.Optional(Nullable(Timestamp)),
    detectedAt: Type.Optional(Nullable(Timestamp)),
    declaredAt: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type DeclareIncidentRequest = Type.Static<typeof DeclareIncidentRequest>;

const Reason = Type.Optional(Type.String({ maxLength: 2000 }));

/** One change; POST /api/v1/incidents/{id}/changes. Closing may answer 409 POSTMORTEM_REQUIRED. */
export const IncidentChangeRequest = Type.Union([
  Type.Object(
    {
      type: Type.Literal('status'),
      status: IncidentStatus,
      at: Type.Optional(Timestamp),
      reason: Reason,
      mergedInto: Type.Optional(Text({ description: 'Required for merged' })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('severity'), severity: Severity, reason: Reason },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('edit'),
      title: Type.Optional(Text({ maxLength: 200 })),
      summary: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('milestones'),
      milestones: Type.Partial(
        Type.Object({
          impactStartedAt: Nullable(Timestamp),
          detectedAt: Nullable(Timestamp),
          declaredAt: Timestamp,
          acknowledgedAt: Nullable(Timestamp),
          mitigatedAt: Nullable(Timestamp),
          resolvedAt: Nullable(Timestamp),
          closedAt: Nullable(Timestamp),
        }),
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('role'), role: IncidentRole, user: Nullable(UserName) },
    { additionalProperties: false, description: 'user null = the role is vacated' },
  ),
  Type.Object(
    {
      type: Type.Literal('services'),
      add: Type.Optional(Type.Array(Rfc1123Name)),
      remove: Type.Optional(Type.Array(Rfc1123Name)),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('alert-groups'),
      link: Type.Optional(Type.Array(Text())),
      unlink: Type.Optional(Type.Array(Text())),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('note'),
      text: Text({ maxLength: 20_000 }),
      at: Type.Optional(
        Type.String({
          format: 'date-time',
          description:
            'When it happened, for a note written after the fact (default now; never in the future)',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('status-update'), text: Text({ maxLength: 20_000 }) },
    { additionalProperties: false, description: 'Sent to subscribers' },
  ),
  Type.Object(
    { type: Type.Literal('acknowledge'), at: Type.Optional(Timestamp) },
    { additionalProperties: false },
  ),
]);
export type IncidentChangeRequest = Type.Static<typeof IncidentChangeRequest>;

export const IncidentListQuery = Type.Object({
  status: Type.Optional(
    Type.Union([IncidentStatus, Type.Literal('open')], {
      description: 'open = triage, investigating or mitigated',
    }),
  ),
  severity: Type.Optional(Severity),
  service: Type.Optional(Rfc1123Name),
  since: Type.Optional(Timestamp),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});
export type IncidentListQuery = Type.Static<typeof IncidentListQuery>;

// ---- postmortems and action items

export const PostmortemStatus = Type.Union([
  Type.Literal('draft'),
  Type.Literal('in-review'),
  Type.Literal('published'),
]);

const SectionText = Type.String({ maxLength: 100_000, description: 'Markdown' });
export const PostmortemSections = Type.Object({
  summary: SectionText,
  impact: SectionText,
  timeline: SectionText,
  rootCauses: SectionText,
  trigger: SectionText,
  detection: SectionText,
  resolution: SectionText,
  whatWentWell: SectionText,
  whatWentWrong: SectionText,
  whereWeGotLucky: SectionText,
  actionItems: SectionText,
});

export const Postmortem = Type.Object({
  incidentId: Type.String(),
  status: PostmortemStatus,
  sections: PostmortemSections,
  authors: Type.Array(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  publishedAt: Nullable(Timestamp),
});
export type Postmortem = Type.Static<typeof Postmortem>;

export const PostmortemUpdate = Type.Object(
  {
    sections: Type.Optional(Type.Partial(PostmortemSections, { additionalProperties: false })),
    authors: Type.Optional(Type.Array(UserName)),
    status: Type.Optional(PostmortemStatus),
  },
  { additionalProperties: false },
);
export type PostmortemUpdate = Type.Static<typeof PostmortemUpdate>;

export const ActionItemPriority = Type.Union([
  Type.Literal('P0'),
  Type.Literal('P1'),
  Type.Literal('P2'),
  Type.Literal('P3'),
]);
export const ActionItemStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('in-progress'),
  Type.Literal('done'),
  Type.Literal('wont-do'),
]);
const DueDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const TicketUrl = Type.String({ pattern: '^https?://\\S+$', description: 'Link to the ticket' });

export const ActionItem = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  service: Nullable(Type.String()),
  title: Type.String(),
  owner: Type.String(),
  priority: ActionItemPriority,
  dueDate: Nullable(Type.String({ description: 'YYYY-MM-DD' })),
  status: ActionItemStatus,
  ticketUrl: Nullable(Type.String()),
  overdue: Type.Boolean(),
  team: Nullable(Type.String({ description: "The service's owning team" })),
  createdBy: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ActionItem = Type.Static<typeof ActionItem>;

export const ActionItemCreate = Type.Object(
  {
    title: Text({ maxLength: 500 }),
    owner: UserName,
    priority: ActionItemPriority,
    service: Type.Optional(Nullable(Rfc1123Name)),
    dueDate: Type.Optional(Nullable(DueDate)),
    status: Type.Optional(ActionItemStatus),
    ticketUrl: Type.Optional(Nullable(TicketUrl)),
  },
  { additionalProperties: false },
);
export type ActionItemCreate = Type.Static<typeof ActionItemCreate>;

export const ActionItemUpdate = Type.Partial(ActionItemCreate, { additionalProperties: false });
export type ActionItemUpdate = Type.Static<typeof ActionItemUpdate>;

// ---- MTTx

export const MttxMetric = Type.Union([
  Type.Literal('mttd'),
  Type.Literal('mtta'),
  Type.Literal('mttm'),
  Type.Literal('mttr'),
  Type.Literal('mttrDeclared'),
]);

export const MttxQuery = Type.Object({
  from: Timestamp,
  to: Timestamp,
  service: Type.Optional(Rfc1123Name),
  team: Type.Optional(Type.String()),
  severity: Type.Optional(Severity),
});
export type MttxQuery = Type.Static<typeof MttxQuery>;

const Seconds = Nullable(Type.Number({ description: 'Seconds; null when no incident was measured' }));
export const DurationStats = Type.Object({
  count: Type.Integer({ description: 'Incidents measured' }),
  missing: Type.Integer({ description: 'Incidents left out for lack of one of the two milestones' }),
  meanSeconds: Seconds,
  medianSeconds: Seconds,
  minSeconds: Seconds,
  maxSeconds: Seconds,
});

const MttxFigures = Type.Object({
  mttd: DurationStats,
  mtta: DurationStats,
  mttm: DurationStats,
  mttr: DurationStats,
  mttrDeclared: DurationStats,
});

export const MttxGroup = Type.Object({ incidents: Type.Integer(), metrics: MttxFigures });

export const MttxReport = Type.Object({
  period: Type.Object({ from: Timestamp, to: Timestamp }),
  definitions: Type.Array(
    Type.Object({
      metric: MttxMetric,
      name: Type.String(),
      from: Type.String({ description: 'Milestone the clock starts at' }),
      to: Type.String({ description: 'Milestone the clock stops at' }),
      description: Type.String(),
    }),
  ),
  excluded: Type.Object({ cancelled: Type.Integer(), merged: Type.Integer() }),
  overall: MttxGroup,
  bySeverity: Type.Record(Type.String(), MttxGroup),
  byService: Type.Record(Type.String(), MttxGroup),
  byTeam: Type.Record(Type.String(), MttxGroup),
  pages: Type.Object(
    {
      definition: Type.String(),
      overall: DurationStats,
      byPolicy: Type.Record(Type.String(), DurationStats),
    },
    {
      description:
        'MTTA of alerting: page started → first acknowledgement, for every page started in the period ' +
        '(not narrowed by service, team or severity); pages never acknowledged count as missing',
    },
  ),
});
export type MttxReport = Type.Static<typeof MttxReport>;
