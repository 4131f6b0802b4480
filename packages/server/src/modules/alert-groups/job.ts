/**
 * Runs the alert pipeline every interval in the process that leads (PostgreSQL advisory lock;
 * SQLite's single process always leads), and at once when asked (after an evaluation pass or an
 * intake batch), so a page does not wait for the next tick. Never two ticks at once.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/index.js';
import { type Leadership, leadership } from '../slo-status/leader.js';
import { type PipelineOptions, type PipelineTick, runPipeline } from './pipeline.js';

/** "headroom alert pipeline" */
export const PIPELINE_LOCK_KEY = '7221183641902201731';

export interface PipelineJob {
  tick(): Promise<PipelineTick | null>;
  /** Runs a tick soon (coalesced with one under way). */
  nudge(): void;
  stop(): Promise<void>;
}

export function startAlertPipeline(
  database: Db,
  options: PipelineOptions & {
    intervalMs: number;
    log?: FastifyBaseLogger;
    now?: () => number;
    leader?: Leadership;
    /** false: no timer (tests drive tick()). */
    timer?: boolean;
    /** After each pass that ran (the paging job is nudged from here). */
    afterTick?: (tick: PipelineTick) => void;
  },
): PipelineJob {
  const lead = options.leader ?? leadership(database, PIPELINE_LOCK_KEY);
  const now = options.now ?? Date.now;
  let running: Promise<PipelineTick | null> | null = null;
  let again = false;
  let stopped = false;
  const tick = (): Promise<PipelineTick | null> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        if (stopped || !(await lead.acquire())) return null;
        const result = await runPipeline(database.db, now(), options);
        options.afterTick?.(result);
        return result;
      } catch (e) {
        options.log?.error({ err: e }, 'alert pipeline tick failed');
        return null;
      } finally {
        running = null;
        if (again && !stopped) {
          again = false;
          void tick();
        }
      }
    })();
    return running;
  };
  const timer = options.timer === false ? null : setInterval(() => void tick(), options.intervalMs);
  timer?.unref();
  return {
    tick,
    nudge: () => void tick(),
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
      await lead.release();
    },
  };
}
