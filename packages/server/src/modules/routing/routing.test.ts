import { inhibitions } from '@headroom/core/alerting/inhibit';
import { matchRoutes } from '@headroom/core/alerting/routes';
import { silencedBy } from '@headroom/core/alerting/silences';
import type { RouteTestResult, RouteTree } from '@headroom/core/api/routing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { loadRouting } from './service.js';

afterAll(dropCreatedDatabases);

const doc = (kind: string, name: string, spec: string) => `apiVersion: headroom.dev/v1
kind: ${kind}
metadata:
  name: ${name}
spec:
${spec}`;

const ROOT = doc(
  'Route',
  'root',
  `  root: true
  receiver: ops-email
  groupBy: [alertname, slo]
  repeatInterval: 3h
`,
);
const PAGES = doc(
  'Route',
  'pages',
  `  order: 10
  matchers: ['severity="critical"']
  receiver: pager
  continue: true
  groupWait: 10s
  routes:
    - matchers: ['env="staging"']
      receiver: staging-slack
`,
);
const PAYMENTS = doc(
  'Route',
  'payments',
  `  order: 20
  matchers: ['team=~"pay.*"']
  receiver: payments-slack
  groupBy: ['...']
`,
);
const DB_DOWN = doc(
  'InhibitRule',
  'database-down',
  `  sourceMatchers: ['alertname="DatabaseDown"']
  targetMatchers: ['depends_on="database"']
  equal: [cluster]
`,
);
const MIGRATION = doc(
  'Silence',
  'db-migration',
  `  matchers: ['service="checkout"']
  startsAt: 2020-01-01T00:00:00Z
  endsAt: 2099-01-01T00:00:00Z
  createdBy: pat
  comment: Long migration
`,
);
const FILES = [
  { path: 'routing/root.yaml', content: ROOT },
  { path: 'routing/pages.yaml', content: PAGES },
  { path: 'routing/payments.yaml', content: PAYMENTS },
  { path: 'routing/inhibit.yaml', content: DB_DOWN },
  { path: 'routing/silence.yaml', content: MIGRATION },
];

describe.each(supportedDatabases())('alert routing on $name', ({ name, available }) => {
  let t: TestApp;
  const apply = (files: { path: string; content: string }[], headers = t.admin, extra: object = {}) =>
    t.app.inject({ method: 'POST', url: '/api/v1/apply', headers, payload: { files, ...extra } });
  const get = (url: string, headers = t.admin) =>
    t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });
  const post = (url: string, payload: object | undefined, headers = t.admin) =>
    t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers, ...(payload && { payload }) });
  const audit = (kind: string) =>
    t.database.db
      .selectFrom('audit_log')
      .select(['action', 'target_ref', 'actor_name', 'detail'])
      .where('target_kind', '=', kind)
      .orderBy('id')
      .execute();

  beforeAll(async () => {
    if (available) t = await startTestApp(name);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('refuses bad documents with file, line and field, and writes nothing', async () => {
    const bad = PAGES.replace(`['severity="critical"']`, `['severity=critical"']`).replace('10s', 'soon');
    const r = await apply([{ path: 'bad.yaml', content: bad }]);
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('INVALID_CONFIG');
    expect(r.json().errors).toEqual([
      expect.objectContaining({ path: '/spec/matchers/0', file: 'bad.yaml', line: 7 }),
      expect.objectContaining({ path: '/spec/groupWait', file: 'bad.yaml', line: 10 }),
    ]);
    expect(r.json().errors[0].message).toMatch(/position 18: unescaped double quote/);
    const dry = await apply(FILES, t.admin, { dryRun: true });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json().summary).toEqual({ create: 5, update: 0, unchanged: 0, delete: 0 });
    expect(await t.database.db.selectFrom('alert_routes').selectAll().execute()).toEqual([]);
    expect(await t.database.db.selectFrom('silences').selectAll().execute()).toEqual([]);
  });

  it.runIf(available)('lets viewers read and test routes but not apply routing', async () => {
    const viewer = await t.userWithToken('vic', 'viewer');
    const r = await apply(FILES, viewer);
    expect(r.statusCode).toBe(403);
    expect(r.json().detail).toMatch(/Viewers cannot change Route 'route:default\/root'/);
    expect((await get('/routes', viewer)).json()).toMatchObject({
      root: null,
      routes: [{ key: '{}', receiver: null }],
    });
    expect((await post('/routes/test', { labels: { a: 'b' } }, viewer)).json()).toMatchObject({
      receivers: [],
    });
    expect((await get('/inhibit-rules', viewer)).statusCode).toBe(200);
    expect((await get('/silences', viewer)).json()).toEqual([]);
  });

  it.runIf(available)(
    'applies routes, an inhibition rule and a silence; the tree shows inheritance',
    async () => {
      const editor = await t.userWithToken('eddie', 'editor');
      const r = await apply(FILES, editor);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().summary).toEqual({ create: 5, update: 0, unchanged: 0, delete: 0 });
      // Receivers are NotificationChannel names; none is applied here, so each is a warning.
      expect(r.json().warnings).toContainEqual(
        expect.objectContaining({ file: 'routing/pages.yaml', path: '/spec/routes/0/receiver' }),
      );

      const tree = (await get('/routes')).json() as RouteTree;
      expect(tree.root).toBe('root');
      expect(tree.routes.map((n) => [n.key, n.receiver, n.document, n.depth])).toEqual([
        ['{}', 'ops-email', 'root', 0],
        ['{}/{severity="critical"}', 'pager', 'pages', 1],
        ['{}/{severity="critical"}/{env="staging"}', 'staging-slack', 'pages', 2],
        ['{}/{team=~"pay.*"}', 'payments-slack', 'payments', 1],
      ]);
      expect(tree.routes[0]).toMatchObject({
        groupBy: ['alertname', 'slo'],
        groupWait: '30s',
        groupInterval: '5m',
        repeatInterval: '3h',
        inherited: {
          receiver: false,
          groupBy: false,
          groupWait: true,
          groupInterval: true,
          repeatInterval: false,
        },
      });
      expect(tree.routes[2]).toMatchObject({
        groupBy: ['alertname', 'slo'],
        groupWait: '10s',
        repeatInterval: '3h',
        inherited: { receiver: false, groupBy: true, groupWait: true },
      });
      expect(tree.routes[3]).toMatchObject({ groupByAll: true, groupBy: [] });

      const rules = (await get('/inhibit-rules')).json();
      expect(rules).toEqual([
        expect.objectContaining({
          name: 'builtin:slo-page-inhibits-ticket',
          builtIn: true,
          sourceMatchers: ['alertname="ErrorBudgetBurn"', 'tier="page"'],
          targetMatchers: ['alertname="ErrorBudgetBurn"', 'tier="ticket"'],
          equal: ['slo'],
        }),
        {
          name: 'database-down',
          builtIn: false,
          description: null,
          sourceMatchers: ['alertname="DatabaseDown"'],
          targetMatchers: ['depends_on="database"'],
          equal: ['cluster'],
          dependants: false,
        },
      ]);
      const entries = await audit('route');
      expect(entries.map((e) => [e.action, e.target_ref, e.actor_name])).toEqual([
        ['apply.create', 'route:default/root', 'eddie'],
        ['apply.create', 'route:default/pages', 'eddie'],
        ['apply.create', 'route:default/payments', 'eddie'],
      ]);
    },
  );

  it.runIf(available)('tests a label set against the tree like amtool config routes test', async () => {
    const test = async (labels: Record<string, string>) => {
      const r = await post('/routes/test', { labels });
      expect(r.statusCode, r.body).toBe(200);
      return r.json() as RouteTestResult;
    };
    const paged = await test({ alertname: 'HighLatency', severity: 'critical', team: 'payments', slo: 'x' });
    expect(paged.receivers).toEqual(['pager', 'payments-slack']);
    expect(paged.matches.map((m) => m.groupKey)).toEqual([
      '{}/{severity="critical"}:{alertname="HighLatency", slo="x"}',
      '{}/{team=~"pay.*"}:{alertname="HighLatency", severity="critical", slo="x", team="payments"}',
    ]);
    const staging = await test({ alertname: 'X', severity: 'critical', env: 'staging' });
    expect(staging.receivers).toEqual(['staging-slack']);
    expect(staging.matches[0]!.route.path).toEqual([0, 0]);
    const fallback = await test({ alertname: 'X' });
    expect(fallback.receivers).toEqual(['ops-email']);
    expect(fallback.matches[0]!.groupKey).toBe('{}:{alertname="X"}');
    // The applied silence mutes checkout.
    const silenced = await test({ alertname: 'X', service: 'checkout' });
    expect(silenced.silencedBy).toHaveLength(1);

    const bad = await post('/routes/test', { labels: { '9x': 'y' } });
    expect(bad.statusCode).toBe(400);
    const noBody = await post('/routes/test', { label: {} });
    expect(noBody.statusCode).toBe(400);
  });

  it.runIf(available)('refuses a second root, stored or declared', async () => {
    const other = ROOT.replace('name: root', 'name: new-root');
    const r = await apply([{ path: 'new-root.yaml', content: other }]);
    expect(r.statusCode).toBe(400);
    expect(r.json().errors[0]).toMatchObject({ path: '/spec/root', file: 'new-root.yaml', line: 6 });
    expect(r.json().errors[0].message).toMatch(/'root' is the root already/);
  });

  it.runIf(available)('creates, lists, gets and expires silences; expired ones stay as history', async () => {
    const editor = await t.userWithToken('olga', 'editor');
    const viewer = await t.userWithToken('val', 'viewer');
    const before = Date.now();
    const created = await post(
      '/silences',
      {
        matchers: ['alertname="HighLatency"', 'env=~"prod|staging"'],
        startsAt: '2001-01-01T00:00:00Z',
        duration: '2h',
        comment: 'Deploying the fix',
      },
      editor,
    );
    expect(created.statusCode, created.body).toBe(201);
    const s = created.json();
    expect(s).toMatchObject({
      name: null,
      matchers: ['alertname="HighLatency"', 'env=~"prod|staging"'],
      createdBy: 'olga',
      comment: 'Deploying the fix',
      status: { state: 'active' },
      source: 'api',
    });
    // A start in the past means now.
    expect(Date.parse(s.startsAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(s.endsAt) - Date.parse(s.startsAt)).toBe(7_200_000);

    const pending = await post(
      '/silences',
      {
        matchers: ['team="search"'],
        startsAt: '2098-01-01T00:00:00Z',
        endsAt: '2098-01-02T00:00:00Z',
        createdBy: 'change-bot',
        comment: 'Planned',
      },
      editor,
    );
    expect(pending.statusCode).toBe(201);
    expect(pending.json()).toMatchObject({ createdBy: 'change-bot', status: { state: 'pending' } });

    expect(
      (await post('/silences', { matchers: ['a="b"'], duration: '1h', comment: 'x' }, viewer)).statusCode,
    ).toBe(403);
    expect((await get(`/silences/${s.id}`, viewer)).json()).toMatchObject({ id: s.id });
    expect((await get('/silences/nothing')).statusCode).toBe(404);

    const active = (await get('/silences?state=active')).json() as { id: string; name: string | null }[];
    expect(active.map((x) => x.name ?? x.id)).toEqual([s.id, 'db-migration']);
    expect(((await get('/silences?state=pending')).json() as { id: string }[]).map((x) => x.id)).toEqual([
      pending.json().id,
    ]);

    const expired = await post(`/silences/${s.id}/expire`, undefined, editor);
    expect(expired.statusCode, expired.body).toBe(200);
    expect(expired.json().status.state).toBe('expired');
    expect((await post(`/silences/${s.id}/expire`, undefined, editor)).json().code).toBe('SILENCE_EXPIRED');
    const expiredPending = await post(`/silences/${pending.json().id}/expire`, undefined, editor);
    expect(expiredPending.json()).toMatchObject({ status: { state: 'expired' } });
    expect(Date.parse(expiredPending.json().endsAt)).toBeLessThan(Date.parse('2098-01-01T00:00:00Z'));
    const history = (await get('/silences?state=expired')).json() as { id: string }[];
    expect(history.map((x) => x.id).sort()).toEqual([s.id, pending.json().id].sort());
    expect((await get('/silences')).json()).toHaveLength(3);

    expect((await audit('silence')).filter((e) => e.action.startsWith('silence.'))).toEqual([
      expect.objectContaining({
        action: 'silence.create',
        target_ref: `silence:${s.id}`,
        actor_name: 'olga',
      }),
      expect.objectContaining({ action: 'silence.create', target_ref: `silence:${pending.json().id}` }),
      expect.objectContaining({ action: 'silence.expire', target_ref: `silence:${s.id}` }),
      expect.objectContaining({ action: 'silence.expire', target_ref: `silence:${pending.json().id}` }),
    ]);
  });

  it.runIf(available)('refuses bad silences with the field at fault', async () => {
    const cases: [object, string, RegExp][] = [
      [
        { matchers: ['a=b', 'c!!d'], duration: '1h', comment: 'x' },
        '/matchers/1',
        /position 1: bad matcher format/,
      ],
      [
        { matchers: ['env=~".*"'], duration: '1h', comment: 'x' },
        '/matchers',
        /must not match the empty string/,
      ],
      [{ matchers: ['a="b"'], endsAt: '2001-01-01T00:00:00Z', comment: 'x' }, '/endsAt', /past/],
      [{ matchers: ['a="b"'], comment: 'x' }, '/endsAt', /endsAt or duration/],
      [
        { matchers: ['a="b"'], duration: '1h', endsAt: '2099-01-01T00:00:00Z', comment: 'x' },
        '/duration',
        /not both/,
      ],
      [{ matchers: ['a="b"'], duration: 'a while', comment: 'x' }, '/duration', /duration such as/],
      [{ matchers: ['a="b"'], duration: '1h', comment: '   ' }, '/comment', /required/],
    ];
    for (const [body, path, message] of cases) {
      const r = await post('/silences', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().errors?.[0]?.path).toBe(path);
      expect(r.json().detail).toMatch(message);
    }
    const schema = await post('/silences', { matchers: ['a="b"'], duration: '1h' });
    expect(schema.statusCode).toBe(400);
  });

  it.runIf(available)(
    'gives the alert pipeline the tree, the inhibition rules and the silences',
    async () => {
      const routing = await loadRouting(t.database.db);
      expect(
        matchRoutes(routing.tree, { severity: 'critical' }).map((m) => m.route.options.receiver),
      ).toEqual(['pager']);
      expect(routing.inhibitRules.map((r) => r.name)).toEqual([
        'builtin:slo-page-inhibits-ticket',
        'database-down',
      ]);
      const muted = inhibitions(
        [
          { fingerprint: 'db', labels: { alertname: 'DatabaseDown', cluster: 'eu' }, firing: true },
          {
            fingerprint: 'api',
            labels: { alertname: 'ApiErrors', depends_on: 'database', cluster: 'eu' },
            firing: true,
          },
        ],
        routing.inhibitRules,
      );
      expect([...muted.keys()]).toEqual(['api']);
      // Expired silences are left out; the applied one mutes checkout.
      expect(silencedBy({ service: 'checkout' }, routing.silences, Date.now())).toHaveLength(1);
      expect(silencedBy({ alertname: 'HighLatency', env: 'prod' }, routing.silences, Date.now())).toEqual([]);
    },
  );

  it.runIf(available)('updates and prunes; a pruned silence is expired and kept', async () => {
    const unchanged = await apply(FILES);
    expect(unchanged.json().summary).toEqual({ create: 0, update: 0, unchanged: 5, delete: 0 });
    const changed = FILES.map((f) =>
      f.path === 'routing/payments.yaml' ? { ...f, content: f.content.replace('order: 20', 'order: 5') } : f,
    );
    const update = await apply(changed);
    expect(update.json().items).toContainEqual(
      expect.objectContaining({ action: 'update', ref: 'route:default/payments', changes: ['order'] }),
    );
    const tree = (await get('/routes')).json() as RouteTree;
    expect(tree.routes.map((n) => n.document)).toEqual(['root', 'payments', 'pages', 'pages']);

    const silenceId = (
      await t.database.db
        .selectFrom('silences')
        .select('id')
        .where('name', '=', 'db-migration')
        .executeTakeFirstOrThrow()
    ).id;
    const pruned = await apply(
      changed.filter((f) => f.path !== 'routing/silence.yaml' && f.path !== 'routing/inhibit.yaml'),
      t.admin,
      { prune: true },
    );
    expect(pruned.statusCode, pruned.body).toBe(200);
    expect(
      pruned
        .json()
        .items.filter((i: { action: string }) => i.action === 'delete')
        .map((i: { ref: string }) => i.ref),
    ).toEqual(['silence:default/db-migration', 'inhibitrule:default/database-down']);
    const kept = (await get(`/silences/${silenceId}`)).json();
    expect(kept).toMatchObject({
      name: null,
      source: 'apply',
      status: { state: 'expired' },
      comment: 'Long migration',
    });
    expect((await get('/inhibit-rules')).json()).toHaveLength(1);
    // Declaring it again makes a new managed silence; the old one stays in history.
    const again = await apply([{ path: 'routing/silence.yaml', content: MIGRATION }]);
    expect(again.json().summary.create).toBe(1);
    expect((await get('/silences?state=active')).json()).toHaveLength(1);
  });
});
