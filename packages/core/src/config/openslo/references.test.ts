import { describe, expect, it } from 'vitest';
import type { InputError } from '../../errors.js';
import { problems, RATIO, registry, slo, THRESHOLD } from '../../test-support/openslo.js';
import { compileConfig } from '../compile.js';
import type { DesiredObject } from '../types.js';
import type { OpenSloObject } from './refs.js';

describe('OpenSLO v1 references across files', () => {
  const sli = (name: string, metric: 'ratio' | 'threshold') => `apiVersion: openslo/v1
kind: SLI
metadata:
  name: ${name}
spec:
${metric === 'ratio' ? RATIO.split('\n').slice(4).join('\n').replace(/^ {4}/gm, '') : THRESHOLD.split('\n').slice(4).join('\n').replace(/^ {4}/gm, '')}
`;

  it('checks an SLO against the SLI it names in another file', () => {
    const byRef = slo({
      indicator: '  indicatorRef: latency',
      objectives:
        '    - op: lt\n      value: 300\n      target: 0.99\n    - op: lt\n      value: 900\n      target: 0.999',
    });
    const e = (() => {
      try {
        compileConfig(
          [
            { path: 'slis.yaml', content: sli('latency', 'threshold') },
            { path: 'slos.yaml', content: byRef },
          ],
          registry,
        );
      } catch (err) {
        return err as InputError;
      }
    })();
    expect(e?.errors).toEqual([
      {
        path: '/spec/objectives/1',
        file: 'slos.yaml',
        line: 16,
        column: 7,
        message: expect.stringContaining('exactly one objective'),
      },
    ]);
  });

  it('reads a file that is one YAML list of objects, with inline and referenced alert parts', () => {
    const result = compileConfig(
      [
        {
          path: 'all.yaml',
          content: `- ${sli('availability', 'ratio').replaceAll('\n', '\n  ').trimEnd()}
- apiVersion: openslo/v1
  kind: AlertPolicy
  metadata:
    name: page-fast-burn
  spec:
    alertWhenBreaching: true
    conditions:
      - conditionRef: fast-burn
    notificationTargets:
      - kind: AlertNotificationTarget
        metadata:
          name: on-call
        spec:
          target: pagerduty
- apiVersion: openslo/v1
  kind: AlertCondition
  metadata:
    name: fast-burn
  spec:
    severity: page
    condition:
      kind: burnrate
      op: gte
      threshold: 14.4
      lookbackWindow: 1h
      alertAfter: 0m
`,
        },
        {
          path: 'slo.yaml',
          content: slo({
            indicator: '  indicatorRef: availability',
            extra: '  alertPolicies:\n    - alertPolicyRef: page-fast-burn\n',
          }),
        },
      ],
      registry,
    );
    expect(result.objects.map((o) => o.ref)).toEqual([
      'sli:default/availability',
      'alertpolicy:default/page-fast-burn',
      'alertcondition:default/fast-burn',
      'slo:default/checkout-availability',
    ]);
    const policy = result.objects[1] as DesiredObject<OpenSloObject>;
    expect(policy.data.kind === 'AlertPolicy' && policy.data.definition).toMatchObject({
      alertWhenBreaching: true,
      alertWhenNoData: false,
      conditions: [{ ref: 'fast-burn', value: null }],
      notificationTargets: [{ ref: null, value: { name: 'on-call', target: 'pagerduty' } }],
    });
    const condition = result.objects[2] as DesiredObject<OpenSloObject>;
    expect(condition.data.kind === 'AlertCondition' && condition.data.definition.condition).toEqual({
      kind: 'burnrate',
      op: 'gte',
      threshold: 14.4,
      lookbackWindow: { count: 1, unit: 'h' },
      alertAfter: null,
    });
    expect(result.objects[3]?.references.map((r) => r.ref)).toEqual(['alertpolicy:default/page-fast-burn']);
  });

  it('refuses an alert policy with two conditions or a part both inline and by reference', () => {
    const policy = (conditions: string) => `apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: p
spec:
  conditions:
${conditions}
  notificationTargets:
    - targetRef: on-call
`;
    expect(problems(policy('    - conditionRef: a\n    - conditionRef: b'))[0]?.[0]).toBe('/spec/conditions');
    expect(
      problems(
        policy('    - conditionRef: a\n      kind: AlertCondition\n      metadata:\n        name: a'),
      )[0]?.[0],
    ).toBe('/spec/conditions/0');
  });
});
