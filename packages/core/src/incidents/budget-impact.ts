/**
 * The error budget an incident consumed, per SLO objective, from window sums of the SLO's bucket
 * series (the server reads them; this is the arithmetic). "Units" are events for Occurrences and
 * time slices for Timeslices and RatioTimeslices, as everywhere in the SLO maths (slo/budget.ts).
 *
 * The incident's span is [impact started, resolved) — impact started falls back to detected,
 * then declared; an incident not yet resolved runs to now. With b = 1 − target:
 *
 *   bad                = total − good units in the incident's span
 *                        (Timeslices: slices starting in it, the one holding its start included)
 *   window share       = bad ÷ (b × total units in the SLO window at the end of the span)
 *                        — the same budget the SLO's status reports, so 0.25 means "a quarter of
 *                        this window's budget"; null when the window holds no data
 *   four-week budget   = b × expected units in 28 days, where expected units are
 *                          Occurrences: the events of the 28 days ending at the end of the span
 *                          Timeslices/RatioTimeslices: every slice of 28 days,
 *                                                  40 320 min ÷ slice minutes
 *   four-week share    = bad ÷ four-week budget   (null when the 28 days hold no events)
 *
 * The four-week share is what the SRE Workbook's example policy reads ("an incident that consumed
 * more than 20 % of the four-week error budget needs a postmortem with a P0 action item"); it is
 * independent of the SLO's own window, so SLOs of every window length compare alike.
 */
import { errorBudget } from '../slo/budget.js';
import type { BudgetingMethod } from '../slo/model.js';
import type { Incident } from './model.js';
import type { BudgetConsumed } from './postmortem.js';

export const FOUR_WEEKS_MS = 28 * 24 * 3_600_000;
export const FOUR_WEEKS_MINUTES = 28 * 24 * 60;

/** Where the incident's budget clock starts and stops. */
export function impactSpan(
  incident: Pick<Incident, 'impactStartedAt' | 'detectedAt' | 'declaredAt' | 'resolvedAt'>,
  now: number,
): { start: number; end: number; open: boolean } {
  const start = incident.impactStartedAt ?? incident.detectedAt ?? incident.declaredAt;
  const open = incident.resolvedAt === null;
  const end = Math.max(start, incident.resolvedAt ?? now);
  return { start, end, open };
}

export interface ObjectiveImpactInput {
  method: BudgetingMethod;
  /** The objective's target in [0, 1). */
  target: number;
  /** Timeslice methods: the slice length in minutes. */
  sliceMinutes?: number;
  /** Good and total units in the incident's span. */
  incident: { good: number; total: number };
  /** Total units in the SLO window ending at the end of the span. */
  windowTotal: number;
  /** Occurrences: total events in the 28 days ending at the end of the span (ignored for slices). */
  fourWeekTotal: number;
}

export interface ObjectiveImpact {
  unit: 'events' | 'slices';
  good: number;
  total: number;
  bad: number;
  /** 1 − target. */
  budget: number;
  window: { total: number; budgetUnits: number; share: number | null };
  fourWeeks: { expectedUnits: number; budgetUnits: number; share: number | null };
}

const share = (bad: number, budgetUnits: number) => (budgetUnits > 0 ? bad / budgetUnits : null);

export function objectiveImpact(input: ObjectiveImpactInput): ObjectiveImpact {
  const b = errorBudget(input.target);
  const slices = input.method !== 'Occurrences';
  const bad = Math.max(0, input.incident.total - input.incident.good);
  const windowBudget = b * input.windowTotal;
  const expected = slices
    ? FOUR_WEEKS_MINUTES / Math.max(1, input.sliceMinutes ?? 1)
    : Math.max(0, input.fourWeekTotal);
  const fourWeekBudget = b * expected;
  return {
    unit: slices ? 'slices' : 'events',
    good: input.incident.good,
    total: input.incident.total,
    bad,
    budget: b,
    window: { total: input.windowTotal, budgetUnits: windowBudget, share: share(bad, windowBudget) },
    fourWeeks: { expectedUnits: expected, budgetUnits: fourWeekBudget, share: share(bad, fourWeekBudget) },
  };
}

/** How an objective is named in messages: the SLO, and the objective when it has several. */
export function objectiveLabel(
  slo: string,
  index: number,
  count: number,
  displayName: string | null,
): string {
  if (count <= 1) return slo;
  return `${slo} (objective ${displayName ?? String(index + 1)})`;
}

/** The figures the closing rule reads (postmortem.ts), one per objective with a four-week share. */
export function budgetConsumedOf(
  impacts: readonly { label: string; fourWeeks: { share: number | null } }[],
): BudgetConsumed[] {
  return impacts
    .filter((i) => i.fourWeeks.share !== null)
    .map((i) => ({ slo: i.label, fraction: i.fourWeeks.share as number }));
}
