/**
 * The opportunity-solution tree (outcomes, opportunities, solutions, assumption tests), the
 * evidence beside each opportunity and the RICE backlog, as the API shows them. The kinds
 * (config/headroom/discovery.ts) and the maths (discovery/rice.ts, evidence.ts) live in core.
 */
import Type from 'typebox';
import { Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = (options: Type.TStringOptions = {}) => Type.String({ minLength: 1, ...options });

export const DiscoveryName = Type.String({
  pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$',
  maxLength: 63,
  description:
    'The object’s name and id: lower-case letters, digits and inner hyphens, at most 63 characters',
});
const ServiceName = Type.String({ pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$', maxLength: 63 });
const Title = Text({ maxLength: 200 });
const LongText = Type.String({ maxLength: 10_000 });
const FeedbackId = Type.String({ pattern: '^FB-[1-9][0-9]{0,11}$', description: 'FB-<n>' });
const InterviewId = Type.String({ pattern: '^INT-[1-9][0-9]{0,11}$', description: 'INT-<n>' });
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 }));
const ManagedBy = Type.Union([Type.Literal('apply'), Type.Literal('api')], {
  description:
    'apply: declared in config as code (the next apply overwrites API edits); api: made through the API',
});

// ---- outcomes

export const OutcomeMeasureName = Type.Union(
  [
    Type.Literal('offHoursPagesPerOnCallWeek'),
    Type.Literal('pagesPerOnCallWeek'),
    Type.Literal('incidentsPerMonth'),
    Type.Literal('sev1Sev2IncidentsPerMonth'),
  ],
  {
    description:
      'A measure Headroom computes: offHoursPagesPerOnCallWeek = pages started outside working hours in the last ' +
      '28 days ÷ 4; pagesPerOnCallWeek = pages in the last 28 days ÷ 4; incidentsPerMonth = incidents declared in ' +
      'the last 90 days ÷ 3 (cancelled and merged ones left out); sev1Sev2IncidentsPerMonth = the same for SEV1 and SEV2',
  },
);

export const OutcomeMetric = Type.Object(
  {
    description: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
    target: Type.Optional(
      Nullable(
        Type.String({
          maxLength: 500,
          description:
            'e.g. "pages outside working hours per on-call week ≤ 2"; a comparison at the end is checked against the measure',
        }),
      ),
    ),
    measure: Type.Optional(Nullable(OutcomeMeasureName)),
    services: Type.Optional(
      Type.Array(ServiceName, { maxItems: 500, description: 'Measure these services only; empty = all' }),
    ),
  },
  { additionalProperties: false },
);
export type OutcomeMetricInput = Type.Static<typeof OutcomeMetric>;

export const MeasureValue = Type.Object({
  measure: OutcomeMeasureName,
  description: Type.String(),
  value: Type.Number(),
  met: Nullable(
    Type.Boolean({ description: 'The value against the target’s comparison; null when the target has none' }),
  ),
  at: Timestamp,
});
export type MeasureValue = Type.Static<typeof MeasureValue>;

export const Outcome = Type.Object({
  name: Type.String(),
  title: Type.String(),
  description: Nullable(Type.String()),
  metric: Type.Object({
    description: Nullable(Type.String()),
    target: Nullable(Type.String()),
    measure: Nullable(OutcomeMeasureName),
    services: Type.Array(Type.String()),
  }),
  current: Nullable(MeasureValue),
  managedBy: ManagedBy,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Outcome = Type.Static<typeof Outcome>;

export const OutcomeCreate = Type.Object(
  {
    name: DiscoveryName,
    title: Title,
    description: Type.Optional(Nullable(LongText)),
    metric: Type.Optional(OutcomeMetric),
  },
  { additionalProperties: false },
);
export type OutcomeCreate = Type.Static<typeof OutcomeCreate>;

export const OutcomeUpdate = Type.Object(
  {
    title: Type.Optional(Title),
    description: Type.Optional(Nullable(LongText)),
    metric: Type.Optional(OutcomeMetric),
  },
  {
    additionalProperties: false,
    description: 'Only the fields given change; metric fields given replace theirs',
  },
);
export type OutcomeUpdate = Type.Static<typeof OutcomeUpdate>;

export const OutcomeList = Type.Object({ items: Type.Array(Outcome) });
export const OutcomeListQuery = Type.Object({ limit: Limit });

// ---- opportunities

export const Opportunity = Type.Object({
  name: Type.String(),
  outcome: Type.String(),
  parent: Nullable(Type.String({ description: 'The parent opportunity of a sub-opportunity' })),
  title: Type.String(),
  description: Nullable(Type.String()),
  services: Type.Array(Type.String()),
  feedback: Type.Array(Type.String(), { description: 'Linked feedback items (FB-<n>)' }),
  interviews: Type.Array(Type.String(), {
    description: 'Linked interviews (INT-<n>): linked here, or linked to this opportunity from the interview',
  }),
  managedBy: ManagedBy,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Opportunity = Type.Static<typeof Opportunity>;

export const OpportunityCreate = Type.Object(
  {
    name: DiscoveryName,
    outcome: DiscoveryName,
    parent: Type.Optional(Nullable(DiscoveryName)),
    title: Title,
    description: Type.Optional(Nullable(LongText)),
    services: Type.Optional(Type.Array(ServiceName, { maxItems: 500 })),
    feedback: Type.Optional(Type.Array(FeedbackId, { maxItems: 500 })),
    interviews: Type.Optional(Type.Array(InterviewId, { maxItems: 500 })),
  },
  { additionalProperties: false },
);
export type OpportunityCreate = Type.Static<typeof OpportunityCreate>;

export const OpportunityUpdate = Type.Object(
  {
    outcome: Type.Optional(DiscoveryName),
    parent: Type.Optional(Nullable(DiscoveryName)),
    title: Type.Optional(Title),
    description: Type.Optional(Nullable(LongText)),
    services: Type.Optional(Type.Array(ServiceName, { maxItems: 500 })),
  },
  {
    additionalProperties: false,
    description:
      'Only the fields given change. Moving an opportunity moves its sub-opportunities to the same outcome.',
  },
);
export type OpportunityUpdate = Type.Static<typeof OpportunityUpdate>;

export const OpportunityList = Type.Object({ items: Type.Array(Opportunity) });
export const OpportunityListQuery = Type.Object({
  outcome: Type.Optional(DiscoveryName),
  parent: Type.Optional(DiscoveryName),
  service: Type.Optional(ServiceName),
  linked: Type.Optional(
    Type.Union([FeedbackId, InterviewId], {
      description: 'Only opportunities linked to this feedback item (FB-<n>) or interview (INT-<n>)',
    }),
  ),
  limit: Limit,
});
export type OpportunityListQuery = Type.Static<typeof OpportunityListQuery>;

export const OpportunityLinkRequest = Type.Object(
  {
    id: Type.Union([FeedbackId, InterviewId], {
      description: 'A feedback item (FB-<n>) or an interview (INT-<n>)',
    }),
  },
  { additionalProperties: false },
);
export type OpportunityLinkRequest = Type.Static<typeof OpportunityLinkRequest>;

// ---- solutions and RICE

export const RiceInput = Type.Object(
  {
    reach: Type.Optional(
      Nullable(
        Type.Number({
          minimum: 0,
          description: 'Overrides the evidence’s teams affected; needs reachReason',
        }),
      ),
    ),
    reachReason: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
    impact: Type.Number({ description: '3 massive, 2 high, 1 medium, 0.5 low, 0.25 minimal (Intercom)' }),
    confidence: Type.Integer({ description: '100 high, 80 medium, 50 low (per cent)' }),
    effort: Type.Number({ exclusiveMinimum: 0, description: 'Person-months' }),
  },
  { additionalProperties: false },
);
export type RiceInput = Type.Static<typeof RiceInput>;

export const Rice = Type.Object({
  reach: Nullable(Type.Number({ description: 'The override; null = from the evidence' })),
  reachReason: Nullable(Type.String()),
  impact: Type.Number(),
  confidence: Type.Number(),
  effort: Type.Number(),
});

export const RiceScore = Type.Object({
  reach: Type.Number({ description: 'The reach used' }),
  reachSource: Type.Union([Type.Literal('evidence'), Type.Literal('override')]),
  reachReason: Type.String({ description: 'The override’s reason, or what the evidence counted' }),
  impact: Type.Number(),
  confidence: Type.Number(),
  effort: Type.Number(),
  score: Type.Number({ description: 'reach × impact × confidence/100 ÷ effort' }),
});
export type RiceScore = Type.Static<typeof RiceScore>;

export const SolutionStatus = Type.Union(
  [Type.Literal('idea'), Type.Literal('building'), Type.Literal('shipped'), Type.Literal('dropped')],
  { description: 'idea → building → shipped, or dropped' },
);

export const Solution = Type.Object({
  name: Type.String(),
  opportunity: Type.String(),
  title: Type.String(),
  description: Nullable(Type.String()),
  status: SolutionStatus,
  rice: Nullable(Rice),
  managedBy: ManagedBy,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Solution = Type.Static<typeof Solution>;

export const SolutionCreate = Type.Object(
  {
    name: DiscoveryName,
    opportunity: DiscoveryName,
    title: Title,
    description: Type.Optional(Nullable(LongText)),
    status: Type.Optional(SolutionStatus),
    rice: Type.Optional(Nullable(RiceInput)),
  },
  { additionalProperties: false },
);
export type SolutionCreate = Type.Static<typeof SolutionCreate>;

export const SolutionUpdate = Type.Object(
  {
    opportunity: Type.Optional(DiscoveryName),
    title: Type.Optional(Title),
    description: Type.Optional(Nullable(LongText)),
    status: Type.Optional(SolutionStatus),
    rice: Type.Optional(Nullable(RiceInput)),
  },
  {
    additionalProperties: false,
    description: 'Only the fields given change; rice replaces all RICE inputs (null unscores)',
  },
);
export type SolutionUpdate = Type.Static<typeof SolutionUpdate>;

export const SolutionList = Type.Object({ items: Type.Array(Solution) });
export const SolutionListQuery = Type.Object({
  opportunity: Type.Optional(DiscoveryName),
  status: Type.Optional(SolutionStatus),
  limit: Limit,
});
export type SolutionListQuery = Type.Static<typeof SolutionListQuery>;

// ---- assumption tests

const AssumptionKind = Type.Union([
  Type.Literal('desirability'),
  Type.Literal('viability'),
  Type.Literal('feasibility'),
  Type.Literal('usability'),
]);
const AssumptionStatus = Type.Union([
  Type.Literal('planned'),
  Type.Literal('running'),
  Type.Literal('passed'),
  Type.Literal('failed'),
]);

export const AssumptionTest = Type.Object({
  name: Type.String(),
  solution: Type.String(),
  assumption: Type.String(),
  kind: AssumptionKind,
  method: Nullable(Type.String()),
  successCriterion: Nullable(Type.String()),
  status: AssumptionStatus,
  result: Nullable(Type.String()),
  managedBy: ManagedBy,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type AssumptionTest = Type.Static<typeof AssumptionTest>;

export const AssumptionTestCreate = Type.Object(
  {
    name: DiscoveryName,
    solution: DiscoveryName,
    assumption: Text({ maxLength: 1000 }),
    kind: AssumptionKind,
    method: Type.Optional(Nullable(LongText)),
    successCriterion: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
    status: Type.Optional(AssumptionStatus),
    result: Type.Optional(Nullable(LongText)),
  },
  { additionalProperties: false },
);
export type AssumptionTestCreate = Type.Static<typeof AssumptionTestCreate>;

export const AssumptionTestUpdate = Type.Object(
  {
    solution: Type.Optional(DiscoveryName),
    assumption: Type.Optional(Text({ maxLength: 1000 })),
    kind: Type.Optional(AssumptionKind),
    method: Type.Optional(Nullable(LongText)),
    successCriterion: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
    status: Type.Optional(AssumptionStatus),
    result: Type.Optional(Nullable(LongText)),
  },
  { additionalProperties: false },
);
export type AssumptionTestUpdate = Type.Static<typeof AssumptionTestUpdate>;

export const AssumptionTestList = Type.Object({ items: Type.Array(AssumptionTest) });
export const AssumptionTestListQuery = Type.Object({
  solution: Type.Optional(DiscoveryName),
  status: Type.Optional(AssumptionStatus),
  kind: Type.Optional(AssumptionKind),
  limit: Limit,
});
export type AssumptionTestListQuery = Type.Static<typeof AssumptionTestListQuery>;

// ---- evidence

const IncidentCounts = Type.Object({
  total: Type.Integer(),
  bySeverity: Type.Record(Type.String(), Type.Integer(), { description: 'SEV1 … SEV4' }),
});
const PageCounts = Type.Object({
  total: Type.Integer(),
  outsideWorkingHours: Type.Integer(),
});

export const Evidence = Type.Object({
  opportunity: Type.String(),
  at: Timestamp,
  services: Type.Array(Type.String(), {
    description: 'The services concerned: the opportunity’s own ∪ those of its linked feedback items',
  }),
  incidents: Type.Object(
    {
      last30Days: IncidentCounts,
      last90Days: IncidentCounts,
      ids: Type.Array(Type.String(), { description: 'Incidents of the last 90 days, newest first' }),
    },
    { description: 'Incidents declared for any of the services; cancelled and merged ones are left out' },
  ),
  incidentBudgetConsumed: Type.Object(
    {
      objectives: Type.Array(
        Type.Object({
          service: Type.String(),
          slo: Type.String(),
          label: Type.String(),
          incidents: Type.Integer(),
          fourWeekShare: Type.Number({ description: 'Sum of the incidents’ shares of a four-week budget' }),
        }),
      ),
      worstFourWeekShare: Nullable(Type.Number()),
      incidentsComputed: Type.Integer({
        description: 'Incidents whose impact was computed (the newest, at most 100)',
      }),
    },
    {
      description:
        'Error budget consumed by the incidents of the last 90 days, from each incident’s impact (GET ' +
        '/incidents/{id}/impact: its bad units ÷ a four-week budget), summed per SLO objective of the services',
    },
  ),
  pages: Type.Object(
    {
      last30Days: PageCounts,
      last90Days: PageCounts,
      workingHours: Type.String({ description: 'HEADROOM_WORKING_HOURS' }),
      defaultTimeZone: Type.String({
        description:
          'HEADROOM_WORKING_HOURS_TZ: the zone of a page whose first notification reached no schedule; ' +
          'otherwise the schedule’s own time zone is used',
      }),
    },
    { description: 'Pages (escalations started) for alert groups of the services' },
  ),
  teamsAffected: Type.Object({
    count: Type.Integer({ description: 'RICE reach when not overridden' }),
    teams: Type.Array(Type.String()),
    fromFeedback: Type.Array(Type.String(), {
      description: 'Teams of the linked feedback and of its authors',
    }),
    fromServiceOwners: Type.Array(Type.String()),
  }),
  feedback: Type.Object({
    items: Type.Integer(),
    ids: Type.Array(Type.String()),
    votes: Type.Integer(),
    meanPain: Nullable(Type.Number({ description: 'Mean of the votes’ pain (1–5) where given' })),
  }),
  interviews: Type.Object({ count: Type.Integer(), ids: Type.Array(Type.String()) }),
});
export type Evidence = Type.Static<typeof Evidence>;

// ---- tree and backlog

export const TreeSolution = Type.Object({
  ...Solution.properties,
  score: Nullable(RiceScore),
  assumptionTests: Type.Array(AssumptionTest),
});
export type TreeSolution = Type.Static<typeof TreeSolution>;

export const TreeOpportunity = Type.Object({
  ...Opportunity.properties,
  evidence: Evidence,
  solutions: Type.Array(TreeSolution, { description: 'Highest RICE score first' }),
  children: Type.Array(Type.Unknown(), { description: 'Sub-opportunities, each of this same shape' }),
});
export type TreeOpportunity = Omit<Type.Static<typeof TreeOpportunity>, 'children'> & {
  children: TreeOpportunity[];
};

export const TreeOutcome = Type.Object({
  ...Outcome.properties,
  opportunities: Type.Array(TreeOpportunity, {
    description: 'Top-level opportunities; sub-opportunities under children',
  }),
});
export type TreeOutcome = Omit<Type.Static<typeof TreeOutcome>, 'opportunities'> & {
  opportunities: TreeOpportunity[];
};

export const Tree = Type.Object({ outcomes: Type.Array(TreeOutcome) });
export type Tree = { outcomes: TreeOutcome[] };
export const TreeQuery = Type.Object({ outcome: Type.Optional(DiscoveryName) });

export const BacklogItem = Type.Object({
  rank: Type.Integer({ description: '1 = highest score; unscored solutions come last' }),
  solution: Type.String(),
  title: Type.String(),
  status: SolutionStatus,
  opportunity: Type.String(),
  opportunityTitle: Type.String(),
  outcome: Type.String(),
  outcomeTitle: Type.String(),
  score: Nullable(RiceScore),
});
export type BacklogItem = Type.Static<typeof BacklogItem>;

export const Backlog = Type.Object({ items: Type.Array(BacklogItem), at: Timestamp });
export type Backlog = Type.Static<typeof Backlog>;
export const BacklogQuery = Type.Object({
  outcome: Type.Optional(DiscoveryName),
  status: Type.Optional(
    Type.String({
      pattern: '^[a-z,]+$',
      maxLength: 100,
      description: 'Comma-separated statuses, e.g. idea,building',
    }),
  ),
  limit: Limit,
});
export type BacklogQuery = Type.Static<typeof BacklogQuery>;
