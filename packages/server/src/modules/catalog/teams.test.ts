/** Teams, members and users through the API: owner resolution, membership, the last admin. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { expectProblem, snapshotDatabase } from '../../test-support/assertions.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';

afterAll(dropCreatedDatabases);

describe.each(supportedDatabases())('teams and users on $name', ({ name, available }) => {
  let t: TestApp;
  const api = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    headers: Record<string, string> = t.admin,
  ) => t.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload && { payload }) });

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('a team round-trips every field', async () => {
    const payload = {
      name: 'platform',
      title: 'Platform',
      description: 'Runs the paved road',
      type: 'team',
      email: 'platform@example.com',
      parent: 'engineering',
      picture: 'https://avatars.example/platform.png',
      tags: ['paved-road'],
      links: [{ url: 'https://chat.example/#platform', type: 'chat' }],
      annotations: { 'headroom.dev/pager': 'platform' },
      labels: { cost: 'infra' },
    };
    const created = await api('POST', '/teams', payload);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toEqual({
      ...payload,
      id: expect.any(String),
      ref: 'group:default/platform',
      namespace: 'default',
      parent: 'group:default/engineering',
      members: [],
      services: [],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const patched = await api('PATCH', '/teams/platform', {
      description: 'Paves roads',
      labels: {},
      picture: null,
      tags: ['infra'],
    });
    expect(patched.json()).toMatchObject({
      description: 'Paves roads',
      labels: {},
      title: 'Platform',
      picture: null,
      tags: ['infra'],
    });
    expect((await api('GET', '/teams/platform')).json()).toEqual(patched.json());
    expect((await api('GET', '/teams')).json().map((x: { name: string }) => x.name)).toContain('platform');
  });

  it.runIf(available)(
    'a service keeps its owner ref when the team goes, and re-resolves when it returns',
    async () => {
      expect((await api('POST', '/teams', { name: 'payments' })).statusCode).toBe(201);
      expect((await api('POST', '/services', { name: 'checkout', owner: 'payments' })).statusCode).toBe(201);
      expect((await api('GET', '/teams/payments')).json().services).toEqual(['checkout']);

      expect((await api('DELETE', '/teams/payments')).statusCode).toBe(204);
      expectProblem(await api('GET', '/teams/payments'), 404, 'TEAM_NOT_FOUND');
      const orphan = (await api('GET', '/services/checkout')).json();
      expect(orphan).toMatchObject({ owner: 'group:default/payments', ownerTeam: null });
      // Still editable by an admin while the owner is missing, and the owner ref survives.
      const patched = await api('PATCH', '/services/checkout', { title: 'Checkout' });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json()).toMatchObject({ owner: 'group:default/payments', ownerTeam: null });

      expect((await api('POST', '/teams', { name: 'payments' })).statusCode).toBe(201);
      expect((await api('GET', '/services/checkout')).json()).toMatchObject({
        owner: 'group:default/payments',
        ownerTeam: 'payments',
      });
      expect((await api('GET', '/teams/payments')).json().services).toEqual(['checkout']);
    },
  );

  it.runIf(available)(
    'members are added once, removed, and membership is what grants edit rights',
    async () => {
      expect((await api('POST', '/teams', { name: 'search' })).statusCode).toBe(201);
      expect((await api('POST', '/services', { name: 'indexer', owner: 'search' })).statusCode).toBe(201);
      const sam = await t.userWithToken('sam', 'editor');
      expectProblem(await api('PATCH', '/services/indexer', { tier: 1 }, sam), 403, 'FORBIDDEN');

      for (let i = 0; i < 2; i++) {
        const added = await api('POST', '/teams/search/members', { user: 'sam' });
        expect(added.statusCode, added.body).toBe(200);
        expect(added.json().members).toEqual(['sam']);
      }
      const memberships = () =>
        t.database.db
          .selectFrom('team_members')
          .innerJoin('teams', 'teams.id', 'team_members.team_id')
          .innerJoin('users', 'users.id', 'team_members.user_id')
          .select(['teams.name as team', 'users.name as user'])
          .where('teams.name', '=', 'search')
          .execute();
      expect(await memberships()).toEqual([{ team: 'search', user: 'sam' }]);
      expect((await api('GET', '/users/sam')).json().teams).toEqual(['search']);
      expect((await api('GET', '/users?team=search')).json().map((u: { name: string }) => u.name)).toEqual([
        'sam',
      ]);
      expect((await api('GET', '/auth/whoami', undefined, sam)).json().teams).toEqual(['search']);
      expect((await api('PATCH', '/services/indexer', { tier: 1 }, sam)).statusCode).toBe(200);

      const removed = await api('DELETE', '/teams/search/members/sam');
      expect(removed.statusCode, removed.body).toBe(200);
      expect(removed.json().members).toEqual([]);
      expect(await memberships()).toEqual([]);
      expect((await api('GET', '/users/sam')).json().teams).toEqual([]);
      expectProblem(await api('PATCH', '/services/indexer', { tier: 2 }, sam), 403, 'FORBIDDEN');
    },
  );

  it.runIf(available)('an editor of a team may manage its members, not those of another team', async () => {
    expect((await api('POST', '/teams', { name: 'growth' })).statusCode).toBe(201);
    const gina = await t.userWithToken('gina', 'editor', ['growth']);
    await t.userWithToken('hal', 'viewer');
    expect((await api('POST', '/teams/growth/members', { user: 'hal' }, gina)).json().members).toEqual([
      'gina',
      'hal',
    ]);
    const before = await snapshotDatabase(t.database.db);
    expectProblem(await api('POST', '/teams/search/members', { user: 'gina' }, gina), 403, 'FORBIDDEN');
    expectProblem(await api('DELETE', '/teams/payments', undefined, gina), 403, 'FORBIDDEN');
    expect(await snapshotDatabase(t.database.db)).toEqual(before);
  });

  it.runIf(available)('the last admin cannot demote themselves; with a second admin they can', async () => {
    const before = await snapshotDatabase(t.database.db);
    expectProblem(await api('PATCH', '/users/admin', { role: 'editor' }), 409, 'LAST_ADMIN');
    expectProblem(await api('DELETE', '/users/admin'), 409, 'SELF_DELETE');
    expect(await snapshotDatabase(t.database.db)).toEqual(before);
    expect((await api('GET', '/users/admin')).json().role).toBe('admin');

    const root = await t.userWithToken('root', 'admin');
    const demoted = await api('PATCH', '/users/admin', { role: 'editor' });
    expect(demoted.statusCode, demoted.body).toBe(200);
    expect(demoted.json().role).toBe('editor');
    expectProblem(await api('PATCH', '/users/root', { role: 'viewer' }, root), 409, 'LAST_ADMIN');
    // The demoted admin's token now carries editor rights only.
    expectProblem(await api('POST', '/teams', { name: 'nope' }), 403, 'FORBIDDEN');
    expect((await api('PATCH', '/users/admin', { role: 'admin' }, root)).json().role).toBe('admin');
  });

  it.runIf(available)('a user changes their own name and password but not their role', async () => {
    const uma = await t.userWithToken('uma', 'viewer');
    const self = await api(
      'PATCH',
      '/users/uma',
      { displayName: 'Uma', password: 'a-long-enough-password' },
      uma,
    );
    expect(self.statusCode, self.body).toBe(200);
    expect(self.json()).toMatchObject({ displayName: 'Uma', hasPassword: true });
    const before = await snapshotDatabase(t.database.db);
    expectProblem(await api('PATCH', '/users/uma', { role: 'admin' }, uma), 403, 'FORBIDDEN');
    expectProblem(await api('PATCH', '/users/sam', { displayName: 'Sam' }, uma), 403, 'FORBIDDEN');
    expect(await snapshotDatabase(t.database.db)).toEqual(before);
  });

  it.runIf(available)('user names keep their case and are found whatever the case of the ref', async () => {
    const created = await api('POST', '/users', { name: 'Jane.Doe', role: 'editor' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ name: 'Jane.Doe', ref: 'user:default/jane.doe' });
    for (const ref of ['Jane.Doe', 'jane.doe', 'user%3Adefault%2FJANE.DOE']) {
      const res = await api('GET', `/users/${ref}`);
      expect(res.statusCode, ref).toBe(200);
      expect(res.json().name).toBe('Jane.Doe');
    }
    expectProblem(await api('GET', '/users/group%3Ajane.doe'), 404, 'USER_NOT_FOUND');
    expectProblem(await api('GET', '/teams/user%3Agrowth'), 404, 'TEAM_NOT_FOUND');
    expectProblem(await api('POST', '/users', { name: 'jane.doe' }), 409, 'USER_EXISTS');
    const token = await api('POST', '/tokens', { name: 'ci', user: 'Jane.Doe' });
    expect(token.statusCode, token.body).toBe(201);
    const who = await api('GET', '/auth/whoami', undefined, {
      authorization: `Bearer ${token.json().token}`,
    });
    expect(who.json()).toMatchObject({ user: 'Jane.Doe', role: 'editor' });
    expect((await api('POST', '/teams/growth/members', { user: 'JANE.DOE' })).json().members).toContain(
      'Jane.Doe',
    );
  });
});
