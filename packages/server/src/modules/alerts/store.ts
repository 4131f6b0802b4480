/**
 * The alert store's write side. Every producer calls `upsertAlerts` (the intake endpoints now,
 * Headroom's burn-rate evaluator with source `headroom`); the routing pipeline reads the feed
 * (`alertsChangedSince` in feed.ts).
 *
 * Writers hold one lock (PostgreSQL advisory; SQLite has one writer anyway) and number their
 * events from the highest stored `seq`, so sequence order is commit order. A repeated delivery
 * writes no event and leaves `seq` alone; it only moves `last_received_at` (at most once a
 * minute; the stale timeout counts from it), and when even that is not due nothing is written:
 * such deliveries are answered from one unlocked read.
 *
 * Deliveries that must write while another write is under way wait and are then written together
 * in one transaction (group commit): one fsync and one lock round for many concurrent webhooks.
 * Each caller still gets only its own answer, after the commit.
 */
import {
  type AlertState,
  autoResolve,
  type IncomingAlert,
  identityOf,
  type Transition,
  transition,
} from '@headroom/core/alerting/lifecycle';
import type { IntakeChange } from '@headroom/core/api/alert-intake';
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { loadByFingerprints, lockAlertWriters } from './repo.js';
import { needsWrite, plan, type Step, writePlans } from './write.js';

export { alertEventsSince, alertsChangedSince, type ChangedAlert } from './feed.js';
export { RECEIPT_RESOLUTION_MS } from './write.js';

export interface UpsertResult {
  /** One per incoming alert, in order. */
  alerts: { fingerprint: string; change: IntakeChange }[];
  /** Incoming alerts that changed something (and logged an event). */
  changed: number;
}

/** Applies the steps on fresh rows in a transaction holding the writers' lock (the caller's, when `db` is one). */
function writeSteps(db: Kysely<Database>, steps: readonly Step[]): Promise<IntakeChange[]> {
  const fingerprints = [...new Set(steps.map((s) => s.fingerprint))];
  return withTransaction(db, async (trx) => {
    await lockAlertWriters(trx);
    const { plans, changes } = plan(await loadByFingerprints(trx, fingerprints), steps);
    if ([...plans.values()].some(needsWrite)) await writePlans(trx, plans);
    return changes;
  });
}

/** Steps merged into one transaction at most. */
const MAX_GROUP_STEPS = 5000;

interface Waiting {
  steps: readonly Step[];
  resolve(changes: IntakeChange[]): void;
  reject(error: unknown): void;
}

/** Group commit: writes queue while one is under way and then go in together. */
class WriteQueue {
  readonly #db: Kysely<Database>;
  readonly #pending: Waiting[] = [];
  #running = false;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  submit(steps: readonly Step[]): Promise<IntakeChange[]> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ steps, resolve, reject });
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      while (this.#pending.length > 0) {
        const group: Waiting[] = [this.#pending.shift()!];
        let size = group[0]!.steps.length;
        while (this.#pending.length > 0 && size + this.#pending[0]!.steps.length <= MAX_GROUP_STEPS) {
          const next = this.#pending.shift()!;
          size += next.steps.length;
          group.push(next);
        }
        try {
          const changes = await writeSteps(
            this.#db,
            group.flatMap((w) => w.steps),
          );
          let at = 0;
          for (const w of group) {
            w.resolve(changes.slice(at, at + w.steps.length));
            at += w.steps.length;
          }
        } catch (error) {
          // One delivery must not fail the others: on a failed group, each is written alone.
          if (group.length === 1) group[0]!.reject(error);
          else for (const w of group) await writeSteps(this.#db, w.steps).then(w.resolve, w.reject);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}

const queues = new WeakMap<Kysely<Database>, WriteQueue>();

/**
 * Applies the steps: first on an unlocked read, and when nothing is to be written that is the
 * answer; otherwise through the write queue, on fresh rows under the lock.
 */
async function apply(db: Kysely<Database>, steps: readonly Step[]): Promise<IntakeChange[]> {
  if (db.isTransaction) return writeSteps(db, steps);
  const fingerprints = [...new Set(steps.map((s) => s.fingerprint))];
  const quick = plan(await loadByFingerprints(db, fingerprints), steps);
  if (![...quick.plans.values()].some(needsWrite)) return quick.changes;
  let queue = queues.get(db);
  if (!queue) {
    queue = new WriteQueue(db);
    queues.set(db, queue);
  }
  return queue.submit(steps);
}

/**
 * Stores what producers report, in order: new alerts, state changes, repeats. Joins the caller's
 * transaction when `db` is one. Resolves once written (committed, unless in the caller's
 * transaction), with what happened to each incoming alert.
 */
export async function upsertAlerts(
  db: Kysely<Database>,
  incoming: readonly IncomingAlert[],
  now = Date.now(),
): Promise<UpsertResult> {
  if (incoming.length === 0) return { alerts: [], changed: 0 };
  const steps = incoming.map(
    (alert): Step => ({
      fingerprint: identityOf(alert),
      at: now,
      apply: (current) => transition(current, alert, now),
    }),
  );
  const changes = await apply(db, steps);
  return {
    alerts: steps.map((s, i) => ({ fingerprint: s.fingerprint, change: changes[i]! })),
    changed: changes.filter((c) => c !== 'unchanged').length,
  };
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
  // Decided again on fresh rows under the lock: a delivery may have refreshed an alert since.
  const steps = candidates.map(
    (r): Step => ({
      fingerprint: r.fingerprint,
      at: now,
      apply: (current: AlertState | undefined): Transition => {
        if (current?.status !== 'firing') return { next: current, event: null, change: 'unchanged' };
        if (current.endsAt !== null && current.endsAt <= now)
          return autoResolve(current, current.endsAt, 'ends-at');
        const t = timeouts.get(r.fingerprint);
        if (due(null, current.lastReceivedAt, t === null || t === undefined ? null : Number(t)))
          return autoResolve(current, now, 'timeout');
        return { next: current, event: null, change: 'unchanged' };
      },
    }),
  );
  const changes = await writeSteps(db, steps);
  return changes.filter((c) => c !== 'unchanged').length;
}
