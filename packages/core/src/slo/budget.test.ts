import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { budgetStatus, burnRate, errorBudget, exhaustionDate, remainingMinutes } from './budget.js';

const objectives = fc.constantFrom(0, 0.5, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99999);

describe('errorBudget', () => {
  it('is 1 − objective without binary subtraction noise', () => {
    expect(errorBudget(0.95)).toBe(0.05);
    expect(errorBudget(0.999)).toBe(0.001);
    expect(errorBudget(0.9995)).toBe(0.0005);
    expect(errorBudget(0)).toBe(1);
    expect(0.05 * 20_160).toBe(1_008); // so a two-week budget of one-minute slices is exactly 1 008
  });

  it('refuses objectives outside [0, 1)', () => {
    for (const bad of [1, 1.5, -0.1, Number.NaN]) {
      expect(() => errorBudget(bad), String(bad)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
  });
});

describe('budgetStatus', () => {
  it('follows the definitions on a hand calculation', () => {
    // 99.9 %: 1 000 000 events, 400 bad → error ratio 0.0004, 40 % of the budget used.
    const s = budgetStatus(999_600, 1_000_000, 0.999);
    expect(s.sli).toBe(0.9996);
    expect(s.errorRatio).toBeCloseTo(0.0004, 15);
    expect(s.consumed).toBeCloseTo(0.4, 12);
    expect(s.remaining).toBeCloseTo(0.6, 12);
    expect(s.remainingEvents).toBeCloseTo(600, 9); // 1 000 bad allowed at this total, 400 spent
  });

  it('without data: no SLI, nothing consumed', () => {
    expect(budgetStatus(0, 0, 0.99)).toMatchObject({
      sli: null,
      errorRatio: null,
      consumed: 0,
      remaining: 1,
    });
  });

  it('remaining + consumed = 1, and remainingEvents ÷ (budget × total) = remaining', () => {
    fc.assert(
      fc.property(fc.nat(1e9), fc.nat(1e6), objectives, (good, bad, objective) => {
        const s = budgetStatus(good, good + bad, objective);
        expect(s.remaining + s.consumed).toBeCloseTo(1, 9);
        if (good + bad > 0) expect(s.remainingEvents / (s.budget * (good + bad))).toBeCloseTo(s.remaining, 6);
        expect(s.consumed).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('burnRate', () => {
  it('is error ratio ÷ budget, null for an empty window', () => {
    expect(burnRate(98, 100, 0.01)).toBeCloseTo(2, 12);
    expect(burnRate(0, 0, 0.01)).toBeNull();
  });
});

describe('remainingMinutes', () => {
  it('is remaining bad events ÷ events per minute, 0 when overspent, null without traffic', () => {
    expect(remainingMinutes(600, 20)).toBe(30);
    expect(remainingMinutes(-5, 20)).toBe(0);
    expect(remainingMinutes(600, 0)).toBeNull();
  });
});

describe('exhaustionDate', () => {
  const day = 86_400_000;
  const now = Date.parse('2024-05-01T00:00:00Z');

  it('is remaining × window length ÷ burn rate from now', () => {
    // Half the budget left, burning at 2×: a 30-day budget lasts 15 days, half of it 7.5.
    expect(exhaustionDate(now, 0.5, 2, 30 * day, now + 30 * day)).toBe(now + 7.5 * day);
  });

  it('is now when the budget is spent, and null when nothing burns or it lies beyond the horizon', () => {
    expect(exhaustionDate(now, 0, 5, 30 * day, now + 30 * day)).toBe(now);
    expect(exhaustionDate(now, -0.2, null, 30 * day, now + 30 * day)).toBe(now);
    expect(exhaustionDate(now, 0.5, 0, 30 * day, now + 30 * day)).toBeNull();
    expect(exhaustionDate(now, 0.5, null, 30 * day, now + 30 * day)).toBeNull();
    expect(exhaustionDate(now, 0.9, 0.5, 30 * day, now + 30 * day)).toBeNull(); // 54 days away
    expect(exhaustionDate(now, 0.5, 2, 30 * day, now + 5 * day)).toBeNull(); // calendar period ends first
  });
});
