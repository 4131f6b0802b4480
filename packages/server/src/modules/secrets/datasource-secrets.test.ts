/**
 * DataSource credentials at rest: sealed in the rows, never in API answers or exports, a
 * re-applied export keeps them, and polling still sends them to Prometheus (a stand-in server
 * that records each request's headers). On every database.
 */
import http from 'node:http';
import type net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { apply } from '../../test-support/apply.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { catalog } from '../../test-support/openslo.js';
import { getPollState } from '../prometheus/poll-state.js';
import { PrometheusPoller } from '../prometheus/poller.js';
import { loadPrometheusSlis } from '../prometheus/service.js';
import { REDACTED } from './connection-details.js';

afterAll(dropCreatedDatabases);

/** A stand-in Prometheus: counters growing by 10 a minute; every request's headers are kept. */
let fake: http.Server;
let fakeUrl: string;
const seen: http.IncomingHttpHeaders[] = [];
beforeAll(async () => {
  fake = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      seen.push(req.headers);
      const form = new URLSearchParams(body);
      const values: [number, string][] = [];
      for (let t = Number(form.get('start')); t <= Number(form.get('end')); t += Number(form.get('step')))
        values.push([t, String((t / 60) * 10)]);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          status: 'success',
          data: { resultType: 'matrix', result: [{ metric: {}, values }] },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  fakeUrl = `http://127.0.0.1:${(fake.address() as net.AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => fake.close(resolve)));

const TOKEN = 'Bearer s3cret-token-0123';
const PASSWORD = 'pw-basic-4567';

const dataSource = (name: string, details: string) => `apiVersion: openslo/v1
kind: DataSource
metadata:
  name: ${name}
spec:
  type: Prometheus
  connectionDetails:
${details}
`;

const slo = (name: string, source: string) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: web-shop
  indicator:
    metadata:
      name: ${name}-sli
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            metricSourceRef: ${source}
            spec:
              query: good_total
        total:
          metricSource:
            metricSourceRef: ${source}
            spec:
              query: all_total
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.9
`;

const files = (token = TOKEN) => [
  catalog,
  {
    path: 'sources.yaml',
    content: `${dataSource(
      'prom-token',
      `    url: ${fakeUrl}\n    headers:\n      Authorization: ${token}\n      X-Scope-OrgID: tenant-a`,
    )}---\n${dataSource('prom-basic', `    - url: ${fakeUrl}\n    - basicAuth:\n        username: reader\n        password: ${PASSWORD}`)}`,
  },
  { path: 'slos.yaml', content: `${slo('shop-token', 'prom-token')}---\n${slo('shop-basic', 'prom-basic')}` },
];

describe.each(supportedDatabases())('DataSource credentials on $name', ({ name, available }) => {
  let t: TestApp;
  beforeEach(async () => {
    if (!available) return;
    t = await startTestApp(name);
    const res = await apply(t, files());
    expect(res.statusCode, res.body).toBe(200);
  });
  afterEach(async () => {
    if (available) await t.close();
  });

  /** One poll of every Prometheus-backed SLO; the headers Prometheus saw, by SLO. */
  const poll = async (app = t) => {
    seen.length = 0;
    const db = app.database.db;
    await new PrometheusPoller({ db, slis: () => loadPrometheusSlis(db), initialLookbackMinutes: 5 }).tick();
    return seen;
  };
  const rows = async () =>
    JSON.stringify(
      await t.database.db
        .selectFrom('openslo_objects')
        .selectAll()
        .where('kind', '=', 'DataSource')
        .execute(),
    );

  it.runIf(available)('stores them sealed, and polling still sends them', async () => {
    const stored = await rows();
    expect(stored).not.toContain('s3cret-token');
    expect(stored).not.toContain(PASSWORD);
    expect(stored.match(/enc:v1:[0-9a-f]{16}:/g)).toHaveLength(2 * 3); // definition and document, 3 secrets
    expect(stored).toContain('reader'); // a username is no secret
    const audit = JSON.stringify(await t.database.db.selectFrom('audit_log').selectAll().execute());
    expect(audit).not.toContain('s3cret-token');

    const headers = await poll();
    const basic = `Basic ${Buffer.from(`reader:${PASSWORD}`).toString('base64')}`;
    expect(headers.map((h) => h.authorization).sort()).toEqual([basic, basic, TOKEN, TOKEN]);
    expect(headers.filter((h) => h['x-scope-orgid'] === 'tenant-a')).toHaveLength(2);
    expect((await getPollState(t.database.db, 'shop-token'))?.lastError).toBeNull();
  });

  it.runIf(available)(
    'answers and exports show <redacted>; re-applying the export keeps the value',
    async () => {
      const slos = await t.app.inject({ method: 'GET', url: '/api/v1/slos', headers: t.admin });
      expect(slos.body).not.toMatch(/s3cret|pw-basic|enc:v1/);
      const exported = await t.app.inject({ method: 'GET', url: '/api/v1/export/openslo', headers: t.admin });
      expect(exported.statusCode).toBe(200);
      const yaml = exported.body;
      expect(yaml).not.toMatch(/s3cret|pw-basic|enc:v1/);
      expect(yaml).toContain(`Authorization: ${REDACTED}`);
      expect(yaml).toContain(`password: ${REDACTED}`);
      expect(yaml).toContain('X-Scope-OrgID: <redacted>'); // every header may be a credential
      expect(yaml).toContain(`DataSource credentials are shown as ${REDACTED}`);

      const again = await apply(t, [{ path: 'export.yaml', content: yaml }]);
      expect(again.statusCode, again.body).toBe(200);
      expect(again.json().summary).toMatchObject({ create: 0, update: 0, delete: 0 });
      expect(again.json().warnings).toEqual([]);
      // An edit of the exported file (another header) with the credentials left redacted.
      const edited = yaml.replace('X-Scope-OrgID: <redacted>', 'X-Scope-OrgID: tenant-b');
      const update = await apply(t, [{ path: 'export.yaml', content: edited }]);
      expect(update.json().items).toContainEqual(
        expect.objectContaining({ action: 'update', ref: 'datasource:default/prom-token' }),
      );
      const headers = await poll();
      expect(headers.map((h) => h.authorization)).toContain(TOKEN);
      expect(headers.filter((h) => h['x-scope-orgid'] === 'tenant-b')).toHaveLength(2);
      expect(await rows()).not.toContain('s3cret-token');
    },
  );

  it.runIf(available)(
    'a new value replaces the held one; a redacted one with nothing held is a warning',
    async () => {
      const changed = await apply(t, files('Bearer rotated-9999'));
      expect(changed.json().items).toContainEqual(
        expect.objectContaining({ action: 'update', ref: 'datasource:default/prom-token' }),
      );
      expect((await poll()).map((h) => h.authorization)).toContain('Bearer rotated-9999');

      // The export applied to a Headroom that never held the credentials.
      const yaml = (await t.app.inject({ method: 'GET', url: '/api/v1/export/openslo', headers: t.admin }))
        .body;
      const other = await startTestApp(name);
      try {
        const res = await apply(other, [{ path: 'export.yaml', content: yaml }]);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json().warnings).toContainEqual(
          expect.objectContaining({
            file: 'export.yaml',
            message: expect.stringContaining(
              "DataSource 'prom-token': connectionDetails.headers.Authorization, connectionDetails.headers.X-Scope-OrgID are '<redacted>'",
            ),
          }),
        );
        expect(await poll(other)).toEqual([]); // nothing is sent without the credentials
        const state = await getPollState(other.database.db, 'shop-token');
        expect(state?.lastError).toMatch(
          /DataSource prom-token: connectionDetails\.headers\.Authorization has no value .*apply the DataSource with the value/,
        );
      } finally {
        await other.close();
      }
    },
  );
});
