/** Aggregation groups, their members and the pipeline's cursor, on SQLite and PostgreSQL. */
import type { Labels } from '@headroom/core/alerting/matchers';
import type { LastNotification } from '@headroom/core/alerting/schedule';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export interface GroupRow {
  id: string;
  routeId: string;
  groupKey: string;
  receiver: string;
  groupLabels: Labels;
  createdAt: number;
  lastFlushAt: number | null;
  lastNotification: LastNotification | null;
  nextAt: number | null;
  explanation: string;
  updatedAt: number;
}

/** A group member with what notifications and muting need of its alert. */
export interface MemberAlert {
  groupId: string;
  alertId: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
  acknowledged: boolean;
  labels: Labels;
  annotations: Labels;
  startsAt: number;
  endsAt: number | null;
  lastReceivedAt: number;
  generatorUrl: string | null;
}

export async function readCursor(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('alert_pipeline_state')
    .select('cursor')
    .where('id', '=', 1)
    .executeTakeFirst();
  return row ? Number(row.cursor) : 0;
}

export async function saveCursor(db: Kysely<Database>, cursor: number, now: number): Promise<void> {
  await db
    .insertInto('alert_pipeline_state')
    .values({ id: 1, cursor, updated_at: now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ cursor, updated_at: now }))
    .execute();
}

/** The group of (route, group key), created with `id` when missing; returns its id. */
export async function ensureGroup(
  db: Kysely<Database>,
  g: { id: string; routeId: string; groupKey: string; receiver: string; groupLabels: Labels; now: number },
): Promise<string> {
  const found = await db
    .selectFrom('alert_groups')
    .select('id')
    .where('route_id', '=', g.routeId)
    .where('group_key', '=', g.groupKey)
    .executeTakeFirst();
  if (found) return found.id;
  await db
    .insertInto('alert_groups')
    .values({
      id: g.id,
      route_id: g.routeId,
      group_key: g.groupKey,
      receiver: g.receiver,
      group_labels: JSON.stringify(g.groupLabels),
      created_at: g.now,
      last_flush_at: null,
      last_notification: null,
      next_at: null,
      explanation: 'New group: it flushes after group_wait.',
      updated_at: g.now,
    })
    .execute();
  return g.id;
}

export async function addMember(
  db: Kysely<Database>,
  groupId: string,
  alertId: string,
  now: number,
): Promise<void> {
  await db
    .insertInto('alert_group_members')
    .values({ group_id: groupId, alert_id: alertId, added_at: now })
    .onConflict((oc) => oc.columns(['group_id', 'alert_id']).doNothing())
    .execute();
}

export async function removeMembers(
  db: Kysely<Database>,
  groupId: string,
  alertIds: readonly string[],
): Promise<void> {
  if (alertIds.length === 0) return;
  await db
    .deleteFrom('alert_group_members')
    .where('group_id', '=', groupId)
    .where('alert_id', 'in', [...alertIds])
    .execute();
}

export async function deleteGroup(db: Kysely<Database>, groupId: string): Promise<void> {
  await db.deleteFrom('alert_group_members').where('group_id', '=', groupId).execute();
  await db.deleteFrom('alert_groups').where('id', '=', groupId).execute();
}

export async function updateGroup(
  db: Kysely<Database>,
  id: string,
  change: {
    lastFlushAt?: number;
    lastNotification?: LastNotification | null;
    nextAt: number | null;
    explanation: string;
    now: number;
  },
): Promise<void> {
  await db
    .updateTable('alert_groups')
    .set({
      ...(change.lastFlushAt !== undefined && { last_flush_at: change.lastFlushAt }),
      ...(change.lastNotification !== undefined && {
        last_notification: change.lastNotification === null ? null : JSON.stringify(change.lastNotification),
      }),
      next_at: change.nextAt,
      explanation: change.explanation,
      updated_at: change.now,
    })
    .where('id', '=', id)
    .execute();
}

export async function loadGroups(db: Kysely<Database>, id?: string): Promise<GroupRow[]> {
  let q = db.selectFrom('alert_groups').selectAll().orderBy('created_at').orderBy('id');
  if (id !== undefined) q = q.where('id', '=', id);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    routeId: r.route_id,
    groupKey: r.group_key,
    receiver: r.receiver,
    groupLabels: JSON.parse(r.group_labels) as Labels,
    createdAt: Number(r.created_at),
    lastFlushAt: r.last_flush_at === null ? null : Number(r.last_flush_at),
    lastNotification:
      r.last_notification === null ? null : (JSON.parse(r.last_notification) as LastNotification),
    nextAt: r.next_at === null ? null : Number(r.next_at),
    explanation: r.explanation,
    updatedAt: Number(r.updated_at),
  }));
}

/**
 * Every group member's alert, and every other firing alert with groupId '' (inhibition sources
 * need not be routed anywhere to mute others).
 */
export async function loadMemberAlerts(db: Kysely<Database>): Promise<MemberAlert[]> {
  const members = await db
    .selectFrom('alert_group_members')
    .innerJoin('alerts', 'alerts.id', 'alert_group_members.alert_id')
    .select([
      'alert_group_members.group_id',
      'alerts.id',
      'alerts.fingerprint',
      'alerts.status',
      'alerts.acknowledged',
      'alerts.labels',
      'alerts.annotations',
      'alerts.starts_at',
      'alerts.ends_at',
      'alerts.last_received_at',
      'alerts.generator_url',
    ])
    .execute();
  const grouped = new Set(members.map((m) => m.id));
  const others = await db
    .selectFrom('alerts')
    .select([
      'id',
      'fingerprint',
      'status',
      'acknowledged',
      'labels',
      'annotations',
      'starts_at',
      'ends_at',
      'last_received_at',
      'generator_url',
    ])
    .where('status', '=', 'firing')
    .execute();
  const toMember = (groupId: string, r: (typeof others)[number]): MemberAlert => ({
    groupId,
    alertId: r.id,
    fingerprint: r.fingerprint,
    status: r.status,
    acknowledged: Number(r.acknowledged) === 1,
    labels: JSON.parse(r.labels) as Labels,
    annotations: JSON.parse(r.annotations) as Labels,
    startsAt: Number(r.starts_at),
    endsAt: r.ends_at === null ? null : Number(r.ends_at),
    lastReceivedAt: Number(r.last_received_at),
    generatorUrl: r.generator_url,
  });
  return [
    ...members.map((m) => toMember(m.group_id, m)),
    ...others.filter((o) => !grouped.has(o.id)).map((o) => toMember('', o)),
  ];
}
