/**
 * Error budget arithmetic on window sums. "Units" are events for Occurrences and slices for the
 * timeslice methods (see timeslices.ts): `good` good units out of `total`.
 *
 *   error budget  b = 1 − objective
 *   SLI           good ÷ total                (a ratio of sums)
 *   error ratio   1 − SLI
 *   consumed      error ratio ÷ b             (1 = the whole budget)
 *   remaining     1 − consumed                (negative when overspent)
 *   burn rate     error ratio ÷ b over a look-back window: at burn rate 1 the budget lasts
 *                 exactly one SLO window
 */
import { InputError } from '../errors.js';

/**
 * 1 − objective, rounded to 12 decimal places: OpenSLO targets are decimals, and the binary
 * subtraction 1 − 0.95 gives 0.050000000000000044, which would put a budget of 1 008 slices
 * a hair above 1 008. Throws InputError for an objective outside [0, 1).
 */
export function errorBudget(objective: number): number {
  if (!(objective >= 0 && objective < 1)) {
    throw new InputError(`An objective must be in [0, 1), not ${objective}.`, [
      { path: 'target', message: 'must be in [0, 1)' },
    ]);
  }
  return Math.round((1 - objective) * 1e12) / 1e12;
}

export interface BudgetStatus {
  good: number;
  total: number;
  /** good ÷ total; null when the window has no data. */
  sli: number | null;
  errorRatio: number | null;
  /** The error budget, 1 − objective. */
  budget: number;
  /** errorRatio ÷ budget; 0 without data. */
  consumed: number;
  /** 1 − consumed. */
  remaining: number;
  /**
   * The budget in bad units at the window's total so far, minus the bad units so far:
   * budget × total − (total − good). It grows as good traffic arrives and is negative when the
   * budget is overspent.
   */
  remainingEvents: number;
}

/** The budget over a window whose sums are `good` of `total`. */
export function budgetStatus(good: number, total: number, objective: number): BudgetStatus {
  const budget = errorBudget(objective);
  if (!(total > 0)) {
    return {
      good,
      total,
      sli: null,
      errorRatio: null,
      budget,
      consumed: 0,
      remaining: 1,
      remainingEvents: 0,
    };
  }
  const bad = total - good;
  const errorRatio = bad / total;
  const consumed = errorRatio / budget;
  return {
    good,
    total,
    sli: good / total,
    errorRatio,
    budget,
    consumed,
    remaining: 1 - consumed,
    remainingEvents: budget * total - bad,
  };
}

/** error ratio ÷ budget over a look-back window; null when the window has no data. */
export function burnRate(good: number, total: number, budget: number): number | null {
  return total > 0 ? (total - good) / total / budget : null;
}

/**
 * Minutes of total failure that would spend the remaining budget at the given traffic:
 * remainingEvents ÷ bad units per minute of failure (Occurrences: the last hour's events per
 * minute; timeslice methods: one slice per slice length). The budget is held at its present
 * size (budget × total so far): the failing traffic's own share of budget and data ageing out
 * of a rolling window are not counted. 0 when overspent, null without traffic.
 */
export function remainingMinutes(remainingEvents: number, unitsPerMinute: number): number | null {
  if (!(unitsPerMinute > 0)) return null;
  return Math.max(0, remainingEvents) / unitsPerMinute;
}

/**
 * When the budget runs out if it keeps burning at `burnRate` (measured over a look-back: the
 * last 1 h, 1 d or 7 d). At burn rate 1 a whole budget lasts one window length, so the fraction
 * `remaining` lasts remaining × windowLength ÷ burnRate from now.
 *
 * Returns epoch ms, `now` when the budget is already spent, or null — "not within the window" —
 * when nothing burns (rate 0 or unknown) or the date falls after `horizon`: the end of the
 * calendar period, or now + one window length for a rolling window (by then every event now in
 * the window has aged out, so the extrapolation says nothing more).
 */
export function exhaustionDate(
  now: number,
  remaining: number,
  rate: number | null,
  windowLengthMs: number,
  horizon: number,
): number | null {
  if (remaining <= 0) return now;
  if (rate === null || !(rate > 0)) return null;
  const at = now + (remaining * windowLengthMs) / rate;
  return at <= horizon ? Math.round(at) : null;
}
