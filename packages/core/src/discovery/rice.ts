/**
 * RICE (Intercom, Sean McBride): score = reach × impact × confidence ÷ effort, on Intercom's
 * scales: impact 3 massive, 2 high, 1 medium, 0.5 low, 0.25 minimal; confidence 100 % high,
 * 80 % medium, 50 % low; effort in person-months.
 *
 * Reach in Headroom is the number of teams affected, from the opportunity's evidence
 * (evidence.ts `teamsAffected`): the distinct teams that filed or voted through linked feedback
 * and the teams owning the services concerned. Teams, not users, because every source Headroom
 * has (feedback, ownership) names teams reliably, while users affected would count only those
 * who happen to write feedback. A solution may override reach with a number and a reason.
 */

export const RICE_IMPACTS = [3, 2, 1, 0.5, 0.25] as const;
export type RiceImpact = (typeof RICE_IMPACTS)[number];
export const IMPACT_NAMES: Readonly<Record<string, string>> = {
  '3': 'massive',
  '2': 'high',
  '1': 'medium',
  '0.5': 'low',
  '0.25': 'minimal',
};

export const RICE_CONFIDENCES = [100, 80, 50] as const;
export type RiceConfidence = (typeof RICE_CONFIDENCES)[number];
export const CONFIDENCE_NAMES: Readonly<Record<string, string>> = {
  '100': 'high',
  '80': 'medium',
  '50': 'low',
};

/** A solution's RICE inputs as stored: reach only when it overrides the evidence. */
export interface RiceInputs {
  reach: number | null;
  reachReason: string | null;
  impact: number;
  confidence: number;
  effort: number;
}

export interface RiceProblem {
  /** Field of the rice map: reach, reachReason, impact, confidence, effort. */
  field: keyof RiceInputs;
  message: string;
}

const MAX_REACH = 1_000_000_000;
const MAX_EFFORT = 1_000;

/** Every problem with the inputs; empty when they are valid. */
export function validateRice(input: {
  reach?: number | null;
  reachReason?: string | null;
  impact?: number | null;
  confidence?: number | null;
  effort?: number | null;
}): RiceProblem[] {
  const problems: RiceProblem[] = [];
  const { reach, reachReason, impact, confidence, effort } = input;
  if (impact === undefined || impact === null)
    problems.push({
      field: 'impact',
      message: 'is required (3 massive, 2 high, 1 medium, 0.5 low, 0.25 minimal)',
    });
  else if (!(RICE_IMPACTS as readonly number[]).includes(impact))
    problems.push({
      field: 'impact',
      message: `must be 3 (massive), 2 (high), 1 (medium), 0.5 (low) or 0.25 (minimal), not ${impact}`,
    });
  if (confidence === undefined || confidence === null)
    problems.push({ field: 'confidence', message: 'is required (100, 80 or 50 %)' });
  else if (!(RICE_CONFIDENCES as readonly number[]).includes(confidence))
    problems.push({
      field: 'confidence',
      message: `must be 100 (high), 80 (medium) or 50 (low) per cent, not ${confidence}`,
    });
  if (effort === undefined || effort === null)
    problems.push({ field: 'effort', message: 'is required (person-months, more than 0)' });
  else if (!Number.isFinite(effort) || effort <= 0 || effort > MAX_EFFORT)
    problems.push({
      field: 'effort',
      message: `must be person-months, more than 0 and at most ${MAX_EFFORT}, not ${effort}`,
    });
  if (reach !== undefined && reach !== null) {
    if (!Number.isFinite(reach) || reach < 0 || reach > MAX_REACH)
      problems.push({ field: 'reach', message: `must be a number from 0 to ${MAX_REACH}, not ${reach}` });
    if (!reachReason || reachReason.trim() === '')
      problems.push({
        field: 'reachReason',
        message: 'is required when reach overrides the evidence (say where the number comes from)',
      });
  } else if (reachReason !== undefined && reachReason !== null && reachReason.trim() !== '') {
    problems.push({
      field: 'reachReason',
      message: 'is given without reach: set reach too, or drop the reason',
    });
  }
  return problems;
}

/** reach × impact × (confidence ÷ 100) ÷ effort. */
export function riceScore(r: { reach: number; impact: number; confidence: number; effort: number }): number {
  return (r.reach * r.impact * (r.confidence / 100)) / r.effort;
}

export interface ResolvedReach {
  reach: number;
  source: 'evidence' | 'override';
  /** The override's reason; for evidence, what was counted. */
  reason: string;
}

/** The reach a score uses: the override with its reason, else the evidence's teams affected. */
export function resolveReach(
  inputs: Pick<RiceInputs, 'reach' | 'reachReason'>,
  teamsAffected: number,
): ResolvedReach {
  if (inputs.reach !== null)
    return { reach: inputs.reach, source: 'override', reason: inputs.reachReason ?? '' };
  return {
    reach: teamsAffected,
    source: 'evidence',
    reason: `${teamsAffected} team${teamsAffected === 1 ? '' : 's'} affected (feedback authors' teams and service owners)`,
  };
}

export interface Scored<T> {
  item: T;
  score: number | null;
}

/**
 * Highest score first; unscored (no RICE inputs yet) last; ties by the key given (names), so
 * the order is stable between calls.
 */
export function rankByScore<T>(items: readonly Scored<T>[], key: (t: T) => string): Scored<T>[] {
  return [...items].sort((a, b) => {
    if (a.score === null || b.score === null) {
      if (a.score !== b.score) return a.score === null ? 1 : -1;
    } else if (a.score !== b.score) return b.score - a.score;
    const ka = key(a.item);
    const kb = key(b.item);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
