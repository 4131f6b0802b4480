/**
 * The evaluator job: every interval, if this process leads, computes every SLO's status and
 * stores it for the API. One SLO failing to evaluate never stops the others; its error is logged
 * and its previous status kept.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/index.js';
import { loadCorrections } from '../corrections/repo.js';
import { sweepIfDue } from '../sli-data/service.js';
import { listResolvedSlos } from '../slos/service.js';
import { evaluateSloAt } from './evaluate.js';
import { type Leadership, leadership } from './leader.js';
import { deleteStatusesExcept, saveStatus } from './repo.js';

export interface PassResult {
  evaluated: number;
  failed: { slo: string; error: string }[];
  ms: number;
}

/** One evaluation of every SLO at `now` (no leadership check: callers decide). */
export async function evaluateAll(database: Db, now = Date.now()): Promise<PassResult> {
  const started = performance.now();
  const slos = await listResolvedSlos(database.db);
  const corrections = await loadCorrections(database.db);
  const failed: PassResult['failed'] = [];
  let evaluated = 0;
  for (const r of slos) {
    try {
      await saveStatus(database.db, r.name, await evaluateSloAt(database.db, r.slo, now, corrections), now);
      evaluated++;
    } catch (e) {
      failed.push({ slo: r.name, error: (e as Error).message });
    }
  }
  await deleteStatusesExcept(
    database.db,
    slos.map((s) => s.name),
  );
  return { evaluated, failed, ms: performance.now() - started };
}

export interface EvaluatorJob {
  /** Runs one tick now (tests, and the first tick at start). */
  tick(): Promise<PassResult | null>;
  stop(): Promise<void>;
}

export function startEvaluator(
  database: Db,
  options: {
    intervalMs: number;
    log: FastifyBaseLogger;
    /** The leader also deletes SLI buckets past retention, for setups that never ingest. */
    retentionDays?: number;
    /** Reads Prometheus-backed SLIs into the bucket store before each pass (leader only). */
    poller?: { tick(now: number): Promise<unknown> };
    now?: () => number;
    leader?: Leadership;
  },
): EvaluatorJob {
  const lead = options.leader ?? leadership(database);
  const now = options.now ?? Date.now;
  let running: Promise<PassResult | null> | null = null;
  let stopped = false;
  const tick = () => {
    // Never two passes at once: a slow pass makes the next tick wait for it.
    running ??= (async () => {
      try {
        if (stopped || !(await lead.acquire())) return null;
        const at = now();
        if (options.retentionDays) await sweepIfDue(database.db, at, options.retentionDays);
        // A Prometheus outage is recorded per stream by the poller and shows as data age; it never stops evaluation.
        await options.poller
          ?.tick(at)
          .catch((e: unknown) => options.log.error({ err: e }, 'Prometheus poll failed'));
        const result = await evaluateAll(database, at);
        for (const f of result.failed)
          options.log.error({ slo: f.slo, err: f.error }, 'SLO evaluation failed');
        options.log.debug({ evaluated: result.evaluated, ms: Math.round(result.ms) }, 'SLO evaluation pass');
        return result;
      } catch (e) {
        options.log.error({ err: e }, 'SLO evaluation pass failed');
        return null;
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  void tick();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await lead.release();
    },
  };
}
