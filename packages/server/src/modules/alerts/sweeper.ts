/**
 * The stale-alert sweep: every interval, auto-resolves firing alerts whose explicit endsAt passed
 * or that nothing re-sent within their stale timeout. Every process may run it: it writes under
 * the alert writers' lock and re-reads there, so two sweeps never resolve an alert twice.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/index.js';
import { sweepStaleAlerts } from './store.js';

export interface AlertSweeper {
  /** One sweep now; resolves to the number of alerts auto-resolved (null when it failed). */
  tick(): Promise<number | null>;
  stop(): Promise<void>;
}

export function startAlertSweeper(
  database: Db,
  options: {
    intervalMs: number;
    /** Server default stale timeout in minutes; 0 = never (explicit endsAt still applies). */
    timeoutMinutes: number;
    log: FastifyBaseLogger;
    now?: () => number;
  },
): AlertSweeper {
  const now = options.now ?? Date.now;
  let running: Promise<number | null> | null = null;
  let stopped = false;
  const tick = () => {
    running ??= (async () => {
      try {
        if (stopped) return null;
        const resolved = await sweepStaleAlerts(database.db, now(), options.timeoutMinutes);
        if (resolved > 0) options.log.info({ resolved }, 'auto-resolved stale alerts');
        return resolved;
      } catch (e) {
        options.log.error({ err: e }, 'stale alert sweep failed');
        return null;
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
