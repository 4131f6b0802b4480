import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { advance, startEscalation } from '../../oncall/escalation.js';
import { compileConfig } from '../compile.js';
import { builtinKindRegistry } from '../index.js';
import { KindRegistry } from '../registry.js';
import {
  type EscalationPolicyObject,
  escalationPolicyHandler,
  registerEscalationPolicyKinds,
} from './escalation-policy.js';

const registry = registerEscalationPolicyKinds(new KindRegistry());

const doc = (spec: string, name = 'payments-critical') => `apiVersion: headroom.dev/v1
kind: EscalationPolicy
metadata:
  name: ${name}
spec:
${spec}`;

const FILE = 'escalation/payments.yaml';
const compile = (content: string) => compileConfig([{ path: FILE, content }], registry);

function failure(content: string): InputError {
  try {
    compile(content);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

const VALID = `  owner: payments
  description: Pages for checkout and payments
  repeat: 2
  steps:
    - delay: 5m
      notify: [{ schedule: payments-primary }]
    - delay: 1h
      notify:
        - schedule: payments-secondary
        - user: Alice
        - user: user:ops/bob
        - channel: payments-slack
`;

describe('EscalationPolicy', () => {
  it('normalizes steps, targets and repeat, with references to what it names', () => {
    const { objects, warnings } = compile(doc(VALID));
    expect(warnings).toEqual([]);
    expect(objects).toHaveLength(1);
    const o = objects[0]!;
    expect(o).toMatchObject({
      type: 'escalation-policy',
      ref: 'escalationpolicy:default/payments-critical',
      kind: 'EscalationPolicy',
    });
    const p = (o.data as EscalationPolicyObject).policy;
    expect(p).toEqual({
      name: 'payments-critical',
      displayName: null,
      description: 'Pages for checkout and payments',
      owner: 'payments',
      repeat: 2,
      steps: [
        { delay: '5m', delayMs: 300_000, notify: [{ schedule: 'payments-primary' }] },
        {
          delay: '1h',
          delayMs: 3_600_000,
          notify: [
            { schedule: 'payments-secondary' },
            { user: 'alice' },
            { user: 'ops/bob' },
            { channel: 'payments-slack' },
          ],
        },
      ],
    });
    expect(o.references.map((r) => [r.ref, r.path, r.position.line])).toEqual([
      ['group:default/payments', '/spec/owner', 6],
      ['schedule:default/payments-primary', '/spec/steps/0/notify/0/schedule', 11],
      ['schedule:default/payments-secondary', '/spec/steps/1/notify/0/schedule', 14],
      ['user:default/alice', '/spec/steps/1/notify/1/user', 15],
      ['user:ops/bob', '/spec/steps/1/notify/2/user', 16],
      ['notificationchannel:default/payments-slack', '/spec/steps/1/notify/3/channel', 17],
    ]);
    // The normalized policy is what the state machine reads: three runs of two steps.
    const r = advance(p, startEscalation(p, 0), 10 * 3_600_000, { acknowledged: false, resolved: false });
    expect(r.due.map((d) => [d.stepIndex, d.cycle])).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 2],
      [1, 2],
    ]);
  });

  it('defaults repeat to 0 and owner to nobody', () => {
    const { objects } = compile(doc('  steps:\n    - { delay: 15m, notify: [{ user: alice }] }\n'));
    expect((objects[0]!.data as EscalationPolicyObject).policy).toMatchObject({ repeat: 0, owner: null });
  });

  it('reports every problem with its file, line and field', () => {
    const e = failure(
      doc(`  owner: user:alice
  repeat: 11
  steps:
    - delay: 1M
      notify: []
    - delay: 5 minutes
      notify:
        - { schedule: Payments_Primary }
        - { user: group:payments }
        - { schedule: a, user: b }
        - {}
        - pager
    - notify: [{ channel: ops }]
    - delay: 2d
      notify: [{ user: alice }]
`),
    );
    expect(e.code).toBe('INVALID_CONFIG');
    expect(e.errors!.map((p) => [p.path, p.line])).toEqual([
      ['/spec/owner', 6],
      ['/spec/repeat', 7],
      ['/spec/steps/0/delay', 9],
      ['/spec/steps/0/notify', 10],
      ['/spec/steps/1/delay', 11],
      ['/spec/steps/1/notify/0/schedule', 13],
      ['/spec/steps/1/notify/1/user', 14],
      ['/spec/steps/1/notify/2', 15],
      ['/spec/steps/1/notify/3', 16],
      ['/spec/steps/1/notify/4', 17],
      ['/spec/steps/2/delay', 18],
      ['/spec/steps/3/delay', 19],
    ]);
    for (const p of e.errors!) expect(p.file).toBe(FILE);
    const message = (path: string) => e.errors!.find((p) => p.path === path)!.message;
    expect(message('/spec/owner')).toMatch(/must name a team \(group\), not a user/);
    expect(message('/spec/repeat')).toMatch(/from 0 to 10/);
    expect(message('/spec/steps/0/delay')).toMatch(/from 1m to 24h/);
    expect(message('/spec/steps/0/notify')).toMatch(/at least one target/);
    expect(message('/spec/steps/1/notify/1/user')).toMatch(/must name a user, not a group/);
    expect(message('/spec/steps/1/notify/2')).toMatch(/names schedule and user: give one target per item/);
    expect(message('/spec/steps/1/notify/3')).toMatch(/must name one target/);
    expect(message('/spec/steps/1/notify/4')).toMatch(/must be a map/);
    expect(message('/spec/steps/2/delay')).toMatch(/is required/);
    expect(message('/spec/steps/3/delay')).toMatch(/from 1m to 24h/);
  });

  it('needs at least one step', () => {
    expect(failure(doc('  steps: []\n')).errors!.map((p) => [p.path, p.message])).toEqual([
      ['/spec/steps', 'needs at least one step'],
    ]);
    expect(failure(doc('  repeat: 1\n')).errors!.map((p) => [p.path, p.message])).toEqual([
      ['/spec/steps', 'is required'],
    ]);
  });

  it('warns about fields it does not know and targets listed twice', () => {
    const { objects, warnings } = compile(
      doc(`  repeats: 3
  steps:
    - delay: 5m
      wait: 10m
      notify: [{ user: alice, urgency: high }, { user: user:default/alice }]
`),
    );
    expect(warnings.map((w) => [w.path, w.line])).toEqual([
      ['/spec/repeats', 6],
      ['/spec/steps/0/wait', 9],
      ['/spec/steps/0/notify/0/urgency', 10],
      ['/spec/steps/0/notify/1', 10],
    ]);
    expect(warnings[0]!.message).toBe('is not a field of an EscalationPolicy; ignored');
    expect((objects[0]!.data as EscalationPolicyObject).policy.steps[0]!.notify).toEqual([{ user: 'alice' }]);
  });

  it('is in the built-in registry (the server has an apply store for it)', () => {
    expect(builtinKindRegistry().handlerFor('headroom.dev/v1', 'EscalationPolicy')).toBe(
      escalationPolicyHandler,
    );
  });
});
