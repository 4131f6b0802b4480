/**
 * Runs the alert pipeline every interval in the process that leads (PostgreSQL advisory lock;
 * SQLite's single process always leads), and at once when asked (after an evaluation pass or an
 * intake batch), so a page does not wait for the next tick. Never two ticks at once.
 */
import type { Db } from '../../db/index.js';
import { type LeaderJob, type LeaderJobOptions, startLeaderJob } from '../../jobs/leader-job.js';
import { type PipelineOptions, type PipelineTick, runPipeline } from './pipeline.js';

/** "headroom alert pipeline" */
export const PIPELINE_LOCK_KEY = '7221183641902201731';

export type PipelineJob = LeaderJob<PipelineTick>;

export function startAlertPipeline(
  database: Db,
  options: PipelineOptions &
    LeaderJobOptions & {
      now?: () => number;
      /** After each pass that ran (the paging job is nudged from here). */
      afterTick?: (tick: PipelineTick) => void;
    },
): PipelineJob {
  const now = options.now ?? Date.now;
  return startLeaderJob(
    database,
    {
      name: 'alert pipeline',
      lockKey: PIPELINE_LOCK_KEY,
      run: async () => {
        const result = await runPipeline(database.db, now(), options);
        options.afterTick?.(result);
        return result;
      },
    },
    options,
  );
}
