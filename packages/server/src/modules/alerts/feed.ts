/**
 * The change feed the routing pipeline reads: alerts (or single events) after a cursor, in the
 * order they were stored. Writers number events under one lock, so `seq > cursor` never skips a
 * change that commits later.
 */
import type { AlertEventKind } from '@headroom/core/api/alert';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { type StoredAlert, toState } from './repo.js';

/** An alert as the change feed gives it: the stored state and its latest event. */
export interface ChangedAlert extends StoredAlert {
  lastEvent: { seq: number; kind: AlertEventKind; at: number };
}

/**
 * Alerts whose latest event is after `cursor`, oldest change first, at most `limit`, and the
 * cursor to pass next time (the last alert's sequence number, or `cursor` when none changed). An
 * alert that changed several times since appears once, in its current state.
 */
export async function alertsChangedSince(
  db: Kysely<Database>,
  cursor: number,
  limit = 500,
): Promise<{ alerts: ChangedAlert[]; cursor: number }> {
  const rows = await db
    .selectFrom('alerts')
    .innerJoin('alert_events', 'alert_events.seq', 'alerts.last_seq')
    .selectAll('alerts')
    .select(['alert_events.kind as event_kind', 'alert_events.at as event_at'])
    .where('alerts.last_seq', '>', cursor)
    .orderBy('alerts.last_seq')
    .limit(limit)
    .execute();
  const alerts = rows.map((row) => {
    const stored = toState(row);
    return {
      ...stored,
      lastEvent: { seq: stored.lastSeq, kind: row.event_kind, at: Number(row.event_at) },
    };
  });
  return { alerts, cursor: alerts.at(-1)?.lastSeq ?? cursor };
}

/** Every event after `cursor`, in order, with the alert it belongs to (for consumers that need each step). */
export async function alertEventsSince(db: Kysely<Database>, cursor: number, limit = 500) {
  const rows = await db
    .selectFrom('alert_events')
    .innerJoin('alerts', 'alerts.id', 'alert_events.alert_id')
    .select([
      'alert_events.seq',
      'alert_events.kind',
      'alert_events.status',
      'alert_events.at',
      'alert_events.detail',
      'alerts.id as alert_id',
      'alerts.fingerprint',
    ])
    .where('alert_events.seq', '>', cursor)
    .orderBy('alert_events.seq')
    .limit(limit)
    .execute();
  const events = rows.map((r) => ({
    seq: Number(r.seq),
    kind: r.kind,
    status: r.status,
    at: Number(r.at),
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    alertId: r.alert_id,
    fingerprint: r.fingerprint,
  }));
  return { events, cursor: events.at(-1)?.seq ?? cursor };
}
