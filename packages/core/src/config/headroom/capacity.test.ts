import { describe, expect, it } from 'vitest';
import { InputError } from '../../errors.js';
import { compileConfig } from '../compile.js';
import { builtinKindRegistry } from '../index.js';
import {
  type CapacityResourceObject,
  type GrowthScenarioObject,
  parseChange,
  parseFraction,
} from './capacity.js';

const registry = builtinKindRegistry();
const FILE = 'capacity/checkout.yaml';
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

const resource = (spec: string) => `apiVersion: headroom.dev/v1
kind: CapacityResource
metadata:
  name: checkout-cpu
  title: Checkout CPU
spec:
${spec}`;

describe('CapacityResource', () => {
  it('normalizes a push resource with defaults', () => {
    const out = compile(resource('  service: checkout\n  measure: cpu-cores\n  limit: 64\n'));
    const o = out.objects.find((x) => x.kind === 'CapacityResource')!;
    expect(o.ref).toBe('capacityresource:default/checkout-cpu');
    expect(o.references.map((r) => r.ref)).toEqual(['component:default/checkout']);
    expect((o.data as CapacityResourceObject).resource).toEqual({
      name: 'checkout-cpu',
      title: 'Checkout CPU',
      service: 'checkout',
      measure: 'cpu-cores',
      unit: 'cores',
      limit: { value: 64 },
      safeUtilisation: 0.8,
      leadTime: '30d',
      leadTimeMs: 30 * 86_400_000,
      costPerUnitMonth: null,
      currency: null,
      perInstance: null,
      redundancy: 1,
      regions: null,
      source: { type: 'push' },
    });
  });

  it('reads a Prometheus source, a limit query, percentages, regions and N+k', () => {
    const out = compile(
      resource(`  service: component:default/checkout
  measure: requests-per-second
  limit: { query: 'sum(capacity_rps)' }
  safeUtilisation: 75%
  leadTime: 6w
  costPerUnitMonth: 2.5
  currency: EUR
  perInstance: 100
  redundancy: 2
  regions: [{ name: eu, share: 60% }, { name: us, share: 0.4 }]
  source:
    prometheus:
      dataSourceRef: prod-prometheus
      query: sum(rate(http_requests_total[5m]))
`),
    );
    const r = (out.objects[0]!.data as CapacityResourceObject).resource;
    expect(r).toMatchObject({
      service: 'checkout',
      limit: { query: 'sum(capacity_rps)' },
      safeUtilisation: 0.75,
      leadTimeMs: 42 * 86_400_000,
      currency: 'EUR',
      redundancy: 2,
      regions: [
        { name: 'eu', share: 0.6 },
        { name: 'us', share: 0.4 },
      ],
      source: {
        type: 'prometheus',
        dataSourceRef: 'prod-prometheus',
        url: null,
        query: 'sum(rate(http_requests_total[5m]))',
      },
    });
  });

  it('refuses bad values with file, line and field', () => {
    const err = failure(
      resource(`  service: checkout
  measure: gpus
  limit: -4
  safeUtilisation: 180%
  leadTime: 1M
  redundancy: 1.5
  regions: [{ name: eu, share: 0.5 }]
  source:
    prometheus:
      query: 'sum(rate(x[5m])'
`),
    );
    const paths = (err.errors ?? []).map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/spec/measure',
        '/spec/limit',
        '/spec/safeUtilisation',
        '/spec/leadTime',
        '/spec/redundancy',
        '/spec/regions',
        '/spec/source/prometheus',
        '/spec/source/prometheus/query',
      ]),
    );
    expect(err.errors!.find((p) => p.path === '/spec/limit')).toMatchObject({ file: FILE, line: 9 });
    expect(err.errors!.find((p) => p.path === '/spec/measure')!.message).toMatch(/cpu-cores/);
  });

  it('needs a unit for custom measures and a Prometheus source for a limit query', () => {
    const err = failure(resource('  service: checkout\n  measure: custom\n  limit: { query: up }\n'));
    expect((err.errors ?? []).map((p) => p.path)).toEqual(
      expect.arrayContaining(['/spec/unit', '/spec/limit/query']),
    );
  });
});

describe('GrowthScenario', () => {
  it('reads step, peak and ramp events', () => {
    const out = compile(`apiVersion: headroom.dev/v1
kind: GrowthScenario
metadata:
  name: spring-launch
spec:
  description: Launch in Spain
  selector: { services: [checkout] }
  events:
    - { name: launch, type: step, start: 2027-03-01, change: +40% }
    - { name: campaign, type: peak, start: 2027-04-01, duration: 7d, change: x3 }
    - { name: migration, type: ramp, start: '2027-05-01T00:00:00Z', end: 2027-06-01, change: 1.2 }
`);
    const s = (out.objects[0]!.data as GrowthScenarioObject).scenario;
    expect(s.selector).toEqual({ services: ['checkout'], resources: [] });
    expect(s.events).toEqual([
      { name: 'launch', type: 'step', start: Date.UTC(2027, 2, 1), end: null, factor: 1.4, change: '+40%' },
      {
        name: 'campaign',
        type: 'peak',
        start: Date.UTC(2027, 3, 1),
        end: Date.UTC(2027, 3, 8),
        factor: 3,
        change: 'x3',
      },
      {
        name: 'migration',
        type: 'ramp',
        start: Date.UTC(2027, 4, 1),
        end: Date.UTC(2027, 5, 1),
        factor: 1.2,
        change: '1.2',
      },
    ]);
  });

  it('refuses a bad change, a missing end and a bad date at their fields', () => {
    const err = failure(`apiVersion: headroom.dev/v1
kind: GrowthScenario
metadata:
  name: bad
spec:
  events:
    - { name: a, type: step, start: next monday, change: +40% }
    - { name: b, type: peak, start: 2027-04-01, change: lots }
`);
    const paths = (err.errors ?? []).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['/spec/events/0/start', '/spec/events/1/change']));
    expect(err.errors!.find((p) => p.path === '/spec/events/1/change')).toMatchObject({ line: 8 });
  });

  it('parses changes and fractions as people write them', () => {
    expect(parseChange('+40%')).toBeCloseTo(1.4);
    expect(parseChange('-10 %')).toBeCloseTo(0.9);
    expect(parseChange('x3')).toBe(3);
    expect(parseChange('2x')).toBe(2);
    expect(parseChange('-100%')).toBeNull();
    expect(parseFraction('80%')).toBeCloseTo(0.8);
    expect(parseFraction(1.2)).toBeNull();
  });
});
