/** /healthz, /readyz, /metrics and the OpenAPI document. */
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';

afterAll(dropCreatedDatabases);

/** Every [method, path] fastify serves, from its route tree, with `:param` as OpenAPI's `{param}`. */
function servedRoutes(tree: string): [string, string][] {
  const prefixes: string[] = [];
  const out: [string, string][] = [];
  for (const line of tree.split('\n')) {
    const match = /^(.*?)(?:├── |└── )(\S+) \(([^)]+)\)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const path = (prefixes[depth - 1] ?? '') + match[2]!;
    prefixes[depth] = path;
    for (const method of match[3]!.split(', ')) out.push([method, path.replace(/:(\w+)/g, '{$1}')]);
  }
  return out;
}

describe.each(supportedDatabases())('health, metrics and OpenAPI on $name', ({ name, available }) => {
  let t: TestApp;

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('/healthz answers without credentials', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it.runIf(available)('/readyz checks the database and the migrations', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
  });

  it.runIf(available)('/readyz is 503 when the database cannot be reached', async () => {
    const broken = await startTestApp(name);
    try {
      await broken.database.close();
      const res = await broken.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      const body = res.json();
      expect(body.status).toBe('not ready');
      expect(body.checks.database).toMatch(/^unreachable/);
      expect((await broken.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await broken.app.close();
    }
  });

  it.runIf(available)('/metrics has the request latency histogram labelled by route template', async () => {
    const services = await t.app.inject({
      method: 'GET',
      url: '/api/v1/services/checkout',
      headers: t.admin,
    });
    expect(services.statusCode).toBe(404);
    await t.app.inject({ method: 'GET', url: '/api/v1/teams', headers: t.admin });
    await t.app.inject({ method: 'GET', url: '/no/such/page' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toContain('# TYPE headroom_http_request_duration_seconds histogram');
    const count = (labels: string) =>
      new RegExp(`^headroom_http_request_duration_seconds_count\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1];
    expect(count('method="GET",route="/api/v1/teams",status_code="200"')).toBe('1');
    // The template, not the URL, so label values stay bounded.
    expect(count('method="GET",route="/api/v1/services/:name",status_code="404"')).toBe('1');
    expect(count('method="GET",route="unmatched",status_code="404"')).toBe('1');
    expect(text).not.toContain('route="/api/v1/services/checkout"');
    expect(text).toMatch(/^headroom_process_cpu_user_seconds_total /m);
  });

  it.runIf(available)(
    '/api/v1/openapi.json is valid OpenAPI 3.1 and documents every /api/v1 route',
    async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(doc.openapi).toMatch(/^3\.1\./);
      const validator = new Validator();
      const result = await validator.validate(structuredClone(doc));
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      expect(() => validator.resolveRefs()).not.toThrow();

      const served = servedRoutes(t.app.printRoutes({ commonPrefix: false })).filter(
        ([method, path]) =>
          path.startsWith('/api/v1/') && method !== 'HEAD' && path !== '/api/v1/openapi.json',
      );
      expect(served.length).toBeGreaterThanOrEqual(20);
      const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
        ([path, ops]) => Object.keys(ops).map((m) => [m.toUpperCase(), path] as [string, string]),
      );
      for (const route of served) expect(documented).toContainEqual(route);

      // Each operation that can be refused documents its problem+json answers and how to authenticate.
      const problem = { $ref: '#/components/schemas/Problem' };
      // Alert intake authenticates by an integration's secret: a bearer token, or (PagerDuty) the routing key in the body.
      const intake: Record<string, unknown[]> = {
        '/api/v1/integrations/alertmanager': [{ integration: [] }],
        '/api/v1/integrations/generic': [{ integration: [] }],
        '/api/v1/integrations/pagerduty/enqueue': [],
      };
      for (const [method, path] of served) {
        if (path === '/api/v1/auth/logout') continue; // public and always 204
        const op = doc.paths[path][method.toLowerCase()];
        const where = `${method} ${path}`;
        if (method === 'POST' && intake[path]) {
          expect(op.security, where).toEqual(intake[path]);
          continue;
        }
        expect(op.responses['401']?.content, where).toEqual({
          'application/problem+json': { schema: problem },
        });
        if (path !== '/api/v1/auth/login')
          expect(op.security, where).toEqual([{ bearer: [] }, { session: [] }]);
      }
    },
  );
});
