/**
 * Survey rows on SQLite and PostgreSQL. No authorisation or audit here; service.ts does both, in
 * the same transaction as the write.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { SurveyInvitationsTable, SurveyRoundsTable, SurveysTable } from '../../db/tables/surveys.js';

export type Audience = { kind: 'all' } | { kind: 'teams'; teams: string[] };

export interface StoredSurvey {
  id: string;
  seq: number;
  name: string;
  title: string;
  questions: { nps: boolean; csat: boolean; comment: boolean };
  capabilities: string[];
  audience: Audience;
  scheduleWeeks: number | null;
  responseDays: number;
  nextRoundAt: number | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface StoredRound {
  id: string;
  surveyId: string;
  number: number;
  startedAt: number;
  closesAt: number;
  startedBy: string;
  invited: number;
  mailed: number;
}

export interface StoredInvitation {
  id: string;
  roundId: string;
  surveyId: string;
  userName: string;
  email: string | null;
  team: string | null;
  expiresAt: number;
  answeredAt: number | null;
}

const nullableNumber = (v: number | string | null) => (v === null ? null : Number(v));

export const surveyFromRow = (r: Selectable<SurveysTable>): StoredSurvey => ({
  id: r.id,
  seq: Number(r.seq),
  name: r.name,
  title: r.title,
  questions: JSON.parse(r.questions) as StoredSurvey['questions'],
  capabilities: JSON.parse(r.capabilities) as string[],
  audience: JSON.parse(r.audience) as Audience,
  scheduleWeeks: nullableNumber(r.schedule_weeks),
  responseDays: Number(r.response_days),
  nextRoundAt: nullableNumber(r.next_round_at),
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

export const roundFromRow = (r: Selectable<SurveyRoundsTable>): StoredRound => ({
  id: r.id,
  surveyId: r.survey_id,
  number: Number(r.number),
  startedAt: Number(r.started_at),
  closesAt: Number(r.closes_at),
  startedBy: r.started_by,
  invited: Number(r.invited),
  mailed: Number(r.mailed),
});

const invitationFromRow = (r: Selectable<SurveyInvitationsTable>): StoredInvitation => ({
  id: r.id,
  roundId: r.round_id,
  surveyId: r.survey_id,
  userName: r.user_name,
  email: r.email,
  team: r.team,
  expiresAt: Number(r.expires_at),
  answeredAt: nullableNumber(r.answered_at),
});

/** By id (SRV-<n>) or by name. */
export async function findSurvey(db: Kysely<Database>, idOrName: string): Promise<StoredSurvey | undefined> {
  const row = await db
    .selectFrom('surveys')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .executeTakeFirst();
  return row && surveyFromRow(row);
}

export async function nextSurveySeq(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('surveys')
    .select((eb) => eb.fn.max<number | string | null>('seq').as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
}

export async function insertSurvey(db: Kysely<Database>, s: StoredSurvey): Promise<void> {
  await db
    .insertInto('surveys')
    .values({
      id: s.id,
      seq: s.seq,
      name: s.name,
      title: s.title,
      questions: JSON.stringify(s.questions),
      capabilities: JSON.stringify(s.capabilities),
      audience: JSON.stringify(s.audience),
      schedule_weeks: s.scheduleWeeks,
      response_days: s.responseDays,
      next_round_at: s.nextRoundAt,
      created_by: s.createdBy,
      created_at: s.createdAt,
      updated_at: s.updatedAt,
    })
    .execute();
}

export async function loadSurveys(
  db: Kysely<Database>,
  filter: { scheduled?: boolean; limit: number },
): Promise<StoredSurvey[]> {
  let q = db.selectFrom('surveys').selectAll().orderBy('seq', 'desc').limit(filter.limit);
  if (filter.scheduled === true) q = q.where('schedule_weeks', 'is not', null);
  if (filter.scheduled === false) q = q.where('schedule_weeks', 'is', null);
  return (await q.execute()).map(surveyFromRow);
}

/** Scheduled surveys whose next round is due. */
export async function dueSurveys(db: Kysely<Database>, now: number): Promise<StoredSurvey[]> {
  const rows = await db
    .selectFrom('surveys')
    .selectAll()
    .where('schedule_weeks', 'is not', null)
    .where('next_round_at', '<=', now)
    .orderBy('next_round_at')
    .execute();
  return rows.map(surveyFromRow);
}

/**
 * Moves a survey's next round from `from` to `to`; false when another process moved it first
 * (so exactly one of them sends the round).
 */
export async function moveNextRound(
  db: Kysely<Database>,
  surveyId: string,
  from: number | null,
  to: number | null,
  now: number,
): Promise<boolean> {
  let q = db.updateTable('surveys').set({ next_round_at: to, updated_at: now }).where('id', '=', surveyId);
  q = from === null ? q.where('next_round_at', 'is', null) : q.where('next_round_at', '=', from);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function roundsOf(db: Kysely<Database>, surveyIds: readonly string[]): Promise<StoredRound[]> {
  if (surveyIds.length === 0) return [];
  const rows = await db
    .selectFrom('survey_rounds')
    .selectAll()
    .where('survey_id', 'in', surveyIds)
    .orderBy('survey_id')
    .orderBy('number')
    .execute();
  return rows.map(roundFromRow);
}

/** Answered invitations per round. */
export async function respondedPerRound(
  db: Kysely<Database>,
  roundIds: readonly string[],
): Promise<Map<string, number>> {
  if (roundIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('survey_invitations')
    .select(['round_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('round_id', 'in', roundIds)
    .where('answered_at', 'is not', null)
    .groupBy('round_id')
    .execute();
  return new Map(rows.map((r) => [r.round_id, Number(r.n)]));
}

export async function nextRoundNumber(db: Kysely<Database>, surveyId: string): Promise<number> {
  const row = await db
    .selectFrom('survey_rounds')
    .select((eb) => eb.fn.max<number | string | null>('number').as('n'))
    .where('survey_id', '=', surveyId)
    .executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
}

export async function insertRound(db: Kysely<Database>, r: StoredRound): Promise<void> {
  await db
    .insertInto('survey_rounds')
    .values({
      id: r.id,
      survey_id: r.surveyId,
      number: r.number,
      started_at: r.startedAt,
      closes_at: r.closesAt,
      started_by: r.startedBy,
      invited: r.invited,
      mailed: r.mailed,
    })
    .execute();
}

export async function insertInvitations(
  db: Kysely<Database>,
  invitations: readonly StoredInvitation[],
  now: number,
): Promise<void> {
  // Chunks keep SQLite under its bound-parameter limit.
  for (let i = 0; i < invitations.length; i += 200) {
    await db
      .insertInto('survey_invitations')
      .values(
        invitations.slice(i, i + 200).map((v) => ({
          id: v.id,
          round_id: v.roundId,
          survey_id: v.surveyId,
          user_name: v.userName,
          email: v.email,
          team: v.team,
          expires_at: v.expiresAt,
          answered_at: v.answeredAt,
          created_at: now,
        })),
      )
      .execute();
  }
}

export async function findInvitation(
  db: Kysely<Database>,
  id: string,
): Promise<StoredInvitation | undefined> {
  const row = await db.selectFrom('survey_invitations').selectAll().where('id', '=', id).executeTakeFirst();
  return row && invitationFromRow(row);
}

/** The open invitations of a person (round not closed), newest first. */
export async function openInvitationsOf(
  db: Kysely<Database>,
  userName: string,
  now: number,
  surveyId?: string,
): Promise<StoredInvitation[]> {
  let q = db
    .selectFrom('survey_invitations')
    .selectAll()
    .where('user_name', '=', userName)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(100);
  if (surveyId !== undefined) q = q.where('survey_id', '=', surveyId);
  return (await q.execute()).map(invitationFromRow);
}

export interface ResponseRow {
  capability: string;
  nps: number | null;
  csat: number | null;
  comment: string | null;
  team: string | null;
}

/** Replaces an invitation's answers; true when it had answers before. */
export async function replaceResponses(
  db: Kysely<Database>,
  invitation: StoredInvitation,
  rows: readonly ResponseRow[],
  ids: () => string,
  now: number,
): Promise<boolean> {
  const removed = await db
    .deleteFrom('survey_responses')
    .where('invitation_id', '=', invitation.id)
    .executeTakeFirst();
  await db
    .insertInto('survey_responses')
    .values(
      rows.map((r) => ({
        id: ids(),
        survey_id: invitation.surveyId,
        round_id: invitation.roundId,
        invitation_id: invitation.id,
        capability: r.capability,
        nps: r.nps,
        csat: r.csat,
        comment: r.comment,
        team: r.team,
        at: now,
      })),
    )
    .execute();
  await db
    .updateTable('survey_invitations')
    .set({ answered_at: now })
    .where('id', '=', invitation.id)
    .execute();
  return Number(removed.numDeletedRows) > 0;
}

/** The answers of some rounds: what results need, without invitation or person. */
export async function responsesOf(
  db: Kysely<Database>,
  roundIds: readonly string[],
  capability?: string,
): Promise<(ResponseRow & { roundId: string })[]> {
  if (roundIds.length === 0) return [];
  let q = db
    .selectFrom('survey_responses')
    .select(['round_id', 'capability', 'nps', 'csat', 'comment', 'team'])
    .where('round_id', 'in', roundIds);
  if (capability !== undefined) q = q.where('capability', '=', capability);
  const rows = await q.execute();
  return rows.map((r) => ({
    roundId: r.round_id,
    capability: r.capability,
    nps: nullableNumber(r.nps),
    csat: nullableNumber(r.csat),
    comment: r.comment,
    team: r.team,
  }));
}

export interface Invitee {
  userName: string;
  email: string | null;
  team: string | null;
}

/**
 * The people a survey goes to, each once: every member of the audience teams (their team: the
 * first of those teams by name), or every user (their team: the first of their teams by name,
 * null for none).
 */
export async function audienceOf(db: Kysely<Database>, audience: Audience): Promise<Invitee[]> {
  let q = db
    .selectFrom('users')
    .leftJoin('team_members', 'team_members.user_id', 'users.id')
    .leftJoin('teams', 'teams.id', 'team_members.team_id')
    .select([
      'users.namespace',
      'users.name',
      'users.email',
      'teams.name as team',
      'teams.namespace as teamNs',
    ]);
  if (audience.kind === 'teams')
    q = q.where('teams.namespace', '=', 'default').where('teams.name', 'in', audience.teams);
  const rows = await q.execute();
  const out = new Map<string, Invitee>();
  for (const r of rows) {
    const userName = r.namespace === 'default' ? r.name : `${r.namespace}/${r.name}`;
    const team = r.team === null ? null : r.teamNs === 'default' ? r.team : `${r.teamNs}/${r.team}`;
    const seen = out.get(userName);
    if (!seen) out.set(userName, { userName, email: r.email, team });
    else if (team !== null && (seen.team === null || team < seen.team)) seen.team = team;
  }
  return [...out.values()].sort((a, b) => (a.userName < b.userName ? -1 : 1));
}

export async function existingTeams(db: Kysely<Database>, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await db
    .selectFrom('teams')
    .select('name')
    .where('namespace', '=', 'default')
    .where('name', 'in', names)
    .execute();
  return new Set(rows.map((r) => r.name));
}
