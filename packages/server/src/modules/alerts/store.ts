/**
 * The alert store's write side and change feed. Every producer calls `upsertAlerts` (the intake
 * endpoints now, Headroom's burn-rate evaluator with source `headroom`); the routing pipeline
 * reads `alertsChangedSince(cursor)`.
 *
 * Writers hold one lock (PostgreSQL advisory; SQLite has one writer anyway) and number their
 * events from the highest stored `seq`, so sequence order is commit order and a reader of
 * `seq > cursor` never skips a change. A repeated delivery writes no event and leaves `seq`
 * alone; it only moves `last_received_at` (at most once a minute, which the stale timeout counts
 * from), and when even that is not due it writes nothing at all.
 */
import {
  type AlertState,
  autoResolve,
  type IncomingAlert,
  identityOf,
  type Transition,
  transition,
} from '@headroom/core/alerting/lifecycle';
import type { AlertEventKind } from '@headroom/core/api/alert';
import type { IntakeChange } from '@headroom/core/api/alert-intake';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import {
  chunks,
  lastSequence,
  loadByFingerprints,
  lockAlertWriters,
  type StoredAlert,
  toRow,
  toState,
} from './repo.js';

/** last_received_at is written at most this often for an unchanged alert. */
export const RECEIPT_RESOLUTION_MS = 60_000;

export interface UpsertResult {
  /** One per incoming alert, in order. */
  alerts: { fingerprint: string; change: IntakeChange }[];
  /** Incoming alerts that changed something (and logged an event). */
  changed: number;
}

interface Plan {
  /** What is stored now (before this write). */
  before: StoredAlert | undefined;
  /** The state after applying every step. */
  after: AlertState | undefined;
  events: {
    kind: AlertEventKind;
    detail: Record<string, unknown>;
    status: AlertState['status'];
    /** Position of the step that made it. */
    order: number;
  }[];
}

type Step = (current: AlertState | undefined) => Transition;

function plan(
  stored: Map<string, StoredAlert>,
  steps: { fingerprint: string; step: Step }[],
): { plans: Map<string, Plan>; changes: IntakeChange[] } {
  const plans = new Map<string, Plan>();
  const changes: IntakeChange[] = [];
  for (const [order, { fingerprint, step }] of steps.entries()) {
    let p = plans.get(fingerprint);
    if (!p) {
      const before = stored.get(fingerprint);
      p = { before, after: before?.state, events: [] };
      plans.set(fingerprint, p);
    }
    const t = step(p.after);
    p.after = t.next;
    if (t.event && t.next) p.events.push({ ...t.event, status: t.next.status, order });
    changes.push(t.change);
  }
  return { plans, changes };
}

/** Does the plan need a write: an event, or a receipt time that is due to be stored? */
function needsWrite(p: Plan): boolean {
  if (p.events.length > 0) return true;
  if (!p.before || !p.after) return false;
  return p.after.lastReceivedAt - p.before.state.lastReceivedAt >= RECEIPT_RESOLUTION_MS;
}

async function writePlans(trx: Kysely<Database>, plans: Map<string, Plan>, now: number): Promise<void> {
  let seq = await lastSequence(trx);
  const rows: ReturnType<typeof toRow>[] = [];
  const touched: string[] = [];
  // Events are numbered in the order their steps were given, across alerts.
  const pending: { order: number; alertId: string; event: Plan['events'][number] }[] = [];
  const changed: { id: string; plan: Plan }[] = [];
  for (const p of plans.values()) {
    if (!p.after) continue;
    if (p.events.length === 0) {
      if (p.before && needsWrite(p)) touched.push(p.before.id);
      continue;
    }
    const id = p.before?.id ?? uuidv7();
    changed.push({ id, plan: p });
    for (const event of p.events) pending.push({ order: event.order, alertId: id, event });
  }
  pending.sort((a, b) => a.order - b.order);
  const lastSeqOf = new Map<string, number>();
  const events: Database['alert_events'][] = pending.map(({ alertId, event }) => {
    seq += 1;
    lastSeqOf.set(alertId, seq);
    return {
      seq,
      alert_id: alertId,
      kind: event.kind,
      status: event.status,
      at: now,
      detail: JSON.stringify(event.detail),
    };
  });
  for (const { id, plan: p } of changed) rows.push(toRow(id, lastSeqOf.get(id)!, p.after!));
  // 16 columns a row: 100 rows a statement stays far below SQLite's and PostgreSQL's parameter limits.
  for (const part of chunks(rows, 100)) {
    await trx
      .insertInto('alerts')
      .values(part)
      .onConflict((oc) =>
        oc.column('fingerprint').doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          acknowledged: eb.ref('excluded.acknowledged'),
          resolution: eb.ref('excluded.resolution'),
          labels: eb.ref('excluded.labels'),
          annotations: eb.ref('excluded.annotations'),
          details: eb.ref('excluded.details'),
          generator_url: eb.ref('excluded.generator_url'),
          starts_at: eb.ref('excluded.starts_at'),
          ends_at: eb.ref('excluded.ends_at'),
          source: eb.ref('excluded.source'),
          integration_id: eb.ref('excluded.integration_id'),
          last_received_at: eb.ref('excluded.last_received_at'),
          last_seq: eb.ref('excluded.last_seq'),
        })),
      )
      .execute();
  }
  for (const part of chunks(events, 150)) await trx.insertInto('alert_events').values(part).execute();
  for (const part of chunks(touched))
    await trx.updateTable('alerts').set({ last_received_at: now }).where('id', 'in', part).execute();
}

/**
 * Applies `steps` (in order; several may name one alert) against the stored alerts: first without
 * a lock, and when nothing is to be written that is the answer; otherwise again in a transaction
 * holding the writer lock, on fresh rows.
 */
async function apply(
  db: Kysely<Database>,
  steps: { fingerprint: string; step: Step }[],
  now: number,
): Promise<IntakeChange[]> {
  const fingerprints = [...new Set(steps.map((s) => s.fingerprint))];
  if (!db.isTransaction) {
    const quick = plan(await loadByFingerprints(db, fingerprints), steps);
    if (![...quick.plans.values()].some(needsWrite)) return quick.changes;
  }
  return withTransaction(db, async (trx) => {
    await lockAlertWriters(trx);
    const { plans, changes } = plan(await loadByFingerprints(trx, fingerprints), steps);
    if ([...plans.values()].some(needsWrite)) await writePlans(trx, plans, now);
    return changes;
  });
}

/**
 * Stores what producers report, in order: new alerts, state changes, repeats. Joins the caller's
 * transaction when `db` is one. Returns what happened to each incoming alert.
 */
export async function upsertAlerts(
  db: Kysely<Database>,
  incoming: readonly IncomingAlert[],
  now = Date.now(),
): Promise<UpsertResult> {
  if (incoming.length === 0) return { alerts: [], changed: 0 };
  const steps = incoming.map((alert) => ({
    fingerprint: identityOf(alert),
    step: (current: AlertState | undefined) => transition(current, alert, now),
  }));
  const changes = await apply(db, steps, now);
  return {
    alerts: steps.map((s, i) => ({ fingerprint: s.fingerprint, change: changes[i]! })),
    changed: changes.filter((c) => c !== 'unchanged').length,
  };
}

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

/**
 * Auto-resolves firing alerts whose explicit endsAt has passed, or that nothing re-sent within
 * their integration's stale timeout (else `defaultTimeoutMinutes`; 0 = never). Returns how many.
 */
export async function sweepStaleAlerts(
  db: Kysely<Database>,
  now: number,
  defaultTimeoutMinutes: number,
): Promise<number> {
  const firing = await db
    .selectFrom('alerts')
    .leftJoin('integrations', 'integrations.id', 'alerts.integration_id')
    .select([
      'alerts.fingerprint',
      'alerts.ends_at',
      'alerts.last_received_at',
      'integrations.resolve_timeout_minutes',
    ])
    .where('alerts.status', '=', 'firing')
    .execute();
  const due = (endsAt: number | null, lastReceivedAt: number, timeout: number | null) => {
    if (endsAt !== null && endsAt <= now) return true;
    const minutes = timeout ?? defaultTimeoutMinutes;
    return minutes > 0 && lastReceivedAt + minutes * 60_000 <= now;
  };
  const candidates = firing.filter((r) =>
    due(
      r.ends_at === null ? null : Number(r.ends_at),
      Number(r.last_received_at),
      r.resolve_timeout_minutes === null ? null : Number(r.resolve_timeout_minutes),
    ),
  );
  if (candidates.length === 0) return 0;
  const timeouts = new Map(candidates.map((r) => [r.fingerprint, r.resolve_timeout_minutes]));
  const changes = await withTransaction(db, async (trx) => {
    await lockAlertWriters(trx);
    // Re-read under the lock: a delivery may have refreshed an alert since.
    const steps = candidates.map((r) => ({
      fingerprint: r.fingerprint,
      step: (current: AlertState | undefined): Transition => {
        if (current?.status !== 'firing') return { next: current, event: null, change: 'unchanged' };
        if (current.endsAt !== null && current.endsAt <= now)
          return autoResolve(current, current.endsAt, 'ends-at');
        const t = timeouts.get(r.fingerprint);
        if (due(null, current.lastReceivedAt, t === null || t === undefined ? null : Number(t)))
          return autoResolve(current, now, 'timeout');
        return { next: current, event: null, change: 'unchanged' };
      },
    }));
    const { plans, changes } = plan(
      await loadByFingerprints(
        trx,
        candidates.map((c) => c.fingerprint),
      ),
      steps,
    );
    if ([...plans.values()].some(needsWrite)) await writePlans(trx, plans, now);
    return changes;
  });
  return changes.filter((c) => c !== 'unchanged').length;
}
