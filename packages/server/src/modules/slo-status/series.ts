/**
 * SLI, budget remaining and the 1-hour burn rate over time, for the SLO page's charts. Each point
 * is computed like a status at that moment (the SLO window ending there), from the same buckets.
 */
import type { SloSeries } from '@headroom/core/api/slo-status';
import { InputError } from '@headroom/core/errors';
import { evaluateObjectives, newEvaluation, type ObjectiveSeries } from '@headroom/core/slo/evaluate';
import { maskFromIntervals } from '@headroom/core/slo/minute-mask';
import { isComposite, type Slo } from '@headroom/core/slo/model';
import { MINUTE_MS, minuteAfter, windowAt, windowSpecFromModel } from '@headroom/core/slo/time-window';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { loadCorrections } from '../corrections/repo.js';
import { correctionsSelecting } from '../corrections/service.js';
import { objectiveSeries } from './evaluate.js';
import { objectivePlans } from './streams.js';

export const MAX_POINTS = 2_000;

export async function sloSeries(
  db: Kysely<Database>,
  name: string,
  slo: Slo,
  query: { from?: number; to?: number; step?: number },
  now = Date.now(),
): Promise<SloSeries> {
  const spec = windowSpecFromModel(slo.timeWindow);
  const rolling = slo.timeWindow.type === 'rolling';
  const to = Math.floor((query.to ?? now) / MINUTE_MS) * MINUTE_MS;
  const from = query.from ?? windowAt(spec, to).start;
  if (!(from < to))
    throw new InputError('`from` must be before `to`.', [
      { path: 'querystring/from', message: 'not before to' },
    ]);
  const stepSeconds = query.step ?? Math.max(60, Math.ceil((to - from) / 1000 / 200 / 60) * 60);
  const step = stepSeconds * 1000;
  if ((to - from) / step > MAX_POINTS) {
    throw new InputError(`At most ${MAX_POINTS} points: widen the step.`, [
      { path: 'querystring/step', message: 'too many points for this range' },
    ]);
  }
  // Enough history that the first point's window (and its 1 h burn rate) is complete.
  const earliestWindowStart = Math.min(windowAt(spec, from).start, from - 3_600_000);
  const span = { fromMinute: Math.floor(earliestWindowStart / MINUTE_MS), toMinute: minuteAfter(to) + 1 };
  const range = { start: span.fromMinute * MINUTE_MS, end: span.toMinute * MINUTE_MS };
  const intervals = correctionsSelecting(await loadCorrections(db), slo, range).flatMap((c) => c.intervals);
  const mask = intervals.length > 0 ? maskFromIntervals(intervals) : undefined;
  const plans = objectivePlans(slo);
  const used = isComposite(slo) ? plans : plans.slice(0, 1);
  const parts: ObjectiveSeries[] = [];
  for (const plan of used) {
    if (!plan.evaluable) continue;
    const anchor = rolling ? 0 : Math.ceil(windowAt(spec, from).start / MINUTE_MS);
    parts.push(await objectiveSeries(db, slo, plan.index, plan.stream, span, anchor, mask));
  }
  const out = newEvaluation();
  const sums = new Float64Array(8);
  const points: SloSeries['points'] = [];
  for (let t = to - Math.floor((to - from) / step) * step; t <= to; t += step) {
    evaluateObjectives(parts, windowAt(spec, t), rolling, t, out);
    let good = 0;
    let total = 0;
    for (const part of parts) {
      part.series.sumInto(minuteAfter(t - step), minuteAfter(t), sums);
      good += (part.weight ?? 1) * sums[0]!;
      total += (part.weight ?? 1) * sums[1]!;
    }
    points.push({
      t: new Date(t).toISOString(),
      sli: total > 0 ? good / total : null,
      remaining: out.remaining,
      burnRate1h: out.burnRates['1h'],
      total,
    });
  }
  return { slo: name, step: stepSeconds, points };
}
