import type { BudgetCorrection } from '@headroom/core/api/correction';
import { correctionMask } from '@headroom/core/slo/corrections';
import { maskedMinutes } from '@headroom/core/slo/minute-mask';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { getResolvedSlo } from '../slos/service.js';
import { correctionsFor } from './service.js';

afterAll(dropCreatedDatabases);

const slo = (name: string, service: string, tier: string) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
  labels:
    tier: ${tier}
spec:
  service: ${service}
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 1d
      isRolling: true
  objectives:
    - target: 0.99
  indicator:
    metadata:
      name: ${name}-ok
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: headroom
            spec: {}
        total:
          metricSource:
            type: headroom
            spec: {}
`;

const SLO_FILES = [
  { path: 'slos/checkout-availability.yaml', content: slo('checkout-availability', 'checkout', 'critical') },
  { path: 'slos/checkout-latency.yaml', content: slo('checkout-latency', 'checkout', 'low') },
  { path: 'slos/search-availability.yaml', content: slo('search-availability', 'search-api', 'critical') },
];

const correction = (name: string, spec: string) => `apiVersion: headroom.dev/v1
kind: BudgetCorrection
metadata:
  name: ${name}
spec:
${spec}`;

const BY_NAME = correction(
  'latency-exporter-outage',
  `  slos: [checkout-latency]
  start: 2024-05-01T20:00:00Z
  duration: 6h
  category: data-issue
  reason: The latency exporter was down
`,
);
const BY_SERVICE = correction(
  'sunday-maintenance',
  `  service: checkout
  start: 2024-03-03T02:30:00
  timeZone: Europe/Berlin
  duration: 2h
  rrule: FREQ=WEEKLY;BYDAY=SU
  reason: Weekly database maintenance
`,
);
const BY_LABELS = correction(
  'critical-freeze',
  `  labels: { tier: critical }
  start: 2024-12-24T00:00:00+01:00
  duration: 2d
  category: other
  reason: Holiday freeze
`,
);
const CORRECTION_FILES = [
  { path: 'corrections/by-name.yaml', content: BY_NAME },
  { path: 'corrections/by-service.yaml', content: BY_SERVICE },
  { path: 'corrections/by-labels.yaml', content: BY_LABELS },
];

describe.each(supportedDatabases())('budget corrections on $name', ({ name, available }) => {
  let t: TestApp;
  const apply = (files: { path: string; content: string }[], headers = t.admin, extra: object = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/apply', headers, payload: { files, ...extra } });
  const get = (url: string) => t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: t.admin });
  const rows = () => t.database.db.selectFrom('budget_corrections').select('name').orderBy('name').execute();
  const audit = () =>
    t.database.db
      .selectFrom('audit_log')
      .select(['action', 'target_ref', 'target_kind', 'detail', 'actor_name'])
      .where('target_kind', '=', 'budget-correction')
      .orderBy('at')
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: t.admin, payload });
    for (const team of ['payments', 'search'])
      expect((await post('/teams', { name: team })).statusCode).toBe(201);
    expect((await post('/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
    expect((await post('/services', { name: 'search-api', owner: 'search' })).statusCode).toBe(201);
    const applied = await apply(SLO_FILES);
    expect(applied.statusCode, applied.body).toBe(200);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('refuses invalid corrections with field paths and writes nothing', async () => {
    const bad = correction(
      'bad',
      `  start: 2024-03-03T02:00:00Z
  duration: 2 hours
  rrule: FREQ=WEEKLY;BYDAY=XX
`,
    );
    const r = await apply([{ path: 'bad.yaml', content: bad }]);
    expect(r.statusCode).toBe(400);
    const body = r.json();
    expect(body.code).toBe('INVALID_CONFIG');
    const paths = (body.errors as { path: string; file: string; line: number }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['/spec', '/spec/duration', '/spec/reason']);
    expect(body.errors.find((e: { path: string }) => e.path === '/spec/duration')).toMatchObject({
      file: 'bad.yaml',
      line: 7,
    });
    // A readable duration lets the RRULE be checked.
    const rule = await apply([
      {
        path: 'rule.yaml',
        content: bad.replace('2 hours', '2h').replace('  start', '  slos: [x]\n  reason: r\n  start'),
      },
    ]);
    expect(rule.statusCode).toBe(400);
    expect(rule.json().errors).toEqual([
      expect.objectContaining({ path: '/spec/rrule', file: 'rule.yaml', line: 10 }),
    ]);
    expect(await rows()).toEqual([]);
    expect(await audit()).toEqual([]);
  });

  it.runIf(available)('applies corrections selecting SLOs by name, service and labels', async () => {
    const r = await apply([...SLO_FILES, ...CORRECTION_FILES]);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().summary).toEqual({ create: 3, update: 0, unchanged: 3, delete: 0 });
    expect(r.json().items).toContainEqual(
      expect.objectContaining({
        action: 'create',
        kind: 'BudgetCorrection',
        ref: 'budgetcorrection:default/sunday-maintenance',
        file: 'corrections/by-service.yaml',
      }),
    );
    const list = await get('/corrections');
    expect(list.statusCode).toBe(200);
    const byName = Object.fromEntries((list.json() as BudgetCorrection[]).map((c) => [c.name, c]));
    expect(Object.keys(byName)).toEqual(['critical-freeze', 'latency-exporter-outage', 'sunday-maintenance']);
    expect(byName['latency-exporter-outage']?.selectedSlos).toEqual(['checkout-latency']);
    expect(byName['sunday-maintenance']?.selectedSlos).toEqual(['checkout-availability', 'checkout-latency']);
    expect(byName['critical-freeze']?.selectedSlos).toEqual(['checkout-availability', 'search-availability']);
    expect(byName['latency-exporter-outage']).toMatchObject({
      category: 'data-issue',
      duration: '6h',
      rrule: null,
      occurrence: null, // long past
    });
    // The weekly one recurs: its next (or current) occurrence is within the coming week, 2 h long.
    const next = byName['sunday-maintenance']!.occurrence!;
    expect(Date.parse(next.end) - Date.parse(next.start)).toBe(7_200_000);
    expect(Date.parse(next.end)).toBeGreaterThan(Date.now());
    expect(Date.parse(next.start)).toBeLessThan(Date.now() + 7 * 86_400_000);
    expect(byName['sunday-maintenance']?.selector).toEqual({ slos: [], service: 'checkout', labels: {} });

    const filtered = await get('/corrections?slo=search-availability');
    expect((filtered.json() as BudgetCorrection[]).map((c) => c.name)).toEqual(['critical-freeze']);
    const one = await get('/corrections/sunday-maintenance');
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({ name: 'sunday-maintenance', timeZone: 'Europe/Berlin' });
    expect((await get('/corrections/nothing')).statusCode).toBe(404);
  });

  it.runIf(available)('correctionsFor gives the occurrences selecting an SLO, DST-aware', async () => {
    const resolved = await getResolvedSlo(t.database.db, 'checkout-availability');
    const range = { start: Date.parse('2024-03-20T00:00:00Z'), end: Date.parse('2024-04-08T00:00:00Z') };
    const found = await correctionsFor(t.database.db, resolved.name, resolved.slo, range);
    expect(found.map((c) => c.name)).toEqual(['critical-freeze', 'sunday-maintenance']);
    const weekly = found.find((c) => c.name === 'sunday-maintenance')!;
    expect(weekly.category).toBe('planned-maintenance');
    // 02:30 Berlin: CET (UTC+1) on 24 March; the 31st skips 02:00–03:00, so 03:30 CEST; then CEST.
    expect(
      weekly.intervals.map((i) => [new Date(i.start).toISOString(), new Date(i.end).toISOString()]),
    ).toEqual([
      ['2024-03-24T01:30:00.000Z', '2024-03-24T03:30:00.000Z'],
      ['2024-03-31T01:30:00.000Z', '2024-03-31T03:30:00.000Z'],
      ['2024-04-07T00:30:00.000Z', '2024-04-07T02:30:00.000Z'],
    ]);
    expect(found.find((c) => c.name === 'critical-freeze')?.intervals).toEqual([]);
    // The evaluator builds its mask from them.
    const mask = correctionMask(
      found.map((c) => c.correction),
      range,
    );
    expect(maskedMinutes(mask, range.start / 60_000, range.end / 60_000)).toBe(3 * 120);

    const search = await getResolvedSlo(t.database.db, 'search-availability');
    const december = { start: Date.parse('2024-12-01T00:00:00Z'), end: Date.parse('2025-01-01T00:00:00Z') };
    const freeze = await correctionsFor(t.database.db, search.name, search.slo, december);
    expect(freeze.map((c) => [c.name, c.intervals])).toEqual([
      [
        'critical-freeze',
        [{ start: Date.parse('2024-12-23T23:00:00Z'), end: Date.parse('2024-12-25T23:00:00Z') }],
      ],
    ]);
  });

  it.runIf(available)(
    'a second apply is unchanged, a change an update, a prune a delete; all audited',
    async () => {
      const again = await apply([...SLO_FILES, ...CORRECTION_FILES]);
      expect(again.json().summary).toEqual({ create: 0, update: 0, unchanged: 6, delete: 0 });

      const changed = CORRECTION_FILES.map((f) =>
        f.path === 'corrections/by-service.yaml'
          ? { ...f, content: f.content.replace('duration: 2h', 'duration: 3h') }
          : f,
      );
      const update = await apply([...SLO_FILES, ...changed]);
      expect(update.statusCode, update.body).toBe(200);
      expect(update.json().items).toContainEqual(
        expect.objectContaining({
          action: 'update',
          ref: 'budgetcorrection:default/sunday-maintenance',
          changes: ['duration'],
        }),
      );
      expect((await get('/corrections/sunday-maintenance')).json().duration).toBe('3h');

      const pruned = await apply(
        [...SLO_FILES, ...changed.filter((f) => f.path !== 'corrections/by-name.yaml')],
        t.admin,
        { prune: true },
      );
      expect(pruned.statusCode, pruned.body).toBe(200);
      expect(pruned.json().items).toContainEqual(
        expect.objectContaining({
          action: 'delete',
          ref: 'budgetcorrection:default/latency-exporter-outage',
        }),
      );
      expect((await rows()).map((r) => r.name)).toEqual(['critical-freeze', 'sunday-maintenance']);

      const entries = await audit();
      // In plan order: the files' order, then deletes.
      expect(entries.map((e) => [e.action, e.target_ref])).toEqual([
        ['apply.create', 'budgetcorrection:default/latency-exporter-outage'],
        ['apply.create', 'budgetcorrection:default/sunday-maintenance'],
        ['apply.create', 'budgetcorrection:default/critical-freeze'],
        ['apply.update', 'budgetcorrection:default/sunday-maintenance'],
        ['apply.delete', 'budgetcorrection:default/latency-exporter-outage'],
      ]);
      expect(JSON.parse(entries[3]!.detail)).toMatchObject({
        changed: ['duration'],
        file: 'corrections/by-service.yaml',
      });
      expect(entries.every((e) => e.actor_name === 'admin')).toBe(true);
    },
  );

  it.runIf(available)('lets an editor change corrections of their team’s SLOs only', async () => {
    const payments = await t.userWithToken('pat', 'editor', ['payments']);
    const search = await t.userWithToken('sam', 'editor', ['search']);
    const viewer = await t.userWithToken('vic', 'viewer');
    const mine = correction(
      'checkout-deploy',
      `  slos: [checkout-availability]
  start: 2024-06-01T10:00:00Z
  duration: 30m
  reason: Risky migration
`,
    );
    const file = [{ path: 'deploy.yaml', content: mine }];

    const other = await apply(file, search);
    expect(other.statusCode).toBe(403);
    expect(other.json().detail).toMatch(/sam is not a member of the team that owns .*checkout-availability/);
    expect((await apply(file, viewer)).statusCode).toBe(403);
    expect((await rows()).map((r) => r.name)).not.toContain('checkout-deploy');

    const own = await apply(file, payments);
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json().summary.create).toBe(1);

    // Widening it to every critical SLO would reach the search team's SLO as well.
    const wider = mine.replace('  slos: [checkout-availability]', '  labels: { tier: critical }');
    const widened = await apply([{ path: 'deploy.yaml', content: wider }], payments);
    expect(widened.statusCode).toBe(403);
    expect(widened.json().detail).toMatch(/search-availability/);
    // The search team may neither change nor (through the current selection) take it over.
    const takeover = mine.replace('  slos: [checkout-availability]', '  slos: [search-availability]');
    expect((await apply([{ path: 'deploy.yaml', content: takeover }], search)).statusCode).toBe(403);
    // A correction of another team's service, even before it has SLOs there.
    const service = mine.replace('  slos: [checkout-availability]', '  service: search-api');
    expect(
      (await apply([{ path: 'svc.yaml', content: service.replace('checkout-deploy', 'svc') }], payments))
        .statusCode,
    ).toBe(403);
    // Admins may do anything.
    expect((await apply([{ path: 'deploy.yaml', content: wider }])).statusCode).toBe(200);
    expect(
      (await audit()).filter((e) => e.target_ref === 'budgetcorrection:default/checkout-deploy'),
    ).toEqual([
      expect.objectContaining({ action: 'apply.create', actor_name: 'pat' }),
      expect.objectContaining({ action: 'apply.update', actor_name: 'admin' }),
    ]);
  });

  it.runIf(available)('warns about a correction that selects no existing SLO', async () => {
    const none = correction(
      'nothing-yet',
      `  slos: [not-an-slo]
  start: 2024-06-01T10:00:00Z
  duration: 1h
  reason: Future SLO
`,
    );
    const r = await apply([{ path: 'none.yaml', content: none }], t.admin, { dryRun: true });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().warnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/spec/slos/0', file: 'none.yaml', line: 6 }),
        expect.objectContaining({ path: '/spec', message: expect.stringMatching(/selects no existing SLO/) }),
      ]),
    );
  });
});
