import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertCondition } from '../slo/model.js';
import {
  type BurnRateSubject,
  burnRateFactor,
  burnRateOptionsFromAnnotations,
  burnRateThresholds,
  evaluateAlertCondition,
  evaluateBurnRateTiers,
  lookbackKey,
  minimumEvents,
} from './burn-rate.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('burn-rate factors (SRE Workbook, table 5-8)', () => {
  it('are 14.4, 6, 3 and 1 for a 30-day window', () => {
    expect(burnRateThresholds(30 * DAY).map((t) => [t.tier, t.long, t.short, t.factor])).toEqual([
      ['page', '1h', '5m', 14.4],
      ['page', '6h', '30m', 6],
      ['ticket', '1d', '2h', 3],
      ['ticket', '3d', '6h', 1],
    ]);
  });

  it('are 13.44, 5.6, 2.8 and 0.933 for a 28-day window (budget share × window ÷ long window)', () => {
    const factors = burnRateThresholds(28 * DAY).map((t) => t.factor);
    expect(factors.slice(0, 3)).toEqual([13.44, 5.6, 2.8]);
    expect(factors[3]!.toFixed(3)).toBe('0.933');
    expect(factors[3]).toBeCloseTo(28 / 30, 12);
  });

  it('scale linearly with the window (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), (days) => {
        const [page] = burnRateThresholds(days * DAY);
        expect(page!.factor).toBeCloseTo((14.4 * days) / 30, 9);
        expect(burnRateFactor(0.1, days * DAY, 3 * DAY)).toBeCloseTo(days / 30, 9);
      }),
    );
  });
});

describe('minimum events', () => {
  it('is the fewest events in which one failure cannot cross the factor', () => {
    expect(minimumEvents(0.999, 14.4)).toBe(70);
    expect(minimumEvents(0.999, 1)).toBe(1000);
    expect(minimumEvents(0.99, 6)).toBe(17);
    // One failure in that many events stays at or under the factor; one fewer event would cross it.
    fc.assert(
      fc.property(
        fc.constantFrom(0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999),
        fc.constantFrom(14.4, 6, 3, 1, 13.44, 5.6, 2.8, 0.9333),
        (target, factor) => {
          const n = minimumEvents(target, factor);
          expect(1 / n / (1 - target)).toBeLessThanOrEqual(factor + 1e-9);
          if (n > 1) expect(1 / (n - 1) / (1 - target)).toBeGreaterThan(factor - 1e-9);
        },
      ),
    );
  });
});

const subject: BurnRateSubject = {
  slo: 'checkout-availability',
  service: 'checkout',
  target: 0.999,
  sloWindow: '28d',
  sloWindowMs: 28 * DAY,
};
const busy = {
  '5m': 5_000,
  '30m': 30_000,
  '1h': 60_000,
  '2h': 120_000,
  '6h': 360_000,
  '1d': 1_440_000,
  '3d': 4_320_000,
};
const calm = { '5m': 0.5, '30m': 0.5, '1h': 0.5, '2h': 0.5, '6h': 0.5, '1d': 0.5, '3d': 0.5 };

describe('evaluateBurnRateTiers', () => {
  it('pages when 1h and 5m both exceed 13.44 on a 28-day window, with labels and annotations', () => {
    const [page, ticket] = evaluateBurnRateTiers(subject, {
      burnRates: { ...calm, '1h': 20.5, '5m': 18.123 },
      events: busy,
    });
    expect(page).toMatchObject({ tier: 'page', firing: true, suppressed: null });
    expect(page!.labels).toEqual({
      alertname: 'ErrorBudgetBurn',
      slo: 'checkout-availability',
      service: 'checkout',
      tier: 'page',
      severity: 'critical',
      window: '28d',
    });
    expect(page!.annotations.summary).toBe(
      'SLO checkout-availability of checkout is burning its error budget fast',
    );
    expect(page!.annotations.description).toBe(
      'Firing: the 1h burn rate is 20.5 and the 5m burn rate is 18.123 (threshold 13.44: 2% of the 28d error budget in 1h); 60,000 events in the last 1h.',
    );
    expect(ticket).toMatchObject({ tier: 'ticket', firing: false });
    expect(ticket!.labels.severity).toBe('warning');
  });

  it('needs both windows of a pair: a spike that stopped (5m low) does not page', () => {
    const [page] = evaluateBurnRateTiers(subject, {
      burnRates: { ...calm, '1h': 20, '5m': 2 },
      events: busy,
    });
    expect(page!.firing).toBe(false);
    expect(page!.pairs.map((p) => p.met)).toEqual([false, false]);
  });

  it('pages on the 6h/30m pair and tickets on either slow pair', () => {
    const [page, ticket] = evaluateBurnRateTiers(subject, {
      burnRates: { ...calm, '6h': 6, '30m': 5.7, '3d': 1, '1d': 0.5 },
      events: busy,
    });
    expect(page!.firing).toBe(true);
    expect(page!.pairs.map((p) => p.met)).toEqual([false, true]);
    expect(ticket!.firing).toBe(true);
    expect(ticket!.pairs.map((p) => [p.long, p.met])).toEqual([
      ['1d', false],
      ['3d', true],
    ]);
  });

  it('does not page a low-traffic SLO on one failed request', () => {
    // One failure in 40 requests in the last hour: error ratio 2.5 %, burn rate 25.
    const burnRates = { ...calm, '1h': 25, '5m': 25 };
    const [page] = evaluateBurnRateTiers(subject, { burnRates, events: { ...busy, '1h': 40 } });
    expect(page!.firing).toBe(false);
    expect(page!.pairs[0]).toMatchObject({ minEvents: 75, enoughEvents: false, met: false });
    expect(page!.annotations.description).toMatch(
      /40 events in the last 1h, fewer than the 75 needed to alert/,
    );
    const [explicit] = evaluateBurnRateTiers(
      subject,
      { burnRates, events: { ...busy, '1h': 40 } },
      { minEvents: 10 },
    );
    expect(explicit!.firing).toBe(true);
  });

  it('treats missing burn rates as not firing', () => {
    const [page] = evaluateBurnRateTiers(subject, { burnRates: { '1h': 50, '5m': null }, events: busy });
    expect(page!.firing).toBe(false);
    expect(page!.annotations.description).toMatch(/the 5m burn rate is unknown \(no data\)/);
  });

  it('fires nothing during a budget correction, and not a disabled tier', () => {
    const burnRates = { '1h': 50, '5m': 50, '6h': 50, '30m': 50, '1d': 50, '2h': 50, '3d': 50 };
    const corrected = evaluateBurnRateTiers(subject, { burnRates, events: busy, inCorrection: true });
    expect(corrected.map((t) => [t.firing, t.suppressed])).toEqual([
      [false, 'correction'],
      [false, 'correction'],
    ]);
    const options = {
      ticket: { enabled: false },
      page: { severity: 'P1' },
      labels: { team: 'payments', tier: 'x' },
    };
    const [page, ticket] = evaluateBurnRateTiers(subject, { burnRates, events: busy }, options);
    expect(ticket).toMatchObject({ firing: false, suppressed: 'disabled' });
    expect(page!.labels).toMatchObject({ severity: 'P1', team: 'payments', tier: 'page' });
  });

  it('labels the objective of a multi-objective SLO', () => {
    const [page] = evaluateBurnRateTiers({ ...subject, objective: 'p99' }, { burnRates: calm, events: busy });
    expect(page!.labels.objective).toBe('p99');
    expect(page!.annotations.summary).toMatch(/^SLO checkout-availability \(p99\) of checkout/);
  });
});

describe('burnRateOptionsFromAnnotations', () => {
  it('reads tiers, severities, labels and the minimum of events', () => {
    const { options, problems } = burnRateOptionsFromAnnotations({
      'headroom.dev/alert-tiers': 'page',
      'headroom.dev/alert-severity-page': 'P1',
      'headroom.dev/alert-labels': 'team=payments, env = prod',
      'headroom.dev/alert-min-events': '200',
    });
    expect(problems).toEqual([]);
    expect(options).toEqual({
      page: { enabled: true, severity: 'P1' },
      ticket: { enabled: false },
      labels: { team: 'payments', env: 'prod' },
      minEvents: 200,
    });
    expect(burnRateOptionsFromAnnotations({ 'headroom.dev/alert-tiers': 'none' }).options).toMatchObject({
      page: { enabled: false },
      ticket: { enabled: false },
    });
  });

  it('names the annotation that is wrong', () => {
    const { problems } = burnRateOptionsFromAnnotations({
      'headroom.dev/alert-tiers': 'page,warn',
      'headroom.dev/alert-labels': 'slo=x, novalue',
      'headroom.dev/alert-min-events': '0',
    });
    expect(problems.map((p) => p.annotation)).toEqual([
      'headroom.dev/alert-tiers',
      'headroom.dev/alert-labels',
      'headroom.dev/alert-labels',
      'headroom.dev/alert-min-events',
    ]);
  });
});

describe('OpenSLO AlertCondition (kind: burnrate)', () => {
  const condition = (
    op: 'lt' | 'lte' | 'gt' | 'gte',
    threshold: number,
    alertAfter: string | null,
  ): AlertCondition => ({
    name: 'cpu-usage-breach',
    displayName: null,
    labels: {},
    annotations: {},
    description: null,
    severity: 'page',
    condition: {
      kind: 'burnrate',
      op,
      threshold,
      lookbackWindow: { count: 1, unit: 'h' },
      alertAfter: alertAfter === null ? null : { count: Number(alertAfter.slice(0, -1)), unit: 'm' },
    },
  });
  const base = { policy: 'fast-burn', events: null, trueSince: null, now: 10 * HOUR };

  it('compares the burn rate over the look-back with op and threshold', () => {
    const cases: ['lt' | 'lte' | 'gt' | 'gte', number, boolean][] = [
      ['gt', 2, false],
      ['gte', 2, true],
      ['lt', 2, false],
      ['lte', 2, true],
    ];
    for (const [op, rate, holds] of cases) {
      const r = evaluateAlertCondition(subject, {
        ...base,
        condition: condition(op, 2, null),
        burnRate: rate,
      });
      expect([op, r.holds, r.firing]).toEqual([op, holds, holds]);
    }
  });

  it('fires only after the condition has held for alertAfter, and resets when it stops', () => {
    const c = condition('gt', 2, '5m');
    const first = evaluateAlertCondition(subject, { ...base, condition: c, burnRate: 3 });
    expect(first).toMatchObject({
      holds: true,
      firing: false,
      trueSince: 10 * HOUR,
      firesAt: 10 * HOUR + 300_000,
    });
    expect(first.annotations.description).toMatch(/^Pending until it has held for 5m/);
    const later = evaluateAlertCondition(subject, {
      ...base,
      condition: c,
      burnRate: 3,
      trueSince: first.trueSince,
      now: 10 * HOUR + 300_000,
    });
    expect(later).toMatchObject({ firing: true, trueSince: 10 * HOUR });
    expect(later.labels).toEqual({
      alertname: 'cpu-usage-breach',
      slo: 'checkout-availability',
      service: 'checkout',
      tier: 'openslo',
      severity: 'page',
      window: '1h',
      alert_policy: 'fast-burn',
    });
    const stopped = evaluateAlertCondition(subject, {
      ...base,
      condition: c,
      burnRate: 1,
      trueSince: first.trueSince,
    });
    expect(stopped).toMatchObject({ holds: false, firing: false, trueSince: null });
  });

  it('keeps quiet during a correction and with too few events', () => {
    const c = condition('gt', 14.4, null);
    expect(
      evaluateAlertCondition(subject, { ...base, condition: c, burnRate: 20, inCorrection: true }).firing,
    ).toBe(false);
    const few = evaluateAlertCondition(subject, { ...base, condition: c, burnRate: 20, events: 30 });
    expect(few.firing).toBe(false);
    expect(few.annotations.description).toMatch(/30 events in the last 1h, fewer than the 70 needed/);
  });

  it('maps a look-back to the standard window it equals', () => {
    expect(lookbackKey({ count: 60, unit: 'm' })).toBe('1h');
    expect(lookbackKey({ count: 3, unit: 'd' })).toBe('3d');
    expect(lookbackKey({ count: 10, unit: 'm' })).toBeNull();
    expect(lookbackKey({ count: 1, unit: 'M' })).toBeNull();
  });
});
