/**
 * Status changes (core's feedback workflow), merges of duplicates, and "you said, we did": when
 * an item is done or declined its author and every voter are e-mailed through the outbox in the
 * same transaction as the change. People who cannot be reached are recorded on the status change
 * and in the audit log, never dropped silently.
 */
import type {
  FeedbackItem,
  FeedbackNotified,
  MergeRequest,
  StatusChangeRequest,
} from '@headroom/core/api/feedback';
import { hasRole } from '@headroom/core/auth/policy';
import {
  CLOSING_STATUSES,
  checkTransition,
  closingAudience,
  closingMessage,
  closingNotificationKey,
  type FeedbackStatus,
  mergeVotes,
} from '@headroom/core/discovery/feedback-workflow';
import { ForbiddenError, NotFoundError } from '@headroom/core/errors';
import { userEmailChannel } from '@headroom/core/oncall/paging';
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { findUserByRef } from '../catalog/users.js';
import { field } from '../incidents/service-support.js';
import { enqueueNotification } from '../notifications/index.js';
import {
  deleteVotes,
  insertStatusChange,
  insertVote,
  normaliseItemId,
  type StoredItem,
  saveItem,
  votesOf,
} from './repo.js';
import { feedbackView, requireItem } from './service.js';

function requireTeamMember(ctx: AuditContext, what: string): void {
  if (!hasRole(ctx.actor, 'editor'))
    throw new ForbiddenError(`Only editors and admins (the platform team) can ${what}.`);
}

export interface FeedbackLinks {
  /** The public base URL links in mails point to (HEADROOM_PUBLIC_URL, else http://host:port). */
  publicUrl: string;
}

export const itemUrl = (publicUrl: string, id: string) => `${publicUrl.replace(/\/+$/, '')}/feedback/${id}`;

/** Enqueues one mail per reachable person and says who could not be reached. */
async function tellAudience(
  trx: Kysely<Database>,
  item: StoredItem,
  status: FeedbackStatus,
  note: string,
  links: FeedbackLinks,
  now: number,
): Promise<FeedbackNotified> {
  const voters = ((await votesOf(trx, [item.id])).get(item.id) ?? []).map((v) => v.voter);
  const url = itemUrl(links.publicUrl, item.id);
  const notified: FeedbackNotified = { reached: [], unreachable: [] };
  for (const user of closingAudience(item.author, voters)) {
    const row = await findUserByRef(trx, user).catch(() => undefined);
    if (!row) {
      notified.unreachable.push({ user, reason: 'not a catalog user' });
      continue;
    }
    if (!row.email) {
      notified.unreachable.push({ user, reason: 'no e-mail address; set one on the user' });
      continue;
    }
    const { title, text } = closingMessage({
      itemId: item.id,
      title: item.title,
      status,
      note,
      url,
      recipient: user,
      isAuthor: user === item.author,
    });
    await enqueueNotification(
      trx,
      {
        channel: userEmailChannel(row.email),
        idempotencyKey: closingNotificationKey(item.id, status, user),
        message: {
          title,
          text,
          severity: 'info',
          status: 'resolved',
          labels: { feedback: item.id, status },
          links: [{ url, title: item.id }],
          data: { kind: 'feedback-closed', item: item.id, status, note, recipient: user, url },
        },
      },
      now,
    );
    notified.reached.push(user);
  }
  return notified;
}

export async function changeStatus(
  db: Kysely<Database>,
  ctx: AuditContext,
  id: string,
  body: StatusChangeRequest,
  links: FeedbackLinks,
  now = Date.now(),
): Promise<FeedbackItem> {
  requireTeamMember(ctx, 'change the status of feedback');
  const note = body.note?.trim() || null;
  const item = await withTransaction(db, async (trx) => {
    const item = await requireItem(trx, id, true);
    const verdict = checkTransition(item.status, body.status, note);
    if (!verdict.allowed)
      throw field(verdict.code === 'NOTE_REQUIRED' ? '/note' : '/status', verdict.reason, verdict.code);
    const from = item.status;
    const next: StoredItem = {
      ...item,
      status: body.status,
      statusNote: note,
      updatedAt: now,
      closedAt: verdict.closes ? now : verdict.reopens ? null : item.closedAt,
    };
    await saveItem(trx, next);
    const notified = CLOSING_STATUSES.includes(body.status)
      ? await tellAudience(trx, next, body.status, note ?? '', links, now)
      : null;
    await insertStatusChange(trx, next.id, {
      from,
      to: body.status,
      note,
      actor: ctx.actor.name,
      at: now,
      notified,
    });
    await recordAudit(trx, ctx, 'feedback.status', 'feedback', next.id, {
      from,
      to: body.status,
      note,
      ...(notified && { notified: notified.reached, unreachable: notified.unreachable }),
    });
    // Like paging's target-unreachable: whoever could not be told is on record.
    if (notified && notified.unreachable.length > 0)
      await recordAudit(trx, ctx, 'feedback.notify-unreachable', 'feedback', next.id, {
        status: body.status,
        unreachable: notified.unreachable,
      });
    return next;
  });
  return feedbackView(db, item);
}

/**
 * Merges a duplicate into the item it duplicates: its voters (and its author) become voters of
 * the kept item, each once with the higher pain; items merged into it before follow; interviews
 * linked to it link to the kept item. Its comments stay with it. Opportunities that cite it are
 * the OST module's: they find the kept item through duplicateOf.
 */
export async function mergeFeedback(
  db: Kysely<Database>,
  ctx: AuditContext,
  id: string,
  body: MergeRequest,
  now = Date.now(),
): Promise<FeedbackItem> {
  requireTeamMember(ctx, 'merge feedback');
  const intoId = normaliseItemId(body.into);
  if (intoId === normaliseItemId(id)) throw field('/into', 'is the item itself.', 'MERGE_INTO_ITSELF');
  const kept = await withTransaction(db, async (trx) => {
    // Both rows locked in id order, so two merges of the same pair cannot deadlock.
    const [a, b] = [normaliseItemId(id), intoId].sort();
    const first = await requireItemOrField(trx, a!, a === intoId);
    const second = await requireItemOrField(trx, b!, b === intoId);
    const from = first.id === intoId ? second : first;
    const into = first.id === intoId ? first : second;
    if (from.status === 'duplicate')
      throw field('/into', `${from.id} is already a duplicate of ${from.duplicateOf}.`, 'ALREADY_DUPLICATE');
    if (into.status === 'duplicate')
      throw field(
        '/into',
        `${into.id} is itself a duplicate of ${into.duplicateOf}: merge into that.`,
        'INTO_DUPLICATE',
      );

    const votes = await votesOf(trx, [from.id, into.id]);
    const before = votes.get(into.id) ?? [];
    const merged = mergeVotes(before, votes.get(from.id) ?? [], { name: from.author, at: from.createdAt });
    await deleteVotes(trx, from.id);
    await deleteVotes(trx, into.id);
    for (const v of merged) await insertVote(trx, into.id, v);

    await trx
      .updateTable('feedback_items')
      .set({ duplicate_of: into.id, updated_at: now })
      .where('duplicate_of', '=', from.id)
      .execute();
    // Interview links follow; an interview already linked to both keeps one link.
    await trx
      .deleteFrom('interview_links')
      .where('target_kind', '=', 'feedback')
      .where('target_id', '=', from.id)
      .where(
        'interview_id',
        'in',
        trx
          .selectFrom('interview_links')
          .select('interview_id')
          .where('target_kind', '=', 'feedback')
          .where('target_id', '=', into.id),
      )
      .execute();
    await trx
      .updateTable('interview_links')
      .set({ target_id: into.id })
      .where('target_kind', '=', 'feedback')
      .where('target_id', '=', from.id)
      .execute();

    const note = `Merged into ${into.id}.`;
    await saveItem(trx, {
      ...from,
      status: 'duplicate',
      duplicateOf: into.id,
      statusNote: note,
      updatedAt: now,
      closedAt: now,
    });
    await insertStatusChange(trx, from.id, {
      from: from.status,
      to: 'duplicate',
      note,
      actor: ctx.actor.name,
      at: now,
      notified: null,
    });
    await saveItem(trx, { ...into, updatedAt: now });
    await recordAudit(trx, ctx, 'feedback.merge', 'feedback', from.id, {
      into: into.id,
      votesBefore: before.length,
      votesAfter: merged.length,
    });
    return into;
  });
  return feedbackView(db, await requireItem(db, kept.id));
}

async function requireItemOrField(trx: Kysely<Database>, id: string, isInto: boolean): Promise<StoredItem> {
  if (!isInto) return requireItem(trx, id, true);
  try {
    return await requireItem(trx, id, true);
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
    throw field('/into', `'${id}' is not a feedback item.`, 'UNKNOWN_FEEDBACK');
  }
}
