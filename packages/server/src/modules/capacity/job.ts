/**
 * Capacity's background work, in the leading process only: polling Prometheus-backed resources
 * every few minutes, and the runway check that raises a ticket through the alert pipeline when a
 * resource's runway to its safe threshold is shorter than its lead time.
 *
 * The runway alerts are Headroom's own (source `headroom`), produced as the SLO evaluator
 * produces its burn-rate alerts: labels alertname=CapacityRunwayShort, service, resource,
 * severity=ticket; the annotations stay as they were when the alert started while it fires; an
 * alert whose resource is back outside its lead time (or gone) is resolved. A resource that cannot
 * be forecast this pass keeps its alert as it is.
 */
import { fingerprint } from '@headroom/core/alerting/fingerprint';
import type { IncomingAlertState } from '@headroom/core/alerting/lifecycle';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { upsertAlerts } from '../alerts/store.js';
import { type Leadership, leadership } from '../slo-status/leader.js';
import { type ClientFor, pollResource } from './poll.js';
import { listResourceDefinitions, pruneUsage } from './repo.js';
import { type CapacitySettings, runwayTable } from './service.js';

export const RUNWAY_ALERTNAME = 'CapacityRunwayShort';
/** A fixed 64-bit key for pg_try_advisory_lock: "headroom capacity". */
export const CAPACITY_LOCK_KEY = '7221183641902201730';

export interface CheckResult {
  firing: number;
  changed: number;
  failed: string[];
}

/** Computes every resource's runway and stores the runway alerts (firing and resolved). */
export async function checkRunways(
  db: Kysely<Database>,
  settings: CapacitySettings,
  now = Date.now(),
): Promise<CheckResult> {
  const table = await runwayTable(db, settings, { limit: 100_000 }, now);
  const produced = new Map<string, IncomingAlertState>();
  const failed = new Set<string>();
  for (const row of table.items) {
    if (row.problem) {
      failed.add(row.resource);
      continue;
    }
    if (!row.insideLeadTime || row.thresholdAt === null) continue;
    const labels = {
      alertname: RUNWAY_ALERTNAME,
      service: row.service,
      resource: row.resource,
      severity: 'ticket',
    };
    const date = row.thresholdAt.slice(0, 10);
    const days = Math.max(0, Math.round((Date.parse(row.thresholdAt) - now) / 86_400_000));
    produced.set(fingerprint(labels), {
      source: 'headroom',
      integrationId: null,
      status: 'firing',
      labels,
      annotations: {
        summary: `${row.resource} reaches its safe threshold around ${date} (in ${days} days), inside its ${row.leadTime} lead time`,
        description:
          `Capacity resource ${row.resource} of service ${row.service} is forecast to cross its safe utilisation ` +
          `threshold on ${date}${row.thresholdEarly ? ` (as early as ${row.thresholdEarly.slice(0, 10)})` : ''}` +
          `${row.limitAt ? ` and its limit on ${row.limitAt.slice(0, 10)}` : ''}. Procurement or build takes ` +
          `${row.leadTime}: order or build capacity now. See headroom forecast ${row.resource}.`,
      },
      details: {
        thresholdAt: row.thresholdAt,
        limitAt: row.limitAt,
        leadTime: row.leadTime,
        slackDays: row.slackDays,
      },
    });
  }
  const stored = await db
    .selectFrom('alerts')
    .select(['fingerprint', 'labels', 'annotations'])
    .where('source', '=', 'headroom')
    .where('status', '=', 'firing')
    .execute();
  const incoming: IncomingAlertState[] = [];
  const firingNow = new Set<string>();
  for (const row of stored) {
    const labels = JSON.parse(row.labels) as Record<string, string>;
    if (labels.alertname !== RUNWAY_ALERTNAME) continue;
    firingNow.add(row.fingerprint);
    const p = produced.get(row.fingerprint);
    // While it fires, the alert keeps the words it started with (no event per pass).
    if (p) incoming.push({ ...p, annotations: JSON.parse(row.annotations) });
    else if (!failed.has(labels.resource ?? ''))
      incoming.push({
        source: 'headroom',
        integrationId: null,
        status: 'resolved',
        labels,
        annotations: JSON.parse(row.annotations),
        endsAt: now,
      });
  }
  for (const [fp, p] of produced) if (!firingNow.has(fp)) incoming.push(p);
  const result = await upsertAlerts(db, incoming, now);
  return { firing: produced.size, changed: result.changed, failed: [...failed] };
}

export interface CapacityJobs {
  /** One poll of every Prometheus-backed resource now (tests). */
  poll(): Promise<void>;
  /** One runway check now (tests). */
  check(): Promise<CheckResult | null>;
  stop(): Promise<void>;
}

export function startCapacityJobs(
  database: Db,
  options: {
    settings: CapacitySettings;
    /** 0 turns polling off. */
    pollIntervalMs: number;
    /** 0 turns the runway check off. */
    checkIntervalMs: number;
    log: FastifyBaseLogger;
    clientFor?: ClientFor;
    leader?: Leadership;
    now?: () => number;
    /** After a check that changed alerts (the alert pipeline picks them up at once). */
    afterCheck?: (result: CheckResult) => void;
  },
): CapacityJobs {
  const { db } = database;
  const lead = options.leader ?? leadership(database, CAPACITY_LOCK_KEY);
  const now = options.now ?? Date.now;
  let stopped = false;
  let polling: Promise<void> | null = null;
  let checking: Promise<CheckResult | null> | null = null;

  const poll = () => {
    polling ??= (async () => {
      try {
        if (stopped || !(await lead.acquire())) return;
        for (const def of await listResourceDefinitions(db)) {
          if (stopped || def.source.type !== 'prometheus') continue;
          await pollResource(db, def, {
            now: now(),
            ...(options.clientFor ? { clientFor: options.clientFor } : {}),
          }).catch((e: unknown) => options.log.warn({ resource: def.name, err: e }, 'capacity poll failed'));
        }
        await pruneUsage(db, now());
      } catch (e) {
        options.log.error({ err: e }, 'capacity poll pass failed');
      } finally {
        polling = null;
      }
    })();
    return polling;
  };
  const check = () => {
    checking ??= (async () => {
      try {
        if (stopped || !(await lead.acquire())) return null;
        const result = await checkRunways(db, options.settings, now());
        if (result.changed > 0) options.afterCheck?.(result);
        return result;
      } catch (e) {
        options.log.error({ err: e }, 'capacity runway check failed');
        return null;
      } finally {
        checking = null;
      }
    })();
    return checking;
  };
  const timers = [
    options.pollIntervalMs > 0 ? setInterval(() => void poll(), options.pollIntervalMs) : null,
    options.checkIntervalMs > 0 ? setInterval(() => void check(), options.checkIntervalMs) : null,
  ];
  for (const t of timers) t?.unref();
  // The first pass soon after start, not a whole interval later.
  const first = setTimeout(() => {
    if (options.pollIntervalMs > 0) void poll().then(() => (options.checkIntervalMs > 0 ? check() : null));
    else if (options.checkIntervalMs > 0) void check();
  }, 5_000);
  first.unref();
  return {
    poll,
    check,
    async stop() {
      stopped = true;
      clearTimeout(first);
      for (const t of timers) if (t) clearInterval(t);
      await polling;
      await checking;
      await lead.release();
    },
  };
}
