/**
 * Notification channels and the outbox for the API: channel views without secrets, a test
 * notification through a channel, the outbox's entries with their attempts, and the retry by
 * hand of a dead one. Every change is audited in the transaction that makes it.
 */
import type {
  NotificationChannel as ChannelDto,
  ChannelTestResult,
  DeliveryAttempt,
  NotificationDetail,
  Notification as NotificationDto,
  NotificationListQuery,
  NotificationMessage,
} from '@headroom/core/api/notification';
import { hasRole } from '@headroom/core/auth/policy';
import { ConflictError, ForbiddenError, NotFoundError } from '@headroom/core/errors';
import { notificationChannelRef } from '@headroom/core/notifications/channel';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { iso, json } from '../catalog/refs.js';
import { findChannel, listChannels, type StoredChannel } from './channels-repo.js';
import {
  attemptRows,
  enqueueNotification,
  findNotification,
  listNotificationRows,
  type NotificationRow,
  requeueDead,
} from './outbox.js';

/** A URL's origin only: paths and queries of webhook URLs often carry tokens. */
function originOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname === '/' && u.search === '' ? '/' : '/…'}`;
  } catch {
    return '(invalid URL)';
  }
}

export function channelView(c: StoredChannel): ChannelDto {
  const spec = c.definition.spec;
  let target: string;
  let settings: Record<string, unknown>;
  switch (spec.type) {
    case 'webhook':
      target = originOf(spec.url);
      settings = {
        url: target,
        headerNames: Object.keys(spec.headers).sort(),
        signed: c.secretNames.includes('secret'),
        timeoutSeconds: spec.timeoutSeconds,
      };
      break;
    case 'slack':
      target = spec.channel ? `Slack ${spec.channel}` : 'Slack (the webhook’s channel)';
      settings = {
        channel: spec.channel,
        username: spec.username,
        iconEmoji: spec.iconEmoji,
        timeoutSeconds: spec.timeoutSeconds,
      };
      break;
    case 'email':
      target = spec.to.join(', ');
      settings = {
        to: spec.to,
        from: spec.from,
        smtp: spec.smtp
          ? {
              host: spec.smtp.host,
              port: spec.smtp.port,
              security: spec.smtp.security,
              username: spec.smtp.username,
            }
          : 'server',
      };
      break;
  }
  return {
    name: c.name,
    displayName: c.definition.displayName,
    type: spec.type,
    owner: c.definition.owner,
    target,
    settings,
    secrets: c.secretNames,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

export async function listChannelViews(db: Kysely<Database>): Promise<ChannelDto[]> {
  return (await listChannels(db)).map(channelView);
}

async function requireChannel(db: Kysely<Database>, name: string): Promise<StoredChannel> {
  const c = await findChannel(db, name);
  if (!c) throw new NotFoundError('Notification channel', name, 'CHANNEL_NOT_FOUND');
  return c;
}

export async function getChannelView(db: Kysely<Database>, name: string): Promise<ChannelDto> {
  return channelView(await requireChannel(db, name));
}

function requireEditor(ctx: AuditContext, what: string): void {
  if (!hasRole(ctx.actor, 'editor')) throw new ForbiddenError(`Viewers cannot ${what}.`);
}

/** The message a channel test sends. */
export function testMessage(channel: string, actor: string, now: number): NotificationMessage {
  return {
    title: `Test notification for channel ${channel}`,
    text: `${actor} sent this test through Headroom at ${iso(now)}. If you can read it, the channel works.`,
    severity: 'info',
    status: 'firing',
    labels: { channel, test: 'true' },
    links: [],
  };
}

export async function testChannel(
  db: Kysely<Database>,
  ctx: AuditContext,
  name: string,
  now = Date.now(),
): Promise<ChannelTestResult> {
  requireEditor(ctx, 'send test notifications');
  return withTransaction(db, async (trx) => {
    await requireChannel(trx, name);
    const { id } = await enqueueNotification(
      trx,
      {
        channel: name,
        message: testMessage(name, ctx.actor.name, now),
        idempotencyKey: `test:${name}:${uuidv7()}`,
      },
      now,
    );
    await recordAudit(trx, ctx, 'channel.test', 'notification-channel', notificationChannelRef(name), {
      notification: id,
    });
    return { notification: id, channel: name };
  });
}

function view(row: NotificationRow): NotificationDto {
  const at = (ms: number | null) => (ms === null ? null : iso(Number(ms)));
  return {
    id: row.id,
    channel: row.channel,
    status: row.status,
    attempts: Number(row.attempts),
    idempotencyKey: row.idempotency_key,
    message: json.parse<NotificationMessage>(row.message),
    nextAttemptAt: row.status === 'pending' || row.status === 'sending' ? at(row.next_attempt_at) : null,
    lastError: row.last_error,
    createdAt: iso(Number(row.created_at)),
    updatedAt: iso(Number(row.updated_at)),
    deliveredAt: at(row.delivered_at),
  };
}

export async function listNotifications(
  db: Kysely<Database>,
  query: NotificationListQuery,
): Promise<NotificationDto[]> {
  const rows = await listNotificationRows(db, {
    ...(query.status && { status: query.status }),
    ...(query.channel && { channel: query.channel }),
    ...(query.key && { key: query.key }),
    ...(query.cursor && { cursor: query.cursor }),
    limit: query.limit ?? 100,
  });
  return rows.map(view);
}

export async function getNotification(db: Kysely<Database>, id: string): Promise<NotificationDetail> {
  const row = await findNotification(db, id);
  if (!row) throw new NotFoundError('Notification', id, 'NOTIFICATION_NOT_FOUND');
  const attempts = await attemptRows(db, id);
  const attemptHistory: DeliveryAttempt[] = attempts.map((a) => ({
    attempt: Number(a.attempt),
    startedAt: iso(Number(a.started_at)),
    finishedAt: a.finished_at === null ? null : iso(Number(a.finished_at)),
    outcome: a.outcome,
    statusCode: a.status_code === null ? null : Number(a.status_code),
    error: a.error,
    durationMs: a.finished_at === null ? null : Number(a.finished_at) - Number(a.started_at),
  }));
  return { ...view(row), attemptHistory };
}

/** A dead notification back to pending, due now, with a fresh set of attempts. */
export async function retryNotification(
  db: Kysely<Database>,
  ctx: AuditContext,
  id: string,
  now = Date.now(),
): Promise<NotificationDto> {
  requireEditor(ctx, 'retry notifications');
  return withTransaction(db, async (trx) => {
    const row = await findNotification(trx, id);
    if (!row) throw new NotFoundError('Notification', id, 'NOTIFICATION_NOT_FOUND');
    if (!(await requeueDead(trx, id, now)))
      throw new ConflictError(
        `Notification '${id}' is ${row.status}, not dead: only dead notifications can be retried.`,
        'NOT_DEAD',
      );
    await recordAudit(trx, ctx, 'notification.retry', 'notification', id, {
      channel: row.channel,
      attempts: Number(row.attempts),
      lastError: row.last_error,
    });
    return view((await findNotification(trx, id))!);
  });
}
