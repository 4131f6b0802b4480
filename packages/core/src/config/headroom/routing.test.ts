import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { compileConfig } from '../compile.js';
import { builtinKindRegistry } from '../index.js';
import type { InhibitRuleObject, RouteObject, SilenceObject } from './routing.js';

const registry = builtinKindRegistry();
const compile = (content: string) => compileConfig([{ path: 'r.yaml', content }], registry);
function failure(content: string): InputError {
  try {
    compile(content);
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected the config to be rejected');
}

const ROOT = `apiVersion: headroom.dev/v1
kind: Route
metadata:
  name: root
spec:
  root: true
  receiver: ops-email
  groupBy: [alertname, slo]
  repeatInterval: 3h
`;
const PAYMENTS = `apiVersion: headroom.dev/v1
kind: Route
metadata:
  name: payments-pages
spec:
  order: 10
  matchers:
    - team="payments"
    - severity=~"critical|page", env!="dev"
  receiver: payments-pager
  continue: true
  groupWait: 10s
  routes:
    - matchers: ['{env="staging"}']
      receiver: payments-slack
      groupBy: ['...']
`;

describe('Route', () => {
  it('normalizes the root and an ordered route with nested routes and receiver references', () => {
    const { objects, warnings } = compile(`${ROOT}---\n${PAYMENTS}`);
    expect(warnings).toEqual([]);
    const [root, payments] = objects as {
      ref: string;
      data: RouteObject;
      references: { ref: string; path: string }[];
    }[];
    expect(root!.ref).toBe('route:default/root');
    expect(root!.data.route).toMatchObject({
      root: true,
      order: 0,
      receiver: 'ops-email',
      groupBy: ['alertname', 'slo'],
      repeatInterval: '3h',
      matchers: [],
    });
    expect(payments!.data.route).toMatchObject({
      name: 'payments-pages',
      root: false,
      order: 10,
      continue: true,
      groupWait: '10s',
      groupBy: null,
      matchers: [
        { name: 'team', type: '=', value: 'payments' },
        { name: 'severity', type: '=~', value: 'critical|page' },
        { name: 'env', type: '!=', value: 'dev' },
      ],
      routes: [
        { receiver: 'payments-slack', groupBy: ['...'], matchers: [{ name: 'env', value: 'staging' }] },
      ],
    });
    expect(payments!.references.map((r) => [r.ref, r.path])).toEqual([
      ['notificationchannel:default/payments-pager', '/spec/receiver'],
      ['notificationchannel:default/payments-slack', '/spec/routes/0/receiver'],
    ]);
  });

  it('reports matcher, duration and groupBy problems at their line and field', () => {
    const e = failure(
      PAYMENTS.replace('env!="dev"', 'env!!dev')
        .replace('groupWait: 10s', 'groupWait: 10 seconds\n  repeatInterval: 0')
        .replace("groupBy: ['...']", "groupBy: ['...', alertname]"),
    );
    expect(e.code).toBe('INVALID_CONFIG');
    const byPath = Object.fromEntries((e.errors ?? []).map((p) => [p.path, p]));
    expect(Object.keys(byPath).sort()).toEqual([
      '/spec/groupWait',
      '/spec/matchers/1',
      '/spec/repeatInterval',
      '/spec/routes/0/groupBy',
    ]);
    expect(byPath['/spec/matchers/1']).toMatchObject({ file: 'r.yaml', line: 9 });
    expect(byPath['/spec/matchers/1']?.message).toMatch(/position 28: bad matcher format 'env!!dev'/);
    expect(byPath['/spec/groupWait']?.message).toMatch(/must be a duration such as 30s/);
    expect(byPath['/spec/repeatInterval']?.message).toBe('cannot be zero');
    expect(byPath['/spec/routes/0/groupBy']?.message).toMatch(/wildcard/);
  });

  it('requires an order for top-level routes, and none of matchers, order or continue on the root', () => {
    const noOrder = failure(PAYMENTS.replace('  order: 10\n', ''));
    expect(noOrder.errors?.[0]).toMatchObject({ path: '/spec/order', line: 5 });
    const root = failure(
      ROOT.replace('root: true', 'root: true\n  order: 1\n  matchers: [a="b"]\n  continue: true'),
    );
    expect(root.errors?.map((p) => p.path).sort()).toEqual([
      '/spec/continue',
      '/spec/matchers',
      '/spec/order',
    ]);
    const noReceiver = failure(ROOT.replace('  receiver: ops-email\n', ''));
    expect(noReceiver.errors?.[0]).toMatchObject({ path: '/spec/receiver' });
  });

  it('reads escalationPolicy on the root and nested routes, as a reference, with or without a receiver', () => {
    const root = ROOT.replace('  receiver: ops-email\n', '  escalationPolicy: ops-pages\n');
    const pages = PAYMENTS.replace(
      '      receiver: payments-slack\n',
      '      receiver: payments-slack\n      escalationPolicy: payments-critical\n',
    );
    const { objects, warnings } = compile(`${root}---\n${pages}`);
    expect(warnings).toEqual([]);
    const [r, p] = objects as { data: RouteObject; references: { ref: string; path: string }[] }[];
    expect(r!.data.route).toMatchObject({ receiver: null, escalationPolicy: 'ops-pages' });
    expect(r!.references.map((x) => [x.ref, x.path])).toEqual([
      ['escalationpolicy:default/ops-pages', '/spec/escalationPolicy'],
    ]);
    expect(p!.data.route.escalationPolicy).toBeNull();
    expect(p!.data.route.routes[0]!.escalationPolicy).toBe('payments-critical');
    expect(p!.references.map((x) => x.path)).toContain('/spec/routes/0/escalationPolicy');
    const bad = failure(root.replace('escalationPolicy: ops-pages', 'escalationPolicy: Not A Name'));
    expect(bad.errors?.[0]).toMatchObject({ path: '/spec/escalationPolicy', line: 7 });
    const { warnings: snake } = compile(
      root.replace('escalationPolicy:', 'escalation_policy: x\n  escalationPolicy:'),
    );
    expect(snake[0]?.message).toMatch(/did you mean escalationPolicy/);
  });

  it('allows one root per apply', () => {
    const e = failure(`${ROOT}---\n${ROOT.replace('name: root', 'name: other-root')}`);
    expect(e.errors?.[0]).toMatchObject({ path: '/spec/root', line: 16 });
    expect(e.errors?.[0]?.message).toMatch(/only one Route may be the root; 'root'/);
  });

  it('warns about Alertmanager spellings and a route without matchers', () => {
    const { warnings } = compile(
      PAYMENTS.replace('  groupWait: 10s\n', '  group_wait: 10s\n  match: { a: b }\n').replace(
        / {2}matchers:\n {4}- team="payments"\n {4}- severity=~"critical\|page", env!="dev"\n/,
        '',
      ),
    );
    expect(warnings.map((w) => [w.path, w.message])).toEqual([
      ['/spec/group_wait', 'is not a field of a Route; ignored; did you mean groupWait?'],
      ['/spec/match', expect.stringMatching(/deprecated match is not supported, write matchers/)],
      ['/spec/matchers', 'no matchers: this route takes every alert that reaches it'],
    ]);
  });
});

describe('InhibitRule', () => {
  const RULE = `apiVersion: headroom.dev/v1
kind: InhibitRule
metadata:
  name: database-down-mutes-dependants
spec:
  sourceMatchers: ['alertname="DatabaseDown"']
  targetMatchers: ['depends_on="database"']
  equal: [cluster]
`;
  it('normalizes source, target and equal', () => {
    const { objects } = compile(RULE);
    expect(objects[0]!.ref).toBe('inhibitrule:default/database-down-mutes-dependants');
    expect((objects[0]!.data as InhibitRuleObject).rule).toMatchObject({
      sourceMatchers: [{ name: 'alertname', type: '=', value: 'DatabaseDown' }],
      targetMatchers: [{ name: 'depends_on', type: '=', value: 'database' }],
      equal: ['cluster'],
    });
  });
  it('refuses empty matcher lists and bad label names', () => {
    const e = failure(
      RULE.replace(`['depends_on="database"']`, '[]').replace('[cluster]', '[cluster, 9lives]'),
    );
    expect(e.errors?.map((p) => [p.path, p.message])).toEqual([
      ['/spec/targetMatchers', 'needs at least one matcher, e.g. alertname="HighLatency"'],
      ['/spec/equal/1', "'9lives' is not a valid label name"],
    ]);
  });
});

describe('Silence', () => {
  const SILENCE = `apiVersion: headroom.dev/v1
kind: Silence
metadata:
  name: checkout-db-migration
spec:
  matchers: ['service="checkout"', 'alertname=~"ErrorBudgetBurn|HighLatency"']
  startsAt: 2024-06-01T10:00:00Z
  endsAt: 2024-06-01T12:00:00+02:00
  createdBy: pat
  comment: Database migration, CHG-1234
`;
  it('normalizes matchers and instants', () => {
    const { objects } = compile(SILENCE);
    expect(objects[0]!.ref).toBe('silence:default/checkout-db-migration');
    expect((objects[0]!.data as SilenceObject).silence).toEqual({
      name: 'checkout-db-migration',
      matchers: [
        { name: 'service', type: '=', value: 'checkout' },
        { name: 'alertname', type: '=~', value: 'ErrorBudgetBurn|HighLatency' },
      ],
      startsAt: Date.parse('2024-06-01T10:00:00Z'),
      endsAt: Date.parse('2024-06-01T10:00:00Z') + 0,
      createdBy: 'pat',
      comment: 'Database migration, CHG-1234',
    });
  });
  it('refuses silences that would match everything, end before they start, or have local times', () => {
    const everything = failure(SILENCE.replace(/matchers: \[.*\]/, `matchers: ['env=~".*"']`));
    expect(everything.errors?.[0]).toMatchObject({ path: '/spec/matchers', line: 6 });
    expect(everything.errors?.[0]?.message).toMatch(/must not match the empty string/);
    const backwards = failure(SILENCE.replace('12:00:00+02:00', '09:00:00Z'));
    expect(backwards.errors?.[0]).toMatchObject({
      path: '/spec/endsAt',
      message: 'must not be before startsAt',
    });
    const local = failure(
      SILENCE.replace('2024-06-01T10:00:00Z', '2024-06-01T10:00:00').replace(
        '  comment: Database migration, CHG-1234\n',
        '',
      ),
    );
    expect(local.errors?.map((p) => p.path)).toEqual(['/spec/startsAt', '/spec/comment']);
  });
});
