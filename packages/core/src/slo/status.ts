/** Turns an evaluation into the status people read: a state and ISO dates. */
import type { SloState, SloStatus } from '../api/slo-status.js';
import type { SloEvaluation } from './evaluate.js';

/** Above this 1-hour burn rate the budget is being spent faster than the window allows. */
export const BURNING_RATE = 1;

export function sloState(evaluation: Pick<SloEvaluation, 'total' | 'remaining' | 'burnRates'>): SloState {
  if (evaluation.total <= 0) return 'no-data';
  if (evaluation.remaining <= 0) return 'exhausted';
  const hour = evaluation.burnRates['1h'];
  return hour !== null && hour > BURNING_RATE ? 'burning' : 'healthy';
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export interface ObjectiveEvaluation {
  index: number;
  displayName: string | null;
  target: number;
  evaluation: Pick<SloEvaluation, 'total' | 'remaining' | 'consumed' | 'sli' | 'burnRates'>;
}

export interface StatusContext {
  objective: number;
  /** Each objective evaluated alone. */
  objectives?: readonly ObjectiveEvaluation[];
  lastDataMinute: number | null;
  corrections: { start: number; end: number }[];
  note: string | null;
}

export function sloStatus(e: SloEvaluation, ctx: StatusContext): SloStatus {
  const lastDataAt = ctx.lastDataMinute === null ? null : (ctx.lastDataMinute + 1) * 60_000;
  return {
    state: sloState(e),
    evaluatedAt: new Date(e.now).toISOString(),
    window: { start: new Date(e.windowStart).toISOString(), end: new Date(e.windowEnd).toISOString() },
    sli: e.sli,
    good: e.good,
    total: e.total,
    errorBudget: {
      total: Math.round((1 - ctx.objective) * 1e12) / 1e12,
      consumed: e.consumed,
      remaining: e.remaining,
      remainingEvents: e.remainingEvents,
      remainingMinutes: e.remainingMinutes,
    },
    burnRates: { ...e.burnRates },
    exhaustion: {
      '1h': iso(e.exhaustion['1h']),
      '1d': iso(e.exhaustion['1d']),
      '7d': iso(e.exhaustion['7d']),
    },
    dataAge: lastDataAt === null ? null : Math.max(0, Math.round((e.now - lastDataAt) / 1000)),
    lastDataAt: iso(lastDataAt),
    noDataSlices: e.noDataSlices,
    corrections: ctx.corrections.map((c) => ({
      start: new Date(c.start).toISOString(),
      end: new Date(c.end).toISOString(),
    })),
    note: ctx.note,
    objectives: (ctx.objectives ?? []).map((o) => ({
      index: o.index,
      displayName: o.displayName,
      target: o.target,
      state: sloState(o.evaluation),
      sli: o.evaluation.sli,
      consumed: o.evaluation.consumed,
      remaining: o.evaluation.remaining,
      burnRate1h: o.evaluation.burnRates['1h'],
    })),
  };
}
