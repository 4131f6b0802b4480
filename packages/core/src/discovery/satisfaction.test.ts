import { describe, expect, it } from 'vitest';
import { type Answer, csatOf, npsOf, sliceResult, WITHHELD_FEW, WITHHELD_PROTECT } from './satisfaction.js';

const answers = (team: string | null, pairs: [number | null, number | null][]): Answer[] =>
  pairs.map(([nps, csat]) => ({ team, nps, csat }));

describe('NPS and CSAT', () => {
  it('computes NPS as % promoters − % detractors (hand-computed)', () => {
    // 10, 9 promoters; 8, 7 passives; 6, 0 detractors; null skipped: (2 − 2) / 6 = 0.
    expect(npsOf([10, 9, 8, 7, 6, 0, null])).toEqual({
      answers: 6,
      promoters: 2,
      passives: 2,
      detractors: 2,
      score: 0,
    });
    // 3 promoters, 1 detractor of 7: (3 − 1) / 7 = 28.571… → 28.6.
    expect(npsOf([9, 10, 10, 7, 8, 8, 6]).score).toBe(28.6);
    expect(npsOf([0, 6]).score).toBe(-100);
    expect(npsOf([]).score).toBeNull();
    expect(() => npsOf([11])).toThrow(RangeError);
  });
  it('computes CSAT as % of 4–5 answers and the mean (hand-computed)', () => {
    // 5, 4, 4 satisfied of 5 answers: 60 %; mean (5+4+4+3+1)/5 = 3.4.
    expect(csatOf([5, 4, 4, 3, 1, null])).toEqual({ answers: 5, satisfied: 3, score: 60, mean: 3.4 });
    // 2 of 3 → 66.666… → 66.7; mean 11/3 = 3.666… → 3.67.
    expect(csatOf([5, 4, 2])).toEqual({ answers: 3, satisfied: 2, score: 66.7, mean: 3.67 });
    expect(() => csatOf([0])).toThrow(RangeError);
  });
});

describe('a slice with team rows and the anonymity threshold', () => {
  const slice = [
    ...answers('payments', [
      [10, 5],
      [9, 4],
      [6, 2],
    ]),
    ...answers('search', [
      [8, 3],
      [10, 5],
      [3, 1],
      [0, 4],
    ]),
    ...answers('platform', [
      [9, 4],
      [7, 4],
      [10, 5],
    ]),
    ...answers('ops', [
      [2, 1],
      [9, 5],
    ]),
    ...answers(null, [[10, null]]),
  ];

  it('gives the total, every team with 3 answers, and withholds the team with 2', () => {
    const r = sliceResult(slice);
    // 13 NPS answers: 7 promoters, 2 passives, 4 detractors → (7 − 4) / 13 = 23.08 → 23.1.
    expect(r.respondents).toBe(13);
    expect(r.shown).toBe(true);
    expect(r.nps).toEqual({ answers: 13, promoters: 7, passives: 2, detractors: 4, score: 23.1 });
    // 12 CSAT answers, 8 of them 4–5 → 66.7 %; mean 43 / 12 = 3.583 → 3.58.
    expect(r.csat).toEqual({ answers: 12, satisfied: 8, score: 66.7, mean: 3.58 });
    expect(r.teams.map((t) => [t.team, t.withheld])).toEqual([
      ['ops', true],
      ['payments', false],
      ['platform', false],
      ['search', false],
    ]);
    expect(r.teams[0]).toEqual({ team: 'ops', withheld: true, reason: WITHHELD_FEW });
    // payments: 2 promoters, 1 detractor of 3 → 33.3; CSAT 2 of 3 → 66.7, mean 3.67.
    expect(r.teams[1]).toMatchObject({
      respondents: 3,
      nps: { score: 33.3, promoters: 2, detractors: 1 },
      csat: { score: 66.7, mean: 3.67 },
    });
    // search: 1 promoter, 2 detractors of 4 → −25; CSAT 2 of 4 → 50, mean 13/4 = 3.25.
    expect(r.teams[3]).toMatchObject({ nps: { score: -25 }, csat: { score: 50, mean: 3.25 } });
    // platform: (2 − 0) / 3 → 66.7; CSAT 100, mean 13/3 → 4.33.
    expect(r.teams[2]).toMatchObject({ nps: { score: 66.7 }, csat: { score: 100, mean: 4.33 } });
  });

  it('withholds one more team when the total minus the teams shown would reveal 1 or 2 answers', () => {
    // a: 3, b: 4, c: 1 — withholding c alone leaves total − (a + b) = c's one answer.
    const r = sliceResult([
      ...answers('a', [
        [10, 5],
        [10, 5],
        [10, 5],
      ]),
      ...answers('b', [
        [0, 1],
        [0, 1],
        [5, 2],
        [9, 4],
      ]),
      ...answers('c', [[0, 1]]),
    ]);
    expect(r.teams).toEqual([
      { team: 'a', withheld: true, reason: WITHHELD_PROTECT },
      expect.objectContaining({ team: 'b', withheld: false, respondents: 4 }),
      { team: 'c', withheld: true, reason: WITHHELD_FEW },
    ]);
    // What the rows shown leave over is a + c = 4 answers: no single person stands out.
    const shownCount = r.teams.reduce((s, t) => s + (t.withheld ? 0 : t.respondents), 0);
    expect(r.respondents - shownCount).toBe(4);
  });

  it('counts answers from people in no team as hidden too', () => {
    const r = sliceResult([
      ...answers('a', [
        [10, 5],
        [9, 5],
        [8, 5],
      ]),
      ...answers(null, [[0, 1]]),
    ]);
    // Showing a (3) would reveal the one answer without a team: a is withheld, the total stays.
    expect(r.teams).toEqual([{ team: 'a', withheld: true, reason: WITHHELD_PROTECT }]);
    expect(r.nps.score).toBe(25); // promoters 10, 9; passive 8; detractor 0: (2 − 1) / 4
  });

  it('shows counts but no scores for a slice with fewer than 3 answers', () => {
    const r = sliceResult(
      answers('a', [
        [10, 5],
        [0, 1],
      ]),
    );
    expect(r.shown).toBe(false);
    expect(r.nps).toMatchObject({ answers: 2, score: null });
    expect(r.csat).toMatchObject({ answers: 2, score: null, mean: null });
    expect(r.teams).toEqual([{ team: 'a', withheld: true, reason: WITHHELD_FEW }]);
  });
});
