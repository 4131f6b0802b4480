import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SloStatus } from '../api/slo-status.js';
import { DEFAULT_POLICY_RULES, type ErrorBudgetPolicy } from '../config/headroom/error-budget-policy.js';
import {
  combineRules,
  type ExemptionInput,
  evaluatePolicy,
  selectPolicies,
  verdictRank,
} from './evaluate.js';

const NOW = Date.parse('2025-06-01T12:00:00Z');

function policy(
  name: string,
  rules: Partial<ErrorBudgetPolicy['rules']> = {},
  selector: Partial<ErrorBudgetPolicy['selector']> = {},
): ErrorBudgetPolicy {
  return {
    name,
    displayName: null,
    description: null,
    owner: null,
    selector: { services: [], tiers: [], labels: {}, tags: [], ...selector },
    rules: { ...DEFAULT_POLICY_RULES, ...rules },
  };
}

function status(remaining: number, state?: SloStatus['state']): SloStatus {
  const s = state ?? (remaining <= 0 ? 'exhausted' : 'healthy');
  return {
    state: s,
    evaluatedAt: new Date(NOW).toISOString(),
    window: { start: new Date(NOW - 28 * 86_400_000).toISOString(), end: new Date(NOW).toISOString() },
    sli: 0.999,
    good: 999,
    total: 1000,
    errorBudget: {
      total: 0.001,
      consumed: 1 - remaining,
      remaining,
      remainingEvents: null,
      remainingMinutes: null,
    },
    burnRates: {
      '5m': null,
      '30m': null,
      '1h': null,
      '2h': null,
      '6h': null,
      '1d': null,
      '3d': null,
      window: null,
    },
    exhaustion: { '1h': null, '1d': null, '7d': null },
    dataAge: 30,
    lastDataAt: null,
    noDataSlices: 0,
    corrections: [],
    note: null,
    objectives: [
      {
        index: 0,
        displayName: null,
        target: 0.999,
        state: s,
        sli: 0.999,
        consumed: 1 - remaining,
        remaining,
        burnRate1h: null,
      },
    ],
  };
}

const exemption = (slos: string[] | null = null, expiresAt = NOW + 3_600_000): ExemptionInput => ({
  id: 'ex-1',
  slos,
  expiresAt,
  reason: 'the payments provider outage burned it',
  approver: 'alice',
});

const evaluate = (
  remaining: number | null,
  labels: string[] = [],
  exemptions: ExemptionInput[] = [],
  policies = [policy('default')],
) =>
  evaluatePolicy({
    policies,
    slos: [
      {
        name: 'checkout-availability',
        displayName: null,
        status: remaining === null ? null : status(remaining),
      },
    ],
    labels,
    exemptions,
    now: NOW,
  });

describe('evaluatePolicy (budget left × labels × exemptions)', () => {
  it.each`
    remaining | labels          | exemptions                                | verdict    | rule
    ${0.9}    | ${[]}           | ${[]}                                     | ${'allow'} | ${'within-budget'}
    ${0.25}   | ${[]}           | ${[]}                                     | ${'allow'} | ${'within-budget'}
    ${0.2}    | ${[]}           | ${[]}                                     | ${'warn'}  | ${'warn-below'}
    ${0.01}   | ${['p0-fix']}   | ${[]}                                     | ${'warn'}  | ${'warn-below'}
    ${0}      | ${[]}           | ${[]}                                     | ${'deny'}  | ${'freeze-when-exhausted'}
    ${-0.5}   | ${['feature']}  | ${[]}                                     | ${'deny'}  | ${'freeze-when-exhausted'}
    ${-0.5}   | ${['p0-fix']}   | ${[]}                                     | ${'warn'}  | ${'allowed-label'}
    ${-0.5}   | ${['security']} | ${[]}                                     | ${'warn'}  | ${'allowed-label'}
    ${-0.5}   | ${[]}           | ${[exemption()]}                          | ${'warn'}  | ${'exemption'}
    ${-0.5}   | ${[]}           | ${[exemption(['checkout-availability'])]} | ${'warn'}  | ${'exemption'}
    ${-0.5}   | ${[]}           | ${[exemption(['checkout-latency'])]}      | ${'deny'}  | ${'freeze-when-exhausted'}
    ${-0.5}   | ${[]}           | ${[exemption(null, NOW)]}                 | ${'deny'}  | ${'freeze-when-exhausted'}
    ${null}   | ${[]}           | ${[]}                                     | ${'allow'} | ${'no-data'}
  `(
    '$remaining left, labels $labels → $verdict ($rule)',
    ({ remaining, labels, exemptions, verdict, rule }) => {
      const e = evaluate(remaining, labels, exemptions);
      expect(e.verdict).toBe(verdict);
      expect(e.reasons[0]?.rule).toBe(rule);
      expect(e.reasons[0]?.verdict).toBe(verdict);
      if (remaining !== null) {
        expect(e.reasons[0]?.slo).toBe('checkout-availability');
        expect(e.reasons[0]?.budgetRemaining).toBe(remaining);
        expect(e.reasons[0]?.message).toContain("SLO 'checkout-availability'");
      }
    },
  );

  it('writes objectives exactly: 99.95 % is not rounded up to 100 %', () => {
    const s = status(0.1);
    s.objectives[0]!.target = 0.9995;
    const e = evaluatePolicy({
      policies: [policy('default')],
      slos: [{ name: 'checkout-availability', displayName: null, status: s }],
      labels: [],
      exemptions: [],
      now: NOW,
    });
    expect(e.reasons[0]!.message).toContain('(objective 99.95 %)');
    expect(evaluate(0.1).reasons[0]!.message).toContain('(objective 99.9 %)');
  });

  it('names the threshold, the policy, the label and the exemption', () => {
    const warn = evaluate(0.1).reasons[0]!;
    expect(warn).toMatchObject({ threshold: 0.25, policy: 'default' });
    expect(warn.message).toContain('10 %');
    expect(warn.message).toContain('25 %');
    const deny = evaluate(-0.2).reasons[0]!;
    expect(deny.message).toContain('-20 %');
    expect(deny.message).toContain('p0-fix or security');
    expect(evaluate(-0.2, ['p0-fix']).reasons[0]!.label).toBe('p0-fix');
    const ex = evaluate(-0.2, [], [exemption()]);
    expect(ex.reasons[0]!.exemption).toBe('ex-1');
    expect(ex.reasons[0]!.message).toContain('alice');
    expect(ex.activeExemptions).toEqual(['ex-1']);
  });

  it('allows with "no policy" when none applies, still listing the SLOs', () => {
    const e = evaluate(-1, [], [], []);
    expect(e.verdict).toBe('allow');
    expect(e.rules).toBeNull();
    expect(e.reasons.map((r) => r.rule)).toEqual(['no-policy']);
    expect(e.slos[0]).toMatchObject({ name: 'checkout-availability', budgetRemaining: -1, verdict: 'allow' });
  });

  it('is the strictest over SLOs, judging each by its worst objective', () => {
    const twoObjectives = status(0.8);
    twoObjectives.objectives.push({
      ...twoObjectives.objectives[0]!,
      index: 1,
      target: 0.9999,
      remaining: -0.1,
    });
    const e = evaluatePolicy({
      policies: [policy('default')],
      slos: [
        { name: 'a', displayName: null, status: status(0.9) },
        { name: 'b', displayName: null, status: twoObjectives },
      ],
      labels: [],
      exemptions: [],
      now: NOW,
    });
    expect(e.verdict).toBe('deny');
    expect(e.reasons[0]).toMatchObject({ slo: 'b', budgetRemaining: -0.1, objective: { index: 1 } });
    expect(e.slos.map((s) => s.verdict)).toEqual(['allow', 'deny']);
  });

  it('without freezeWhenExhausted, an exhausted budget warns', () => {
    expect(evaluate(-1, [], [], [policy('soft', { freezeWhenExhausted: false })]).verdict).toBe('warn');
  });
});

describe('selecting and combining policies', () => {
  const service = { name: 'checkout', tier: 1, labels: { domain: 'payments' }, tags: ['pci'] };
  it('selects by name, tier, labels or tags; an empty selector selects every service', () => {
    const picked = selectPolicies(
      [
        policy('by-name', {}, { services: ['checkout'] }),
        policy('by-tier', {}, { tiers: [1] }),
        policy('by-labels', {}, { labels: { domain: 'payments' } }),
        policy('by-tag', {}, { tags: ['pci'] }),
        policy('everyone'),
        policy('other-name', {}, { services: ['search'] }),
        policy('tier-2', {}, { tiers: [2] }),
        policy('label-mismatch', {}, { labels: { domain: 'payments', team: 'x' } }),
      ],
      service,
    );
    expect(picked.map((p) => p.name)).toEqual(['by-labels', 'by-name', 'by-tag', 'by-tier', 'everyone']);
  });

  it('the strictest wins', () => {
    const c = combineRules([
      policy('a', {
        freezeWhenExhausted: false,
        warnBelow: 0.5,
        allowLabels: ['p0-fix'],
        incidentBudgetShare: 0.3,
      }),
      policy('b', { warnBelow: 0.1, allowLabels: ['p0-fix', 'security'], incidentBudgetShare: 0.1 }),
    ])!;
    expect(c.rules).toEqual({
      freezeWhenExhausted: true,
      warnBelow: 0.5,
      allowLabels: ['p0-fix', 'security'],
      incidentBudgetShare: 0.1,
    });
    expect(c.freezeFrom).toBe('b');
    expect(c.warnFrom).toBe('a');
    const both = combineRules([policy('a', { allowLabels: ['p0-fix'] }), policy('b')])!;
    expect(both.rules.allowLabels).toEqual(['p0-fix']);
  });
});

describe('properties', () => {
  const arbRules = fc.record({
    freezeWhenExhausted: fc.boolean(),
    warnBelow: fc.double({ min: 0, max: 1, noNaN: true }),
    allowLabels: fc.subarray(['p0-fix', 'security', 'hotfix']),
    incidentBudgetShare: fc.constant(0.2),
  });
  const arbLabels = fc.subarray(['p0-fix', 'security', 'hotfix', 'feature']);
  const arbRemaining = fc.double({ min: -2, max: 1, noNaN: true });
  const run = (
    remaining: number[],
    rules: ErrorBudgetPolicy['rules'][],
    labels: string[],
    exemptions: ExemptionInput[],
  ) =>
    evaluatePolicy({
      policies: rules.map((r, i) => policy(`p${i}`, r)),
      slos: remaining.map((r, i) => ({ name: `slo-${i}`, displayName: null, status: status(r) })),
      labels,
      exemptions,
      now: NOW,
    }).verdict;

  it('an exemption or an allowed label never makes the verdict stricter', () => {
    fc.assert(
      fc.property(
        fc.array(arbRemaining, { minLength: 1, maxLength: 4 }),
        fc.array(arbRules, { maxLength: 3 }),
        arbLabels,
        fc.constantFrom('p0-fix', 'security', 'hotfix'),
        fc.option(fc.subarray(['slo-0', 'slo-1', 'slo-2']), { nil: null }),
        (remaining, rules, labels, extra, slos) => {
          const before = verdictRank(run(remaining, rules, labels, []));
          expect(verdictRank(run(remaining, rules, [...labels, extra], []))).toBeLessThanOrEqual(before);
          expect(verdictRank(run(remaining, rules, labels, [exemption(slos)]))).toBeLessThanOrEqual(before);
        },
      ),
    );
  });

  it('less budget never makes the verdict more lenient', () => {
    fc.assert(
      fc.property(
        fc.array(arbRemaining, { minLength: 1, maxLength: 4 }),
        fc.nat(3),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.array(arbRules, { maxLength: 3 }),
        arbLabels,
        (remaining, at, drop, rules, labels) => {
          const i = at % remaining.length;
          const lower = remaining.map((r, j) => (j === i ? r - drop : r));
          expect(verdictRank(run(lower, rules, labels, []))).toBeGreaterThanOrEqual(
            verdictRank(run(remaining, rules, labels, [])),
          );
        },
      ),
    );
  });
});
