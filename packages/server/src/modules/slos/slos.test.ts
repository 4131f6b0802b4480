import type { ApplyResult } from '@headroom/core/api/apply';
import type { Slo } from '@headroom/core/api/slo';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { apply, get } from '../../test-support/apply.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { catalog, checkoutSlo, opensloFixtures } from '../../test-support/openslo.js';

afterAll(dropCreatedDatabases);

const specExamples = () => [...opensloFixtures('budgeting-method'), ...opensloFixtures('v1-examples')];

async function applied(
  t: TestApp,
  files: Parameters<typeof apply>[1],
  options: Parameters<typeof apply>[2] = {},
) {
  const res = await apply(t, files, options);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ApplyResult;
}

async function exportYaml(t: TestApp, query = '', headers = t.admin) {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/export/openslo${query}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/yaml/);
  return res.body;
}

/** The definitions only: what import → export → import must keep. */
const definitions = (slos: Slo[]) => slos.map(({ id: _i, createdAt: _c, updatedAt: _u, ...rest }) => rest);

describe.each(supportedDatabases())('SLOs from OpenSLO documents on $name', ({ name, available }) => {
  let t: TestApp;
  beforeEach(async () => {
    if (available) t = await startTestApp(name);
  });
  afterEach(async () => {
    if (available) await t.close();
  });

  it.runIf(available)(
    'applies the spec examples: every kind, SLOs listed with their definition',
    async () => {
      const result = await applied(t, [catalog, ...specExamples()]);
      expect(result.summary).toEqual({ create: 21, update: 0, unchanged: 0, delete: 0 });
      const kinds = result.items.map((i) => i.kind);
      expect(kinds.slice(0, 3)).toEqual(['Group', 'Group', 'Component']);
      expect(kinds.slice(-4)).toEqual(['SLO', 'SLO', 'SLO', 'SLO']);
      const messages = result.warnings.map((w) => `${w.file}:${w.line} ${w.message}`);
      expect(messages).toContainEqual(
        expect.stringMatching(
          /^budgeting-method\/timeslices-slo\.yaml:27 a calendar window of 1m .*Did you mean 1M/,
        ),
      );
      expect(messages).toContainEqual(
        expect.stringMatching(
          /^v1-examples\/slis\.yaml:18 .*'datasource:default\/my-datadog' is not in Headroom or in these files/,
        ),
      );
      expect(messages).toContainEqual(
        expect.stringContaining(
          "service 'web-availability' is not in the catalog, so the SLO has no owning team",
        ),
      );

      const slos = await get<Slo[]>(t, '/slos');
      expect(slos.map((s) => [s.name, s.service, s.ownerTeam, s.definition.budgetingMethod])).toEqual([
        ['main-page', 'web-shop', 'payments', 'RatioTimeslices'],
        ['search-slo', 'web-shop', 'payments', 'Occurrences'],
        ['service-availability', 'web-availability', null, 'Timeslices'],
        ['web-availability', 'web', null, 'Timeslices'],
      ]);
      const search = await get<Slo>(t, '/slos/search-slo');
      expect(search).toMatchObject({
        displayName: 'Searching time',
        serviceRef: 'component:default/web-shop',
        serviceInCatalog: true,
        status: null,
        definition: {
          objective: 0.99,
          objectives: [{ displayName: 'Good experience', op: 'lt', value: 500, target: 0.99 }],
          window: { type: 'rolling', duration: '2w', startTime: null, timeZone: null },
          indicator: {
            name: 'search-latency',
            type: 'threshold',
            sources: [
              { field: 'thresholdMetric', type: 'Any', spec: {}, queryable: false, stream: 'search-slo' },
            ],
          },
          source: { type: 'Any', queryable: false, stream: 'search-slo' },
          alertPolicies: [],
          unresolved: [],
        },
      });
      expect(search.definition.source.note).toContain("push the data to stream 'search-slo'");
      const web = slos[3]!;
      expect(web.definition).toMatchObject({
        window: {
          type: 'calendar',
          duration: '1w',
          startTime: '2022-01-01 12:00:00',
          timeZone: 'America/New_York',
        },
        objectives: [{ target: 0.995, timeSliceTarget: 0.95, timeSliceWindow: '1m' }],
        source: { type: 'Prometheus', queryable: true, stream: 'web-availability' },
      });
      expect(web.labels).toEqual({ env: ['prod'], team: ['team-a', 'team-b'] });

      expect((await get<Slo[]>(t, '/slos?service=web-shop')).map((s) => s.name)).toEqual([
        'main-page',
        'search-slo',
      ]);
      expect((await get<Slo[]>(t, '/slos?team=payments')).map((s) => s.name)).toEqual([
        'main-page',
        'search-slo',
      ]);
      expect(await get<Slo[]>(t, '/slos?team=search')).toEqual([]);
      const missing = await t.app.inject({ method: 'GET', url: '/api/v1/slos/nope', headers: t.admin });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().code).toBe('SLO_NOT_FOUND');
    },
  );

  it.runIf(available)('reports everything unchanged on a second apply; a change is an update', async () => {
    await applied(t, [catalog, ...specExamples()]);
    const again = await applied(t, [catalog, ...specExamples()]);
    expect(again.summary).toEqual({ create: 0, update: 0, unchanged: 21, delete: 0 });

    const lowTraffic = await applied(t, opensloFixtures('treat-low-traffic-as-equally-important'));
    expect(lowTraffic.items).toEqual([
      expect.objectContaining({
        action: 'update',
        kind: 'SLO',
        ref: 'slo:default/service-availability',
        changes: ['description', 'displayName', 'objectives', 'timeWindow'],
      }),
    ]);
    const slo = await get<Slo>(t, '/slos/service-availability');
    expect(slo.definition.objectives).toHaveLength(1);
    expect(slo.definition.window.duration).toBe('1w');
  });

  it.runIf(available)('resolves references across files and against what is stored', async () => {
    await applied(t, [catalog, checkoutSlo()]);
    const slo = await get<Slo>(t, '/slos/checkout-availability');
    expect(slo.definition).toMatchObject({
      indicatorRef: 'checkout-requests',
      indicator: {
        name: 'checkout-requests',
        type: 'ratio',
        sources: [
          { field: 'good', type: 'headroom', queryable: true, stream: 'checkout' },
          { field: 'total', type: 'headroom', queryable: true, stream: 'checkout' },
        ],
      },
      source: { type: 'headroom', queryable: true, stream: 'checkout' },
      alertPolicies: [
        {
          ref: 'fast-burn',
          resolved: true,
          conditions: [
            { name: 'fast-burn-1h', op: 'gte', threshold: 14.4, lookbackWindow: '1h', alertAfter: '2m' },
          ],
          notificationTargets: [{ ref: 'on-call', name: 'on-call', target: 'pagerduty' }],
        },
      ],
    });
    // The SLO alone: its SLI and policy are stored already.
    const only = checkoutSlo('0.995');
    only.content = only.content.slice(only.content.lastIndexOf('---\n') + 4);
    const result = await applied(t, [only]);
    expect(result.items).toEqual([
      expect.objectContaining({
        action: 'update',
        ref: 'slo:default/checkout-availability',
        changes: ['objectives'],
      }),
    ]);
    expect(result.warnings).toEqual([]);
    expect((await get<Slo>(t, '/slos/checkout-availability')).definition.objective).toBe(0.995);
  });

  it.runIf(available)('round-trips: import → export → import gives the same SLOs', async () => {
    await applied(t, [catalog, ...specExamples(), checkoutSlo()]);
    const before = await get<Slo[]>(t, '/slos');
    const yaml = await exportYaml(t);
    expect(yaml).toMatch(/^# OpenSLO v1, exported by Headroom: 5 SLOs\./);
    expect(yaml).toContain('{{.window}}');
    // Applying the export to the same Headroom changes nothing.
    const same = await applied(t, [{ path: 'export.yaml', content: yaml }]);
    expect(same.summary).toMatchObject({ create: 0, update: 0, delete: 0 });
    // Into an empty one (with the same catalog), it gives the same definitions.
    const other = await startTestApp(name);
    try {
      await applied(other, [catalog, { path: 'export.yaml', content: yaml }]);
      expect(definitions(await get<Slo[]>(other, '/slos'))).toEqual(definitions(before));
      const again = await exportYaml(other);
      expect(again).toBe(yaml);
    } finally {
      await other.close();
    }
    // DataSources may hold credentials: only admins export them.
    expect(yaml).toContain('kind: DataSource');
    const viewer = await t.userWithToken('vic', 'viewer');
    const forViewer = await exportYaml(t, '', viewer);
    expect(forViewer).not.toContain('kind: DataSource');
    expect(forViewer).toContain('DataSources are left out');
    // One service's SLOs bring the objects they use, and nothing else.
    const shop = await exportYaml(t, '?service=web-shop');
    const kinds = [...shop.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
    expect(kinds).toEqual(['SLI', 'AlertNotificationTarget', 'AlertPolicy', 'SLO', 'SLO', 'SLO']);
  });
});
