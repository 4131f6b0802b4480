/**
 * Bad input on every write route: a 4xx problem+json with a stable code, the failing field
 * paths (JSON pointers into the body) for validation errors, and nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/app.js';
import { expectProblem, problemPaths, snapshotDatabase } from '../test-support/assertions.js';
import { dropCreatedDatabases, supportedDatabases } from '../test-support/databases.js';

afterAll(dropCreatedDatabases);

type Method = 'POST' | 'PATCH' | 'DELETE';
interface Case {
  route: `${Method} ${string}`;
  why: string;
  payload?: unknown;
  status: number;
  code: string;
  /** Paths that must appear among the problem's `errors`. */
  paths?: string[];
  /** Send without credentials (login). */
  anonymous?: boolean;
}

const INVALID = 'INVALID_INPUT';
const bad = (route: Case['route'], why: string, payload: unknown, paths: string[]): Case => ({
  route,
  why,
  payload,
  status: 400,
  code: INVALID,
  paths,
});

const CASES: Case[] = [
  // ---- POST /services
  bad('POST /services', 'unknown field', { name: 'a1', colour: 'red' }, ['/colour']),
  bad('POST /services', 'missing name', { title: 'No name' }, ['/name']),
  bad('POST /services', 'upper-case name', { name: 'Checkout' }, ['/name']),
  bad('POST /services', 'underscore in name', { name: 'check_out' }, ['/name']),
  bad('POST /services', 'leading hyphen', { name: '-checkout' }, ['/name']),
  bad('POST /services', 'name of 64 characters', { name: 'a'.repeat(64) }, ['/name']),
  bad('POST /services', 'tier as a string', { name: 'a2', tier: '2' }, ['/tier']),
  bad('POST /services', 'title as a number', { name: 'a3', title: 5 }, ['/title']),
  bad('POST /services', 'tier 0', { name: 'a4', tier: 0 }, ['/tier']),
  bad('POST /services', 'tier 5', { name: 'a5', tier: 5 }, ['/tier']),
  bad('POST /services', 'fractional tier', { name: 'a6', tier: 2.5 }, ['/tier']),
  bad('POST /services', 'tags not an array', { name: 'a7', tags: 'web' }, ['/tags']),
  bad('POST /services', 'tag with a space', { name: 'a8', tags: ['Not Valid'] }, ['/tags/0']),
  bad('POST /services', 'link without url', { name: 'a9', links: [{ title: 'Runbook' }] }, ['/links/0/url']),
  bad('POST /services', 'negative revenue', { name: 'b1', business: { revenuePerHourAtRisk: -1 } }, [
    '/business/revenuePerHourAtRisk',
  ]),
  bad('POST /services', 'lower-case currency', { name: 'b2', business: { currency: 'usd' } }, [
    '/business/currency',
  ]),
  bad('POST /services', 'annotation not a string', { name: 'b3', annotations: { a: 1 } }, ['/annotations/a']),
  bad('POST /services', 'invalid namespace', { name: 'b4', namespace: 'Partner' }, ['/namespace']),
  bad('POST /services', 'dependsOn ref without name', { name: 'b5', dependsOn: ['component:'] }, [
    '/dependsOn/0',
  ]),
  {
    route: 'POST /services',
    why: 'unknown owner team',
    payload: { name: 'b6', owner: 'nobody' },
    status: 400,
    code: 'UNKNOWN_TEAM',
    paths: ['/owner'],
  },
  {
    route: 'POST /services',
    why: 'duplicate',
    payload: { name: 'checkout' },
    status: 409,
    code: 'SERVICE_EXISTS',
  },
  // ---- PATCH /services/:name
  bad('PATCH /services/checkout', 'rename', { name: 'other' }, ['/name']),
  bad('PATCH /services/checkout', 'tier 7', { tier: 7 }, ['/tier']),
  bad('PATCH /services/checkout', 'empty lifecycle', { lifecycle: '' }, ['/lifecycle']),
  bad('PATCH /services/checkout', 'dependsOn not an array', { dependsOn: 'payments' }, ['/dependsOn']),
  {
    route: 'POST /services',
    why: 'owner that is not a group, named like a team',
    payload: { name: 'b7', owner: 'user:payments' },
    status: 400,
    code: 'UNKNOWN_TEAM',
    paths: ['/owner'],
  },
  {
    route: 'PATCH /services/checkout',
    why: 'unknown owner team',
    payload: { owner: 'nobody' },
    status: 400,
    code: 'UNKNOWN_TEAM',
    paths: ['/owner'],
  },
  {
    route: 'PATCH /services/ghost',
    why: 'unknown service',
    payload: { title: 'x' },
    status: 404,
    code: 'SERVICE_NOT_FOUND',
  },
  // ---- POST /teams, PATCH /teams/:name
  bad('POST /teams', 'space in name', { name: 'payments team' }, ['/name']),
  bad('POST /teams', 'unknown field', { name: 't1', members: ['alice'] }, ['/members']),
  bad('POST /teams', 'description as a number', { name: 't2', description: 7 }, ['/description']),
  bad('POST /teams', 'links not an array', { name: 't3', links: 'x' }, ['/links']),
  { route: 'POST /teams', why: 'duplicate', payload: { name: 'payments' }, status: 409, code: 'TEAM_EXISTS' },
  bad('POST /teams', 'parent ref without a name', { name: 't4', parent: 'group:' }, ['/parent']),
  bad('PATCH /teams/payments', 'rename', { name: 'renamed' }, ['/name']),
  bad('PATCH /teams/payments', 'parent ref with an empty namespace', { parent: '/platform' }, ['/parent']),
  bad('PATCH /teams/payments', 'email as a number', { email: 5 }, ['/email']),
  { route: 'PATCH /teams/ghost', why: 'unknown team', payload: {}, status: 404, code: 'TEAM_NOT_FOUND' },
  // ---- team members
  bad('POST /teams/payments/members', 'missing user', {}, ['/user']),
  bad('POST /teams/payments/members', 'empty user', { user: '' }, ['/user']),
  bad('POST /teams/payments/members', 'unknown field', { user: 'alice', role: 'lead' }, ['/role']),
  {
    route: 'POST /teams/payments/members',
    why: 'unknown user',
    payload: { user: 'ghost' },
    status: 404,
    code: 'USER_NOT_FOUND',
  },
  {
    route: 'POST /teams/ghost/members',
    why: 'unknown team',
    payload: { user: 'alice' },
    status: 404,
    code: 'TEAM_NOT_FOUND',
  },
  { route: 'DELETE /teams/payments/members/ghost', why: 'unknown user', status: 404, code: 'USER_NOT_FOUND' },
  // ---- users
  bad('POST /users', 'space in name', { name: 'bad name' }, ['/name']),
  bad('POST /users', 'unknown role', { name: 'bob', role: 'root' }, ['/role']),
  bad('POST /users', 'password under 12 characters', { name: 'bob', password: 'short-pw' }, ['/password']),
  bad('POST /users', 'teams not an array', { name: 'bob', teams: 'payments' }, ['/teams']),
  bad('POST /users', 'unknown field', { name: 'bob', isAdmin: true }, ['/isAdmin']),
  {
    route: 'POST /users',
    why: 'unknown team',
    payload: { name: 'bob', teams: ['payments', 'nowhere'] },
    status: 400,
    code: 'UNKNOWN_TEAM',
    paths: ['/teams/1'],
  },
  bad('POST /users', 'team ref without a name', { name: 'bob', teams: ['group:'] }, ['/teams/0']),
  {
    route: 'POST /users',
    why: 'a team ref of another kind',
    payload: { name: 'bob', teams: ['user:payments'] },
    status: 400,
    code: 'UNKNOWN_TEAM',
    paths: ['/teams/0'],
  },
  { route: 'POST /users', why: 'duplicate', payload: { name: 'alice' }, status: 409, code: 'USER_EXISTS' },
  bad('PATCH /users/alice', 'unknown role', { role: 'owner' }, ['/role']),
  bad('PATCH /users/alice', 'rename', { name: 'alicia' }, ['/name']),
  bad('PATCH /users/alice', 'short password', { password: 'short' }, ['/password']),
  {
    route: 'PATCH /users/alice',
    why: 'unknown team',
    payload: { teams: ['nowhere'] },
    status: 400,
    code: 'UNKNOWN_TEAM',
    paths: ['/teams/0'],
  },
  { route: 'PATCH /users/ghost', why: 'unknown user', payload: {}, status: 404, code: 'USER_NOT_FOUND' },
  // ---- tokens
  bad('POST /tokens', 'missing name', {}, ['/name']),
  bad('POST /tokens', 'empty name', { name: '' }, ['/name']),
  bad('POST /tokens', 'expiry of 0 days', { name: 'ci', expiresInDays: 0 }, ['/expiresInDays']),
  bad('POST /tokens', 'expiry over ten years', { name: 'ci', expiresInDays: 3651 }, ['/expiresInDays']),
  bad('POST /tokens', 'expiry as a string', { name: 'ci', expiresInDays: '30' }, ['/expiresInDays']),
  bad('POST /tokens', 'unknown field', { name: 'ci', scope: 'all' }, ['/scope']),
  {
    route: 'POST /tokens',
    why: 'unknown user',
    payload: { name: 'ci', user: 'ghost' },
    status: 404,
    code: 'USER_NOT_FOUND',
  },
  { route: 'DELETE /tokens/no-such-token', why: 'unknown token', status: 404, code: 'TOKEN_NOT_FOUND' },
  // ---- login
  { ...bad('POST /auth/login', 'missing password', { user: 'alice' }, ['/password']), anonymous: true },
  {
    ...bad('POST /auth/login', 'password as a number', { user: 'alice', password: 123456789012 }, [
      '/password',
    ]),
    anonymous: true,
  },
  {
    ...bad('POST /auth/login', 'unknown field', { user: 'alice', password: 'x', remember: true }, [
      '/remember',
    ]),
    anonymous: true,
  },
  { ...bad('POST /auth/login', 'empty user', { user: '', password: 'x' }, ['/user']), anonymous: true },
];

describe.each(supportedDatabases())('bad input on $name', ({ name, available }) => {
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

  for (const c of CASES) {
    it.runIf(available)(`${c.route}: ${c.why} → ${c.status} ${c.code}`, async () => {
      const [method, path] = c.route.split(' ') as [Method, string];
      const before = await snapshotDatabase(t.database.db);
      const res = await t.app.inject({
        method,
        url: `/api/v1${path}`,
        headers: c.anonymous ? {} : t.admin,
        ...(c.payload !== undefined && { payload: c.payload as object }),
      });
      const problem = expectProblem(res, c.status, c.code);
      if (c.paths) expect(problemPaths(problem)).toEqual(expect.arrayContaining(c.paths));
      if (c.status === 400 && c.code === INVALID) {
        for (const e of problem.errors ?? []) expect(e.message.length).toBeGreaterThan(0);
      }
      expect(await snapshotDatabase(t.database.db)).toEqual(before);
    });
  }

  it.runIf(available)('every validation problem is reported at once, not only the first', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/services',
      headers: t.admin,
      payload: { name: 'Bad Name', tier: 9, colour: 'red' },
    });
    const problem = expectProblem(res, 400, INVALID);
    expect(problemPaths(problem).sort()).toEqual(['/colour', '/name', '/tier']);
  });
});
