/**
 * Rules that need an SLO and its indicator together (the indicator may be written inline, in
 * another file, or be stored already), and the likely mistakes that are warned about, not
 * refused. Pure; paths are field paths in the SLO's document.
 */
import { type Duration, fixedDurationMs, formatDuration } from '../../slo/duration.js';
import type { Objective, Sli, Slo, TimeWindow } from '../../slo/model.js';
import type { PathSegment } from '../types.js';

export interface SloProblem {
  path: PathSegment[];
  message: string;
}

/**
 * An SLI used by an SLO (objectiveIndex null) or by one objective of a composite SLO: a
 * thresholdMetric SLO has exactly one objective, and threshold objectives need `op` and `value`.
 */
export function indicatorProblems(slo: Slo, sli: Sli, objectiveIndex: number | null): SloProblem[] {
  if (sli.metric.type !== 'threshold') return [];
  const out: SloProblem[] = [];
  const indexes = objectiveIndex === null ? slo.objectives.map((_, i) => i) : [objectiveIndex];
  if (objectiveIndex === null && slo.objectives.length > 1) {
    out.push({
      path: ['spec', 'objectives', 1],
      message: `an SLO whose indicator is a thresholdMetric has exactly one objective (OpenSLO v1); this one has ${slo.objectives.length}`,
    });
  }
  for (const i of indexes) {
    const o = slo.objectives[i];
    if (!o) continue;
    if (o.op === null) {
      out.push({
        path: ['spec', 'objectives', i, 'op'],
        message: `is required with a thresholdMetric indicator ('${sli.name}'): one of lt, lte, gt, gte`,
      });
    }
    if (o.value === null) {
      out.push({
        path: ['spec', 'objectives', i, 'value'],
        message: `is required with a thresholdMetric indicator ('${sli.name}'): the value each measurement is compared with`,
      });
    }
  }
  return out;
}

const MINUTE = 60_000;
const DAY = 86_400_000;
/** For warnings only: calendar units at their usual length. */
const APPROX_MS = { M: 30 * DAY, Q: 91 * DAY, Y: 365 * DAY } as const;

function approxMs(d: Duration): number {
  return fixedDurationMs(d) ?? d.count * APPROX_MS[d.unit as keyof typeof APPROX_MS];
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits)).toLocaleString('en-US');

/** A calendar window shorter than a day, or a rolling one shorter than an hour, is most likely a typo. */
export function windowWarnings(window: TimeWindow): SloProblem[] {
  const ms = fixedDurationMs(window.duration);
  if (ms === null) return [];
  const written = formatDuration(window.duration);
  const path = ['spec', 'timeWindow', 0, 'duration'];
  const unitHint =
    window.duration.unit === 'm'
      ? ` Did you mean ${window.duration.count}M (${window.duration.count === 1 ? 'one month' : `${window.duration.count} months`})? Units are case-sensitive: m is minutes, M months.`
      : '';
  if (window.type === 'calendar' && ms < DAY) {
    return [
      {
        path,
        message: `a calendar window of ${written} is shorter than a day, so the error budget resets every ${written}.${unitHint}`,
      },
    ];
  }
  if (window.type === 'rolling' && ms < 60 * MINUTE) {
    return [
      {
        path,
        message: `a rolling window of ${written} is shorter than an hour: the SLO forgets every failure after ${written}.${unitHint}`,
      },
    ];
  }
  return [];
}

/**
 * Objectives above 0.9999: SLI data is kept per minute (Timeslices: per slice), so one bucket of
 * total failure is the smallest failure that can be seen. Says how long a window must be for
 * one such bucket to fit in the error budget.
 */
export function targetWarnings(slo: Pick<Slo, 'timeWindow' | 'budgetingMethod'>, objectives: Objective[]) {
  const out: SloProblem[] = [];
  const windowMs = approxMs(slo.timeWindow.duration);
  const windowText = formatDuration(slo.timeWindow.duration);
  objectives.forEach((o, i) => {
    if (o.target <= 0.9999) return;
    const sliced = slo.budgetingMethod !== 'Occurrences' && o.timeSliceWindow !== null;
    const bucketMs = sliced && o.timeSliceWindow ? approxMs(o.timeSliceWindow) : MINUTE;
    const bucket = sliced && o.timeSliceWindow ? `${formatDuration(o.timeSliceWindow)} slice` : 'minute';
    const budget = 1 - o.target;
    const budgetMinutes = (windowMs * budget) / MINUTE;
    const neededDays = bucketMs / budget / DAY;
    const verdict =
      windowMs < neededDays * DAY
        ? `so in this ${windowText} window a single ${bucket} of total failure exhausts the whole budget`
        : `a single ${bucket} of total failure exhausts the budget of any window shorter than ${round(neededDays, 1)} days`;
    out.push({
      path: ['spec', 'objectives', i, 'target'],
      message: `target ${o.target} leaves an error budget of ${round(budgetMinutes)} minutes of total failure per ${windowText}; Headroom counts SLI data per ${bucket}, ${verdict}. Consider 0.9999 or a longer window.`,
    });
  });
  return out;
}

/**
 * The rules above for every indicator the SLO names by `indicatorRef` (on spec, or on the
 * objectives of a composite SLO); `unresolved` lists the refs `findSli` does not know.
 */
export function referencedIndicatorProblems(
  slo: Slo,
  findSli: (name: string) => Sli | undefined,
): { problems: SloProblem[]; unresolved: { name: string; path: PathSegment[] }[] } {
  const problems: SloProblem[] = [];
  const unresolved: { name: string; path: PathSegment[] }[] = [];
  const check = (name: string, objectiveIndex: number | null, path: PathSegment[]) => {
    const sli = findSli(name);
    if (sli) problems.push(...indicatorProblems(slo, sli, objectiveIndex));
    else unresolved.push({ name, path });
  };
  if (slo.indicatorRef) check(slo.indicatorRef, null, ['spec', 'indicatorRef']);
  slo.objectives.forEach((o, i) => {
    if (o.indicatorRef) check(o.indicatorRef, i, ['spec', 'objectives', i, 'indicatorRef']);
  });
  return { problems, unresolved };
}
