/** Rows of feedback items, votes, comments and status changes (0022_feedback). */
import type { FeedbackNotified } from '@headroom/core/api/feedback';
import type { FeedbackStatus, Vote } from '@headroom/core/discovery/feedback-workflow';
import { type Kysely, type Selectable, sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { likeLiteral } from '../../db/like.js';
import type { Database } from '../../db/schema.js';
import type { FeedbackItemsTable } from '../../db/tables/feedback.js';
import { json } from '../catalog/refs.js';
import { isPostgres } from '../sli-data/bucket-sql.js';

export interface StoredItem {
  id: string;
  seq: number;
  kind: string;
  title: string;
  body: string;
  services: string[];
  capability: string | null;
  team: string | null;
  author: string;
  tags: string[];
  board: string | null;
  page: string | null;
  status: FeedbackStatus;
  duplicateOf: string | null;
  statusNote: string | null;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
}

const num = (v: number | string | null) => (v === null ? null : Number(v));

export function itemOf(r: Selectable<FeedbackItemsTable>): StoredItem {
  return {
    id: r.id,
    seq: Number(r.seq),
    kind: r.kind,
    title: r.title,
    body: r.body,
    services: json.parse<string[]>(r.services),
    capability: r.capability,
    team: r.team,
    author: r.author,
    tags: json.parse<string[]>(r.tags),
    board: r.board,
    page: r.page,
    status: r.status as FeedbackStatus,
    duplicateOf: r.duplicate_of,
    statusNote: r.status_note,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    closedAt: num(r.closed_at),
  };
}

function rowOf(i: StoredItem): Selectable<FeedbackItemsTable> {
  return {
    id: i.id,
    seq: i.seq,
    kind: i.kind,
    title: i.title,
    body: i.body,
    services: JSON.stringify(i.services),
    capability: i.capability,
    team: i.team,
    author: i.author,
    tags: JSON.stringify(i.tags),
    board: i.board,
    page: i.page,
    status: i.status,
    duplicate_of: i.duplicateOf,
    status_note: i.statusNote,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
  };
}

/** FB-<n> in any case; anything else is no item id. */
export function normaliseItemId(id: string): string {
  const m = /^fb-(\d+)$/i.exec(id.trim());
  return m ? `FB-${Number(m[1])}` : id;
}

export async function nextSeq(db: Kysely<Database>, table: 'feedback_items' | 'interviews'): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max<number | string | null>('seq').as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0) + 1;
}

export async function insertItem(db: Kysely<Database>, item: StoredItem): Promise<void> {
  await db.insertInto('feedback_items').values(rowOf(item)).execute();
}

export async function saveItem(db: Kysely<Database>, item: StoredItem): Promise<void> {
  const { id: _id, seq: _seq, ...rest } = rowOf(item);
  await db.updateTable('feedback_items').set(rest).where('id', '=', item.id).execute();
}

export async function findItem(db: Kysely<Database>, id: string): Promise<StoredItem | undefined> {
  const row = await db
    .selectFrom('feedback_items')
    .selectAll()
    .where('id', '=', normaliseItemId(id))
    .executeTakeFirst();
  return row ? itemOf(row) : undefined;
}

/** Locks the item row on PostgreSQL (SQLite serialises writers anyway) and reads it. */
export async function lockItem(db: Kysely<Database>, id: string): Promise<StoredItem | undefined> {
  let q = db.selectFrom('feedback_items').selectAll().where('id', '=', normaliseItemId(id));
  if (isPostgres(db)) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row ? itemOf(row) : undefined;
}

export interface ItemFilter {
  status?: string | undefined;
  kind?: string | undefined;
  service?: string | undefined;
  team?: string | undefined;
  capability?: string | undefined;
  board?: string | undefined;
  tag?: string | undefined;
  author?: string | undefined;
  voter?: string | undefined;
  q?: string | undefined;
  sort?: 'votes' | 'pain' | 'newest' | undefined;
  limit: number;
}

export interface ListedItem {
  item: StoredItem;
  votes: number;
  meanPain: number | null;
}

export async function listItems(db: Kysely<Database>, f: ItemFilter): Promise<ListedItem[]> {
  const tally = db
    .selectFrom('feedback_votes')
    .select((eb) => [
      'item_id',
      eb.fn.countAll<number | string>().as('votes'),
      eb.fn.avg<number | string | null>('pain').as('mean_pain'),
    ])
    .groupBy('item_id')
    .as('v');
  let q = db
    .selectFrom('feedback_items as i')
    .leftJoin(tally, 'v.item_id', 'i.id')
    .selectAll('i')
    .select(['v.votes', 'v.mean_pain']);
  // Duplicates are folded into the items they duplicate; they show only when asked for.
  q = f.status === undefined ? q.where('i.status', '!=', 'duplicate') : q.where('i.status', '=', f.status);
  if (f.kind !== undefined) q = q.where('i.kind', '=', f.kind);
  if (f.team !== undefined) q = q.where('i.team', '=', f.team);
  if (f.capability !== undefined) q = q.where('i.capability', '=', f.capability);
  if (f.board !== undefined) q = q.where('i.board', '=', f.board);
  if (f.author !== undefined) q = q.where('i.author', '=', f.author);
  if (f.voter !== undefined) {
    const voter = f.voter;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('feedback_votes as fv')
          .select('fv.item_id')
          .whereRef('fv.item_id', '=', 'i.id')
          .where('fv.voter', '=', voter),
      ),
    );
  }
  // JSON arrays of names as text: the quoted name is a whole element.
  if (f.service !== undefined)
    q = q.where(sql<boolean>`i.services like ${`%${likeLiteral(JSON.stringify(f.service))}%`} escape '!'`);
  if (f.tag !== undefined)
    q = q.where(sql<boolean>`i.tags like ${`%${likeLiteral(JSON.stringify(f.tag))}%`} escape '!'`);
  if (f.q !== undefined && f.q.trim() !== '') {
    for (const word of f.q.trim().toLowerCase().split(/\s+/)) {
      const p = `%${likeLiteral(word)}%`;
      q = q.where(sql<boolean>`(lower(i.title) like ${p} escape '!' or lower(i.body) like ${p} escape '!')`);
    }
  }
  const votes = sql`coalesce(v.votes, 0)`;
  if (f.sort === 'votes') q = q.orderBy(votes, 'desc');
  else if (f.sort === 'pain') q = q.orderBy(sql`coalesce(v.mean_pain, 0)`, 'desc').orderBy(votes, 'desc');
  q = q.orderBy('i.created_at', 'desc').orderBy('i.seq', 'desc').limit(f.limit);
  const rows = await q.execute();
  return rows.map((r) => {
    const mean = num(r.mean_pain as number | string | null);
    return {
      item: itemOf(r),
      votes: Number(r.votes ?? 0),
      meanPain: mean === null ? null : Math.round(mean * 100) / 100,
    };
  });
}

export async function votesOf(db: Kysely<Database>, itemIds: string[]): Promise<Map<string, Vote[]>> {
  const out = new Map<string, Vote[]>();
  if (itemIds.length === 0) return out;
  const rows = await db
    .selectFrom('feedback_votes')
    .selectAll()
    .where('item_id', 'in', itemIds)
    .orderBy('created_at')
    .orderBy('voter')
    .execute();
  for (const r of rows)
    out.set(r.item_id, [
      ...(out.get(r.item_id) ?? []),
      { voter: r.voter, pain: num(r.pain), at: Number(r.created_at) },
    ]);
  return out;
}

export async function commentCounts(db: Kysely<Database>, itemIds: string[]): Promise<Map<string, number>> {
  if (itemIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('feedback_comments')
    .select((eb) => ['item_id', eb.fn.countAll<number | string>().as('n')])
    .where('item_id', 'in', itemIds)
    .groupBy('item_id')
    .execute();
  return new Map(rows.map((r) => [r.item_id, Number(r.n)]));
}

export async function insertVote(db: Kysely<Database>, itemId: string, v: Vote): Promise<void> {
  await db
    .insertInto('feedback_votes')
    .values({ item_id: itemId, voter: v.voter, pain: v.pain, created_at: v.at })
    .execute();
}

export async function setVotePain(
  db: Kysely<Database>,
  itemId: string,
  voter: string,
  pain: number | null,
): Promise<void> {
  await db
    .updateTable('feedback_votes')
    .set({ pain })
    .where('item_id', '=', itemId)
    .where('voter', '=', voter)
    .execute();
}

export async function deleteVotes(db: Kysely<Database>, itemId: string, voter?: string): Promise<number> {
  let q = db.deleteFrom('feedback_votes').where('item_id', '=', itemId);
  if (voter !== undefined) q = q.where('voter', '=', voter);
  const r = await q.executeTakeFirst();
  return Number(r.numDeletedRows);
}

export interface StoredComment {
  id: string;
  itemId: string;
  author: string;
  body: string;
  createdAt: number;
}

export async function insertComment(db: Kysely<Database>, c: StoredComment): Promise<void> {
  await db
    .insertInto('feedback_comments')
    .values({ id: c.id, item_id: c.itemId, author: c.author, body: c.body, created_at: c.createdAt })
    .execute();
}

export async function commentsOf(db: Kysely<Database>, itemId: string): Promise<StoredComment[]> {
  const rows = await db
    .selectFrom('feedback_comments')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    itemId: r.item_id,
    author: r.author,
    body: r.body,
    createdAt: Number(r.created_at),
  }));
}

export interface StoredStatusChange {
  from: FeedbackStatus | null;
  to: FeedbackStatus;
  note: string | null;
  actor: string;
  at: number;
  notified: FeedbackNotified | null;
}

export async function insertStatusChange(
  db: Kysely<Database>,
  itemId: string,
  c: StoredStatusChange,
): Promise<void> {
  await db
    .insertInto('feedback_status_changes')
    .values({
      id: uuidv7(),
      item_id: itemId,
      from_status: c.from,
      to_status: c.to,
      note: c.note,
      actor: c.actor,
      at: c.at,
      notified: c.notified === null ? null : JSON.stringify(c.notified),
    })
    .execute();
}

export async function statusChangesOf(db: Kysely<Database>, itemId: string): Promise<StoredStatusChange[]> {
  const rows = await db
    .selectFrom('feedback_status_changes')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    from: r.from_status as FeedbackStatus | null,
    to: r.to_status as FeedbackStatus,
    note: r.note,
    actor: r.actor,
    at: Number(r.at),
    notified: r.notified === null ? null : json.parse<FeedbackNotified>(r.notified),
  }));
}

export async function duplicatesOf(db: Kysely<Database>, itemId: string) {
  return db
    .selectFrom('feedback_items')
    .select(['id', 'title', 'author'])
    .where('duplicate_of', '=', itemId)
    .orderBy('seq')
    .execute();
}

export async function interviewsLinkedTo(db: Kysely<Database>, itemId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('interview_links')
    .innerJoin('interviews', 'interviews.id', 'interview_links.interview_id')
    .select('interviews.id')
    .where('interview_links.target_kind', '=', 'feedback')
    .where('interview_links.target_id', '=', itemId)
    .orderBy('interviews.held_at')
    .execute();
  return rows.map((r) => r.id);
}

export async function boardCounts(db: Kysely<Database>) {
  return db
    .selectFrom('feedback_items')
    .select((eb) => ['board', 'status', eb.fn.countAll<number | string>().as('n')])
    .where('board', 'is not', null)
    .groupBy(['board', 'status'])
    .execute();
}
