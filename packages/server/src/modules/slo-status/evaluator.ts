/**
 * The evaluator job: every interval, if this process leads, computes every SLO's status and
 * stores it for the API. One SLO failing to evaluate never stops the others; its error is logged
 * and its previous status kept.
 */

import type { SloStatus } from '@headroom/core/api/slo-status';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { loadCorrections } from '../corrections/repo.js';
import { claimDirtyStreams } from '../sli-data/repo.js';
import { sweepIfDue } from '../sli-data/service.js';
import { definitionsVersion } from '../slos/repo.js';
import { listResolvedSlos, type ResolvedSlo } from '../slos/service.js';
import { type ConditionClock, type ProducedAlert, sloAlerts, storeSloAlerts } from './alerts.js';
import { evaluationsOf, type SloContext, sloContext, statusOf, streamFacts } from './evaluate.js';
import { type Leadership, leadership } from './leader.js';
import { deleteStatusesExcept, saveStatuses } from './repo.js';
import { applyRefreshes, buildParts, type CachedSlo, plannedRefreshes, trimBlocks } from './series-cache.js';

export interface PassResult {
  evaluated: number;
  failed: { slo: string; error: string }[];
  ms: number;
  /** SLOs whose series were built from the store this pass (first pass, changed definition or corrections). */
  built: number;
  /** SLOs brought up to date from what changed since the last pass. */
  updated: number;
  /** Headroom's burn-rate alerts firing after the pass, and alert-store changes it made. */
  alerts: { firing: number; changed: number };
}

/**
 * The series kept between passes, by SLO name. Only a process that leads keeps one: the dirty
 * marks it reads are cleared for everyone, so a cache that missed a pass is thrown away.
 */
export class EvaluationCache {
  readonly entries = new Map<string, CachedSlo>();
  /** When each OpenSLO alert condition started to hold (for alertAfter). */
  readonly conditions: ConditionClock = new Map();
  /** The resolved SLOs of the last pass, and the version of the definitions they were read at. */
  slos: { version: string; list: ResolvedSlo[] } | null = null;

  clear(): void {
    this.entries.clear();
    this.conditions.clear();
    this.slos = null;
  }
}

/** Each definition's JSON, computed once per resolved SLO object (kept while definitions stay). */
const definitionKeys = new WeakMap<object, string>();

/** What makes kept series invalid: the definition, the corrections over the span, the slice grid. */
function cacheKey(ctx: SloContext): string {
  let definition = definitionKeys.get(ctx.slo);
  if (definition === undefined) {
    definition = JSON.stringify(ctx.slo);
    definitionKeys.set(ctx.slo, definition);
  }
  const anchor = ctx.slo.budgetingMethod !== 'Occurrences' && !ctx.rolling ? ctx.windowStartMinute : 0;
  return `${definition}|${ctx.intervals.length === 0 ? '' : JSON.stringify(ctx.intervals)}|${anchor}`;
}

/** The resolved SLOs, read again only when an SLO or an OpenSLO object they may use has changed. */
async function resolvedSlos(db: Kysely<Database>, cache: EvaluationCache): Promise<ResolvedSlo[]> {
  const version = await definitionsVersion(db);
  if (cache.slos?.version === version) return cache.slos.list;
  const list = await listResolvedSlos(db);
  cache.slos = { version, list };
  return list;
}

/**
 * One evaluation of every SLO at `now` (no leadership check: callers decide). With a cache,
 * series are kept and brought up to date from the streams written since the last pass;
 * without one, every series is built from the store.
 */
export async function evaluateAll(
  database: Db,
  now = Date.now(),
  cache: EvaluationCache = new EvaluationCache(),
): Promise<PassResult> {
  const started = performance.now();
  const { db } = database;
  const slos = await resolvedSlos(db, cache);
  const corrections = await loadCorrections(db);
  const dirty = new Map((await claimDirtyStreams(db)).map((d) => [d.stream, d.fromMinute]));
  const facts = await streamFacts(db);
  const failed: PassResult['failed'] = [];
  let built = 0;
  let updated = 0;

  const work: { name: string; ctx: SloContext; entry: CachedSlo | null }[] = [];
  const refreshes: ReturnType<typeof plannedRefreshes> = [];
  const live = new Set<string>();
  for (const r of slos) {
    live.add(r.name);
    try {
      const ctx = sloContext(r.slo, now, corrections);
      const key = cacheKey(ctx);
      let entry = cache.entries.get(r.name) ?? null;
      if (entry !== null && entry.key === key && !entry.parts.some((p) => p.volatile)) {
        refreshes.push(...plannedRefreshes(entry, ctx.span, ctx.edges, dirty));
        updated++;
      } else {
        cache.entries.delete(r.name);
        const parts = await buildParts(db, r.slo, ctx.plans, ctx.span, ctx.edges, ctx.mask, refreshes);
        entry = { key, parts, mask: ctx.mask, toMinute: ctx.span.toMinute };
        built++;
      }
      work.push({ name: r.name, ctx, entry });
    } catch (e) {
      cache.entries.delete(r.name);
      failed.push({ slo: r.name, error: (e as Error).message });
    }
  }
  for (const name of cache.entries.keys()) if (!live.has(name)) cache.entries.delete(name);
  await applyRefreshes(db, refreshes);

  const statuses: { name: string; status: SloStatus }[] = [];
  const produced: ProducedAlert[] = [];
  for (const { name, ctx, entry } of work) {
    try {
      const evaluated = entry!.parts.map((p) => ({ plan: p.plan, series: p.objective }));
      const evals = evaluationsOf(ctx, evaluated);
      statuses.push({ name, status: statusOf(ctx, evals, facts) });
      produced.push(...sloAlerts(ctx, evals, cache.conditions));
      trimBlocks(entry!, ctx.edges, ctx.span.toMinute);
      cache.entries.set(name, entry!);
    } catch (e) {
      cache.entries.delete(name);
      failed.push({ slo: name, error: (e as Error).message });
    }
  }
  await saveStatuses(db, statuses, now);
  await deleteStatusesExcept(db, [...live]);
  const alerts = await storeSloAlerts(db, produced, now, new Set(failed.map((f) => f.slo)));
  return { evaluated: statuses.length, failed, ms: performance.now() - started, built, updated, alerts };
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
    /** Called after each pass that ran (the alert pipeline picks up new burn-rate alerts at once). */
    afterPass?: (result: PassResult) => void;
  },
): EvaluatorJob {
  const lead = options.leader ?? leadership(database);
  const now = options.now ?? Date.now;
  let running: Promise<PassResult | null> | null = null;
  let stopped = false;
  const cache = new EvaluationCache();
  const tick = () => {
    // Never two passes at once: a slow pass makes the next tick wait for it.
    running ??= (async () => {
      try {
        if (stopped) return null;
        if (!(await lead.acquire())) {
          // Another process leads and claims the dirty marks: kept series would miss its changes.
          cache.clear();
          return null;
        }
        const at = now();
        if (options.retentionDays) await sweepIfDue(database.db, at, options.retentionDays);
        // A Prometheus outage is recorded per stream by the poller and shows as data age; it never stops evaluation.
        await options.poller
          ?.tick(at)
          .catch((e: unknown) => options.log.error({ err: e }, 'Prometheus poll failed'));
        const result = await evaluateAll(database, at, cache).catch((e: unknown) => {
          cache.clear(); // the dirty marks of this pass may be claimed already: start again from the store
          throw e;
        });
        for (const f of result.failed)
          options.log.error({ slo: f.slo, err: f.error }, 'SLO evaluation failed');
        options.afterPass?.(result);
        options.log.debug(
          {
            evaluated: result.evaluated,
            built: result.built,
            updated: result.updated,
            ms: Math.round(result.ms),
          },
          'SLO evaluation pass',
        );
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
