import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Incident, SEVERITIES } from './model.js';
import { durationStats, MTTX_METRICS, mttxReport, pageAcknowledgement } from './mttx.js';

const MIN = 60_000;
const FROM = Date.parse('2026-03-01T00:00:00Z');
const TO = Date.parse('2026-04-01T00:00:00Z');

/** An incident declared at FROM + `day` days; every other milestone as minutes after impact start. */
function incident(
  id: string,
  opts: {
    day?: number;
    severity?: Incident['severity'];
    services?: string[];
    status?: Incident['status'];
    impact?: boolean;
    detect?: number | null;
    declare?: number;
    ack?: number | null;
    mitigate?: number | null;
    resolve?: number | null;
  },
): Incident {
  const declaredAt = FROM + (opts.day ?? 1) * 86_400_000;
  const impact = declaredAt - (opts.declare ?? 0) * MIN;
  const rel = (m: number | null | undefined) => (m === null || m === undefined ? null : impact + m * MIN);
  return {
    id,
    title: id,
    summary: '',
    severity: opts.severity ?? 'SEV2',
    status: opts.status ?? 'resolved',
    roles: {},
    services: opts.services ?? ['checkout'],
    alertGroups: [],
    mergedInto: null,
    createdBy: 'alice',
    updatedAt: declaredAt,
    impactStartedAt: opts.impact === false ? null : impact,
    detectedAt: rel(opts.detect),
    declaredAt,
    acknowledgedAt: rel(opts.ack),
    mitigatedAt: rel(opts.mitigate),
    resolvedAt: rel(opts.resolve),
    closedAt: null,
  };
}

describe('durationStats', () => {
  it('worked example: 10, 20, 60 minutes → mean 30, median 20', () => {
    expect(durationStats([20 * MIN, 60 * MIN, 10 * MIN], 1)).toEqual({
      count: 3,
      missing: 1,
      mean: 30 * MIN,
      median: 20 * MIN,
      min: 10 * MIN,
      max: 60 * MIN,
    });
  });
  it('an even count takes the mean of the middle two; none gives nulls', () => {
    expect(durationStats([1, 2, 3, 10], 0).median).toBe(2.5);
    expect(durationStats([], 2)).toEqual({
      count: 0,
      missing: 2,
      mean: null,
      median: null,
      min: null,
      max: null,
    });
  });
});

describe('mttxReport, worked example', () => {
  // Three SEV2 on checkout, one SEV1 on checkout and search, one without impact start,
  // one cancelled, one merged, one declared before the period.
  const incidents = [
    incident('a', { detect: 5, declare: 10, ack: 12, mitigate: 30, resolve: 60 }),
    incident('b', { detect: 15, declare: 20, ack: 25, mitigate: 50, resolve: 120 }),
    incident('c', {
      detect: 10,
      declare: 10,
      ack: 20,
      mitigate: null,
      resolve: null,
      status: 'investigating',
    }),
    incident('d', {
      severity: 'SEV1',
      services: ['checkout', 'search'],
      detect: 1,
      declare: 2,
      ack: 4,
      mitigate: 10,
      resolve: 30,
    }),
    incident('e', { impact: false, detect: null, declare: 0, ack: 3, mitigate: 10, resolve: 40 }),
    incident('f', { status: 'cancelled', detect: 1, declare: 1, ack: 1 }),
    incident('g', { status: 'merged', detect: 1, declare: 1, ack: 1 }),
    incident('h', { day: -3, detect: 999, declare: 1000, ack: 1001 }),
  ];
  const report = mttxReport(incidents, {
    from: FROM,
    to: TO,
    teamOf: (s) => (s === 'search' ? 'discovery' : 'shop'),
  });

  it('overall: each metric over the incidents that have both milestones', () => {
    const m = report.overall.metrics;
    expect(report.overall.incidents).toBe(5);
    expect(report.excluded).toEqual({ cancelled: 1, merged: 1 });
    // MTTD: a 5, b 15, c 10, d 1; e has no impact start
    expect(m.mttd).toMatchObject({ count: 4, missing: 1, mean: 7.75 * MIN, median: 7.5 * MIN });
    // MTTA (declared → acknowledged): a 2, b 5, c 10, d 2, e 3
    expect(m.mtta).toMatchObject({ count: 5, missing: 0, mean: 4.4 * MIN, median: 3 * MIN, max: 10 * MIN });
    // MTTM: a 30, b 50, d 10; c not mitigated, e no impact start
    expect(m.mttm).toMatchObject({ count: 3, missing: 2, mean: 30 * MIN, median: 30 * MIN });
    // MTTR: a 60, b 120, d 30
    expect(m.mttr).toMatchObject({ count: 3, missing: 2, mean: 70 * MIN, median: 60 * MIN });
    // MTTR from declaration: a 50, b 100, d 28, e 40
    expect(m.mttrDeclared).toMatchObject({ count: 4, missing: 1, mean: 54.5 * MIN, median: 45 * MIN });
  });

  it('per severity, service and team', () => {
    expect(report.bySeverity.SEV1.metrics.mttr).toMatchObject({ count: 1, mean: 30 * MIN });
    expect(report.bySeverity.SEV2.incidents).toBe(4);
    expect(report.bySeverity.SEV4).toMatchObject({ incidents: 0 });
    expect(report.bySeverity.SEV4.metrics.mttr.mean).toBeNull();
    expect(Object.keys(report.byService)).toEqual(['checkout', 'search']);
    expect(report.byService.checkout!.incidents).toBe(5);
    expect(report.byService.search!.metrics.mttd).toMatchObject({ count: 1, mean: MIN });
    expect(report.byTeam.discovery!.incidents).toBe(1);
    // d's checkout and search belong to two teams: d counts once in each
    expect(report.byTeam.shop!.incidents).toBe(5);
  });
});

// ---- properties

const arbIncident = fc
  .record({
    day: fc.integer({ min: -60, max: 90 }),
    severity: fc.constantFrom(...SEVERITIES),
    services: fc.subarray(['checkout', 'search', 'payments']),
    status: fc.constantFrom('investigating', 'resolved', 'closed', 'cancelled', 'merged' as const),
    impact: fc.boolean(),
    detect: fc.option(fc.integer({ min: 0, max: 100 })),
    declare: fc.integer({ min: 0, max: 200 }),
    ack: fc.option(fc.integer({ min: 200, max: 300 })),
    mitigate: fc.option(fc.integer({ min: 0, max: 1000 })),
    resolve: fc.option(fc.integer({ min: 1000, max: 5000 })),
  })
  .map((o) => incident(`i${o.day}-${o.declare}`, o as Parameters<typeof incident>[1]));

const period = { from: FROM, to: TO };
const outside = arbIncident.filter((i) => i.declaredAt < FROM || i.declaredAt >= TO);

describe('mttxReport properties', () => {
  it('adding an incident declared outside the period changes nothing', () => {
    fc.assert(
      fc.property(fc.array(arbIncident, { maxLength: 30 }), outside, fc.nat(), (xs, extra, pos) => {
        const withExtra = [...xs];
        withExtra.splice(pos % (xs.length + 1), 0, extra);
        expect(mttxReport(withExtra, period)).toEqual(mttxReport(xs, period));
      }),
    );
  });

  it('mean and median lie within [min, max]; count + missing = incidents; order does not matter', () => {
    fc.assert(
      fc.property(fc.array(arbIncident, { maxLength: 30 }), (xs) => {
        const r = mttxReport(xs, period);
        const groups = [r.overall, ...Object.values(r.bySeverity), ...Object.values(r.byService)];
        for (const g of groups) {
          for (const metric of MTTX_METRICS) {
            const s = g.metrics[metric];
            expect(s.count + s.missing).toBe(g.incidents);
            if (s.count === 0) continue;
            expect(s.mean!).toBeGreaterThanOrEqual(s.min!);
            expect(s.mean!).toBeLessThanOrEqual(s.max!);
            expect(s.median!).toBeGreaterThanOrEqual(s.min!);
            expect(s.median!).toBeLessThanOrEqual(s.max!);
          }
        }
        expect(mttxReport([...xs].reverse(), period)).toEqual(r);
      }),
    );
  });

  it('the severity groups partition the overall figures', () => {
    fc.assert(
      fc.property(fc.array(arbIncident, { maxLength: 30 }), (xs) => {
        const r = mttxReport(xs, period);
        for (const metric of MTTX_METRICS) {
          const counts = SEVERITIES.map((s) => r.bySeverity[s].metrics[metric].count);
          expect(counts.reduce((a, b) => a + b, 0)).toBe(r.overall.metrics[metric].count);
        }
      }),
    );
  });
});

describe('MTTA of pages (alerting): page started → first acknowledgement', () => {
  const H = 3_600_000;
  const pages = [
    { policy: 'payments', startedAt: 0, acknowledgedAt: 120_000 },
    { policy: 'payments', startedAt: H, acknowledgedAt: H + 600_000 },
    { policy: 'search', startedAt: 2 * H, acknowledgedAt: 2 * H + 60_000 },
    { policy: 'search', startedAt: 3 * H, acknowledgedAt: null },
    { policy: 'search', startedAt: 10 * H, acknowledgedAt: 10 * H + 1000 },
  ];
  it('averages acknowledged pages started in the period and counts the others as missing', () => {
    const r = pageAcknowledgement(pages, { from: 0, to: 10 * H });
    expect(r.overall).toMatchObject({
      count: 3,
      missing: 1,
      mean: (120_000 + 600_000 + 60_000) / 3,
      median: 120_000,
    });
    expect(r.byPolicy.payments).toMatchObject({ count: 2, mean: 360_000 });
    expect(r.byPolicy.search).toMatchObject({ count: 1, missing: 1, mean: 60_000 });
  });
});
