/**
 * The error budget an incident consumed: for every objective of every SLO of each impacted
 * service, the units of the incident's span, of the SLO window ending at its end and of the four
 * weeks ending there, summed from the stored buckets with the readers the SLO status uses
 * (objectiveSeries: buckets or per-minute values, slices for the timeslice methods, budget
 * corrections masked). The arithmetic is core's (incidents/budget-impact.ts).
 */
import type { IncidentImpact, ObjectiveImpact } from '@headroom/core/api/incident';
import {
  budgetConsumedOf,
  FOUR_WEEKS_MS,
  impactSpan,
  objectiveImpact,
  objectiveLabel,
} from '@headroom/core/incidents/budget-impact';
import type { Incident } from '@headroom/core/incidents/model';
import type { BudgetConsumed } from '@headroom/core/incidents/postmortem';
import { maskFromIntervals } from '@headroom/core/slo/minute-mask';
import { MINUTE_MS, windowAt, windowSpecFromModel } from '@headroom/core/slo/time-window';
import { sliceRuleOf } from '@headroom/core/slo/timeslices';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { iso } from '../catalog/refs.js';
import { loadCorrections } from '../corrections/repo.js';
import { correctionsSelecting } from '../corrections/service.js';
import { objectiveSeries } from '../slo-status/evaluate.js';
import { objectivePlans } from '../slo-status/streams.js';
import { listResolvedSlos } from '../slos/service.js';

export const IMPACT_FORMULA =
  'bad = total − good units (events, or slices for Timeslices/RatioTimeslices) from impact started ' +
  '(else detected, else declared) to resolved (or now while open); window share = bad ÷ ((1 − target) × ' +
  "units in the SLO's window ending then); four-week share = bad ÷ ((1 − target) × expected units in 28 days), " +
  'expected units = events in the 28 days ending then (Occurrences) or 40 320 min ÷ slice length (slices).';

const floorMin = (t: number) => Math.floor(t / MINUTE_MS);
const ceilMin = (t: number) => Math.ceil(t / MINUTE_MS);

export async function incidentImpact(
  db: Kysely<Database>,
  incident: Incident,
  now = Date.now(),
): Promise<IncidentImpact> {
  const { start, end, open } = impactSpan(incident, now);
  const corrections = await loadCorrections(db);
  const objectives: ObjectiveImpact[] = [];
  for (const service of incident.services) {
    for (const { slo } of await listResolvedSlos(db, { service })) {
      const window = windowAt(windowSpecFromModel(slo.timeWindow), end);
      const windowFrom = ceilMin(window.start);
      const endMinute = ceilMin(end);
      const windowTo = Math.min(endMinute, ceilMin(window.end));
      const weeksFrom = ceilMin(end - FOUR_WEEKS_MS);
      const anchor = slo.timeWindow.type === 'rolling' ? 0 : windowFrom;
      const plans = objectivePlans(slo);
      for (const plan of plans) {
        const label = objectiveLabel(slo.name, plan.index, plans.length, plan.objective.displayName);
        const slices = sliceRuleOf(slo, plan.index);
        // A slice counts when the incident touches it: start from the slice holding `start`.
        const size = slices?.minutes ?? 1;
        const incidentFrom = anchor + Math.floor((floorMin(start) - anchor) / size) * size;
        const incidentTo = Math.max(incidentFrom + 1, endMinute);
        const span = { fromMinute: Math.min(incidentFrom, windowFrom, weeksFrom), toMinute: endMinute + 1 };
        const base = {
          slo: slo.name,
          label,
          service,
          objective: plan.index,
          objectiveName: plan.objective.displayName,
          budgetingMethod: slo.budgetingMethod,
          target: plan.objective.target,
        };
        const range = { start: span.fromMinute * MINUTE_MS, end: span.toMinute * MINUTE_MS };
        const intervals = correctionsSelecting(corrections, slo, range).flatMap((c) => c.intervals);
        const mask = intervals.length > 0 ? maskFromIntervals(intervals) : undefined;
        const sums = plan.evaluable
          ? await (async () => {
              const { series } = await objectiveSeries(db, slo, plan.index, plan.stream, span, anchor, mask);
              const sum = (from: number, to: number) =>
                series.sumInto(from, to, new Float64Array(series.channels));
              const inc = sum(incidentFrom, incidentTo);
              return {
                good: inc[0]!,
                total: inc[1]!,
                windowTotal: sum(windowFrom, windowTo)[1]!,
                fourWeekTotal: sum(weeksFrom, endMinute)[1]!,
              };
            })()
          : { good: 0, total: 0, windowTotal: 0, fourWeekTotal: 0 };
        const r = objectiveImpact({
          method: slo.budgetingMethod,
          target: plan.objective.target,
          ...(slices && { sliceMinutes: slices.minutes }),
          incident: { good: sums.good, total: sums.total },
          windowTotal: sums.windowTotal,
          fourWeekTotal: sums.fourWeekTotal,
        });
        objectives.push({
          ...base,
          unit: r.unit,
          good: r.good,
          total: r.total,
          bad: r.bad,
          window: {
            from: iso(window.start),
            to: iso(Math.min(end, window.end)),
            total: r.window.total,
            budgetUnits: r.window.budgetUnits,
            share: r.window.share,
          },
          fourWeeks: {
            from: iso(end - FOUR_WEEKS_MS),
            to: iso(end),
            expectedUnits: r.fourWeeks.expectedUnits,
            budgetUnits: r.fourWeeks.budgetUnits,
            share: r.fourWeeks.share,
          },
          note: plan.evaluable ? (r.total === 0 ? 'No data in the incident span.' : null) : plan.note,
        });
      }
    }
  }
  const shares = objectives.map((o) => o.fourWeeks.share).filter((s): s is number => s !== null);
  return {
    incidentId: incident.id,
    from: iso(start),
    to: iso(end),
    open,
    formula: IMPACT_FORMULA,
    objectives,
    maxFourWeekShare: shares.length ? Math.max(...shares) : null,
  };
}

/** The closing rule's figures (core postmortem.ts) from an impact. */
export function budgetConsumed(impact: IncidentImpact): BudgetConsumed[] {
  return budgetConsumedOf(impact.objectives);
}
