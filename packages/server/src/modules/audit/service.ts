import type { Actor } from '@headroom/core/auth/policy';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../../db/schema.js';

export interface AuditContext {
  actor: Actor;
  requestId: string | null;
}

/** Records who changed what. Written in the same transaction as the change it describes. */
export async function recordAudit(
  db: Kysely<Database>,
  ctx: AuditContext,
  action: string,
  targetKind: string,
  targetRef: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: uuidv7(),
      at: Date.now(),
      actor_id: ctx.actor.userId,
      actor_name: ctx.actor.name,
      action,
      target_kind: targetKind,
      target_ref: targetRef,
      detail: JSON.stringify(detail),
      request_id: ctx.requestId,
    })
    .execute();
}

export async function listAudit(
  db: Kysely<Database>,
  filter: {
    targetKind?: string;
    targetRef?: string;
    actor?: string;
    limit: number;
    before?: number;
    cursor?: string;
  },
) {
  let q = db
    .selectFrom('audit_log')
    .selectAll()
    // Ids are UUIDv7, ordered by creation time, so they page exactly even when many entries
    // share one millisecond (an apply writes dozens at once).
    .orderBy('id', 'desc')
    .limit(filter.limit);
  if (filter.targetKind) q = q.where('target_kind', '=', filter.targetKind);
  if (filter.targetRef) q = q.where('target_ref', '=', filter.targetRef);
  if (filter.actor) q = q.where('actor_name', '=', filter.actor);
  if (filter.before !== undefined) q = q.where('at', '<', filter.before);
  if (filter.cursor !== undefined) q = q.where('id', '<', filter.cursor);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    actor: r.actor_name,
    action: r.action,
    targetKind: r.target_kind,
    targetRef: r.target_ref,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    requestId: r.request_id,
  }));
}
