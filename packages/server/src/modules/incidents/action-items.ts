/**
 * Action items of incidents: create (id AI-<n>), update, list (by team — the owner of the item's
 * service —, incident, status, overdue). Owners must be catalog users and services catalog
 * services (400 naming the field); core checks the rest (validateActionItem). Audited, and
 * written on the incident's timeline.
 */
import type {
  ActionItemCreate,
  ActionItem as ActionItemDto,
  ActionItemUpdate,
} from '@headroom/core/api/incident';
import type { ActionItemListQuery } from '@headroom/core/api/postmortem';
import { NotFoundError } from '@headroom/core/errors';
import { type ActionItem, isOverdue, validateActionItem } from '@headroom/core/incidents/postmortem';
import type { Kysely } from 'kysely';
import { isUniqueViolation, withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { type AuditContext, recordAudit } from '../audit/service.js';
import { iso } from '../catalog/refs.js';
import {
  insertActionItem,
  loadActionItems,
  nextActionItemNumber,
  type StoredActionItem,
  updateActionItem,
} from './follow-up-repo.js';
import { appendTimeline } from './repo.js';
import { catalogUser, field, requireEditor, requireIncident } from './service-support.js';

/** Overdue is judged on the UTC calendar date. */
const todayUtc = (now: number) => new Date(now).toISOString().slice(0, 10);

export function actionItemView(a: StoredActionItem, now: number): ActionItemDto {
  return {
    id: a.id,
    incidentId: a.incidentId,
    service: a.service,
    title: a.title,
    owner: a.owner,
    priority: a.priority,
    dueDate: a.dueDate,
    status: a.status,
    ticketUrl: a.ticketUrl,
    overdue: isOverdue(a, todayUtc(now)),
    team: a.team,
    createdBy: a.createdBy,
    createdAt: iso(a.createdAt),
    updatedAt: iso(a.updatedAt),
  };
}

async function checkService(db: Kysely<Database>, name: string | null): Promise<void> {
  if (name === null) return;
  const row = await db
    .selectFrom('services')
    .select('name')
    .where('namespace', '=', 'default')
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) throw field('/service', `'${name}' is not a catalog service.`, 'UNKNOWN_SERVICE');
}

async function requireActionItem(db: Kysely<Database>, id: string): Promise<StoredActionItem> {
  const [item] = await loadActionItems(db, { id });
  if (!item) throw new NotFoundError('action item', id, 'ACTION_ITEM_NOT_FOUND');
  return item;
}

export async function createActionItem(
  db: Kysely<Database>,
  ctx: AuditContext,
  incidentId: string,
  body: ActionItemCreate,
  now = Date.now(),
): Promise<ActionItemDto> {
  requireEditor(ctx, 'add action items');
  for (let attempt = 0; ; attempt++) {
    try {
      return await withTransaction(db, async (trx) => {
        const incident = await requireIncident(trx, incidentId);
        const owner = await catalogUser(trx, body.owner, '/owner');
        // Without a service the item belongs to the incident's first service (and its team).
        const service = body.service === undefined ? (incident.services[0] ?? null) : body.service;
        await checkService(trx, service);
        const fields: Omit<ActionItem, 'id'> = {
          incidentId,
          service,
          title: body.title.trim(),
          owner,
          priority: body.priority,
          dueDate: body.dueDate ?? null,
          status: body.status ?? 'open',
          ticketUrl: body.ticketUrl ?? null,
        };
        validateActionItem(fields);
        const number = await nextActionItemNumber(trx);
        const item: ActionItem = { id: `AI-${number}`, ...fields };
        await insertActionItem(trx, number, item, ctx.actor.name, now);
        await recordAudit(trx, ctx, 'action-item.create', 'action-item', item.id, { ...fields });
        await appendTimeline(
          trx,
          incidentId,
          [
            {
              kind: 'action-item',
              at: now,
              actor: ctx.actor.name,
              text: `Action item ${item.id} (${item.priority}) for ${owner}: ${item.title}`,
              data: { id: item.id, priority: item.priority, owner },
            },
          ],
          now,
        );
        return actionItemView(await requireActionItem(trx, item.id), now);
      });
    } catch (error) {
      // Two items created at once took the same number: the later one takes the next.
      if (!isUniqueViolation(error) || attempt >= 4 || db.isTransaction) throw error;
    }
  }
}

export async function changeActionItem(
  db: Kysely<Database>,
  ctx: AuditContext,
  id: string,
  body: ActionItemUpdate,
  now = Date.now(),
): Promise<ActionItemDto> {
  requireEditor(ctx, 'change action items');
  return withTransaction(db, async (trx) => {
    const before = await requireActionItem(trx, id);
    const next: ActionItem = { ...before };
    if (body.title !== undefined) next.title = body.title.trim();
    if (body.owner !== undefined) next.owner = await catalogUser(trx, body.owner, '/owner');
    if (body.priority !== undefined) next.priority = body.priority;
    if (body.status !== undefined) next.status = body.status;
    if (body.dueDate !== undefined) next.dueDate = body.dueDate;
    if (body.ticketUrl !== undefined) next.ticketUrl = body.ticketUrl;
    if (body.service !== undefined) {
      await checkService(trx, body.service);
      next.service = body.service;
    }
    validateActionItem(next);
    const changed = (Object.keys(body) as (keyof ActionItem)[]).filter((k) => next[k] !== before[k]);
    if (changed.length === 0) return actionItemView(before, now);
    await updateActionItem(trx, next, now);
    await recordAudit(trx, ctx, 'action-item.update', 'action-item', id, {
      changes: Object.fromEntries(changed.map((k) => [k, { from: before[k], to: next[k] }])),
    });
    if (next.status !== before.status) {
      await appendTimeline(
        trx,
        before.incidentId,
        [
          {
            kind: 'action-item',
            at: now,
            actor: ctx.actor.name,
            text: `Action item ${id} ${before.status} → ${next.status}`,
            data: { id, from: before.status, to: next.status },
          },
        ],
        now,
      );
    }
    return actionItemView(await requireActionItem(trx, id), now);
  });
}

export async function listActionItems(
  db: Kysely<Database>,
  query: ActionItemListQuery = {},
  now = Date.now(),
): Promise<ActionItemDto[]> {
  if (query.incident !== undefined) await requireIncident(db, query.incident);
  const items = await loadActionItems(db, {
    ...(query.team !== undefined && { team: query.team }),
    ...(query.incident !== undefined && { incidentId: query.incident }),
    ...(query.status !== undefined && { status: query.status }),
  });
  const views = items.map((a) => actionItemView(a, now));
  return query.overdue ? views.filter((v) => v.overdue) : views;
}
