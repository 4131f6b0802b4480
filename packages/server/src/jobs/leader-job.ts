/**
 * A periodic job that runs only in the process that leads (PostgreSQL advisory lock; SQLite's
 * single process always leads): every interval, and at once when nudged, so work does not wait for
 * the next tick. Never two runs at once: a nudge during a run schedules exactly one more.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/index.js';
import { type Leadership, leadership } from '../modules/slo-status/leader.js';

export interface LeaderJob<T> {
  /** Runs now (or joins the run under way); null when not leading, stopped or failed. */
  tick(): Promise<T | null>;
  /** Runs soon (coalesced with one under way). */
  nudge(): void;
  stop(): Promise<void>;
}

export interface LeaderJobOptions {
  intervalMs: number;
  log?: FastifyBaseLogger;
  leader?: Leadership;
  /** false: no timer (tests drive tick()). */
  timer?: boolean;
}

export function startLeaderJob<T>(
  database: Db,
  job: { name: string; lockKey: string; run: () => Promise<T> },
  options: LeaderJobOptions,
): LeaderJob<T> {
  const lead = options.leader ?? leadership(database, job.lockKey);
  let running: Promise<T | null> | null = null;
  let again = false;
  let stopped = false;
  const tick = (): Promise<T | null> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        if (stopped || !(await lead.acquire())) return null;
        return await job.run();
      } catch (e) {
        options.log?.error({ err: e }, `${job.name} tick failed`);
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
