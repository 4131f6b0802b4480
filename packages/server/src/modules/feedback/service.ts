/**
 * Feedback items: file, list, show, edit, vote, comment, and the boards. Status changes, merges
 * and "you said, we did" live in workflow.ts. Every change is audited in its transaction.
 */
import type {
  CommentRequest,
  CreateFeedbackRequest,
  FeedbackBoard,
  FeedbackComment,
  FeedbackItem,
  FeedbackListQuery,
  FeedbackSummary,
  UpdateFeedbackRequest,
  VoteRequest,
} from '@headroom/core/api/feedback';
import { hasRole } from '@headroom/core/auth/policy';
import { summariseVotes } from '@headroom/core/discovery/feedback-workflow';
import { ConflictError, ForbiddenError, NotFoundError } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { isUniqueViolation, withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { iso, shortName } from '../catalog/refs.js';
import { findTeamByRef } from '../catalog/teams.js';
import { field } from '../incidents/service-support.js';
import {
  boardCounts,
  commentCounts,
  commentsOf,
  deleteVotes,
  duplicatesOf,
  findItem,
  insertComment,
  insertItem,
  insertStatusChange,
  insertVote,
  interviewsLinkedTo,
  listItems,
  lockItem,
  nextSeq,
  type StoredItem,
  saveItem,
  setVotePain,
  statusChangesOf,
  votesOf,
} from './repo.js';

export async function requireItem(db: Kysely<Database>, id: string, lock = false): Promise<StoredItem> {
  const item = lock ? await lockItem(db, id) : await findItem(db, id);
  if (!item) throw new NotFoundError('Feedback item', id, 'FEEDBACK_NOT_FOUND');
  return item;
}

/** The catalog team's short name, or a 400 naming the field. */
export async function catalogTeam(db: Kysely<Database>, team: string, path: string): Promise<string> {
  const row = await findTeamByRef(db, team).catch(() => undefined);
  if (!row) throw field(path, `'${team}' is not a catalog team.`, 'UNKNOWN_TEAM');
  return shortName(row.namespace, row.name);
}

async function checkServices(
  db: Kysely<Database>,
  services: readonly string[],
  path: string,
): Promise<string[]> {
  const unique = [...new Set(services)];
  if (unique.length === 0) return [];
  const known = new Set(
    (
      await db
        .selectFrom('services')
        .select('name')
        .where('namespace', '=', 'default')
        .where('name', 'in', unique)
        .execute()
    ).map((r) => r.name),
  );
  const i = services.findIndex((s) => !known.has(s));
  if (i >= 0) throw field(`${path}/${i}`, `'${services[i]}' is not a catalog service.`, 'UNKNOWN_SERVICE');
  return unique;
}

/** The author's team when they belong to exactly one (with several, which one is a guess). */
async function defaultTeam(db: Kysely<Database>, ctx: AuditContext): Promise<string | null> {
  if (ctx.actor.teamIds.size !== 1) return null;
  const row = await db
    .selectFrom('teams')
    .select(['namespace', 'name'])
    .where('id', '=', [...ctx.actor.teamIds][0]!)
    .executeTakeFirst();
  return row ? shortName(row.namespace, row.name) : null;
}

export async function summaries(db: Kysely<Database>, items: StoredItem[]): Promise<FeedbackSummary[]> {
  const ids = items.map((i) => i.id);
  const votes = await votesOf(db, ids);
  const comments = await commentCounts(db, ids);
  return items.map((i) => summaryOf(i, summariseVotes(votes.get(i.id) ?? []), comments.get(i.id) ?? 0));
}

function summaryOf(
  i: StoredItem,
  tally: { votes: number; meanPain: number | null },
  commentCount: number,
): FeedbackSummary {
  return {
    id: i.id,
    kind: i.kind as FeedbackSummary['kind'],
    title: i.title,
    body: i.body,
    services: i.services,
    capability: i.capability,
    team: i.team,
    author: i.author,
    tags: i.tags,
    board: i.board,
    page: i.page,
    status: i.status,
    statusNote: i.statusNote,
    duplicateOf: i.duplicateOf,
    votes: tally.votes,
    meanPain: tally.meanPain,
    commentCount,
    createdAt: iso(i.createdAt),
    updatedAt: iso(i.updatedAt),
    closedAt: i.closedAt === null ? null : iso(i.closedAt),
  };
}

export async function feedbackView(db: Kysely<Database>, item: StoredItem): Promise<FeedbackItem> {
  const votes = (await votesOf(db, [item.id])).get(item.id) ?? [];
  const comments = await commentsOf(db, item.id);
  return {
    ...summaryOf(item, summariseVotes(votes), comments.length),
    voters: votes.map((v) => ({ voter: v.voter, pain: v.pain, at: iso(v.at) })),
    comments: comments.map((c) => ({
      id: c.id,
      author: c.author,
      body: c.body,
      createdAt: iso(c.createdAt),
    })),
    duplicates: await duplicatesOf(db, item.id),
    history: (await statusChangesOf(db, item.id)).map((c) => ({
      from: c.from,
      to: c.to,
      note: c.note,
      actor: c.actor,
      at: iso(c.at),
      notified: c.notified,
    })),
    interviews: await interviewsLinkedTo(db, item.id),
  };
}

export async function getFeedback(db: Kysely<Database>, id: string): Promise<FeedbackItem> {
  return feedbackView(db, await requireItem(db, id));
}

export async function listFeedback(
  db: Kysely<Database>,
  query: FeedbackListQuery,
): Promise<FeedbackSummary[]> {
  const rows = await listItems(db, { ...query, limit: query.limit ?? 200 });
  const comments = await commentCounts(
    db,
    rows.map((r) => r.item.id),
  );
  return rows.map((r) => summaryOf(r.item, r, comments.get(r.item.id) ?? 0));
}

export async function createFeedback(
  db: Kysely<Database>,
  ctx: AuditContext,
  body: CreateFeedbackRequest,
  now = Date.now(),
): Promise<FeedbackItem> {
  const services = await checkServices(db, body.services ?? [], '/services');
  const team =
    body.team === undefined
      ? await defaultTeam(db, ctx)
      : body.team === null
        ? null
        : await catalogTeam(db, body.team, '/team');
  const draft = {
    kind: body.kind ?? 'pain-point',
    title: body.title.trim(),
    body: body.body ?? '',
    services,
    capability: body.capability ?? null,
    team,
    author: ctx.actor.name,
    tags: [...new Set(body.tags ?? [])],
    board: body.board ?? null,
    page: body.page ?? null,
    status: 'open' as const,
    duplicateOf: null,
    statusNote: null,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
  };
  if (draft.title === '') throw field('/title', 'is empty.');
  // Two people filing at once race for the next number: the loser tries again.
  for (let attempt = 0; ; attempt++) {
    try {
      const item = await withTransaction(db, async (trx) => {
        const seq = await nextSeq(trx, 'feedback_items');
        const item: StoredItem = { id: `FB-${seq}`, seq, ...draft };
        await insertItem(trx, item);
        await insertStatusChange(trx, item.id, {
          from: null,
          to: 'open',
          note: null,
          actor: ctx.actor.name,
          at: now,
          notified: null,
        });
        await recordAudit(trx, ctx, 'feedback.create', 'feedback', item.id, {
          kind: item.kind,
          title: item.title,
          services: item.services,
          capability: item.capability,
          team: item.team,
          board: item.board,
        });
        return item;
      });
      return feedbackView(db, item);
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 4) throw error;
    }
  }
}

const mayEdit = (ctx: AuditContext, item: StoredItem) =>
  ctx.actor.name === item.author || hasRole(ctx.actor, 'editor');

export async function updateFeedback(
  db: Kysely<Database>,
  ctx: AuditContext,
  id: string,
  body: UpdateFeedbackRequest,
  now = Date.now(),
): Promise<FeedbackItem> {
  const current = await requireItem(db, id);
  if (!mayEdit(ctx, current))
    throw new ForbiddenError(`Only ${current.author} (the author) or an editor can change ${current.id}.`);
  const next: StoredItem = { ...current };
  if (body.kind !== undefined) next.kind = body.kind;
  if (body.title !== undefined) {
    next.title = body.title.trim();
    if (next.title === '') throw field('/title', 'is empty.');
  }
  if (body.body !== undefined) next.body = body.body;
  if (body.services !== undefined) next.services = await checkServices(db, body.services, '/services');
  if (body.capability !== undefined) next.capability = body.capability;
  if (body.team !== undefined)
    next.team = body.team === null ? null : await catalogTeam(db, body.team, '/team');
  if (body.tags !== undefined) next.tags = [...new Set(body.tags)];
  if (body.board !== undefined) next.board = body.board;
  if (body.page !== undefined) next.page = body.page;
  const changed: Record<string, unknown> = {};
  for (const k of Object.keys(body) as (keyof UpdateFeedbackRequest)[])
    if (JSON.stringify(next[k]) !== JSON.stringify(current[k])) changed[k] = next[k];
  if (Object.keys(changed).length === 0) return feedbackView(db, current);
  next.updatedAt = now;
  await withTransaction(db, async (trx) => {
    await saveItem(trx, next);
    await recordAudit(trx, ctx, 'feedback.update', 'feedback', next.id, changed);
  });
  return feedbackView(db, next);
}

function requireNotDuplicate(item: StoredItem, what: string): void {
  if (item.status === 'duplicate')
    throw new ConflictError(
      `${item.id} was merged into ${item.duplicateOf}: ${what} ${item.duplicateOf} instead.`,
      'FEEDBACK_IS_DUPLICATE',
    );
}

/** One vote per person: voting again changes the pain (created false). */
export async function vote(
  db: Kysely<Database>,
  ctx: AuditContext,
  id: string,
  body: VoteRequest,
  now = Date.now(),
): Promise<{ item: FeedbackItem; created: boolean }> {
  const voter = ctx.actor.name;
  const pain = body.pain ?? null;
  for (let attempt = 0; ; attempt++) {
    try {
      const { item, created } = await withTransaction(db, async (trx) => {
        const item = await requireItem(trx, id, true);
        requireNotDuplicate(item, 'vote for');
        const mine = (await votesOf(trx, [item.id])).get(item.id)?.find((v) => v.voter === voter);
        if (mine) {
          if (mine.pain !== pain) {
            await setVotePain(trx, item.id, voter, pain);
            await recordAudit(trx, ctx, 'feedback.vote', 'feedback', item.id, {
              pain,
              previousPain: mine.pain,
            });
          }
          return { item, created: false };
        }
        await insertVote(trx, item.id, { voter, pain, at: now });
        await recordAudit(trx, ctx, 'feedback.vote', 'feedback', item.id, { pain });
        return { item, created: true };
      });
      return { item: await feedbackView(db, item), created };
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 4) throw error;
    }
  }
}

export async function unvote(db: Kysely<Database>, ctx: AuditContext, id: string): Promise<FeedbackItem> {
  const item = await withTransaction(db, async (trx) => {
    const item = await requireItem(trx, id, true);
    if ((await deleteVotes(trx, item.id, ctx.actor.name)) === 0)
      throw new NotFoundError('Vote of', `${ctx.actor.name} on ${item.id}`, 'VOTE_NOT_FOUND');
    await recordAudit(trx, ctx, 'feedback.unvote', 'feedback', item.id);
    return item;
  });
  return feedbackView(db, item);
}

export async function comment(
  db: Kysely<Database>,
  ctx: AuditContext,
  id: string,
  body: CommentRequest,
  now = Date.now(),
): Promise<FeedbackComment> {
  const text = body.body.trim();
  if (text === '') throw field('/body', 'is empty.');
  return withTransaction(db, async (trx) => {
    const item = await requireItem(trx, id);
    const c = { id: uuidv7(), itemId: item.id, author: ctx.actor.name, body: text, createdAt: now };
    await insertComment(trx, c);
    await recordAudit(trx, ctx, 'feedback.comment', 'feedback', item.id, { comment: c.id });
    return { id: c.id, author: c.author, body: c.body, createdAt: iso(c.createdAt) };
  });
}

export async function boards(db: Kysely<Database>): Promise<FeedbackBoard[]> {
  const out = new Map<string, FeedbackBoard>();
  for (const r of await boardCounts(db)) {
    const b = out.get(r.board!) ?? { board: r.board!, total: 0, byStatus: {} };
    b.total += Number(r.n);
    b.byStatus[r.status] = Number(r.n);
    out.set(b.board, b);
  }
  return [...out.values()].sort((a, b) => a.board.localeCompare(b.board));
}
