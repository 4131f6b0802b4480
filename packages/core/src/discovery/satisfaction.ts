/**
 * Survey scores, pure. NPS (Net Promoter Score, Bain & Company) and CSAT over the answers of one
 * slice (a survey round and one capability), with the per-team rows that keep answers anonymous.
 *
 * - NPS = % promoters (9–10) − % detractors (0–6), passives (7–8) count in the total only;
 *   from −100 to +100.
 * - CSAT = % of answers that are 4 or 5 on the 1–5 scale ("satisfied" or "very satisfied");
 *   the mean of all answers is given beside it.
 *
 * Anonymity: a team's row is shown only when the team has at least ANONYMITY_THRESHOLD answers in
 * the slice. Withholding a single small team is not enough, because the slice total minus the
 * teams shown would give that team's counts back. So the answers not shown in any team row (the
 * withheld teams together with answers from people in no team) must also be 0 or at least the
 * threshold: while they are 1 or 2, the smallest team still shown is withheld too ("to protect a
 * smaller team's answers"). A slice with fewer answers than the threshold shows its counts but no
 * scores, comments or team rows.
 */

export const ANONYMITY_THRESHOLD = 3;

export const NPS_FORMULA =
  'NPS = % promoters (answers 9–10) − % detractors (answers 0–6); passives (7–8) count in the total only. Range −100 to +100.';
export const CSAT_FORMULA =
  'CSAT = % of answers that are 4 or 5 on the 1–5 scale; mean = sum of answers ÷ number of answers.';
export const ANONYMITY_RULE =
  `Scores are shown only for slices with at least ${ANONYMITY_THRESHOLD} answers. A team's row is shown only when the team ` +
  `has at least ${ANONYMITY_THRESHOLD} answers in the slice; and when the answers outside the teams shown would be ` +
  `1 or 2 (so the total minus the teams shown would reveal them), the smallest teams shown are withheld as well until ` +
  `they are 0 or at least ${ANONYMITY_THRESHOLD}. Who answered is never shown.`;

export const WITHHELD_FEW = `fewer than ${ANONYMITY_THRESHOLD} answers`;
export const WITHHELD_PROTECT =
  'withheld so that a smaller team’s answers cannot be worked out by subtraction';

export interface Answer {
  /** 0–10, or null when the question was skipped. */
  nps: number | null;
  /** 1–5, or null. */
  csat: number | null;
  /** The respondent's team, or null for someone in no team. */
  team: string | null;
}

export interface NpsScore {
  answers: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** Rounded to one decimal; null when there are no answers or too few to show. */
  score: number | null;
}

export interface CsatScore {
  answers: number;
  /** Answers of 4 or 5. */
  satisfied: number;
  /** % satisfied, one decimal; null when not shown. */
  score: number | null;
  /** Two decimals; null when not shown. */
  mean: number | null;
}

export interface SliceScores {
  /** People who answered anything in the slice. */
  respondents: number;
  nps: NpsScore;
  csat: CsatScore;
  /** false: fewer than ANONYMITY_THRESHOLD respondents, so scores are null. */
  shown: boolean;
}

export type TeamRow =
  | ({ team: string; withheld: false } & SliceScores)
  | { team: string; withheld: true; reason: string };

export interface SliceResult extends SliceScores {
  teams: TeamRow[];
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

/** NPS counts and score of 0–10 answers (nulls skipped). */
export function npsOf(values: readonly (number | null)[]): NpsScore {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const v of values) {
    if (v === null) continue;
    if (!Number.isInteger(v) || v < 0 || v > 10) throw new RangeError(`NPS answer ${v} is not 0–10`);
    if (v >= 9) promoters++;
    else if (v >= 7) passives++;
    else detractors++;
  }
  const answers = promoters + passives + detractors;
  return {
    answers,
    promoters,
    passives,
    detractors,
    score: answers === 0 ? null : round1(((promoters - detractors) / answers) * 100),
  };
}

/** CSAT counts, % satisfied and mean of 1–5 answers (nulls skipped). */
export function csatOf(values: readonly (number | null)[]): CsatScore {
  let answers = 0;
  let satisfied = 0;
  let sum = 0;
  for (const v of values) {
    if (v === null) continue;
    if (!Number.isInteger(v) || v < 1 || v > 5) throw new RangeError(`CSAT answer ${v} is not 1–5`);
    answers++;
    sum += v;
    if (v >= 4) satisfied++;
  }
  return {
    answers,
    satisfied,
    score: answers === 0 ? null : round1((satisfied / answers) * 100),
    mean: answers === 0 ? null : round2(sum / answers),
  };
}

/** Scores of a set of answers, hidden when there are fewer than the threshold. */
export function scoresOf(answers: readonly Answer[]): SliceScores {
  const nps = npsOf(answers.map((a) => a.nps));
  const csat = csatOf(answers.map((a) => a.csat));
  const shown = answers.length >= ANONYMITY_THRESHOLD;
  if (!shown) {
    nps.score = null;
    csat.score = null;
    csat.mean = null;
  }
  return { respondents: answers.length, nps, csat, shown };
}

/**
 * One slice's scores with its team rows. Teams are shown in name order; the rule for which rows
 * are withheld is the one in this file's header.
 */
export function sliceResult(answers: readonly Answer[]): SliceResult {
  const total = scoresOf(answers);
  const byTeam = new Map<string, Answer[]>();
  for (const a of answers) if (a.team !== null) byTeam.set(a.team, [...(byTeam.get(a.team) ?? []), a]);
  const names = [...byTeam.keys()].sort();
  const withheld = new Map<string, string>();
  if (!total.shown) for (const name of names) withheld.set(name, WITHHELD_FEW);
  for (const name of names)
    if (byTeam.get(name)!.length < ANONYMITY_THRESHOLD) withheld.set(name, WITHHELD_FEW);
  // Complementary suppression: the answers outside the rows shown must not be 1 or 2.
  const hidden = () =>
    answers.length - names.filter((n) => !withheld.has(n)).reduce((s, n) => s + byTeam.get(n)!.length, 0);
  while (hidden() > 0 && hidden() < ANONYMITY_THRESHOLD) {
    const smallest = names
      .filter((n) => !withheld.has(n))
      .sort((a, b) => byTeam.get(a)!.length - byTeam.get(b)!.length || (a < b ? -1 : 1))[0];
    if (smallest === undefined) break;
    withheld.set(smallest, WITHHELD_PROTECT);
  }
  const teams: TeamRow[] = names.map((team) => {
    const reason = withheld.get(team);
    return reason !== undefined
      ? { team, withheld: true, reason }
      : { team, withheld: false, ...scoresOf(byTeam.get(team)!) };
  });
  return { ...total, teams };
}
