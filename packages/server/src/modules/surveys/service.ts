/**
 * Surveys: create, list, send a round (one invitation per person, e-mailed through the outbox
 * with a signed link), and record answers from the UI or the link. A second answer in the same
 * round replaces the first (people correct slips; the round's count stays one per person).
 * Every change is audited in its transaction; answers are audited without the person, so the
 * audit log cannot tell who answered either.
 */
import type {
  CreateSurveyRequest,
  PendingSurvey,
  SendSurveyResult,
  Survey,
  SurveyAnswer,
  SurveyListQuery,
  SurveyResponseReceipt,
  SurveyRound,
} from '@headroom/core/api/survey';
import { hasRole } from '@headroom/core/auth/policy';
import { CAPABILITY_TITLES, isPlatformCapability } from '@headroom/core/discovery/capabilities';
import {
  ConflictError,
  ForbiddenError,
  HeadroomError,
  InputError,
  NotFoundError,
} from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { isUniqueViolation, unlessDuplicate, withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { iso } from '../catalog/refs.js';
import { enqueueNotification } from '../notifications/index.js';
import { activeKeyId } from '../secrets/key-store.js';
import {
  audienceOf,
  existingTeams,
  findInvitation,
  findSurvey,
  insertInvitations,
  insertRound,
  insertSurvey,
  loadSurveys,
  moveNextRound,
  nextRoundNumber,
  nextSurveySeq,
  openInvitationsOf,
  type ResponseRow,
  replaceResponses,
  respondedPerRound,
  roundsOf,
  type StoredInvitation,
  type StoredRound,
  type StoredSurvey,
} from './repo.js';
import { signSurveyToken, surveyUrl } from './survey-token.js';

export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
export const DEFAULT_RESPONSE_DAYS = 14;

const field = (path: string, message: string, code = 'INVALID_INPUT') =>
  new InputError(`${path} ${message}`, [{ path, message }], code);

const rate = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);

export async function requireSurvey(db: Kysely<Database>, idOrName: string): Promise<StoredSurvey> {
  const s = await findSurvey(db, idOrName);
  if (!s) throw new NotFoundError('Survey', idOrName, 'SURVEY_NOT_FOUND');
  return s;
}

export function roundView(r: StoredRound, responded: number): SurveyRound {
  return {
    number: r.number,
    startedAt: iso(r.startedAt),
    closesAt: iso(r.closesAt),
    startedBy: r.startedBy,
    invited: r.invited,
    mailed: r.mailed,
    responded,
    responseRate: rate(responded, r.invited),
  };
}

async function views(db: Kysely<Database>, surveys: StoredSurvey[]): Promise<Survey[]> {
  const rounds = await roundsOf(
    db,
    surveys.map((s) => s.id),
  );
  const responded = await respondedPerRound(
    db,
    rounds.map((r) => r.id),
  );
  return surveys.map((s) => {
    const own = rounds.filter((r) => r.surveyId === s.id);
    const last = own.at(-1);
    const invited = own.reduce((n, r) => n + r.invited, 0);
    const answered = own.reduce((n, r) => n + (responded.get(r.id) ?? 0), 0);
    return {
      id: s.id,
      name: s.name,
      title: s.title,
      questions: s.questions,
      capabilities: s.capabilities,
      audience: s.audience,
      scheduleWeeks: s.scheduleWeeks,
      responseDays: s.responseDays,
      nextRoundAt: s.nextRoundAt === null ? null : iso(s.nextRoundAt),
      createdBy: s.createdBy,
      createdAt: iso(s.createdAt),
      rounds: own.length,
      lastRound: last ? roundView(last, responded.get(last.id) ?? 0) : null,
      responseRate: rate(answered, invited),
    };
  });
}

function requireEditor(ctx: AuditContext, what: string): void {
  if (!hasRole(ctx.actor, 'editor')) throw new ForbiddenError(`Viewers cannot ${what}.`);
}

export async function createSurvey(
  db: Kysely<Database>,
  ctx: AuditContext,
  body: CreateSurveyRequest,
  now = Date.now(),
): Promise<Survey> {
  requireEditor(ctx, 'create surveys');
  if (!body.questions.nps && !body.questions.csat)
    throw field('/questions', 'must ask NPS, CSAT or both.', 'SURVEY_WITHOUT_QUESTIONS');
  if (body.audience.kind === 'teams') {
    const known = await existingTeams(db, body.audience.teams);
    const missing = body.audience.teams.findIndex((t) => !known.has(t));
    if (missing >= 0)
      throw field(
        `/audience/teams/${missing}`,
        `'${body.audience.teams[missing]}' is not a catalog team.`,
        'UNKNOWN_TEAM',
      );
  }
  if (await findSurvey(db, body.name))
    throw new ConflictError(`A survey named '${body.name}' exists already.`, 'SURVEY_EXISTS');
  const weeks = body.scheduleWeeks ?? null;
  const draft: Omit<StoredSurvey, 'id' | 'seq'> = {
    name: body.name,
    title: body.title,
    questions: {
      nps: body.questions.nps,
      csat: body.questions.csat,
      comment: body.questions.comment ?? true,
    },
    capabilities: [...body.capabilities],
    audience:
      body.audience.kind === 'all' ? { kind: 'all' } : { kind: 'teams', teams: [...body.audience.teams] },
    scheduleWeeks: weeks,
    responseDays: body.responseDays ?? DEFAULT_RESPONSE_DAYS,
    nextRoundAt: weeks === null ? null : now + weeks * WEEK_MS,
    createdBy: ctx.actor.name,
    createdAt: now,
    updatedAt: now,
  };
  // A race for the next number is retried; a race for the name is the 409 above.
  for (let attempt = 0; ; attempt++) {
    try {
      const stored = await unlessDuplicate(
        withTransaction(db, async (trx) => {
          if (await findSurvey(trx, body.name))
            throw new ConflictError(`A survey named '${body.name}' exists already.`, 'SURVEY_EXISTS');
          const seq = await nextSurveySeq(trx);
          const s: StoredSurvey = { id: `SRV-${seq}`, seq, ...draft };
          await insertSurvey(trx, s);
          await recordAudit(trx, ctx, 'survey.create', 'survey', s.id, {
            name: s.name,
            capabilities: s.capabilities,
            audience: s.audience,
            scheduleWeeks: s.scheduleWeeks,
          });
          return s;
        }),
        () => new ConflictError('RETRY', 'RETRY'),
      );
      return (await views(db, [stored]))[0]!;
    } catch (e) {
      if (!(e instanceof ConflictError) || e.code !== 'RETRY') throw e;
      if (attempt >= 4 || (await findSurvey(db, body.name)))
        throw new ConflictError(`A survey named '${body.name}' exists already.`, 'SURVEY_EXISTS');
    }
  }
}

export async function listSurveys(db: Kysely<Database>, query: SurveyListQuery): Promise<Survey[]> {
  const limit = query.limit ?? 200;
  // The capability filter reads the JSON array; fetched whole so that the limit counts matches.
  const all = await loadSurveys(db, {
    ...(query.scheduled === undefined ? {} : { scheduled: query.scheduled }),
    limit: query.capability === undefined ? limit : 10_000,
  });
  const picked = (
    query.capability === undefined ? all : all.filter((s) => s.capabilities.includes(query.capability!))
  ).slice(0, limit);
  return views(db, picked);
}

export async function getSurvey(db: Kysely<Database>, idOrName: string): Promise<Survey> {
  return (await views(db, [await requireSurvey(db, idOrName)]))[0]!;
}

function invitationMail(survey: StoredSurvey, userName: string, url: string, closesAt: number) {
  const about = survey.capabilities.map((c) => CAPABILITY_TITLES[c as keyof typeof CAPABILITY_TITLES] ?? c);
  const asks = [
    survey.questions.nps && 'how likely you are to recommend it (0–10)',
    survey.questions.csat && 'how satisfied you are (1–5)',
  ]
    .filter(Boolean)
    .join(' and ');
  return {
    title: `${survey.title} — a short survey from the SRE team`,
    text:
      `Hello ${userName},\n\n` +
      `the SRE team would like to know how Headroom works for you: for ${about.join(', ')}, ${asks}. ` +
      `It takes about a minute.\n\nAnswer here: ${url}\n\n` +
      `The link is yours and works until ${new Date(closesAt).toUTCString()}; answering again replaces your answer. ` +
      'Results are shown as scores only, per team only when a team has at least 3 answers; nobody sees who answered.',
    severity: 'info' as const,
    status: 'firing' as const,
    labels: { survey: survey.name },
    links: [{ url, title: 'Answer the survey' }],
  };
}

/**
 * Starts a round: one invitation per audience member, each e-mailed (idempotency key
 * `survey:<id>:<round>:<user>`) with its signed link, in one transaction with the round.
 */
export async function sendRound(
  db: Kysely<Database>,
  ctx: AuditContext,
  survey: StoredSurvey,
  options: { externalUrl: string; startedBy: string; moveSchedule?: boolean },
  now = Date.now(),
): Promise<SendSurveyResult> {
  const audience = await audienceOf(db, survey.audience);
  if (audience.length === 0)
    throw new ConflictError(
      `Survey ${survey.id} has nobody to send to: ${survey.audience.kind === 'all' ? 'there are no users' : 'its teams have no members'}.`,
      'SURVEY_NO_AUDIENCE',
    );
  const keyId = await activeKeyId(db);
  const closesAt = now + survey.responseDays * DAY_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await withTransaction(db, async (trx) => {
        const number = await nextRoundNumber(trx, survey.id);
        const invitations: StoredInvitation[] = audience.map((p) => ({
          id: uuidv7(),
          roundId: '',
          surveyId: survey.id,
          userName: p.userName,
          email: p.email,
          team: p.team,
          expiresAt: closesAt,
          answeredAt: null,
        }));
        const round: StoredRound = {
          id: uuidv7(),
          surveyId: survey.id,
          number,
          startedAt: now,
          closesAt,
          startedBy: options.startedBy,
          invited: invitations.length,
          mailed: invitations.filter((i) => i.email).length,
        };
        for (const i of invitations) i.roundId = round.id;
        await insertRound(trx, round);
        await insertInvitations(trx, invitations, now);
        for (const i of invitations) {
          if (!i.email) continue;
          const url = surveyUrl(
            options.externalUrl,
            signSurveyToken(keyId, { invitationId: i.id, expiresAt: closesAt }),
          );
          await enqueueNotification(
            trx,
            {
              channel: `mailto:${i.email}`,
              message: invitationMail(survey, i.userName, url, closesAt),
              idempotencyKey: `survey:${survey.id}:${number}:${i.userName}`,
            },
            now,
          );
        }
        // A round by hand restarts the schedule's clock, so no scheduled round follows right after.
        if (survey.scheduleWeeks !== null && options.moveSchedule !== false)
          await moveNextRound(trx, survey.id, survey.nextRoundAt, now + survey.scheduleWeeks * WEEK_MS, now);
        await recordAudit(trx, ctx, 'survey.send', 'survey', survey.id, {
          round: number,
          invited: round.invited,
          mailed: round.mailed,
          startedBy: options.startedBy,
        });
        return {
          survey: survey.id,
          round: roundView(round, 0),
          withoutEmail: invitations.filter((i) => !i.email).map((i) => i.userName),
        };
      });
    } catch (e) {
      if (!isUniqueViolation(e) || attempt >= 4) throw e;
    }
  }
}

export async function sendSurvey(
  db: Kysely<Database>,
  ctx: AuditContext,
  idOrName: string,
  externalUrl: string,
  now = Date.now(),
): Promise<SendSurveyResult> {
  requireEditor(ctx, 'send surveys');
  const survey = await requireSurvey(db, idOrName);
  return sendRound(db, ctx, survey, { externalUrl, startedBy: ctx.actor.name }, now);
}

/** Checks answers against the survey; rows to store, with the respondent's team. */
export function answerRows(
  survey: StoredSurvey,
  answers: readonly SurveyAnswer[],
  team: string | null,
): ResponseRow[] {
  const seen = new Set<string>();
  return answers.map((a, i) => {
    const at = `/answers/${i}`;
    if (!isPlatformCapability(a.capability) || !survey.capabilities.includes(a.capability))
      throw field(
        `${at}/capability`,
        `'${a.capability}' is not asked in survey ${survey.id} (it asks about ${survey.capabilities.join(', ')}).`,
      );
    if (seen.has(a.capability)) throw field(`${at}/capability`, `answers '${a.capability}' a second time.`);
    seen.add(a.capability);
    const nps = a.nps ?? null;
    const csat = a.csat ?? null;
    const comment = a.comment?.trim() ? a.comment.trim() : null;
    if (nps !== null && !survey.questions.nps) throw field(`${at}/nps`, 'is not asked in this survey.');
    if (csat !== null && !survey.questions.csat) throw field(`${at}/csat`, 'is not asked in this survey.');
    if (comment !== null && !survey.questions.comment)
      throw field(`${at}/comment`, 'is not asked in this survey.');
    if (nps !== null && (!Number.isInteger(nps) || nps < 0 || nps > 10))
      throw field(`${at}/nps`, 'must be 0–10.');
    if (csat !== null && (!Number.isInteger(csat) || csat < 1 || csat > 5))
      throw field(`${at}/csat`, 'must be 1–5.');
    if (nps === null && csat === null)
      throw field(
        at,
        `answers no question for '${a.capability}': give ${survey.questions.nps ? 'nps' : 'csat'}.`,
      );
    return { capability: a.capability, nps, csat, comment, team };
  });
}

/** Whoever holds the link or the invitation: recorded without the person (see header). */
const RESPONDENT: AuditContext['actor'] = {
  userId: null,
  name: 'survey respondent',
  role: 'viewer',
  teamIds: new Set(),
};

export async function respondToInvitation(
  db: Kysely<Database>,
  invitation: StoredInvitation,
  answers: readonly SurveyAnswer[],
  requestId: string | null,
  now = Date.now(),
): Promise<SurveyResponseReceipt> {
  const survey = await requireSurvey(db, invitation.surveyId);
  if (invitation.expiresAt <= now)
    throw new HeadroomError(
      'SURVEY_ROUND_CLOSED',
      410,
      `This round of survey ${survey.id} closed on ${iso(invitation.expiresAt)}.`,
    );
  const rows = answerRows(survey, answers, invitation.team);
  return withTransaction(db, async (trx) => {
    const replaced = await replaceResponses(trx, invitation, rows, uuidv7, now);
    const round = await trx
      .selectFrom('survey_rounds')
      .select('number')
      .where('id', '=', invitation.roundId)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actor: RESPONDENT, requestId }, 'survey.respond', 'survey', survey.id, {
      round: Number(round.number),
      answers: rows.length,
      replaced,
    });
    return { survey: survey.id, round: Number(round.number), answers: rows.length, replaced };
  });
}

/** A signed-in user's answer: their open invitation of the survey's newest open round. */
export async function respondAsUser(
  db: Kysely<Database>,
  ctx: AuditContext,
  idOrName: string,
  answers: readonly SurveyAnswer[],
  now = Date.now(),
): Promise<SurveyResponseReceipt> {
  const survey = await requireSurvey(db, idOrName);
  const [invitation] = await openInvitationsOf(db, ctx.actor.name, now, survey.id);
  if (!invitation)
    throw new HeadroomError(
      'SURVEY_NOT_INVITED',
      404,
      `${ctx.actor.name} has no open invitation to survey ${survey.id}: it was not sent to them, or its round closed.`,
    );
  return respondToInvitation(db, invitation, answers, ctx.requestId, now);
}

export async function pendingSurveys(
  db: Kysely<Database>,
  ctx: AuditContext,
  now = Date.now(),
): Promise<PendingSurvey[]> {
  const invitations = await openInvitationsOf(db, ctx.actor.name, now);
  const out: PendingSurvey[] = [];
  const seenSurveys = new Set<string>();
  for (const i of invitations) {
    // The newest round of a survey only: an older one still open is superseded.
    if (seenSurveys.has(i.surveyId)) continue;
    seenSurveys.add(i.surveyId);
    const survey = await findSurvey(db, i.surveyId);
    if (!survey) continue;
    const round = await db
      .selectFrom('survey_rounds')
      .select('number')
      .where('id', '=', i.roundId)
      .executeTakeFirst();
    out.push({
      survey: survey.id,
      name: survey.name,
      title: survey.title,
      round: Number(round?.number ?? 0),
      closesAt: iso(i.expiresAt),
      questions: survey.questions,
      capabilities: survey.capabilities.map((c) => ({
        name: c,
        title: CAPABILITY_TITLES[c as keyof typeof CAPABILITY_TITLES] ?? c,
      })),
      answered: i.answeredAt !== null,
    });
  }
  return out;
}

export { findInvitation };
