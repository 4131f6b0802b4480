import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseMatchers } from './matchers.js';
import {
  buildRouteTree,
  checkGroupBy,
  DEFAULT_GROUP_INTERVAL_MS,
  DEFAULT_GROUP_WAIT_MS,
  DEFAULT_REPEAT_INTERVAL_MS,
  formatPromDuration,
  goQuote,
  groupKey,
  labelSetString,
  matchRoutes,
  parsePromDuration,
  type RouteConfig,
  walkRoutes,
} from './routes.js';

const MIN = 60_000;
const route = (matchers: string[], rest: Omit<RouteConfig, 'matchers'> = {}): RouteConfig => ({
  matchers: matchers.flatMap((s) => parseMatchers(s)),
  ...rest,
});

/** The tree of Alertmanager's TestRouteMatchers (dispatch/route_test.go). */
const TREE = buildRouteTree({
  receiver: 'notify-def',
  routes: [
    route(['{owner="team-A"}', '{level!="critical"}'], {
      receiver: 'notify-A',
      routes: [
        route(['{env="testing"}', '{baz!~".*quux"}'], { receiver: 'notify-testing', groupBy: ['...'] }),
        route(['{env="production"}'], { receiver: 'notify-productionA', groupWaitMs: MIN, continue: true }),
        route(['env=~"produ.*"', 'job=~".*"'], {
          receiver: 'notify-productionB',
          groupWaitMs: 30_000,
          groupIntervalMs: 5 * MIN,
          repeatIntervalMs: 60 * MIN,
          groupBy: ['job'],
        }),
      ],
    }),
    route(['owner=~"team-(B|C)"'], { groupBy: ['foo', 'bar'], groupWaitMs: 2 * MIN, receiver: 'notify-BC' }),
    route(['group_by="role"'], {
      groupBy: ['role'],
      routes: [
        route(['{env="testing"}'], {
          receiver: 'notify-testing',
          routes: [route(['wait="long"'], { groupWaitMs: 2 * MIN })],
        }),
      ],
    }),
  ],
});

const defaults = {
  escalationPolicy: null,
  groupBy: [],
  groupByAll: false,
  groupWaitMs: DEFAULT_GROUP_WAIT_MS,
  groupIntervalMs: DEFAULT_GROUP_INTERVAL_MS,
  repeatIntervalMs: DEFAULT_REPEAT_INTERVAL_MS,
};

describe('matchRoutes: Alertmanager TestRouteMatchers', () => {
  it.each([
    [{ owner: 'team-A' }, [{ ...defaults, receiver: 'notify-A' }], ['{}/{level!="critical",owner="team-A"}']],
    [
      { owner: 'team-A', env: 'unset' },
      [{ ...defaults, receiver: 'notify-A' }],
      ['{}/{level!="critical",owner="team-A"}'],
    ],
    [
      { owner: 'team-C' },
      [{ ...defaults, receiver: 'notify-BC', groupBy: ['foo', 'bar'], groupWaitMs: 2 * MIN }],
      ['{}/{owner=~"team-(B|C)"}'],
    ],
    [
      { owner: 'team-A', env: 'testing' },
      [{ ...defaults, receiver: 'notify-testing', groupByAll: true }],
      ['{}/{level!="critical",owner="team-A"}/{baz!~".*quux",env="testing"}'],
    ],
    [
      { owner: 'team-A', env: 'production' },
      [
        { ...defaults, receiver: 'notify-productionA', groupWaitMs: MIN },
        { ...defaults, receiver: 'notify-productionB', groupBy: ['job'], repeatIntervalMs: 60 * MIN },
      ],
      [
        '{}/{level!="critical",owner="team-A"}/{env="production"}',
        '{}/{level!="critical",owner="team-A"}/{env=~"produ.*",job=~".*"}',
      ],
    ],
    [
      { group_by: 'role' },
      [{ ...defaults, receiver: 'notify-def', groupBy: ['role'] }],
      ['{}/{group_by="role"}'],
    ],
    [
      { env: 'testing', group_by: 'role' },
      [{ ...defaults, receiver: 'notify-testing', groupBy: ['role'] }],
      ['{}/{group_by="role"}/{env="testing"}'],
    ],
    [
      { env: 'testing', group_by: 'role', wait: 'long' },
      [{ ...defaults, receiver: 'notify-testing', groupBy: ['role'], groupWaitMs: 2 * MIN }],
      ['{}/{group_by="role"}/{env="testing"}/{wait="long"}'],
    ],
    [{ anything: 'else' }, [{ ...defaults, receiver: 'notify-def' }], ['{}']],
  ])('%o', (labels, options, keys) => {
    const found = matchRoutes(TREE, labels);
    expect(found.map((m) => m.route.options)).toEqual(options);
    expect(found.map((m) => m.route.key)).toEqual(keys);
  });

  it('walks depth-first as Alertmanager Route.Walk (TestRouteWalk)', () => {
    expect(walkRoutes(TREE).map((r) => r.options.receiver)).toEqual([
      'notify-def',
      'notify-A',
      'notify-testing',
      'notify-productionA',
      'notify-productionB',
      'notify-BC',
      'notify-def',
      'notify-testing',
      'notify-testing',
    ]);
  });

  it('inherits group_by ... and knows which options are inherited (TestInheritParentGroupByAll)', () => {
    const tree = buildRouteTree({
      routes: [
        route(['env="parent"'], {
          groupBy: ['...'],
          routes: [route(['env="child1"']), route(['env="child2"'], { groupBy: ['foo'] })],
        }),
      ],
    });
    const parent = tree.routes[0]!;
    expect(parent.options.groupByAll).toBe(true);
    expect(parent.routes[0]!.options.groupByAll).toBe(true);
    expect(parent.routes[1]!.options).toMatchObject({ groupByAll: false, groupBy: ['foo'] });
    expect(parent.routes[0]!.inherited).toEqual({
      receiver: true,
      escalationPolicy: true,
      groupBy: true,
      groupWait: true,
      groupInterval: true,
      repeatInterval: true,
    });
    expect(parent.routes[1]!.inherited.groupBy).toBe(false);
    expect(tree.options.receiver).toBeNull();
    expect(parent.routes[1]!.path).toEqual([0, 1]);
    expect(parent.routes[1]!.id).toBe('{}/{env="parent"}/{env="child2"}/1');
  });

  it('inherits the escalation policy like the receiver; a route may page without a receiver', () => {
    const tree = buildRouteTree({
      receiver: 'default',
      escalationPolicy: 'ops-pages',
      routes: [
        route(['team="payments"'], {
          escalationPolicy: 'payments-critical',
          routes: [route(['env="staging"'], { receiver: 'staging-slack' })],
        }),
        route(['team="web"'], { receiver: 'web-slack' }),
      ],
    });
    const [payments, web] = tree.routes;
    expect(tree.inherited.escalationPolicy).toBe(false);
    expect(payments!.options).toMatchObject({ receiver: 'default', escalationPolicy: 'payments-critical' });
    expect(payments!.inherited).toMatchObject({ receiver: true, escalationPolicy: false });
    expect(payments!.routes[0]!.options).toMatchObject({
      receiver: 'staging-slack',
      escalationPolicy: 'payments-critical',
    });
    expect(payments!.routes[0]!.inherited.escalationPolicy).toBe(true);
    expect(web!.options.escalationPolicy).toBe('ops-pages');
    const pageOnly = buildRouteTree({ routes: [route(['a="1"'], { escalationPolicy: 'p' })] });
    expect(pageOnly.routes[0]!.options).toMatchObject({ receiver: null, escalationPolicy: 'p' });
    expect(buildRouteTree({}).options.escalationPolicy).toBeNull();
  });

  it('a matching child without continue stops its siblings; the root is the fallback', () => {
    const tree = buildRouteTree({
      receiver: 'default',
      routes: [
        route(['severity="page"'], { receiver: 'pager' }),
        route(['team="payments"'], { receiver: 'payments-slack' }),
      ],
    });
    const receivers = (labels: Record<string, string>) =>
      matchRoutes(tree, labels).map((m) => m.route.options.receiver);
    expect(receivers({ severity: 'page', team: 'payments' })).toEqual(['pager']);
    expect(receivers({ severity: 'ticket', team: 'payments' })).toEqual(['payments-slack']);
    expect(receivers({ severity: 'ticket' })).toEqual(['default']);
  });
});

describe('group keys', () => {
  it('joins the route key and the group labels, as {}/{foo="bar"}:{alertname="x"}', () => {
    const tree = buildRouteTree({
      receiver: 'r',
      groupBy: ['alertname'],
      routes: [route(['foo="bar"'])],
    });
    const [m] = matchRoutes(tree, { foo: 'bar', alertname: 'x', instance: 'a:9090' });
    expect(m!.groupLabels).toEqual({ alertname: 'x' });
    expect(m!.groupKey).toBe('{}/{foo="bar"}:{alertname="x"}');
  });

  it('groups by every label with ..., and by nothing with []', () => {
    const tree = buildRouteTree({ receiver: 'r', routes: [route(['a="1"'], { groupBy: ['...'] })] });
    expect(matchRoutes(tree, { b: '2', a: '1' })[0]!.groupKey).toBe('{}/{a="1"}:{a="1", b="2"}');
    expect(matchRoutes(tree, { b: '2' })[0]!.groupKey).toBe('{}:{}');
  });

  it('prints label sets as prometheus/common: sorted pairs, Go-quoted values', () => {
    expect(labelSetString({ b: 'x"y', a: 'tab\there', c: 'ünï', d: '\u00a0', e: '😀\u0007' })).toBe(
      String.raw`{a="tab\there", b="x\"y", c="ünï", d="\u00a0", e="😀\a"}`,
    );
    // `a1=` sorts before `a=`: the pairs are compared as strings.
    expect(labelSetString({ a: '1', a1: '2' })).toBe('{a1="2", a="1"}');
    expect(goQuote('\x01\x7f\\')).toBe(String.raw`"\x01\x7f\\"`);
    expect(groupKey({ key: '{}' }, {})).toBe('{}:{}');
  });
});

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['4h', 14_400_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['2w', 14 * 86_400_000],
    ['1y', 365 * 86_400_000],
    ['100ms', 100],
    ['0', 0],
    ['0s', 0],
  ])('parses %s', (text, ms) => {
    expect(parsePromDuration(text)).toBe(ms);
  });

  it.each(['', '5', '1.5h', '5M', '-1m', 'm', '1m1h', ' 5m'])('refuses %j', (text) => {
    expect(parsePromDuration(text)).toBeNull();
  });

  it('prints as Prometheus does', () => {
    expect(
      [0, 30_000, 300_000, 14_400_000, 5_400_000, 90 * 86_400_000, 14 * 86_400_000, 1500].map(
        formatPromDuration,
      ),
    ).toEqual(['0s', '30s', '5m', '4h', '1h30m', '90d', '2w', '1s500ms']);
  });

  it('round-trips (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 365 * 86_400_000 }), (ms) => {
        expect(parsePromDuration(formatPromDuration(ms))).toBe(ms);
      }),
    );
  });
});

describe('checkGroupBy', () => {
  it('refuses what Alertmanager refuses', () => {
    expect(checkGroupBy(['alertname', 'cluster'])).toEqual([]);
    expect(checkGroupBy(['...'])).toEqual([]);
    expect(checkGroupBy(['alertname', 'cluster', 'service', 'cluster'])).toEqual([
      { path: [3], message: "duplicated label 'cluster' in groupBy" },
    ]);
    expect(checkGroupBy(['alertname', '...'])[0]?.message).toMatch(/cannot have the wildcard/);
    expect(checkGroupBy(['-invalid-'])).toEqual([
      { path: [0], message: "'-invalid-' is not a valid label name" },
    ]);
  });
});
