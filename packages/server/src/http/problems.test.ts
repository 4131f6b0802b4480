/**
 * What every write route answers to a body it cannot read: malformed or empty JSON (400
 * INVALID_JSON), a content type other than JSON (415), a body over 1 MiB (413); and unknown
 * routes (404 ROUTE_NOT_FOUND). Always problem+json, always nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/app.js';
import { expectProblem, snapshotDatabase } from '../test-support/assertions.js';
import { dropCreatedDatabases, supportedDatabases } from '../test-support/databases.js';

afterAll(dropCreatedDatabases);

const WRITE_ROUTES = [
  'POST /services',
  'PATCH /services/checkout',
  'POST /teams',
  'PATCH /teams/payments',
  'POST /teams/payments/members',
  'POST /users',
  'PATCH /users/alice',
  'POST /tokens',
  'POST /auth/login',
] as const;

const MiB = 1024 * 1024;

const UNREADABLE: { why: string; contentType: string; body: string; status: number; code: string }[] = [
  {
    why: 'malformed JSON',
    contentType: 'application/json',
    body: '{"name":',
    status: 400,
    code: 'INVALID_JSON',
  },
  {
    why: 'trailing garbage',
    contentType: 'application/json',
    body: '{"name":"x"} x',
    status: 400,
    code: 'INVALID_JSON',
  },
  { why: 'empty JSON body', contentType: 'application/json', body: '', status: 400, code: 'INVALID_JSON' },
  {
    why: 'text/plain',
    contentType: 'text/plain',
    body: '{"name":"x"}',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    why: 'XML',
    contentType: 'application/xml',
    body: '<name>x</name>',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    why: 'a form',
    contentType: 'application/x-www-form-urlencoded',
    body: 'name=x',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    why: 'a body over 1 MiB',
    contentType: 'application/json',
    body: JSON.stringify({ description: 'a'.repeat(MiB) }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
];

describe.each(supportedDatabases())('unreadable requests on $name', ({ name, available }) => {
  let t: TestApp;

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: t.admin, payload });
    expect((await post('/api/v1/teams', { name: 'payments' })).statusCode).toBe(201);
    expect((await post('/api/v1/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
    expect((await post('/api/v1/users', { name: 'alice' })).statusCode).toBe(201);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  for (const route of WRITE_ROUTES) {
    for (const u of UNREADABLE) {
      it.runIf(available)(`${route} with ${u.why} → ${u.status} ${u.code}`, async () => {
        const [method, path] = route.split(' ') as ['POST' | 'PATCH', string];
        const before = await snapshotDatabase(t.database.db);
        const res = await t.app.inject({
          method,
          url: `/api/v1${path}`,
          headers: { ...t.admin, 'content-type': u.contentType },
          payload: u.body,
        });
        expectProblem(res, u.status, u.code);
        expect(await snapshotDatabase(t.database.db)).toEqual(before);
      });
    }
  }

  it.runIf(available)('a body of exactly 1 MiB is accepted', async () => {
    const shell = JSON.stringify({ name: 'big', description: '' });
    const payload = JSON.stringify({ name: 'big', description: 'a'.repeat(MiB - shell.length) });
    expect(Buffer.byteLength(payload)).toBe(MiB);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/services',
      headers: { ...t.admin, 'content-type': 'application/json' },
      payload,
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    expect(res.json().description).toHaveLength(MiB - shell.length);
  });

  it.runIf(available)('a JSON content type with parameters is accepted', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/services',
      headers: { ...t.admin, 'content-type': 'application/json; charset=utf-8' },
      payload: JSON.stringify({ name: 'charset' }),
    });
    expect(res.statusCode, res.body).toBe(201);
  });

  const UNKNOWN_ROUTES: ['GET' | 'POST' | 'PUT' | 'DELETE', string][] = [
    ['GET', '/api/v1/nope'],
    ['GET', '/api/v2/services'],
    ['POST', '/api/v1/services/checkout/nope'],
    ['PUT', '/api/v1/services/checkout'],
    ['DELETE', '/api/v1/services'],
    ['GET', '/nope'],
  ];
  for (const [method, url] of UNKNOWN_ROUTES) {
    it.runIf(available)(`${method} ${url} → 404 ROUTE_NOT_FOUND`, async () => {
      const res = await t.app.inject({
        method,
        url,
        headers: t.admin,
        ...(method === 'POST' || method === 'PUT' ? { payload: {} } : {}),
      });
      expectProblem(res, 404, 'ROUTE_NOT_FOUND');
    });
  }

  it.runIf(available)(
    'a URL that is not valid percent-encoding is a 400 problem, not fastify’s own JSON',
    async () => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/services/%E0%A4%A', headers: t.admin });
      expectProblem(res, 400, 'BAD_URL');
    },
  );

  it.runIf(available)('a path parameter longer than any ref can be is a 414 problem', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/services/${'x'.repeat(600)}`,
      headers: t.admin,
    });
    expectProblem(res, 414, 'URI_TOO_LONG');
  });

  it.runIf(available)('a caller’s x-request-id is kept when sane and replaced when not', async () => {
    const get = (id: string) =>
      t.app.inject({ method: 'GET', url: '/api/v1/services', headers: { ...t.admin, 'x-request-id': id } });
    expect((await get('ci-run-42.step:7')).headers['x-request-id']).toBe('ci-run-42.step:7');
    for (const unsafe of ['a'.repeat(5000), 'two words', '<script>']) {
      expect((await get(unsafe)).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it.runIf(available)('an unknown /api route without credentials is 401, not a map of the API', async () => {
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/nope' }), 401, 'UNAUTHENTICATED');
  });
});
