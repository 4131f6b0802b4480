import { describe, expect, it } from 'vitest';
import { budgetConsumedOf, impactSpan, objectiveImpact, objectiveLabel } from './budget-impact.js';
import { closingBlockers } from './postmortem.js';

const HOUR = 3_600_000;

describe('objectiveImpact (hand-computed)', () => {
  it('Occurrences: 600 bad of 12 000 against a 99.9 % SLO at 100 requests a minute', () => {
    // Window 30 d rolling at 100/min: 4 320 000 events, budget 0.1 % = 4 320 bad.
    // Four weeks at 100/min: 4 032 000 events, budget 4 032 bad.
    const r = objectiveImpact({
      method: 'Occurrences',
      target: 0.999,
      incident: { good: 11_400, total: 12_000 },
      windowTotal: 4_320_000,
      fourWeekTotal: 4_032_000,
    });
    expect(r.unit).toBe('events');
    expect(r.bad).toBe(600);
    expect(r.budget).toBe(0.001);
    expect(r.window.budgetUnits).toBeCloseTo(4_320, 9);
    expect(r.window.share).toBeCloseTo(600 / 4_320, 12); // 13.9 %
    expect(r.fourWeeks.expectedUnits).toBe(4_032_000);
    expect(r.fourWeeks.budgetUnits).toBeCloseTo(4_032, 9);
    expect(r.fourWeeks.share).toBeCloseTo(600 / 4_032, 12); // 14.9 %
  });

  it('Timeslices: 24 bad five-minute slices against 99 %, four weeks = 8 064 slices', () => {
    const r = objectiveImpact({
      method: 'Timeslices',
      target: 0.99,
      sliceMinutes: 5,
      incident: { good: 0, total: 24 },
      windowTotal: 2_016, // 7 d of 5-minute slices, all with data
      fourWeekTotal: 123, // ignored for slices
    });
    expect(r.unit).toBe('slices');
    expect(r.bad).toBe(24);
    expect(r.window.share).toBeCloseTo(24 / 20.16, 12); // 119 %: more than the 7-day budget
    expect(r.fourWeeks.expectedUnits).toBe(8_064);
    expect(r.fourWeeks.budgetUnits).toBeCloseTo(80.64, 9);
    expect(r.fourWeeks.share).toBeCloseTo(0.297_619_047_619, 9);
  });

  it('no data: shares are null, not zero', () => {
    const r = objectiveImpact({
      method: 'Occurrences',
      target: 0.99,
      incident: { good: 0, total: 0 },
      windowTotal: 0,
      fourWeekTotal: 0,
    });
    expect(r.bad).toBe(0);
    expect(r.window.share).toBeNull();
    expect(r.fourWeeks.share).toBeNull();
  });
});

describe('impactSpan', () => {
  const base = { impactStartedAt: null, detectedAt: null, declaredAt: 10 * HOUR, resolvedAt: null };
  it('runs from impact start to resolution', () => {
    expect(impactSpan({ ...base, impactStartedAt: 8 * HOUR, resolvedAt: 12 * HOUR }, 99 * HOUR)).toEqual({
      start: 8 * HOUR,
      end: 12 * HOUR,
      open: false,
    });
  });
  it('falls back to detected, then declared, and runs to now while open', () => {
    expect(impactSpan({ ...base, detectedAt: 9 * HOUR }, 11 * HOUR)).toEqual({
      start: 9 * HOUR,
      end: 11 * HOUR,
      open: true,
    });
    expect(impactSpan(base, 11 * HOUR).start).toBe(10 * HOUR);
  });
});

describe('the closing rule reads the four-week share', () => {
  it('names the SLO and the percentage over 20 %', () => {
    const consumed = budgetConsumedOf([
      { label: 'checkout-availability', fourWeeks: { share: 0.25 } },
      { label: objectiveLabel('checkout-latency', 1, 2, 'p99'), fourWeeks: { share: 0.05 } },
      { label: 'no-data', fourWeeks: { share: null } },
    ]);
    expect(consumed).toEqual([
      { slo: 'checkout-availability', fraction: 0.25 },
      { slo: 'checkout-latency (objective p99)', fraction: 0.05 },
    ]);
    const incident = {
      id: 'INC-1',
      severity: 'SEV3',
    } as Parameters<typeof closingBlockers>[0];
    const blockers = closingBlockers(incident, {
      budgetConsumed: consumed,
      postmortem: null,
      actionItems: [],
    });
    expect(blockers.join(' ')).toContain("25 % of SLO 'checkout-availability'");
    expect(blockers.join(' ')).toContain('P0');
  });
});
