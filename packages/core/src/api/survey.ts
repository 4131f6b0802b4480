/**
 * Surveys (NPS and CSAT about platform capabilities), their rounds, answers and results, and the
 * platform-as-a-product adoption panel, as the API shows them. The maths lives in
 * core/discovery/satisfaction.ts; times here are RFC 3339 strings.
 */
import Type from 'typebox';
import { PLATFORM_CAPABILITIES } from '../discovery/capabilities.js';
import { Rfc1123Name, Timestamp } from './common.js';

const Nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Capability = Type.Union(
  PLATFORM_CAPABILITIES.map((c) => Type.Literal(c)),
  { description: `A platform capability: ${PLATFORM_CAPABILITIES.join(', ')}` },
);

export const SurveyQuestions = Type.Object(
  {
    nps: Type.Boolean({
      description: 'Ask "How likely are you to recommend <capability> to a colleague?" (0–10)',
    }),
    csat: Type.Boolean({ description: 'Ask "How satisfied are you with <capability>?" (1–5)' }),
    comment: Type.Optional(Type.Boolean({ description: 'Offer an optional comment (default true)' })),
  },
  { additionalProperties: false },
);

export const SurveyAudience = Type.Union([
  Type.Object({ kind: Type.Literal('all') }, { additionalProperties: false, description: 'Every user' }),
  Type.Object(
    {
      kind: Type.Literal('teams'),
      teams: Type.Array(Rfc1123Name, { minItems: 1, maxItems: 200, uniqueItems: true }),
    },
    { additionalProperties: false, description: 'Every member of these teams' },
  ),
]);

export const CreateSurveyRequest = Type.Object(
  {
    name: Rfc1123Name,
    title: Type.String({ minLength: 1, maxLength: 200 }),
    questions: SurveyQuestions,
    capabilities: Type.Array(Capability, { minItems: 1, maxItems: 20, uniqueItems: true }),
    audience: SurveyAudience,
    scheduleWeeks: Type.Optional(
      Nullable(
        Type.Integer({
          minimum: 1,
          maximum: 52,
          description:
            'Send a round every N weeks (the first one N weeks after creation); null: by hand only',
        }),
      ),
    ),
    responseDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 90,
        description: 'How long a round’s links and invitations stay open (default 14 days)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreateSurveyRequest = Type.Static<typeof CreateSurveyRequest>;

export const SurveyRound = Type.Object({
  number: Type.Integer({ description: 'Round 1, 2, … of the survey' }),
  startedAt: Timestamp,
  closesAt: Timestamp,
  startedBy: Type.String({ description: 'A user name, or `schedule`' }),
  invited: Type.Integer(),
  mailed: Type.Integer({ description: 'Invitations e-mailed (people without an address answer in the UI)' }),
  responded: Type.Integer({ description: 'Invitations answered' }),
  responseRate: Nullable(Type.Number({ description: 'responded ÷ invited, in % (one decimal)' })),
});
export type SurveyRound = Type.Static<typeof SurveyRound>;

export const Survey = Type.Object({
  id: Type.String({ description: 'SRV-<n>' }),
  name: Type.String(),
  title: Type.String(),
  questions: Type.Object({ nps: Type.Boolean(), csat: Type.Boolean(), comment: Type.Boolean() }),
  capabilities: Type.Array(Type.String()),
  audience: SurveyAudience,
  scheduleWeeks: Nullable(Type.Integer()),
  responseDays: Type.Integer(),
  nextRoundAt: Nullable(Timestamp),
  createdBy: Type.String(),
  createdAt: Timestamp,
  rounds: Type.Integer(),
  lastRound: Nullable(SurveyRound),
  responseRate: Nullable(
    Type.Number({ description: 'Answered ÷ invited over all rounds, in % (one decimal)' }),
  ),
});
export type Survey = Type.Static<typeof Survey>;

export const SurveyListQuery = Type.Object({
  capability: Type.Optional(Capability),
  scheduled: Type.Optional(
    Type.Boolean({ description: 'true: only surveys on a schedule; false: only by hand' }),
  ),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
});
export type SurveyListQuery = Type.Static<typeof SurveyListQuery>;

export const SendSurveyResult = Type.Object({
  survey: Type.String(),
  round: SurveyRound,
  withoutEmail: Type.Array(Type.String(), {
    description: 'Invited people with no e-mail address: they answer in the UI (GET /surveys/pending)',
  }),
});
export type SendSurveyResult = Type.Static<typeof SendSurveyResult>;

export const SurveyAnswer = Type.Object(
  {
    capability: Capability,
    nps: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 10 }))),
    csat: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 5 }))),
    comment: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  },
  { additionalProperties: false },
);
export type SurveyAnswer = Type.Static<typeof SurveyAnswer>;

export const SurveyResponseRequest = Type.Object(
  { answers: Type.Array(SurveyAnswer, { minItems: 1, maxItems: 20 }) },
  {
    additionalProperties: false,
    description:
      'One answer per capability of the survey; a second response in the same round replaces the first',
  },
);
export type SurveyResponseRequest = Type.Static<typeof SurveyResponseRequest>;

export const SurveyResponseReceipt = Type.Object({
  survey: Type.String(),
  round: Type.Integer(),
  answers: Type.Integer({ description: 'Capabilities answered' }),
  replaced: Type.Boolean({ description: 'true: this replaced an earlier answer in the same round' }),
});
export type SurveyResponseReceipt = Type.Static<typeof SurveyResponseReceipt>;

export const PendingSurvey = Type.Object({
  survey: Type.String(),
  name: Type.String(),
  title: Type.String(),
  round: Type.Integer(),
  closesAt: Timestamp,
  questions: Type.Object({ nps: Type.Boolean(), csat: Type.Boolean(), comment: Type.Boolean() }),
  capabilities: Type.Array(Type.Object({ name: Type.String(), title: Type.String() })),
  answered: Type.Boolean({
    description: 'Answered already; answering again replaces it until the round closes',
  }),
});
export type PendingSurvey = Type.Static<typeof PendingSurvey>;

const Nps = Type.Object({
  answers: Type.Integer(),
  promoters: Type.Integer(),
  passives: Type.Integer(),
  detractors: Type.Integer(),
  score: Nullable(Type.Number({ description: '−100 … +100, one decimal; null when hidden or no answers' })),
});
const Csat = Type.Object({
  answers: Type.Integer(),
  satisfied: Type.Integer({ description: 'Answers of 4 or 5' }),
  score: Nullable(Type.Number({ description: '% satisfied, one decimal' })),
  mean: Nullable(Type.Number({ description: 'Mean answer, two decimals' })),
});
const Scores = {
  respondents: Type.Integer(),
  shown: Type.Boolean({ description: 'false: fewer than 3 answers, scores withheld' }),
  nps: Nps,
  csat: Csat,
};

export const TeamResult = Type.Union([
  Type.Object({ team: Type.String(), withheld: Type.Literal(false), ...Scores }),
  Type.Object({ team: Type.String(), withheld: Type.Literal(true), reason: Type.String() }),
]);

export const CapabilityResult = Type.Object({
  capability: Type.String(),
  title: Type.String(),
  ...Scores,
  comments: Type.Array(Type.String(), {
    description: 'In alphabetical order (not the order given), only for slices with scores shown',
  }),
  teams: Type.Array(TeamResult),
});

export const SurveyResults = Type.Object({
  survey: Type.String(),
  name: Type.String(),
  title: Type.String(),
  formulas: Type.Object({ nps: Type.String(), csat: Type.String(), anonymity: Type.String() }),
  rounds: Type.Array(Type.Object({ ...SurveyRound.properties, capabilities: Type.Array(CapabilityResult) })),
});
export type SurveyResults = Type.Static<typeof SurveyResults>;

export const SurveyResultsQuery = Type.Object({
  round: Type.Optional(Type.Integer({ minimum: 1, description: 'Only this round' })),
  capability: Type.Optional(Capability),
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 200, default: 20, description: 'The newest rounds, at most' }),
  ),
});
export type SurveyResultsQuery = Type.Static<typeof SurveyResultsQuery>;

const Coverage = Type.Object({ adopted: Type.Integer(), total: Type.Integer() });

export const CapabilityAdoption = Type.Object({
  capability: Type.String(),
  title: Type.String(),
  measure: Type.String({ description: 'What counts as adopting it' }),
  available: Type.Boolean({ description: 'false: Headroom has no data for it here (the reason is in note)' }),
  note: Nullable(Type.String()),
  services: Nullable(Coverage),
  teams: Coverage,
});

export const SatisfactionPoint = Type.Object({
  survey: Type.String(),
  round: Type.Integer(),
  startedAt: Timestamp,
  capability: Type.String(),
  respondents: Type.Integer(),
  nps: Nullable(Type.Number()),
  csat: Nullable(Type.Number()),
});

export const PlatformAdoption = Type.Object({
  generatedAt: Timestamp,
  teams: Type.Integer(),
  services: Type.Integer(),
  capabilities: Type.Array(CapabilityAdoption),
  satisfaction: Type.Object({
    formulas: Type.Object({ nps: Type.String(), csat: Type.String() }),
    trend: Type.Array(SatisfactionPoint, {
      description: 'Per round and capability, oldest first; scores null below 3 answers',
    }),
  }),
  feedback: Type.Object({
    open: Type.Integer({ description: 'Items not done, declined or duplicate' }),
    byStatus: Type.Record(Type.String(), Type.Integer()),
  }),
  interviews: Type.Object({
    since: Timestamp,
    count: Type.Integer(),
    teams: Type.Integer({ description: 'Distinct teams heard from' }),
  }),
});
export type PlatformAdoption = Type.Static<typeof PlatformAdoption>;

export const PlatformAdoptionQuery = Type.Object({
  rounds: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 200, default: 24, description: 'Newest survey rounds in the trend' }),
  ),
  interviewWeeks: Type.Optional(Type.Integer({ minimum: 1, maximum: 52, default: 4 })),
});
export type PlatformAdoptionQuery = Type.Static<typeof PlatformAdoptionQuery>;
