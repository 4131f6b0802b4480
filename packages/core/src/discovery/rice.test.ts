import { describe, expect, it } from 'vitest';
import { rankByScore, resolveReach, riceScore, validateRice } from './rice.js';

describe('RICE score', () => {
  // Hand-computed: reach × impact × confidence/100 ÷ effort.
  it.each([
    // Intercom-style: 150 customers a quarter, high impact, medium confidence, 2 person-months.
    { reach: 150, impact: 2, confidence: 80, effort: 2, score: 120 },
    // 1,200 prospects × 30 % = 360 a month, medium impact, low confidence, half a person-month.
    { reach: 360, impact: 1, confidence: 50, effort: 0.5, score: 360 },
    { reach: 2000, impact: 2, confidence: 80, effort: 4, score: 800 },
    { reach: 7, impact: 3, confidence: 100, effort: 1.5, score: 14 },
    { reach: 4, impact: 0.25, confidence: 50, effort: 1, score: 0.5 },
    { reach: 0, impact: 3, confidence: 100, effort: 1, score: 0 },
  ])('$reach × $impact × $confidence % ÷ $effort = $score', ({ score, ...inputs }) => {
    expect(riceScore(inputs)).toBeCloseTo(score, 10);
  });
});

describe('RICE validation', () => {
  const ok = { impact: 2, confidence: 80, effort: 1.5 };
  it('accepts the scales', () => {
    for (const impact of [3, 2, 1, 0.5, 0.25])
      for (const confidence of [100, 80, 50])
        expect(validateRice({ impact, confidence, effort: 1 })).toEqual([]);
    expect(validateRice({ ...ok, reach: 12, reachReason: 'Survey: 12 teams page at night' })).toEqual([]);
  });
  it('names each field that is off the scale', () => {
    expect(validateRice({ impact: 1.5, confidence: 90, effort: 0 }).map((p) => p.field)).toEqual([
      'impact',
      'confidence',
      'effort',
    ]);
    expect(validateRice({}).map((p) => [p.field, p.message.startsWith('is required')])).toEqual([
      ['impact', true],
      ['confidence', true],
      ['effort', true],
    ]);
    expect(validateRice({ ...ok, effort: -1 })[0]!.message).toContain('more than 0');
  });
  it('requires a reason when reach overrides the evidence, and reach with a reason', () => {
    expect(validateRice({ ...ok, reach: 40 })).toEqual([
      { field: 'reachReason', message: expect.stringContaining('required when reach overrides') },
    ]);
    expect(validateRice({ ...ok, reach: 40, reachReason: '  ' })[0]!.field).toBe('reachReason');
    expect(validateRice({ ...ok, reachReason: 'because' })[0]!.field).toBe('reachReason');
    expect(validateRice({ ...ok, reach: -3, reachReason: 'x' })[0]!.field).toBe('reach');
  });
});

describe('reach and ranking', () => {
  it('takes reach from the evidence unless overridden with a reason', () => {
    expect(resolveReach({ reach: null, reachReason: null }, 3)).toMatchObject({
      reach: 3,
      source: 'evidence',
    });
    expect(resolveReach({ reach: 0, reachReason: 'one-off migration' }, 3)).toEqual({
      reach: 0,
      source: 'override',
      reason: 'one-off migration',
    });
  });
  it('ranks by score, unscored last, ties by name', () => {
    const ranked = rankByScore(
      [
        { item: 'b', score: 10 },
        { item: 'x', score: null },
        { item: 'a', score: 10 },
        { item: 'c', score: 120 },
        { item: 'd', score: null },
        { item: 'e', score: 0 },
      ],
      (s) => s,
    );
    expect(ranked.map((r) => r.item)).toEqual(['c', 'a', 'b', 'e', 'd', 'x']);
  });
});
