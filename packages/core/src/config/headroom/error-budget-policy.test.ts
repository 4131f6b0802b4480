import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { compileConfig } from '../compile.js';
import { builtinKindRegistry } from '../index.js';
import type { ErrorBudgetPolicyObject } from './error-budget-policy.js';

const FILE = 'policies/tier-1.yaml';
const compile = (spec: string) =>
  compileConfig(
    [
      {
        path: FILE,
        content: `apiVersion: headroom.dev/v1\nkind: ErrorBudgetPolicy\nmetadata:\n  name: tier-1\n${spec}`,
      },
    ],
    builtinKindRegistry(),
  );

describe('ErrorBudgetPolicy', () => {
  it('reads the selector and fills the SRE Workbook defaults', () => {
    const out = compile(`spec:
  services: [checkout, component:default/search]
  tiers: [tier-1, 2]
  labels: { domain: payments }
`);
    const o = out.objects.find((x) => x.kind === 'ErrorBudgetPolicy')!;
    const { policy } = o.data as ErrorBudgetPolicyObject;
    expect(o.ref).toBe('errorbudgetpolicy:default/tier-1');
    expect(policy.selector).toEqual({
      services: ['checkout', 'search'],
      tiers: [1, 2],
      labels: { domain: 'payments' },
      tags: [],
    });
    expect(policy.rules).toEqual({
      freezeWhenExhausted: true,
      allowLabels: ['p0-fix', 'security'],
      warnBelow: 0.25,
      incidentBudgetShare: 0.2,
    });
  });

  it('refuses bad rules with the field and line', () => {
    let err: unknown;
    try {
      compile(`spec:
  tiers: [gold]
  rules:
    warnBelow: 25
`);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const problems = (err as InputError).errors ?? [];
    expect(problems.map((p) => p.path)).toEqual(
      expect.arrayContaining(['/spec/tiers/0', '/spec/rules/warnBelow']),
    );
    expect(problems.find((p) => p.path === '/spec/rules/warnBelow')).toMatchObject({ file: FILE, line: 8 });
  });
});
