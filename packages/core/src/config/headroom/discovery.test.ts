import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { compileConfig } from '../compile.js';
import { KindRegistry } from '../registry.js';
import type { DiscoveryObject, OpportunityRecord, OutcomeRecord, SolutionRecord } from './discovery.js';
import { registerDiscoveryKinds } from './discovery.js';

const FILE = 'discovery/tree.yaml';
const compile = (content: string) =>
  compileConfig([{ path: FILE, content }], registerDiscoveryKinds(new KindRegistry()));

const problemsOf = (content: string) => {
  try {
    compile(content);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).errors ?? [];
  }
  throw new Error('compiled without problems');
};

const TREE = `apiVersion: headroom.dev/v1
kind: Outcome
metadata: { name: calmer-on-call }
spec:
  title: Calmer on-call
  metric:
    description: Pages outside working hours per on-call week
    target: pages outside working hours per on-call week ≤ 2
    measure: offHoursPagesPerOnCallWeek
---
apiVersion: headroom.dev/v1
kind: Opportunity
metadata: { name: noisy-alerts }
spec:
  outcome: calmer-on-call
  title: Alerts wake people for nothing
  services: [search, checkout]
  feedback: [FB-12, FB-3]
---
apiVersion: headroom.dev/v1
kind: Solution
metadata: { name: burn-rate-alerts }
spec:
  opportunity: noisy-alerts
  title: Burn-rate alerts
  status: building
  rice: { impact: 2, confidence: 80, effort: 1.5 }
---
apiVersion: headroom.dev/v1
kind: AssumptionTest
metadata: { name: trust-burn-rates }
spec:
  solution: burn-rate-alerts
  assumption: On-call engineers trust a burn-rate page
  kind: desirability
  successCriterion: 8 of 10 pages judged actionable
`;

describe('opportunity-solution tree kinds', () => {
  it('reads the four kinds', () => {
    const { objects } = compile(TREE);
    expect(objects.map((o) => [o.kind, o.ref, o.type])).toEqual([
      ['Outcome', 'outcome:default/calmer-on-call', 'discovery-outcome'],
      ['Opportunity', 'opportunity:default/noisy-alerts', 'discovery-opportunity'],
      ['Solution', 'solution:default/burn-rate-alerts', 'discovery-solution'],
      ['AssumptionTest', 'assumptiontest:default/trust-burn-rates', 'discovery-assumption-test'],
    ]);
    expect((objects[0]!.data as DiscoveryObject<OutcomeRecord>).record.metric).toEqual({
      description: 'Pages outside working hours per on-call week',
      target: 'pages outside working hours per on-call week ≤ 2',
      measure: 'offHoursPagesPerOnCallWeek',
      services: [],
    });
    const opp = (objects[1]!.data as DiscoveryObject<OpportunityRecord>).record;
    expect(opp).toMatchObject({
      outcome: 'calmer-on-call',
      parent: null,
      services: ['checkout', 'search'],
      feedback: ['FB-12', 'FB-3'],
    });
    expect(opp.interviews).toBeUndefined(); // not managed by the document
    expect(objects[1]!.references.map((r) => r.ref)).toEqual([
      'component:default/checkout',
      'component:default/search',
    ]);
    expect((objects[2]!.data as DiscoveryObject<SolutionRecord>).record.rice).toEqual({
      reach: null,
      reachReason: null,
      impact: 2,
      confidence: 80,
      effort: 1.5,
    });
    expect(objects[3]!.data).toMatchObject({ record: { status: 'planned', kind: 'desirability' } });
  });

  it('refuses RICE off the scales with the field and line', () => {
    const problems = problemsOf(`apiVersion: headroom.dev/v1
kind: Solution
metadata: { name: s }
spec:
  opportunity: o
  title: S
  rice:
    reach: 40
    impact: 1.5
    confidence: 90
    effort: 0
`);
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ['/spec/rice/impact', 9],
      ['/spec/rice/confidence', 10],
      ['/spec/rice/effort', 11],
      ['/spec/rice/reachReason', 7],
    ]);
    expect(problems[3]!.message).toContain('required when reach overrides');
  });

  it('refuses bad refs, ids and enums', () => {
    const problems = problemsOf(`apiVersion: headroom.dev/v1
kind: Opportunity
metadata: { name: o }
spec:
  outcome: Not A Name
  parent: o
  title: O
  feedback: [FB-1, feedback-2]
  interviews: [INT-0]
---
apiVersion: headroom.dev/v1
kind: AssumptionTest
metadata: { name: a }
spec:
  solution: s
  assumption: x
  kind: desirable
  status: done
`);
    expect(problems.map((p) => p.path)).toEqual([
      '/spec/outcome',
      '/spec/parent',
      '/spec/feedback/1',
      '/spec/interviews/0',
      '/spec/kind',
      '/spec/status',
    ]);
    expect(problems[4]).toMatchObject({ file: FILE, line: 17 });
  });
});
