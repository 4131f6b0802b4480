/**
 * Evaluates one SLO from the bucket store: reads each objective's stream over the SLO window
 * and the longest look-back (7 days), builds the bucket series (slices first for the timeslice
 * methods) and runs core's evaluation. Every number is a ratio of sums over stored buckets.
 */
import type { SloStatus } from '@headroom/core/api/slo-status';
import { BucketSeries, type MinuteBuckets } from '@headroom/core/slo/bucket-series';
import { fixedDurationMs } from '@headroom/core/slo/duration';
import { evaluateObjectives, type ObjectiveSeries } from '@headroom/core/slo/evaluate';
import { type MinuteMask, maskFromIntervals } from '@headroom/core/slo/minute-mask';
import { isComposite, objectiveWeight, type Slo } from '@headroom/core/slo/model';
import { sloStatus } from '@headroom/core/slo/status';
import { MINUTE_MS, minuteAfter, windowAt, windowSpecFromModel } from '@headroom/core/slo/time-window';
import { sliceBuckets } from '@headroom/core/slo/timeslices';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { loadCorrections, type StoredCorrection } from '../corrections/repo.js';
import { correctionsSelecting } from '../corrections/service.js';
import { getPollState } from '../prometheus/poll-state.js';
import { lastMinute, readBuckets } from '../sli-data/repo.js';
import { objectivePlans } from './streams.js';

/** The longest look-back an evaluation reads besides the window: the 7-day forecast. */
const LOOKBACK_MINUTES = 7 * 24 * 60;

export interface SeriesSpan {
  fromMinute: number;
  toMinute: number;
}

/** Reads a stream's buckets and shapes them for the SLO's budgeting method. */
export async function objectiveSeries(
  db: Kysely<Database>,
  slo: Slo,
  index: number,
  stream: string,
  span: SeriesSpan,
  anchorMinute: number,
  mask?: MinuteMask,
): Promise<ObjectiveSeries> {
  const objective = slo.objectives[index]!;
  const rows = await readBuckets(db, stream, span.fromMinute, span.toMinute);
  const minutes = new Float64Array(rows.length);
  const good = new Float64Array(rows.length);
  const total = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    minutes[i] = r.minute;
    good[i] = r.good;
    total[i] = r.total;
  });
  let buckets: MinuteBuckets = { minutes, channels: [good, total] };
  let sliceMinutes: number | undefined;
  if (slo.budgetingMethod !== 'Occurrences') {
    const sliceMs = objective.timeSliceWindow ? fixedDurationMs(objective.timeSliceWindow) : MINUTE_MS;
    sliceMinutes = Math.max(1, Math.round((sliceMs ?? MINUTE_MS) / MINUTE_MS));
    const rule =
      slo.budgetingMethod === 'Timeslices'
        ? { method: 'Timeslices' as const, timeSliceTarget: objective.timeSliceTarget ?? 1 }
        : { method: 'RatioTimeslices' as const };
    buckets = sliceBuckets(buckets, rule, {
      sliceMinutes,
      anchorMinute,
      fromMinute: span.fromMinute,
      toMinute: span.toMinute,
      ...(mask && { mask }),
    });
  }
  // Minutes under a budget correction count neither for nor against the budget.
  const series = BucketSeries.build(buckets, {
    fromMinute: span.fromMinute,
    toMinute: span.toMinute,
    keep: 'all',
    ...(mask && { mask }),
  });
  return {
    series,
    objective: objective.target,
    ...(isComposite(slo) && { weight: objectiveWeight(objective) }),
    ...(sliceMinutes !== undefined && { sliceMinutes }),
  };
}

/** The SLO's status at `now`, or null numbers with a note when its data cannot be evaluated. */
export async function evaluateSloAt(
  db: Kysely<Database>,
  slo: Slo,
  now: number,
  corrections?: readonly StoredCorrection[],
): Promise<SloStatus> {
  const rolling = slo.timeWindow.type === 'rolling';
  const window = windowAt(windowSpecFromModel(slo.timeWindow), now);
  const nowMinute = minuteAfter(now);
  const windowStartMinute = Math.ceil(window.start / MINUTE_MS);
  const span = {
    fromMinute: Math.min(windowStartMinute, nowMinute - LOOKBACK_MINUTES),
    toMinute: nowMinute + 1,
  };
  const range = { start: span.fromMinute * MINUTE_MS, end: span.toMinute * MINUTE_MS };
  const selecting = correctionsSelecting(corrections ?? (await loadCorrections(db)), slo, range);
  const intervals = selecting.flatMap((c) => c.intervals);
  const mask = intervals.length > 0 ? maskFromIntervals(intervals) : undefined;
  const plans = objectivePlans(slo);
  // A composite is one budget over all its objectives; otherwise each objective is its own
  // target on the same SLI and the first is the headline (as `definition.objective` says).
  const evaluated = isComposite(slo) ? plans : plans.slice(0, 1);
  const notes = [...new Set(evaluated.map((p) => p.note).filter((n): n is string => n !== null))];
  const parts: ObjectiveSeries[] = [];
  for (const plan of evaluated) {
    if (!plan.evaluable) continue;
    parts.push(
      await objectiveSeries(db, slo, plan.index, plan.stream, span, rolling ? 0 : windowStartMinute, mask),
    );
  }
  let last: number | null = null;
  for (const stream of new Set(evaluated.map((p) => p.stream))) {
    const m = await lastMinute(db, stream);
    if (m !== null && (last === null || m > last)) last = m;
    // A failing Prometheus poll explains a growing data age; the poller catches up when it returns.
    const poll = await getPollState(db, stream);
    if (poll?.lastError && poll.failures > 0 && poll.lastErrorAt !== null) {
      notes.push(
        `Prometheus poll failed at ${new Date(poll.lastErrorAt).toISOString()} (${poll.failures} failures in a row): ${poll.lastError}`,
      );
    }
  }
  const evaluation = evaluateObjectives(parts, window, rolling, now);
  return sloStatus(evaluation, {
    objective: slo.objectives[0]?.target ?? 0,
    lastDataMinute: last,
    // The occurrences that overlap the window, as people read them on the SLO page.
    corrections: intervals
      .filter((i) => i.end > window.start && i.start < Math.min(now, window.end))
      .sort((a, b) => a.start - b.start),
    note: notes.length > 0 ? notes.join(' ') : null,
  });
}
