/**
 * The notification outbox. A producer enqueues inside its own transaction, so the change that
 * causes a notification and the notification commit together or not at all; a dispatcher claims
 * due rows with a lease (PostgreSQL: FOR UPDATE SKIP LOCKED, so several Headroom processes share
 * the work without taking the same row), delivers, and records the outcome. A dispatcher that
 * dies mid-delivery leaves its lease to expire, and the next pass delivers again: delivery is
 * at-least-once, and receivers deduplicate by the Idempotency-Key (the notification id).
 */
import type { NotificationMessage } from '@headroom/core/api/notification';
import { InputError } from '@headroom/core/errors';
import { checkNotificationMessage } from '@headroom/core/notifications/message';
import { type Kysely, type Selectable, sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { likeLiteral } from '../../db/like.js';
import type { Database, NotificationsTable } from '../../db/schema.js';
import { json } from '../catalog/refs.js';

export interface EnqueueRequest {
  /** A NotificationChannel name (a Route's receiver). */
  channel: string;
  message: NotificationMessage;
  /** The producer's key for this notification: enqueueing it again adds nothing. */
  idempotencyKey: string;
}

export interface Enqueued {
  id: string;
  /** false: the key was enqueued before; `id` is that notification. */
  created: boolean;
}

export const IDEMPOTENCY_KEY_MAX = 255;

/**
 * Adds a notification to the outbox, in the caller's transaction when `db` is one. Throws an
 * InputError (code INVALID_NOTIFICATION) for a message that cannot be delivered as given.
 */
export async function enqueueNotification(
  db: Kysely<Database>,
  request: EnqueueRequest,
  now = Date.now(),
): Promise<Enqueued> {
  const message = checkNotificationMessage(request.message);
  const key = request.idempotencyKey;
  if (typeof key !== 'string' || key === '' || key.length > IDEMPOTENCY_KEY_MAX)
    throw new InputError(
      `idempotencyKey must be 1–${IDEMPOTENCY_KEY_MAX} characters`,
      [{ path: '/idempotencyKey', message: `must be 1–${IDEMPOTENCY_KEY_MAX} characters` }],
      'INVALID_NOTIFICATION',
    );
  if (typeof request.channel !== 'string' || request.channel === '')
    throw new InputError(
      'channel is required',
      [{ path: '/channel', message: 'is required' }],
      'INVALID_NOTIFICATION',
    );
  const id = uuidv7();
  // ON CONFLICT DO NOTHING: a repeated key neither fails nor aborts the caller's transaction.
  const inserted = await db
    .insertInto('notifications')
    .values({
      id,
      channel: request.channel,
      // Plain JSON.stringify: `data` keeps the producer’s key order, as the webhook sends it.
      message: JSON.stringify(message),
      idempotency_key: key,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      lease_until: null,
      lease_owner: null,
      last_error: null,
      created_at: now,
      updated_at: now,
      delivered_at: null,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id, created: true };
  const existing = await db
    .selectFrom('notifications')
    .select('id')
    .where('idempotency_key', '=', key)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

export interface Claimed {
  id: string;
  channel: string;
  message: NotificationMessage;
  /** The number of this attempt (1 for the first). */
  attempt: number;
  /** Attempts made before the last retry by hand. */
  retryBase: number;
  /** Proves the lease: completing needs it. */
  leaseOwner: string;
}

/**
 * Claims up to `limit` due notifications — pending ones whose time has come and claimed ones
 * whose lease ran out — for `leaseMs`, and opens an attempt for each.
 */
export async function claimDue(
  db: Kysely<Database>,
  options: { now: number; leaseMs: number; limit: number; owner: string; postgres: boolean },
): Promise<Claimed[]> {
  const { now, leaseMs, limit, owner } = options;
  return db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('notifications')
      .select(['id', 'status'])
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'sending'), eb('lease_until', '<=', now)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(limit);
    if (options.postgres) q = q.forUpdate().skipLocked();
    const due = await q.execute();
    if (due.length === 0) return [];
    const expired = due.filter((d) => d.status === 'sending').map((d) => d.id);
    if (expired.length > 0)
      await trx
        .updateTable('notification_attempts')
        .set({
          outcome: 'abandoned',
          finished_at: now,
          error: 'the dispatcher stopped before finishing (its lease expired); delivered again',
        })
        .where('notification_id', 'in', expired)
        .where('outcome', '=', 'sending')
        .execute();
    // The condition again: on SQLite nothing locked the rows between the read and this write.
    const claimed = await trx
      .updateTable('notifications')
      .set((eb) => ({
        status: 'sending',
        attempts: eb('attempts', '+', 1),
        lease_until: now + leaseMs,
        lease_owner: owner,
        updated_at: now,
      }))
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'sending'), eb('lease_until', '<=', now)]),
        ]),
      )
      .returning(['id', 'channel', 'message', 'attempts', 'retry_base'])
      .execute();
    if (claimed.length > 0)
      await trx
        .insertInto('notification_attempts')
        .values(
          claimed.map((c) => ({
            notification_id: c.id,
            attempt: Number(c.attempts),
            started_at: now,
            finished_at: null,
            outcome: 'sending' as const,
            status_code: null,
            error: null,
          })),
        )
        .execute();
    return claimed.map((c) => ({
      id: c.id,
      channel: c.channel,
      message: json.parse<NotificationMessage>(c.message),
      attempt: Number(c.attempts),
      retryBase: Number(c.retry_base),
      leaseOwner: owner,
    }));
  });
}

export type Completion =
  | { status: 'delivered'; statusCode: number | null }
  | { status: 'pending'; statusCode: number | null; error: string; nextAttemptAt: number }
  | { status: 'dead'; statusCode: number | null; error: string };

/**
 * Records an attempt's outcome. The notification changes only while this claim still holds its
 * lease (a dispatcher that outlived its lease must not undo the newer claim's work); the attempt
 * is recorded either way. Returns whether the notification changed.
 */
export async function completeAttempt(
  db: Kysely<Database>,
  claim: Claimed,
  completion: Completion,
  now: number,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const error = completion.status === 'delivered' ? null : completion.error;
    await trx
      .updateTable('notification_attempts')
      .set({
        finished_at: now,
        outcome:
          completion.status === 'delivered'
            ? 'delivered'
            : completion.status === 'pending'
              ? 'retry'
              : 'failed',
        status_code: completion.statusCode,
        error,
      })
      .where('notification_id', '=', claim.id)
      .where('attempt', '=', claim.attempt)
      .execute();
    const result = await trx
      .updateTable('notifications')
      .set({
        status: completion.status,
        lease_until: null,
        lease_owner: null,
        last_error: error,
        updated_at: now,
        next_attempt_at: completion.status === 'pending' ? completion.nextAttemptAt : null,
        ...(completion.status === 'delivered' && { delivered_at: now }),
      })
      .where('id', '=', claim.id)
      .where('status', '=', 'sending')
      .where('lease_owner', '=', claim.leaseOwner)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  });
}

export type NotificationRow = Selectable<NotificationsTable>;

export async function findNotification(
  db: Kysely<Database>,
  id: string,
): Promise<NotificationRow | undefined> {
  return db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listNotificationRows(
  db: Kysely<Database>,
  filter: {
    status?: NotificationRow['status'];
    channel?: string;
    key?: string;
    cursor?: string;
    limit: number;
  },
): Promise<NotificationRow[]> {
  let q = db.selectFrom('notifications').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.channel) q = q.where('channel', '=', filter.channel);
  if (filter.key) q = q.where(sql<boolean>`idempotency_key like ${`${likeLiteral(filter.key)}%`} escape '!'`);
  if (filter.cursor) q = q.where('id', '<', filter.cursor);
  return q.execute();
}

export async function attemptRows(db: Kysely<Database>, id: string) {
  return db
    .selectFrom('notification_attempts')
    .selectAll()
    .where('notification_id', '=', id)
    .orderBy('attempt')
    .execute();
}

/** dead → pending, due now, with a fresh set of attempts. False when it was not dead. */
export async function requeueDead(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('notifications')
    .set((eb) => ({
      status: 'pending',
      next_attempt_at: now,
      retry_base: eb.ref('attempts'),
      updated_at: now,
    }))
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
