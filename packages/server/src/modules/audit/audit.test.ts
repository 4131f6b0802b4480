/** The audit log: every write leaves who, what, which target and the request id; refusals leave nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { expectProblem } from '../../test-support/assertions.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';

afterAll(dropCreatedDatabases);

interface Write {
  method: 'POST' | 'PATCH' | 'DELETE';
  url: string | (() => string);
  payload?: object;
  action: string;
  targetKind: string;
  targetRef: string | (() => string);
  detail?: Record<string, unknown>;
}

interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  targetKind: string;
  targetRef: string;
  detail: Record<string, unknown>;
  requestId: string | null;
}

const SECRET_PASSWORD = 'never-in-the-audit-log';
let tokenId = '';

// In order: later writes act on what earlier ones made.
const WRITES: Write[] = [
  {
    method: 'POST',
    url: '/teams',
    payload: { name: 'payments' },
    action: 'team.create',
    targetKind: 'team',
    targetRef: 'group:default/payments',
  },
  {
    method: 'PATCH',
    url: '/teams/payments',
    payload: { title: 'Payments' },
    action: 'team.update',
    targetKind: 'team',
    targetRef: 'group:default/payments',
    detail: { changed: ['title'] },
  },
  {
    method: 'POST',
    url: '/users',
    payload: { name: 'alice', role: 'editor' },
    action: 'user.create',
    targetKind: 'user',
    targetRef: 'user:default/alice',
    detail: { role: 'editor', teams: [] },
  },
  {
    method: 'PATCH',
    url: '/users/alice',
    payload: { displayName: 'Alice', password: SECRET_PASSWORD },
    action: 'user.update',
    targetKind: 'user',
    targetRef: 'user:default/alice',
    detail: { changed: ['displayName', 'password'] },
  },
  {
    method: 'POST',
    url: '/teams/payments/members',
    payload: { user: 'alice' },
    action: 'team.member.add',
    targetKind: 'team',
    targetRef: 'group:default/payments',
    detail: { user: 'alice' },
  },
  {
    method: 'DELETE',
    url: '/teams/payments/members/alice',
    action: 'team.member.remove',
    targetKind: 'team',
    targetRef: 'group:default/payments',
    detail: { user: 'alice' },
  },
  {
    method: 'POST',
    url: '/services',
    payload: { name: 'checkout', owner: 'payments' },
    action: 'service.create',
    targetKind: 'service',
    targetRef: 'component:default/checkout',
  },
  {
    method: 'PATCH',
    url: '/services/checkout',
    payload: { tier: 1 },
    action: 'service.update',
    targetKind: 'service',
    targetRef: 'component:default/checkout',
    detail: { changed: ['tier'] },
  },
  {
    method: 'DELETE',
    url: '/services/checkout',
    action: 'service.delete',
    targetKind: 'service',
    targetRef: 'component:default/checkout',
  },
  {
    method: 'POST',
    url: '/tokens',
    payload: { name: 'ci', user: 'alice' },
    action: 'token.create',
    targetKind: 'token',
    targetRef: () => tokenId,
    detail: { name: 'ci', user: 'alice' },
  },
  {
    method: 'DELETE',
    url: () => `/tokens/${tokenId}`,
    action: 'token.revoke',
    targetKind: 'token',
    targetRef: () => tokenId,
  },
  {
    method: 'DELETE',
    url: '/users/alice',
    action: 'user.delete',
    targetKind: 'user',
    targetRef: 'user:default/alice',
  },
  {
    method: 'DELETE',
    url: '/teams/payments',
    action: 'team.delete',
    targetKind: 'team',
    targetRef: 'group:default/payments',
  },
];

const value = (v: string | (() => string)) => (typeof v === 'function' ? v() : v);

describe.each(supportedDatabases())('audit log on $name', ({ name, available }) => {
  let t: TestApp;
  const latest = async (query = 'limit=1'): Promise<AuditEntry[]> => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/audit?${query}`, headers: t.admin });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('the first admin is recorded as made by the system', async () => {
    const entries = await latest('targetKind=user');
    expect(entries).toEqual([
      expect.objectContaining({
        actor: 'system',
        action: 'user.bootstrap-admin',
        targetRef: 'admin',
        requestId: null,
      }),
    ]);
  });

  WRITES.forEach((w, i) => {
    it.runIf(available)(
      `${w.method} ${typeof w.url === 'string' ? w.url : '/tokens/:id'} records ${w.action}`,
      async () => {
        const requestId = `audit-test-${name}-${i}`;
        const startedAt = Date.now();
        const res = await t.app.inject({
          method: w.method,
          url: `/api/v1${value(w.url)}`,
          headers: { ...t.admin, 'x-request-id': requestId },
          ...(w.payload && { payload: w.payload }),
        });
        expect(res.statusCode, res.body).toBeLessThan(300);
        expect(res.headers['x-request-id']).toBe(requestId);
        if (w.action === 'token.create') tokenId = res.json().info.id;

        const [entry] = await latest();
        expect(entry).toEqual({
          id: expect.any(String),
          at: expect.any(String),
          actor: 'admin',
          action: w.action,
          targetKind: w.targetKind,
          targetRef: value(w.targetRef),
          detail: w.detail ?? {},
          requestId,
        });
        expect(Date.parse(entry!.at)).toBeGreaterThanOrEqual(startedAt);
        expect(Date.parse(entry!.at)).toBeLessThanOrEqual(Date.now());
        const row = await t.database.db
          .selectFrom('audit_log')
          .select(['actor_id'])
          .where('id', '=', entry!.id)
          .executeTakeFirstOrThrow();
        const admin = await t.database.db
          .selectFrom('users')
          .select('id')
          .where('name', '=', 'admin')
          .executeTakeFirstOrThrow();
        expect(row.actor_id).toBe(admin.id);
      },
    );
  });

  it.runIf(available)('a password never reaches the audit log', async () => {
    const rows = await t.database.db.selectFrom('audit_log').select('detail').execute();
    expect(rows.length).toBeGreaterThanOrEqual(WRITES.length);
    for (const row of rows) expect(row.detail).not.toContain(SECRET_PASSWORD);
  });

  it.runIf(available)(
    'without x-request-id a generated id is echoed, recorded and put in problems',
    async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/teams',
        headers: t.admin,
        payload: { name: 'ops' },
      });
      expect(res.statusCode).toBe(201);
      const id = res.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await latest())[0]).toMatchObject({ action: 'team.create', requestId: id });

      const bad = await t.app.inject({
        method: 'POST',
        url: '/api/v1/teams',
        headers: t.admin,
        payload: { name: 'ops' },
      });
      const problem = expectProblem(bad, 409, 'TEAM_EXISTS') as unknown as { requestId: string };
      expect(problem.requestId).toBe(bad.headers['x-request-id']);
    },
  );

  it.runIf(available)('refused and failed writes leave no entry; an editor’s change is theirs', async () => {
    const count = async () => (await t.database.db.selectFrom('audit_log').select('id').execute()).length;
    const before = await count();
    const editor = await t.userWithToken('ed', 'editor', ['ops']);
    const afterSetup = await count();
    expect(afterSetup).toBe(before + 2); // user.create and token.create
    const attempts = [
      { method: 'POST' as const, url: '/api/v1/teams', payload: { name: 'nope' }, headers: editor },
      { method: 'POST' as const, url: '/api/v1/services', payload: { name: 'BAD' }, headers: t.admin },
      { method: 'POST' as const, url: '/api/v1/services', payload: { name: 'x' }, headers: {} },
      { method: 'DELETE' as const, url: '/api/v1/services/nowhere', headers: t.admin },
    ];
    for (const a of attempts) expect((await t.app.inject(a)).statusCode).toBeGreaterThanOrEqual(400);
    expect(await count()).toBe(afterSetup);

    const made = await t.app.inject({
      method: 'POST',
      url: '/api/v1/services',
      headers: { ...editor, 'x-request-id': 'by-ed' },
      payload: { name: 'pager', owner: 'ops' },
    });
    expect(made.statusCode).toBe(201);
    expect((await latest())[0]).toMatchObject({ actor: 'ed', action: 'service.create', requestId: 'by-ed' });
  });

  it.runIf(available)(
    'the log filters by target, actor and time, newest first, for any signed-in user',
    async () => {
      const forService = await latest('targetKind=service&targetRef=component:default/checkout');
      expect(forService.map((e) => e.action)).toEqual(['service.delete', 'service.update', 'service.create']);
      expect((await latest('actor=ed&limit=100')).every((e) => e.actor === 'ed')).toBe(true);
      const [newest, older] = await latest('limit=2');
      const page = await latest(`before=${encodeURIComponent(newest!.at)}&limit=100`);
      expect(page.map((e) => e.id)).not.toContain(newest!.id);
      expect(page.every((e) => e.at < newest!.at)).toBe(true);
      expect(older).toBeDefined();

      const viewer = await t.userWithToken('viv', 'viewer');
      expect((await t.app.inject({ method: 'GET', url: '/api/v1/audit', headers: viewer })).statusCode).toBe(
        200,
      );
      expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/audit' }), 401, 'UNAUTHENTICATED');
      const bad = await t.app.inject({
        method: 'GET',
        url: '/api/v1/audit?before=yesterday',
        headers: t.admin,
      });
      expectProblem(bad, 400, 'INVALID_INPUT');
    },
  );

  it.runIf(available)('paging by cursor loses and repeats nothing, even within one millisecond', async () => {
    // One apply writes all its entries in the same few milliseconds.
    const docs = Array.from(
      { length: 25 },
      (_, i) =>
        `apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: { name: db-${i} }\nspec: { type: database, owner: group:default/nobody }\n`,
    ).join('---\n');
    const applied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: t.admin,
      payload: { files: [{ path: 'dbs.yaml', content: docs }] },
    });
    expect(applied.statusCode, applied.body).toBe(200);
    const all = await latest('limit=1000');
    const paged: string[] = [];
    let cursor = '';
    for (;;) {
      const page = await latest(`limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      if (page.length === 0) break;
      paged.push(...page.map((e) => e.id));
      cursor = page[page.length - 1]!.id;
    }
    expect(paged).toEqual(all.map((e) => e.id));
    expect(all.filter((e) => e.action === 'apply.create')).toHaveLength(25);
  });
});
