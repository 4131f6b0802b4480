/**
 * Planning and writing a batch of alert transitions: the steps are applied in order on the
 * stored rows (several steps may name one alert), then the changed rows, their events and the
 * receipt times that are due are written in a few statements.
 */
import type { AlertState, Transition } from '@headroom/core/alerting/lifecycle';
import type { AlertEventKind } from '@headroom/core/api/alert';
import type { IntakeChange } from '@headroom/core/api/alert-intake';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../../db/schema.js';
import { chunks, lastSequence, type StoredAlert, toRow } from './repo.js';

/** last_received_at is written at most this often for an unchanged alert. */
export const RECEIPT_RESOLUTION_MS = 60_000;

/** One thing that happens to the alert with this identity. */
export interface Step {
  fingerprint: string;
  /** When it happened: the event's time. */
  at: number;
  apply(current: AlertState | undefined): Transition;
}

interface PlannedEvent {
  kind: AlertEventKind;
  detail: Record<string, unknown>;
  status: AlertState['status'];
  at: number;
  /** Position of the step that made it. */
  order: number;
}

export interface Plan {
  /** What is stored now (before this write). */
  before: StoredAlert | undefined;
  /** The state after applying every step. */
  after: AlertState | undefined;
  events: PlannedEvent[];
}

export function plan(
  stored: Map<string, StoredAlert>,
  steps: readonly Step[],
): { plans: Map<string, Plan>; changes: IntakeChange[] } {
  const plans = new Map<string, Plan>();
  const changes: IntakeChange[] = [];
  for (const [order, step] of steps.entries()) {
    let p = plans.get(step.fingerprint);
    if (!p) {
      const before = stored.get(step.fingerprint);
      p = { before, after: before?.state, events: [] };
      plans.set(step.fingerprint, p);
    }
    const t = step.apply(p.after);
    p.after = t.next;
    if (t.event && t.next) p.events.push({ ...t.event, status: t.next.status, at: step.at, order });
    changes.push(t.change);
  }
  return { plans, changes };
}

/** Does the plan need a write: an event, or a receipt time that is due to be stored? */
export function needsWrite(p: Plan): boolean {
  if (p.events.length > 0) return true;
  if (!p.before || !p.after) return false;
  return p.after.lastReceivedAt - p.before.state.lastReceivedAt >= RECEIPT_RESOLUTION_MS;
}

/** Writes the plans; call it inside a transaction holding the alert writers' lock. */
export async function writePlans(trx: Kysely<Database>, plans: Map<string, Plan>): Promise<void> {
  let seq = await lastSequence(trx);
  const changed: { id: string; plan: Plan }[] = [];
  // Receipt times to store, by value (a batch mostly shares one).
  const touched = new Map<number, string[]>();
  const pending: { alertId: string; event: PlannedEvent }[] = [];
  for (const p of plans.values()) {
    if (!p.after) continue;
    if (p.events.length === 0) {
      if (p.before && needsWrite(p)) {
        const at = p.after.lastReceivedAt;
        touched.set(at, [...(touched.get(at) ?? []), p.before.id]);
      }
      continue;
    }
    const id = p.before?.id ?? uuidv7();
    changed.push({ id, plan: p });
    for (const event of p.events) pending.push({ alertId: id, event });
  }
  // Events are numbered in the order their steps were given, across alerts.
  pending.sort((a, b) => a.event.order - b.event.order);
  const lastSeqOf = new Map<string, number>();
  const events: Database['alert_events'][] = pending.map(({ alertId, event }) => {
    seq += 1;
    lastSeqOf.set(alertId, seq);
    return {
      seq,
      alert_id: alertId,
      kind: event.kind,
      status: event.status,
      at: event.at,
      detail: JSON.stringify(event.detail),
    };
  });
  const rows = changed.map(({ id, plan: p }) => toRow(id, lastSeqOf.get(id)!, p.after!));
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
  for (const [at, ids] of touched)
    for (const part of chunks(ids))
      await trx.updateTable('alerts').set({ last_received_at: at }).where('id', 'in', part).execute();
}
