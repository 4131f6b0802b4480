/**
 * Interview notes (INT-<n>): who was heard from (a team), by whom, when, what they said, and links
 * to the feedback items and opportunities it supports; and the weekly interview habit. Feedback
 * ids are checked here; opportunity ids are taken as given (the OST module validates them).
 */
import type {
  CreateInterviewRequest,
  Interview,
  InterviewCadence,
  InterviewListQuery,
  UpdateInterviewRequest,
} from '@headroom/core/api/feedback';
import { hasRole } from '@headroom/core/auth/policy';
import { interviewCadence } from '@headroom/core/discovery/feedback-workflow';
import { ForbiddenError, NotFoundError } from '@headroom/core/errors';
import type { Kysely, Selectable } from 'kysely';
import { isUniqueViolation, withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import type { InterviewsTable } from '../../db/tables/feedback.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { iso, json, shortName } from '../catalog/refs.js';
import { catalogUser, field } from '../incidents/service-support.js';
import { nextSeq, normaliseItemId } from './repo.js';
import { catalogTeam } from './service.js';

/** A note may be written up to this long after the fact, never ahead of it. */
const FUTURE_SLACK_MS = 5 * 60_000;

interface StoredInterview {
  id: string;
  seq: number;
  team: string;
  interviewer: string;
  participants: string[];
  heldAt: number;
  summary: string;
  notes: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

const interviewOf = (r: Selectable<InterviewsTable>): StoredInterview => ({
  id: r.id,
  seq: Number(r.seq),
  team: r.team,
  interviewer: r.interviewer,
  participants: json.parse<string[]>(r.participants),
  heldAt: Number(r.held_at),
  summary: r.summary,
  notes: r.notes,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const normaliseInterviewId = (id: string) => {
  const m = /^int-(\d+)$/i.exec(id.trim());
  return m ? `INT-${Number(m[1])}` : id;
};

function requireEditor(ctx: AuditContext): void {
  if (!hasRole(ctx.actor, 'editor'))
    throw new ForbiddenError('Only editors and admins (the platform team) can record interviews.');
}

function heldAtOf(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw field('/heldAt', 'is not an RFC 3339 time.');
  if (t > now + FUTURE_SLACK_MS) throw field('/heldAt', 'is in the future: record an interview once held.');
  return t;
}

async function checkFeedbackLinks(db: Kysely<Database>, ids: readonly string[]): Promise<string[]> {
  const wanted = [...new Set(ids.map(normaliseItemId))];
  if (wanted.length === 0) return [];
  const known = new Set(
    (await db.selectFrom('feedback_items').select('id').where('id', 'in', wanted).execute()).map((r) => r.id),
  );
  const i = ids.findIndex((x) => !known.has(normaliseItemId(x)));
  if (i >= 0) throw field(`/feedback/${i}`, `'${ids[i]}' is not a feedback item.`, 'UNKNOWN_FEEDBACK');
  return wanted;
}

function checkOpportunityLinks(ids: readonly string[]): string[] {
  const i = ids.findIndex((x) => x.trim() === '');
  if (i >= 0) throw field(`/opportunities/${i}`, 'is empty.');
  return [...new Set(ids.map((x) => x.trim()))];
}

async function linksOf(db: Kysely<Database>, ids: string[]) {
  const out = new Map<string, { feedback: string[]; opportunities: string[] }>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('interview_links')
    .selectAll()
    .where('interview_id', 'in', ids)
    .orderBy('target_id')
    .execute();
  for (const r of rows) {
    const l = out.get(r.interview_id) ?? { feedback: [], opportunities: [] };
    (r.target_kind === 'feedback' ? l.feedback : l.opportunities).push(r.target_id);
    out.set(r.interview_id, l);
  }
  return out;
}

async function views(db: Kysely<Database>, rows: StoredInterview[]): Promise<Interview[]> {
  const links = await linksOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    team: r.team,
    interviewer: r.interviewer,
    participants: r.participants,
    heldAt: iso(r.heldAt),
    summary: r.summary,
    notes: r.notes,
    feedback: links.get(r.id)?.feedback ?? [],
    opportunities: links.get(r.id)?.opportunities ?? [],
    createdBy: r.createdBy,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  }));
}

async function replaceLinks(
  trx: Kysely<Database>,
  id: string,
  kind: 'feedback' | 'opportunity',
  targets: string[],
): Promise<void> {
  await trx
    .deleteFrom('interview_links')
    .where('interview_id', '=', id)
    .where('target_kind', '=', kind)
    .execute();
  if (targets.length > 0)
    await trx
      .insertInto('interview_links')
      .values(targets.map((t) => ({ interview_id: id, target_kind: kind, target_id: t })))
      .execute();
}

async function findInterview(db: Kysely<Database>, id: string): Promise<StoredInterview> {
  const row = await db
    .selectFrom('interviews')
    .selectAll()
    .where('id', '=', normaliseInterviewId(id))
    .executeTakeFirst();
  if (!row) throw new NotFoundError('Interview', id, 'INTERVIEW_NOT_FOUND');
  return interviewOf(row);
}

export async function getInterview(db: Kysely<Database>, id: string): Promise<Interview> {
  return (await views(db, [await findInterview(db, id)]))[0]!;
}

export async function createInterview(
  db: Kysely<Database>,
  ctx: AuditContext,
  body: CreateInterviewRequest,
  now = Date.now(),
): Promise<Interview> {
  requireEditor(ctx);
  const team = await catalogTeam(db, body.team, '/team');
  const interviewer =
    body.interviewer === undefined ? ctx.actor.name : await catalogUser(db, body.interviewer, '/interviewer');
  const heldAt = heldAtOf(body.heldAt, now) ?? now;
  const summary = body.summary.trim();
  if (summary === '') throw field('/summary', 'is empty.');
  const feedback = await checkFeedbackLinks(db, body.feedback ?? []);
  const opportunities = checkOpportunityLinks(body.opportunities ?? []);
  for (let attempt = 0; ; attempt++) {
    try {
      const stored = await withTransaction(db, async (trx) => {
        const seq = await nextSeq(trx, 'interviews');
        const iv: StoredInterview = {
          id: `INT-${seq}`,
          seq,
          team,
          interviewer,
          participants: [...new Set((body.participants ?? []).map((p) => p.trim()).filter((p) => p !== ''))],
          heldAt,
          summary,
          notes: body.notes ?? '',
          createdBy: ctx.actor.name,
          createdAt: now,
          updatedAt: now,
        };
        await trx
          .insertInto('interviews')
          .values({
            id: iv.id,
            seq: iv.seq,
            team: iv.team,
            interviewer: iv.interviewer,
            participants: JSON.stringify(iv.participants),
            held_at: iv.heldAt,
            summary: iv.summary,
            notes: iv.notes,
            created_by: iv.createdBy,
            created_at: iv.createdAt,
            updated_at: iv.updatedAt,
          })
          .execute();
        await replaceLinks(trx, iv.id, 'feedback', feedback);
        await replaceLinks(trx, iv.id, 'opportunity', opportunities);
        await recordAudit(trx, ctx, 'interview.create', 'interview', iv.id, {
          team,
          interviewer,
          heldAt: iso(heldAt),
          feedback,
          opportunities,
        });
        return iv;
      });
      return (await views(db, [stored]))[0]!;
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 4) throw error;
    }
  }
}

export async function updateInterview(
  db: Kysely<Database>,
  ctx: AuditContext,
  id: string,
  body: UpdateInterviewRequest,
  now = Date.now(),
): Promise<Interview> {
  requireEditor(ctx);
  const current = await findInterview(db, id);
  const next: StoredInterview = { ...current, updatedAt: now };
  const changed: Record<string, unknown> = {};
  if (body.team !== undefined) next.team = await catalogTeam(db, body.team, '/team');
  if (body.interviewer !== undefined)
    next.interviewer = await catalogUser(db, body.interviewer, '/interviewer');
  if (body.participants !== undefined)
    next.participants = [...new Set(body.participants.map((p) => p.trim()).filter((p) => p !== ''))];
  if (body.heldAt !== undefined) next.heldAt = heldAtOf(body.heldAt, now)!;
  if (body.summary !== undefined) {
    next.summary = body.summary.trim();
    if (next.summary === '') throw field('/summary', 'is empty.');
  }
  if (body.notes !== undefined) next.notes = body.notes;
  for (const k of ['team', 'interviewer', 'participants', 'heldAt', 'summary', 'notes'] as const)
    if (body[k] !== undefined && JSON.stringify(next[k]) !== JSON.stringify(current[k])) changed[k] = next[k];
  const feedback = body.feedback === undefined ? undefined : await checkFeedbackLinks(db, body.feedback);
  const opportunities =
    body.opportunities === undefined ? undefined : checkOpportunityLinks(body.opportunities);
  if (feedback) changed.feedback = feedback;
  if (opportunities) changed.opportunities = opportunities;
  await withTransaction(db, async (trx) => {
    await trx
      .updateTable('interviews')
      .set({
        team: next.team,
        interviewer: next.interviewer,
        participants: JSON.stringify(next.participants),
        held_at: next.heldAt,
        summary: next.summary,
        notes: next.notes,
        updated_at: next.updatedAt,
      })
      .where('id', '=', current.id)
      .execute();
    if (feedback) await replaceLinks(trx, current.id, 'feedback', feedback);
    if (opportunities) await replaceLinks(trx, current.id, 'opportunity', opportunities);
    await recordAudit(trx, ctx, 'interview.update', 'interview', current.id, changed);
  });
  return getInterview(db, current.id);
}

function timeParam(value: string | undefined, path: string): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw field(path, 'is not an RFC 3339 time.');
  return t;
}

export async function listInterviews(db: Kysely<Database>, query: InterviewListQuery): Promise<Interview[]> {
  const since = timeParam(query.since, '/querystring/since');
  const until = timeParam(query.until, '/querystring/until');
  if (since !== undefined && until !== undefined && until <= since)
    throw field('/querystring/until', 'must be after since.');
  let q = db.selectFrom('interviews').selectAll().orderBy('held_at', 'desc').orderBy('seq', 'desc');
  if (query.team !== undefined) q = q.where('team', '=', query.team);
  if (query.interviewer !== undefined) q = q.where('interviewer', '=', query.interviewer);
  if (since !== undefined) q = q.where('held_at', '>=', since);
  if (until !== undefined) q = q.where('held_at', '<', until);
  if (query.feedback !== undefined)
    q = q.where(
      'id',
      'in',
      db
        .selectFrom('interview_links')
        .select('interview_id')
        .where('target_kind', '=', 'feedback')
        .where('target_id', '=', normaliseItemId(query.feedback)),
    );
  const rows = await q.limit(query.limit ?? 200).execute();
  return views(db, rows.map(interviewOf));
}

const day = (ms: number) => iso(ms).slice(0, 10);

export async function cadence(
  db: Kysely<Database>,
  weeks: number,
  now = Date.now(),
): Promise<InterviewCadence> {
  // Enough history for the weeks asked (one extra week covers the current week's start).
  const from = now - (weeks + 1) * 7 * 86_400_000;
  const rows = await db
    .selectFrom('interviews')
    .select(['team', 'held_at'])
    .where('held_at', '>=', from)
    .execute();
  const teams = (await db.selectFrom('teams').select(['namespace', 'name']).execute()).map((t) =>
    shortName(t.namespace, t.name),
  );
  const c = interviewCadence(
    rows.map((r) => ({ team: r.team, heldAt: Number(r.held_at) })),
    teams,
    weeks,
    now,
  );
  return {
    weeks: c.weeks.map((w) => ({ weekStart: day(w.start), interviews: w.interviews, teams: w.teams })),
    weeksWithInterviews: c.weeksWithInterviews,
    notHeardFrom: c.notHeardFrom,
  };
}
