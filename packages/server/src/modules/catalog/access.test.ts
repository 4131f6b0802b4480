/**
 * Access-control matrix: who may read, create, update and delete services and teams.
 * Each cell gets its own team `owned-N` (with the owning editor and the viewer as members)
 * and its own service `svc-N` owned by it, so cells never depend on one another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { expectProblem, snapshotDatabase } from '../../test-support/assertions.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';

afterAll(dropCreatedDatabases);

type Principal = 'anonymous' | 'viewer' | 'owner-editor' | 'other-editor' | 'admin';
type Target = 'service' | 'team';
type Action = 'read' | 'list' | 'create' | 'update' | 'delete';
/** 'ok' = allowed; a number = the refusal status. */
type Outcome = 'ok' | 401 | 403;

const ACTIONS: Action[] = ['read', 'list', 'create', 'update', 'delete'];
const all = (o: Outcome): Record<Action, Outcome> => ({
  read: o,
  list: o,
  create: o,
  update: o,
  delete: o,
});
const readOnly: Record<Action, Outcome> = { read: 'ok', list: 'ok', create: 403, update: 403, delete: 403 };

const MATRIX: Record<Principal, Record<Target, Record<Action, Outcome>>> = {
  anonymous: { service: all(401), team: all(401) },
  viewer: { service: readOnly, team: readOnly },
  'owner-editor': {
    service: all('ok'),
    team: { read: 'ok', list: 'ok', create: 403, update: 'ok', delete: 403 },
  },
  'other-editor': { service: readOnly, team: readOnly },
  admin: { service: all('ok'), team: all('ok') },
};

const SUCCESS: Record<Action, number> = { read: 200, list: 200, create: 201, update: 200, delete: 204 };

interface Cell {
  principal: Principal;
  target: Target;
  action: Action;
  outcome: Outcome;
}

const cells: Cell[] = Object.entries(MATRIX).flatMap(([principal, targets]) =>
  Object.entries(targets).flatMap(([target, actions]) =>
    ACTIONS.map((action) => ({
      principal: principal as Principal,
      target: target as Target,
      action,
      outcome: actions[action],
    })),
  ),
);

function request(cell: Cell, n: number) {
  const collection = cell.target === 'service' ? '/api/v1/services' : '/api/v1/teams';
  const existing = cell.target === 'service' ? `svc-${n}` : `owned-${n}`;
  switch (cell.action) {
    case 'read':
      return { method: 'GET' as const, url: `${collection}/${existing}` };
    case 'list':
      return { method: 'GET' as const, url: collection };
    case 'create':
      return {
        method: 'POST' as const,
        url: collection,
        payload:
          cell.target === 'service'
            ? { name: `new-svc-${n}`, owner: `owned-${n}` }
            : { name: `new-team-${n}` },
      };
    case 'update':
      return {
        method: 'PATCH' as const,
        url: `${collection}/${existing}`,
        payload: { description: 'changed' },
      };
    case 'delete':
      return { method: 'DELETE' as const, url: `${collection}/${existing}` };
  }
}

describe.each(supportedDatabases())('access control on $name', ({ name, available }) => {
  let t: TestApp;
  const headers = {} as Record<Principal, Record<string, string>>;

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/teams',
      headers: t.admin,
      payload: { name: 'search' },
    });
    headers.anonymous = {};
    headers.admin = t.admin;
    headers.viewer = await t.userWithToken('vera', 'viewer');
    headers['owner-editor'] = await t.userWithToken('olga', 'editor');
    headers['other-editor'] = await t.userWithToken('otto', 'editor', ['search']);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  /** A team `owned-N` with olga (editor) and vera (viewer) as members, and `svc-N` owned by it. */
  async function fixture(n: number) {
    const admin = t.admin;
    const inject = (method: 'POST', url: string, payload: object) =>
      t.app.inject({ method, url, headers: admin, payload });
    expect((await inject('POST', '/api/v1/teams', { name: `owned-${n}` })).statusCode).toBe(201);
    for (const user of ['olga', 'vera']) {
      const added = await inject('POST', `/api/v1/teams/owned-${n}/members`, { user });
      expect(added.statusCode).toBe(200);
    }
    const svc = await inject('POST', '/api/v1/services', { name: `svc-${n}`, owner: `owned-${n}` });
    expect(svc.statusCode).toBe(201);
  }

  async function verifyAllowed(cell: Cell, n: number, body: Record<string, unknown> | null) {
    const collection = cell.target === 'service' ? '/api/v1/services' : '/api/v1/teams';
    const existing = cell.target === 'service' ? `svc-${n}` : `owned-${n}`;
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: t.admin });
    switch (cell.action) {
      case 'read':
        expect(body?.name).toBe(existing);
        break;
      case 'list':
        expect((body as unknown as { name: string }[]).map((x) => x.name)).toContain(existing);
        break;
      case 'create': {
        const created = cell.target === 'service' ? `new-svc-${n}` : `new-team-${n}`;
        const res = await get(`${collection}/${created}`);
        expect(res.statusCode).toBe(200);
        if (cell.target === 'service') expect(res.json().ownerTeam).toBe(`owned-${n}`);
        break;
      }
      case 'update':
        expect((await get(`${collection}/${existing}`)).json().description).toBe('changed');
        break;
      case 'delete': {
        const res = await get(`${collection}/${existing}`);
        expectProblem(res, 404, cell.target === 'service' ? 'SERVICE_NOT_FOUND' : 'TEAM_NOT_FOUND');
        break;
      }
    }
  }

  cells.forEach((cell, n) => {
    const title = `${cell.principal} ${cell.action} ${cell.target} → ${cell.outcome === 'ok' ? SUCCESS[cell.action] : cell.outcome}`;
    it.runIf(available)(title, async () => {
      await fixture(n);
      const before = await snapshotDatabase(t.database.db);
      const res = await t.app.inject({ ...request(cell, n), headers: headers[cell.principal] });
      if (cell.outcome === 'ok') {
        expect(res.statusCode, res.body).toBe(SUCCESS[cell.action]);
        await verifyAllowed(cell, n, res.statusCode === 204 ? null : res.json());
      } else {
        expectProblem(res, cell.outcome, cell.outcome === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN');
        expect(await snapshotDatabase(t.database.db)).toEqual(before);
      }
    });
  });

  it.runIf(available)(
    'an editor cannot create a service for a team they are not in, or with no owner',
    async () => {
      await fixture(1000);
      const before = await snapshotDatabase(t.database.db);
      for (const payload of [{ name: 'rogue', owner: 'search' }, { name: 'orphan' }]) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/services',
          headers: headers['owner-editor'],
          payload,
        });
        expectProblem(res, 403, 'FORBIDDEN');
      }
      expect(await snapshotDatabase(t.database.db)).toEqual(before);
    },
  );

  it.runIf(available)('an editor cannot hand their service to a team they are not in', async () => {
    await fixture(1001);
    const before = await snapshotDatabase(t.database.db);
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/services/svc-1001',
      headers: headers['owner-editor'],
      payload: { owner: 'search' },
    });
    expectProblem(res, 403, 'FORBIDDEN');
    expect(await snapshotDatabase(t.database.db)).toEqual(before);
  });

  it.runIf(available)(
    'only an admin manages users; an anonymous request with a bad body is still 401',
    async () => {
      const before = await snapshotDatabase(t.database.db);
      for (const who of ['viewer', 'owner-editor'] as const) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/users',
          headers: headers[who],
          payload: { name: 'mallory', role: 'admin' },
        });
        expectProblem(res, 403, 'FORBIDDEN');
      }
      // Authentication comes before validation: an anonymous caller learns nothing about the schema.
      const anon = await t.app.inject({
        method: 'POST',
        url: '/api/v1/services',
        payload: { name: 'BAD NAME' },
      });
      expectProblem(anon, 401, 'UNAUTHENTICATED');
      expect(await snapshotDatabase(t.database.db)).toEqual(before);
    },
  );
});
