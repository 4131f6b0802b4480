import { describe, expect, it } from 'vitest';
import type { MetricSourceCheck } from '../config/openslo/specs.js';
import { checkPrometheusMetricSource, planSliQuery, type SliQueryPlanResult } from './promql-plan.js';

function plan(result: SliQueryPlanResult) {
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.plan;
}

function refusal(result: SliQueryPlanResult): string {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.plan)}`);
  return result.errors.map((e) => e.message).join('; ');
}

describe('planSliQuery: counter queries are read exactly at minute boundaries', () => {
  it.each([
    ['http_requests_total', 'http_requests_total'],
    ['http_requests_total{code!~"5..",job="api"}', 'http_requests_total{code!~"5..",job="api"}'],
    ['sum(http_requests_total{code="200"})', 'http_requests_total{code="200"}'],
    ['sum by (code) (http_requests_total)', 'http_requests_total'],
    ['sum without (instance) ((x_total))', 'x_total'],
    [' ( sum(x_total) ) ', 'x_total'],
    // OpenSLO's own example (README, ratioMetric with counter: true).
    [
      'sum(localhost_server_requests{code=~"2xx|3xx",host="*",instance="127.0.0.1:9090"})',
      'localhost_server_requests{code=~"2xx|3xx",host="*",instance="127.0.0.1:9090"}',
    ],
  ])('%s → the selector %s, exact', (query, selector) => {
    expect(plan(planSliQuery(query, { counter: true }))).toEqual({
      kind: 'counter',
      query: selector,
      exact: true,
    });
    expect(plan(planSliQuery(query))).toEqual({ kind: 'counter', query: selector, exact: true });
  });

  it.each([
    'sum(sum(x_total))',
    'max(x_total)',
    'x_total offset 5m',
    'x_total / 2',
    'sum(x_total) + sum(y_total)',
    'rate(x_total[5m])',
    'sum(increase(x_total[1h]))',
    'count(x_total)',
    '1',
  ])('refuses %s: not a counter selector, and no {{.window}} to make it a count', (query) => {
    expect(refusal(planSliQuery(query))).toContain('a counter query must be a counter selector');
  });

  it('refuses a non-counter (counter: false) query without {{.window}}', () => {
    expect(refusal(planSliQuery('sum(x_total)', { counter: false }))).toContain('counter: false');
  });
});

describe('planSliQuery: {{.window}} queries are evaluated at each minute end with a 1m window', () => {
  it.each([
    ['rate(x_total[{{.window}}])', 'rate(x_total[1m])', 60],
    [
      'sum(rate(http_requests_total{code!~"5.."}[{{.window}}]))',
      'sum(rate(http_requests_total{code!~"5.."}[1m]))',
      60,
    ],
    ['sum by (code) (rate(x_total[{{ .window }}]))', 'sum by (code) (rate(x_total[1m]))', 60],
    ['sum(increase(x_total[{{.window}}]))', 'sum(increase(x_total[1m]))', 1],
    ['sum(rate(a[{{.window}}])) or vector(0)', 'sum(rate(a[1m])) or vector(0)', 60],
    [
      'sum(increase(a[{{.window}}])) - sum(increase(b[{{.window}}]))',
      'sum(increase(a[1m])) - sum(increase(b[1m]))',
      1,
    ],
    ['(rate(a[{{.window}}]) + rate(b{c="d"}[{{.window}}]))', '(rate(a[1m]) + rate(b{c="d"}[1m]))', 60],
  ] as const)('%s → %s × %d', (query, rendered, scale) => {
    expect(plan(planSliQuery(query))).toEqual({ kind: 'windowed', query: rendered, scale, exact: false });
    expect(plan(planSliQuery(query, { counter: false }))).toMatchObject({ kind: 'windowed', scale });
  });

  it.each([
    ['sum(rate(a[{{.window}}])) - sum(increase(b[{{.window}}]))', 'mixes rate() and increase()'],
    ['sum(rate(a[{{.window}}])) / sum(rate(b[{{.window}}]))', 'this one does not'],
    ['sum(rate(a[{{.window}}])) * 60', 'this one does not'],
    ['max(rate(a[{{.window}}]))', 'this one does not'],
    ['irate(a[{{.window}}])', 'this one does not'],
    ['sum(rate(a[{{.window}}])) + sum(rate(b[5m]))', 'this one does not'],
    ['rate(a[{{.window}}] offset 1m)', 'this one does not'],
    ['sum_over_time(a[{{.window}}])', 'this one does not'],
    ['rate(sum(a)[{{.window}}:])', 'this one does not'],
    ['sum(rate(a[{{.window}}])) or sum(rate(b[{{.window}}]))', 'this one does not'],
    ['sum(rate(a[{{.window}}])) or vector(1)', 'this one does not'],
    ['rate(a[{{.window}}]) > bool 0', 'this one does not'],
  ])('refuses %s (%s)', (query, reason) => {
    expect(refusal(planSliQuery(query))).toContain(reason);
  });

  it('reports syntax errors as checkPromql does, at the position as written', () => {
    const result = planSliQuery('sum(rate(x[{{.window}}])');
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors[0]).toMatchObject({ message: 'unexpected end of the query', from: 24 });
  });
});

describe('checkPrometheusMetricSource (apply)', () => {
  it('is a checkMetricSource for the OpenSLO readers', () => {
    const check: MetricSourceCheck = checkPrometheusMetricSource;
    expect(check).toBeTypeOf('function');
  });

  function run(
    type: string | null,
    spec: Record<string, unknown>,
    path: (string | number)[] = ['spec', 'thresholdMetric', 'metricSource'],
  ) {
    const found: string[] = [];
    checkPrometheusMetricSource(
      { type, spec },
      {
        error: (p, m) => found.push(`error ${p.join('.')}: ${m}`),
        warn: (p, m) => found.push(`warn ${p.join('.')}: ${m}`),
      },
      path,
    );
    return found;
  }
  const ratio = ['spec', 'ratioMetric', 'total', 'metricSource'];

  it('checks only Prometheus sources', () => {
    expect(run('Datadog', { query: 'avg:x{*}' })).toEqual([]);
    expect(run(null, { query: 'rate(' })).toEqual([]);
    expect(run('prometheus', { query: 'sum(rate(x[{{.window}}]))' }, ratio)).toEqual([]);
  });

  it('reports PromQL errors at the query, with the position inside it', () => {
    expect(run('Prometheus', { query: 'sum(rate(x[5m])' })).toEqual([
      'error spec.thresholdMetric.metricSource.spec.query: PromQL column 16: unexpected end of the query',
    ]);
    expect(run('Prometheus', { query: 'sum(\n  ratee(x[5m]))' })).toEqual([
      'error spec.thresholdMetric.metricSource.spec.query: PromQL line 2, column 3: unknown function "ratee"',
    ]);
    expect(run('Prometheus', {})).toEqual([
      'error spec.thresholdMetric.metricSource.spec: a Prometheus metricSource needs spec.query (PromQL)',
    ]);
    expect(run('Prometheus', { query: 5 })[0]).toContain('must be a PromQL query');
  });

  it('warns when a ratio source cannot be read as events per minute, and not for thresholds', () => {
    expect(run('Prometheus', { query: 'max(x)' }, ratio)[0]).toMatch(
      /^warn spec\.ratioMetric\.total\.metricSource\.spec\.query: Headroom cannot read this query as events per minute: a counter query/,
    );
    expect(run('Prometheus', { query: 'max(x)' })).toEqual([]);
  });
});
