/**
 * Notification channels, and people by e-mail (`mailto:` channels), subscribed to an incident's
 * status updates. A status update is put in
 * the outbox once per subscribed channel, in the transaction that writes it, with the key
 * `incident:<id>:update:<entryId>:<channel>`: a retry of the enqueue adds nothing, and the
 * dispatcher delivers it at least once (receivers deduplicate by the notification id).
 */
import type { NotificationMessage, NotificationSeverity } from '@headroom/core/api/notification';
import type { SubscribeRequest, Subscribers } from '@headroom/core/api/postmortem';
import { NotFoundError } from '@headroom/core/errors';
import type { Incident, Severity, TimelineEntry } from '@headroom/core/incidents/model';
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { findUserByRef } from '../catalog/users.js';
import { enqueueNotification } from '../notifications/outbox.js';
import { addSubscriber, loadSubscribers, removeSubscriber } from './follow-up-repo.js';
import { lockIncident } from './repo.js';
import { field, requireEditor, requireIncident } from './service-support.js';

const SEVERITY: Record<Severity, NotificationSeverity> = {
  SEV1: 'critical',
  SEV2: 'error',
  SEV3: 'warning',
  SEV4: 'info',
};

export async function listSubscribers(db: Kysely<Database>, incidentId: string): Promise<Subscribers> {
  await requireIncident(db, incidentId);
  return { incidentId, channels: await loadSubscribers(db, incidentId) };
}

export async function subscribe(
  db: Kysely<Database>,
  ctx: AuditContext,
  incidentId: string,
  request: SubscribeRequest,
  now = Date.now(),
): Promise<Subscribers> {
  if ((request.channel === undefined) === (request.user === undefined))
    throw field('/channel', 'give exactly one of channel (a notification channel) and user (a person).');
  return withTransaction(db, async (trx) => {
    await lockIncident(trx, incidentId);
    await requireIncident(trx, incidentId);
    const channel =
      request.user !== undefined
        ? await personalChannel(trx, ctx, request.user)
        : await namedChannel(trx, ctx, request.channel!);
    if (await addSubscriber(trx, incidentId, channel, ctx.actor.name, now))
      await recordAudit(trx, ctx, 'incident.subscribe', 'incident', incidentId, { channel });
    return { incidentId, channels: await loadSubscribers(trx, incidentId) };
  });
}

async function namedChannel(trx: Kysely<Database>, ctx: AuditContext, channel: string): Promise<string> {
  requireEditor(ctx, 'subscribe channels to incidents');
  const known = await trx
    .selectFrom('notification_channels')
    .select('name')
    .where('name', '=', channel)
    .executeTakeFirst();
  if (!known) throw field('/channel', `'${channel}' is not a notification channel.`, 'UNKNOWN_CHANNEL');
  return channel;
}

/** A person follows by e-mail: anyone may follow an incident themselves; others are subscribed by editors. */
async function personalChannel(trx: Kysely<Database>, ctx: AuditContext, user: string): Promise<string> {
  const name = user === 'me' ? ctx.actor.name : user;
  if (name !== ctx.actor.name) requireEditor(ctx, 'subscribe other people to incidents');
  const row = await findUserByRef(trx, name);
  if (!row) throw field('/user', `'${name}' is not a user.`, 'USER_NOT_FOUND');
  if (!row.email)
    throw field('/user', `'${name}' has no e-mail address; set one on the user first.`, 'NO_EMAIL');
  return `mailto:${row.email}`;
}

export async function unsubscribe(
  db: Kysely<Database>,
  ctx: AuditContext,
  incidentId: string,
  channel: string,
): Promise<Subscribers> {
  return withTransaction(db, async (trx) => {
    // Anyone may stop following themselves; everything else is an editor's call.
    const own = await findUserByRef(trx, ctx.actor.name);
    if (!(own?.email && channel === `mailto:${own.email}`))
      requireEditor(ctx, 'unsubscribe channels from incidents');
    await requireIncident(trx, incidentId);
    if (!(await removeSubscriber(trx, incidentId, channel)))
      throw new NotFoundError('subscriber', channel, 'SUBSCRIBER_NOT_FOUND');
    await recordAudit(trx, ctx, 'incident.unsubscribe', 'incident', incidentId, { channel });
    return { incidentId, channels: await loadSubscribers(trx, incidentId) };
  });
}

export function statusUpdateMessage(
  incident: Incident,
  update: TimelineEntry & { id: string },
): NotificationMessage {
  const over = ['resolved', 'closed', 'cancelled', 'merged'].includes(incident.status);
  return {
    title: `[${incident.id}] ${incident.severity} ${incident.status}: ${incident.title}`.slice(0, 1024),
    text: update.text,
    severity: SEVERITY[incident.severity],
    status: over ? 'resolved' : 'firing',
    labels: {
      incident: incident.id,
      severity: incident.severity,
      status: incident.status,
      ...(incident.services.length > 0 && { services: incident.services.join(',') }),
    },
    links: [],
    data: {
      kind: 'incident.status-update',
      incident: {
        id: incident.id,
        title: incident.title,
        severity: incident.severity,
        status: incident.status,
        services: incident.services,
      },
      update: {
        id: update.id,
        at: new Date(update.at).toISOString(),
        actor: update.actor,
        text: update.text,
      },
    },
  };
}

export async function notifySubscribers(
  trx: Kysely<Database>,
  incident: Incident,
  updates: readonly (TimelineEntry & { id: string })[],
  now: number,
): Promise<void> {
  const channels = await loadSubscribers(trx, incident.id);
  for (const update of updates) {
    for (const channel of channels) {
      await enqueueNotification(
        trx,
        {
          channel,
          message: statusUpdateMessage(incident, update),
          idempotencyKey: `incident:${incident.id}:update:${update.id}:${channel}`,
        },
        now,
      );
    }
  }
}
