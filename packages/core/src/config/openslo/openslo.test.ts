import { describe, expect, it } from 'vitest';
import { compile, failure, problems, RATIO, slo, sloOf, THRESHOLD } from '../../test-support/openslo.js';
import type { DesiredObject } from '../types.js';
import type { SloObject } from './refs.js';

describe('OpenSLO v1 SLOs', () => {
  it('normalizes a ratio SLO: window, method, objectives, indicator as written', () => {
    const s = sloOf(slo({ objectives: '    - displayName: Most\n      targetPercent: 99.95' }));
    expect(s).toMatchObject({
      name: 'checkout-availability',
      service: 'checkout',
      indicatorRef: null,
      timeWindow: { type: 'rolling', duration: { count: 28, unit: 'd' } },
      budgetingMethod: 'Occurrences',
      objectives: [{ displayName: 'Most', target: 0.9995, op: null, compositeWeight: null }],
      alertPolicies: [],
    });
    expect(s.indicator?.metric).toMatchObject({
      type: 'ratio',
      good: { type: 'Prometheus', queryable: true, spec: { query: expect.stringContaining('{{.window}}') } },
      bad: null,
      total: { type: 'Prometheus' },
    });
  });

  it('reads a calendar window with its start time and IANA time zone', () => {
    const s = sloOf(
      slo({
        window:
          '    - duration: 1M\n      calendar:\n        startTime: 2024-03-01 00:00:00\n        timeZone: Europe/Berlin',
      }),
    );
    expect(s.timeWindow).toEqual({
      type: 'calendar',
      duration: { count: 1, unit: 'M' },
      startTime: '2024-03-01 00:00:00',
      timeZone: 'Europe/Berlin',
    });
  });

  it.each([
    ['target 1', '    - target: 1', '/spec/objectives/0/target', 'must be at least 0 and below 1'],
    ['target -0.1', '    - target: -0.1', '/spec/objectives/0/target', 'must be at least 0 and below 1'],
    ['target 99.9', '    - target: 99.9', '/spec/objectives/0/target', 'write targetPercent: 99.9'],
    ['targetPercent 100', '    - targetPercent: 100', '/spec/objectives/0/targetPercent', 'below 100'],
    [
      'both',
      '    - target: 0.9\n      targetPercent: 90',
      '/spec/objectives/0/targetPercent',
      'cannot be used together with target',
    ],
    ['neither', '    - displayName: x', '/spec/objectives/0', 'needs target'],
  ])('refuses objective %s at its file, line and field', (_name, objectives, path, message) => {
    const [p] = problems(slo({ objectives }));
    expect(p?.[0]).toBe(path);
    expect(p?.[1]).toBe(path.endsWith('targetPercent') && objectives.includes('target:') ? 28 : 27);
    expect(p?.[2]).toContain(message);
  });

  it('names file, line and column and the field in the summary', () => {
    const e = failure(slo({ objectives: '    - target: 1.5' }), 'teams/checkout.yaml');
    expect(e.message).toBe(
      'teams/checkout.yaml:27:15: spec.objectives[0].target must be at least 0 and below 1, not 1.5',
    );
  });

  it('refuses a thresholdMetric SLO with two objectives, and threshold objectives without op and value', () => {
    const out = problems(
      slo({
        indicator: THRESHOLD,
        objectives: '    - op: lt\n      value: 500\n      target: 0.99\n    - target: 0.9',
      }),
    );
    expect(out).toEqual([
      ['/spec/objectives/1', 24, expect.stringContaining('exactly one objective')],
      ['/spec/objectives/1/op', 24, expect.stringContaining('is required with a thresholdMetric')],
      ['/spec/objectives/1/value', 24, expect.stringContaining('is required with a thresholdMetric')],
    ]);
  });

  it('requires timeSliceTarget and timeSliceWindow for Timeslices, timeSliceWindow for RatioTimeslices', () => {
    expect(problems(slo({ method: 'Timeslices' })).map((p) => p[0])).toEqual([
      '/spec/objectives/0/timeSliceTarget',
      '/spec/objectives/0/timeSliceWindow',
    ]);
    expect(problems(slo({ method: 'RatioTimeslices' })).map((p) => p[0])).toEqual([
      '/spec/objectives/0/timeSliceWindow',
    ]);
    const s = sloOf(
      slo({
        method: 'Timeslices',
        objectives: '    - target: 0.99\n      timeSliceTarget: 1\n      timeSliceWindow: 5',
      }),
    );
    expect(s.objectives[0]).toMatchObject({ timeSliceTarget: 1, timeSliceWindow: { count: 5, unit: 'm' } });
    expect(problems(slo({ method: 'timeslices' }))[0]?.[2]).toContain('did you mean Timeslices?');
  });

  it.each([
    ['an unknown unit', '    - duration: 30s\n      isRolling: true', '/spec/timeWindow/0/duration'],
    ['a decimal', '    - duration: 1.5d\n      isRolling: true', '/spec/timeWindow/0/duration'],
    [
      'two windows',
      '    - duration: 1d\n      isRolling: true\n    - duration: 1w\n      isRolling: true',
      '/spec/timeWindow',
    ],
    ['no calendar and not rolling', '    - duration: 1d', '/spec/timeWindow/0'],
    [
      'a calendar on a rolling window',
      '    - duration: 1d\n      isRolling: true\n      calendar:\n        startTime: 2024-01-01 00:00:00\n        timeZone: UTC',
      '/spec/timeWindow/0/calendar',
    ],
    [
      'an unknown time zone',
      '    - duration: 1M\n      calendar:\n        startTime: 2024-01-01 00:00:00\n        timeZone: Europe/Atlantis',
      '/spec/timeWindow/0/calendar/timeZone',
    ],
    [
      'a start time with a zone',
      '    - duration: 1M\n      calendar:\n        startTime: 2024-01-01T00:00:00Z\n        timeZone: UTC',
      '/spec/timeWindow/0/calendar/startTime',
    ],
    [
      'an impossible date',
      '    - duration: 1M\n      calendar:\n        startTime: 2024-02-30 00:00:00\n        timeZone: UTC',
      '/spec/timeWindow/0/calendar/startTime',
    ],
  ])('refuses a time window with %s', (_name, window, path) => {
    expect(problems(slo({ window }))[0]?.[0]).toBe(path);
  });

  it('refuses a timeWindow list that is empty', () => {
    expect(problems(slo({ window: '    []' }).replace('timeWindow:\n    []', 'timeWindow: []'))).toEqual([
      ['/spec/timeWindow', 22, 'must hold exactly one time window (rolling or calendar-aligned), not 0'],
    ]);
  });

  it('refuses ratio metrics with both good and bad, raw without rawType, and neither numerator', () => {
    const bad = RATIO.replace(
      '        total:',
      '        bad:\n          metricSource:\n            type: Prometheus\n            spec: {}\n        total:',
    );
    expect(problems(slo({ indicator: bad }))[0]?.slice(0, 1)).toEqual([
      '/spec/indicator/spec/ratioMetric/bad',
    ]);
    const raw = `  indicator:
    metadata:
      name: raw
    spec:
      ratioMetric:
        raw:
          metricSource:
            type: Prometheus
            spec:
              query: x`;
    expect(problems(slo({ indicator: raw }))).toEqual([
      ['/spec/indicator/spec/ratioMetric/rawType', 11, expect.stringContaining('is required')],
    ]);
    const none = `  indicator:
    metadata:
      name: none
    spec:
      ratioMetric:
        counter: true`;
    expect(problems(slo({ indicator: none }))[0]?.[0]).toBe('/spec/indicator/spec/ratioMetric');
  });

  it('refuses an SLO without indicator, with both indicator and indicatorRef, and bad names', () => {
    expect(problems(slo({ indicator: '  description: none' }))[0]?.[0]).toBe('/spec');
    expect(problems(slo({ indicator: `${RATIO}\n  indicatorRef: availability` }))[0]?.[0]).toBe(
      '/spec/indicatorRef',
    );
    expect(
      problems(slo().replace('name: checkout-availability', 'name: Checkout_Availability'))[0]?.[0],
    ).toBe('/metadata/name');
  });

  it('accepts empty fields, keeps unknown metric sources as written, and warns about unknown fields', () => {
    const result = compile(
      slo({ extra: '  alertPolicies:\n  targetPercentage: 99\n' }).replace(
        'type: Prometheus\n            spec:\n              query: sum(rate(http_requests_total{code',
        'type: Datadog\n            spec:\n              query: sum(rate(http_requests_total{code',
      ),
    );
    const s = (result.objects[0] as DesiredObject<SloObject>).data.slo;
    expect(s.alertPolicies).toEqual([]);
    expect(s.indicator?.metric.type === 'ratio' && s.indicator.metric.good).toMatchObject({
      type: 'Datadog',
      queryable: false,
    });
    expect(result.warnings).toEqual([
      expect.objectContaining({
        path: '/spec/targetPercentage',
        line: 29,
        message: expect.stringContaining('not a field'),
      }),
    ]);
  });

  it('warns about a calendar window of 1m, a rolling window under an hour and objectives above 0.9999', () => {
    const calendar = compile(
      slo({
        window:
          '    - duration: 1m\n      calendar:\n        startTime: 2024-01-01 00:00:00\n        timeZone: UTC',
      }),
    );
    expect(calendar.warnings[0]?.message).toContain('Did you mean 1M (one month)?');
    const rolling = compile(slo({ window: '    - duration: 30m\n      isRolling: true' }));
    expect(rolling.warnings[0]?.message).toContain('rolling window of 30m is shorter than an hour');
    const strict = compile(slo({ objectives: '    - target: 0.99999' }));
    expect(strict.warnings).toEqual([
      {
        path: '/spec/objectives/0/target',
        file: 'slo.yaml',
        line: 27,
        message:
          'target 0.99999 leaves an error budget of 0.4 minutes of total failure per 28d; Headroom counts SLI data per minute, so in this 28d window a single minute of total failure exhausts the whole budget. Consider 0.9999 or a longer window.',
      },
    ]);
    const yearly = compile(
      slo({ objectives: '    - target: 0.99999', window: '    - duration: 1Y\n      isRolling: true' }),
    );
    expect(yearly.warnings[0]?.message).toContain(
      'a single minute of total failure exhausts the budget of any window shorter than 69.4 days',
    );
  });

  it('reads composite SLOs: an indicator on every objective, with weights', () => {
    const composite = slo({
      indicator: '  description: composite',
      objectives: `    - displayName: api
      target: 0.99
      compositeWeight: 2
${RATIO.replaceAll('\n', '\n    ').replace('  indicator:', '      indicator:')}
    - displayName: web
      target: 0.95
      indicatorRef: web-sli`,
    });
    const s = sloOf(composite);
    expect(s.indicator).toBeNull();
    expect(s.objectives.map((o) => [o.compositeWeight, o.indicator?.name ?? null, o.indicatorRef])).toEqual([
      [2, 'availability', null],
      [null, null, 'web-sli'],
    ]);
    expect(problems(composite.replace('      indicatorRef: web-sli', ''))[0]?.[0]).toBe('/spec/objectives/1');
    expect(problems(composite.replace('compositeWeight: 2', 'compositeWeight: 0'))[0]?.[0]).toBe(
      '/spec/objectives/0/compositeWeight',
    );
  });
});
