/**
 * Scheduled survey rounds: a survey with `scheduleWeeks` sends a round when its next round is
 * due. Moving the survey's next-round time (compare-and-set on the old value) and sending the
 * round happen in one transaction, so several Headroom processes send each round once, and a
 * crash sends it on the next tick. A round missed while Headroom was down is sent once, not once
 * per missed period.
 */
import { ConflictError } from '@headroom/core/errors';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/index.js';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import { dueSurveys, moveNextRound } from './repo.js';
import { sendRound, WEEK_MS } from './service.js';

export interface SurveyTick {
  sent: number;
  /** Due surveys with nobody to send to (skipped to their next period). */
  skipped: number;
}

const SCHEDULER = {
  actor: { userId: null, name: 'headroom', role: 'admin' as const, teamIds: new Set<string>() },
  requestId: null,
};

export async function runSurveySchedule(
  db: Kysely<Database>,
  now: number,
  options: { externalUrl: string; log?: FastifyBaseLogger },
): Promise<SurveyTick> {
  const tick: SurveyTick = { sent: 0, skipped: 0 };
  for (const survey of await dueSurveys(db, now)) {
    const period = survey.scheduleWeeks! * WEEK_MS;
    let next = survey.nextRoundAt!;
    while (next <= now) next += period;
    try {
      const sent = await withTransaction(db, async (trx) => {
        if (!(await moveNextRound(trx, survey.id, survey.nextRoundAt, next, now))) return false;
        await sendRound(
          trx,
          SCHEDULER,
          survey,
          { externalUrl: options.externalUrl, startedBy: 'schedule', moveSchedule: false },
          now,
        );
        return true;
      });
      if (sent) tick.sent++;
    } catch (e) {
      if (e instanceof ConflictError && e.code === 'SURVEY_NO_AUDIENCE') {
        await moveNextRound(db, survey.id, survey.nextRoundAt, next, now);
        tick.skipped++;
        options.log?.warn({ survey: survey.id }, e.message);
      } else options.log?.error({ err: e, survey: survey.id }, 'scheduled survey round failed');
    }
  }
  return tick;
}

export interface SurveyJob {
  tick(): Promise<SurveyTick | null>;
  stop(): Promise<void>;
}

export function startSurveyJob(
  database: Db,
  options: {
    intervalMs: number;
    externalUrl: string;
    log?: FastifyBaseLogger;
    now?: () => number;
    timer?: boolean;
  },
): SurveyJob {
  const now = options.now ?? Date.now;
  let running: Promise<SurveyTick | null> | null = null;
  let stopped = false;
  const tick = (): Promise<SurveyTick | null> => {
    if (running) return running;
    running = (async () => {
      try {
        if (stopped) return null;
        return await runSurveySchedule(database.db, now(), options);
      } catch (e) {
        options.log?.error({ err: e }, 'survey schedule tick failed');
        return null;
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const timer = options.timer === false ? null : setInterval(() => void tick(), options.intervalMs);
  timer?.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
