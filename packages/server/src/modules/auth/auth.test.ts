/**
 * Authentication: the bootstrap admin, API tokens (hashed, shown once, revocable, expiring,
 * last-used time), password login with an HttpOnly SameSite=Lax session cookie, CSRF on
 * cookie-authenticated writes, and logout.
 */
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { migrateToLatest, openDatabase } from '../../db/index.js';
import { ADMIN_TOKEN, startTestApp, type TestApp, testConfig } from '../../test-support/app.js';
import { expectProblem, snapshotDatabase } from '../../test-support/assertions.js';
import {
  dropCreatedDatabases,
  freshDatabase,
  freshDatabaseUrl,
  supportedDatabases,
} from '../../test-support/databases.js';

afterAll(dropCreatedDatabases);

const PASSWORD = 'correct horse battery staple';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function sessionCookie(res: LightMyRequestResponse) {
  return res.cookies.find((c) => c.name === 'headroom_session');
}

describe.each(supportedDatabases())('bootstrap admin on $name', ({ name, available }) => {
  it.runIf(available)('HEADROOM_ADMIN_TOKEN becomes the admin token and is not echoed back', async () => {
    const t = await startTestApp(name);
    try {
      expect(t.app.headroom.bootstrap).toEqual({ created: true });
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/whoami', headers: t.admin });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ user: 'admin', role: 'admin', via: 'token' });
    } finally {
      await t.close();
    }
  });

  it.runIf(available)('without it a token is generated; a second start creates no other admin', async () => {
    const database = await freshDatabase(name);
    try {
      const first = await buildApp({
        config: testConfig({ adminToken: undefined }),
        database,
        logger: false,
      });
      const generated = first.headroom.bootstrap.generatedToken;
      expect(first.headroom.bootstrap.created).toBe(true);
      expect(generated).toMatch(/^hr_[A-Za-z0-9_-]{43}$/);
      const who = await first.inject({
        method: 'GET',
        url: '/api/v1/auth/whoami',
        headers: bearer(generated!),
      });
      expect(who.json()).toMatchObject({ user: 'admin', role: 'admin' });
      await first.close();

      const second = await buildApp({
        config: testConfig({ adminToken: 'a-different-admin-token-0123' }),
        database,
        logger: false,
      });
      try {
        expect(second.headroom.bootstrap).toEqual({ created: false });
        const users = await database.db.selectFrom('users').select(['name', 'role']).execute();
        expect(users).toEqual([{ name: 'admin', role: 'admin' }]);
        expect(await database.db.selectFrom('api_tokens').select('id').execute()).toHaveLength(1);
        const other = await second.inject({
          method: 'GET',
          url: '/api/v1/auth/whoami',
          headers: bearer('a-different-admin-token-0123'),
        });
        expectProblem(other, 401, 'INVALID_TOKEN');
        const again = await second.inject({
          method: 'GET',
          url: '/api/v1/auth/whoami',
          headers: bearer(generated!),
        });
        expect(again.statusCode).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      await database.close();
    }
  });

  it.runIf(available)(
    'two processes starting at once on an empty database make exactly one admin',
    async () => {
      // PostgreSQL: two connection pools, as two processes would have. SQLite is one process.
      const url = await freshDatabaseUrl(name);
      const first = openDatabase(url);
      const second = name === 'postgres' ? openDatabase(url) : first;
      try {
        await migrateToLatest(first.db);
        await sql`select 1`.execute(second.db);
        const apps = await Promise.all(
          [first, second].map((database) =>
            buildApp({ config: testConfig({ adminToken: undefined }), database, logger: false }),
          ),
        );
        expect(apps.map((a) => a.headroom.bootstrap.created).sort()).toEqual([false, true]);
        expect(await first.db.selectFrom('users').select('id').execute()).toHaveLength(1);
        expect(await first.db.selectFrom('api_tokens').select('id').execute()).toHaveLength(1);
        for (const app of apps) await app.close();
      } finally {
        await first.close();
        if (second !== first) await second.close();
      }
    },
  );

  it.runIf(available)(
    'an HEADROOM_ADMIN_TOKEN under 16 characters is refused and nothing is written',
    async () => {
      const database = await freshDatabase(name);
      try {
        await expect(
          buildApp({ config: testConfig({ adminToken: 'too-short' }), database, logger: false }),
        ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
        expect(await database.db.selectFrom('users').select('id').execute()).toEqual([]);
      } finally {
        await database.close();
      }
    },
  );
});

describe.each(supportedDatabases())('tokens and sessions on $name', ({ name, available }) => {
  let t: TestApp;
  let viewer: { authorization: string };

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    const post = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url, headers: t.admin, payload });
    expect((await post('/api/v1/teams', { name: 'payments' })).statusCode).toBe(201);
    const erin = await post('/api/v1/users', {
      name: 'erin',
      role: 'editor',
      teams: ['payments'],
      password: PASSWORD,
    });
    expect(erin.statusCode).toBe(201);
    expect(erin.json()).toMatchObject({ hasPassword: true });
    expect(JSON.stringify(erin.json())).not.toContain(PASSWORD);
    viewer = await t.userWithToken('vic', 'viewer');
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  const whoami = (headers: Record<string, string>, cookies?: Record<string, string>) =>
    t.app.inject({ method: 'GET', url: '/api/v1/auth/whoami', headers, ...(cookies && { cookies }) });

  async function createToken(headers: Record<string, string>, payload: object) {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/tokens', headers, payload });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as {
      token: string;
      info: { id: string; user: string; prefix: string; expiresAt: string | null };
    };
  }

  it.runIf(available)(
    'a token is shown once, stored only as a hash and listed without its secret',
    async () => {
      const { token, info } = await createToken(viewer, { name: 'laptop' });
      expect(info).not.toHaveProperty('token');
      expect(info).toMatchObject({ user: 'vic', prefix: token.slice(0, 10), expiresAt: null });
      expect((await whoami(bearer(token))).json()).toMatchObject({ user: 'vic', role: 'viewer' });

      const listed = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: viewer });
      expect(listed.statusCode).toBe(200);
      expect(listed.json().map((x: { id: string }) => x.id)).toContain(info.id);
      expect(listed.json().every((x: { user: string }) => x.user === 'vic')).toBe(true);
      const adminList = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: t.admin });
      expect(adminList.json().map((x: { user: string }) => x.user)).toContain('admin');
      for (const secret of [token, ADMIN_TOKEN]) {
        expect(listed.body + adminList.body).not.toContain(secret);
      }

      const rows = await t.database.db.selectFrom('api_tokens').selectAll().execute();
      for (const row of rows) {
        expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
        for (const value of Object.values(row)) {
          for (const secret of [token, ADMIN_TOKEN]) expect(String(value)).not.toContain(secret);
        }
      }
    },
  );

  it.runIf(available)('a revoked token is refused with 401 INVALID_TOKEN', async () => {
    const { token, info } = await createToken(viewer, { name: 'short-lived' });
    expect((await whoami(bearer(token))).statusCode).toBe(200);
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${info.id}`,
      headers: viewer,
    });
    expect(revoke.statusCode).toBe(204);
    expectProblem(await whoami(bearer(token)), 401, 'INVALID_TOKEN');
    const row = await t.database.db
      .selectFrom('api_tokens')
      .select('revoked_at')
      .where('id', '=', info.id)
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).toEqual(expect.any(Number));
  });

  it.runIf(available)('an expired token is refused with 401', async () => {
    const { token, info } = await createToken(viewer, { name: 'expiring', expiresInDays: 1 });
    const expiresIn = Date.parse(info.expiresAt!) - Date.now();
    expect(expiresIn).toBeGreaterThan(86_400_000 - 60_000);
    expect(expiresIn).toBeLessThanOrEqual(86_400_000);
    expect((await whoami(bearer(token))).statusCode).toBe(200);
    await t.database.db
      .updateTable('api_tokens')
      .set({ expires_at: Date.now() - 1 })
      .where('id', '=', info.id)
      .execute();
    expectProblem(await whoami(bearer(token)), 401, 'TOKEN_EXPIRED');
  });

  it.runIf(available)('last_used_at is empty until the token is used, then set', async () => {
    const { token, info } = await createToken(t.admin, { name: 'ci', user: 'vic' });
    const lastUsed = async () =>
      (
        await t.database.db
          .selectFrom('api_tokens')
          .select('last_used_at')
          .where('id', '=', info.id)
          .executeTakeFirstOrThrow()
      ).last_used_at;
    expect(await lastUsed()).toBeNull();
    const before = Date.now();
    expect((await whoami(bearer(token))).json()).toMatchObject({ user: 'vic' });
    expect(await lastUsed()).toBeGreaterThanOrEqual(before);
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: viewer });
    const mine = listed.json().find((x: { id: string }) => x.id === info.id);
    expect(Date.parse(mine.lastUsedAt)).toBeGreaterThanOrEqual(before - 1);
  });

  it.runIf(available)('a viewer cannot create or revoke tokens of another user', async () => {
    const adminToken = (
      await t.database.db
        .selectFrom('api_tokens')
        .select('id')
        .where('name', '=', 'bootstrap')
        .executeTakeFirstOrThrow()
    ).id;
    const before = await snapshotDatabase(t.database.db);
    const create = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: viewer,
      payload: { name: 'stolen', user: 'admin' },
    });
    expectProblem(create, 403, 'FORBIDDEN');
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${adminToken}`,
      headers: viewer,
    });
    expectProblem(revoke, 403, 'FORBIDDEN');
    expect(await snapshotDatabase(t.database.db)).toEqual(before);
    expect((await whoami(t.admin)).statusCode).toBe(200);
  });

  it.runIf(available)('a malformed or unknown Authorization header is 401', async () => {
    for (const header of [
      'Basic dXNlcjpwYXNz',
      'Bearer',
      'Bearer ',
      'Bearer a b',
      'Token abc',
      `Bearer ${ADMIN_TOKEN}x`,
    ]) {
      expectProblem(await whoami({ authorization: header }), 401, 'INVALID_TOKEN');
    }
    expectProblem(await whoami({}), 401, 'UNAUTHENTICATED');
  });

  async function login(user = 'erin', password = PASSWORD) {
    return t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { user, password } });
  }

  it.runIf(available)(
    'password login sets an HttpOnly SameSite=Lax cookie that authenticates reads',
    async () => {
      const res = await login();
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ user: 'erin', csrfToken: expect.any(String) });
      expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());
      const raw = String(res.headers['set-cookie']);
      expect(raw).toMatch(/^headroom_session=/);
      expect(raw).toMatch(/;\s*HttpOnly/i);
      expect(raw).toMatch(/;\s*SameSite=Lax/i);
      expect(raw).toMatch(/;\s*Path=\//i);
      const cookie = sessionCookie(res)!;
      // The session id is stored hashed, like tokens.
      for (const row of await t.database.db.selectFrom('sessions').selectAll().execute()) {
        for (const value of Object.values(row)) expect(String(value)).not.toContain(cookie.value);
      }
      const who = await whoami({}, { headroom_session: cookie.value });
      expect(who.statusCode).toBe(200);
      expect(who.json()).toMatchObject({ user: 'erin', role: 'editor', teams: ['payments'], via: 'session' });
      expect(who.json().csrfToken).toBe(body.csrfToken);
    },
  );

  it.runIf(available)('a cookie-authenticated write needs X-CSRF-Token', async () => {
    const res = await login();
    const cookies = { headroom_session: sessionCookie(res)!.value };
    const { csrfToken } = res.json();
    const create = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/services',
        headers,
        cookies,
        payload: { name: 'cookie-made', owner: 'payments' },
      });
    const before = await snapshotDatabase(t.database.db);
    expectProblem(await create({}), 403, 'CSRF_FAILED');
    expectProblem(await create({ 'x-csrf-token': 'not-the-token' }), 403, 'CSRF_FAILED');
    expect(await snapshotDatabase(t.database.db)).toEqual(before);
    const ok = await create({ 'x-csrf-token': csrfToken });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ name: 'cookie-made', ownerTeam: 'payments' });
  });

  it.runIf(available)('a wrong password, an unknown user or a user without a password is 401', async () => {
    const before = await snapshotDatabase(t.database.db);
    for (const [user, password] of [
      ['erin', 'wrong horse battery staple'],
      ['nobody', PASSWORD],
      ['vic', PASSWORD],
    ] as const) {
      const res = await login(user, password);
      expectProblem(res, 401, 'INVALID_CREDENTIALS');
      expect(sessionCookie(res)).toBeUndefined();
    }
    expect(await snapshotDatabase(t.database.db)).toEqual(before);
  });

  it.runIf(available)('logout ends the session and clears the cookie', async () => {
    const res = await login();
    const cookies = { headroom_session: sessionCookie(res)!.value };
    expect((await whoami({}, cookies)).statusCode).toBe(200);
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies });
    expect(out.statusCode).toBe(204);
    const cleared = sessionCookie(out)!;
    expect(cleared.value).toBe('');
    expect(cleared.expires!.getTime()).toBeLessThanOrEqual(Date.now());
    expectProblem(await whoami({}, cookies), 401, 'UNAUTHENTICATED');
  });

  it.runIf(available)('an expired session is 401', async () => {
    const res = await login();
    const cookies = { headroom_session: sessionCookie(res)!.value };
    await t.database.db
      .updateTable('sessions')
      .set({ expires_at: Date.now() - 1 })
      .execute();
    expectProblem(await whoami({}, cookies), 401, 'UNAUTHENTICATED');
  });

  it.runIf(available)('a new password ends the user’s sessions; login and logout are audited', async () => {
    const res = await login();
    const cookies = { headroom_session: sessionCookie(res)!.value };
    const audit = async () =>
      (
        await t.app.inject({ method: 'GET', url: '/api/v1/audit?targetKind=user&limit=5', headers: t.admin })
      ).json() as { action: string; actor: string }[];
    expect((await audit())[0]).toMatchObject({ action: 'auth.login', actor: 'erin' });
    const changed = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/erin',
      headers: t.admin,
      payload: { password: `${PASSWORD}-new` },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expectProblem(await whoami({}, cookies), 401, 'UNAUTHENTICATED');
    const again = await login('erin', `${PASSWORD}-new`);
    expect(again.statusCode).toBe(200);
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies: { headroom_session: sessionCookie(again)!.value },
    });
    expect(out.statusCode).toBe(204);
    expect((await audit())[0]).toMatchObject({ action: 'auth.logout', actor: 'erin' });
    await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/erin',
      headers: t.admin,
      payload: { password: PASSWORD },
    });
  });

  // Last in this file: it leaves 127.0.0.1 throttled for this app.
  it.runIf(available)(
    'repeated failed logins are refused with 429 and Retry-After, even with the right password',
    async () => {
      let last = await login('erin', 'wrong horse battery staple');
      for (let i = 0; i < 6 && last.statusCode === 401; i++)
        last = await login('erin', 'wrong horse battery staple');
      expectProblem(last, 429, 'TOO_MANY_ATTEMPTS');
      expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
      expectProblem(await login(), 429, 'TOO_MANY_ATTEMPTS');
    },
  );
});
