import type { ApplyResult } from '@headroom/core/api/apply';
import type { CatalogEntity, DependencyGraph, Service, Team, User } from '@headroom/core/api/catalog';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { apply, backstageFixtures, catalogCounts, get } from '../../test-support/apply.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';

afterAll(dropCreatedDatabases);

const byRef = (result: ApplyResult) => Object.fromEntries(result.items.map((i) => [i.ref, i]));

describe.each(supportedDatabases())('apply Backstage descriptors on $name', ({ name, available }) => {
  let t: TestApp;
  beforeEach(async () => {
    if (available) t = await startTestApp(name);
  });
  afterEach(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('builds the catalog from a folder of descriptors', async () => {
    const res = await apply(t, backstageFixtures());
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json() as ApplyResult;
    expect(result.dryRun).toBe(false);
    expect(result.summary).toEqual({ create: 13, update: 0, unchanged: 0, delete: 0 });
    // Teams first, then users, then services, then other entities: owners resolve on write.
    expect(result.items.map((i) => i.kind)).toEqual([
      ...['Group', 'Group', 'Group'],
      ...['User', 'User', 'User'],
      ...['Component', 'Component', 'Component'],
      ...['Domain', 'System', 'API', 'Resource'],
    ]);
    expect(byRef(result)['component:default/checkout']).toMatchObject({
      action: 'create',
      file: 'fixtures/components.yaml',
      line: 3,
    });
    expect(result.warnings).toEqual([
      {
        message: expect.stringContaining("'group:default/ghost-team'"),
        file: 'fixtures/unresolved.yaml',
        line: 10,
        path: '/spec/owner',
      },
    ]);

    const checkout = await get<Service>(t, '/services/checkout');
    expect(checkout).toMatchObject({
      ref: 'component:default/checkout',
      title: 'Checkout',
      owner: 'group:default/payments',
      ownerTeam: 'payments',
      type: 'service',
      tier: 1,
      lifecycle: 'production',
      system: 'system:default/checkout-system',
      tags: ['java', 'payments'],
      links: [{ url: 'https://runbooks.example.com/checkout', title: 'Runbook', type: 'runbook' }],
      dependsOn: ['component:default/payment-gateway', 'resource:default/orders-db'],
      business: {
        revenuePerHourAtRisk: 12000,
        currency: 'EUR',
        usersServed: 250000,
        journeys: ['buy', 'refund'],
      },
      labels: { 'example.com/cost-center': 'cc-42' },
    });
    expect(checkout.annotations['github.com/project-slug']).toBe('example/checkout');

    const legacy = await get<Service>(t, '/services/legacy-batch');
    expect(legacy).toMatchObject({
      owner: 'group:default/ghost-team',
      ownerTeam: null,
      tier: 3,
      lifecycle: 'deprecated',
    });

    const teams = await get<Team[]>(t, '/teams');
    expect(teams.map((x) => [x.name, x.parent, x.members])).toEqual([
      ['infrastructure', null, []],
      ['payments', 'group:default/infrastructure', ['jdoe']],
      ['platform', 'group:default/infrastructure', ['alice', 'partner/jdoe']],
    ]);
    expect(teams[0]).toMatchObject({
      title: 'Infrastructure',
      type: 'business-unit',
      email: 'infrastructure@example.com',
    });
    expect(teams[1]!.services).toEqual(['checkout', 'payment-gateway']);

    // The same name in two namespaces: two users.
    const users = await get<User[]>(t, '/users');
    expect(users.map((u) => [u.ref, u.role, u.teams])).toEqual([
      ['user:default/admin', 'admin', []],
      ['user:default/alice', 'viewer', ['platform']],
      ['user:default/jdoe', 'editor', ['payments']],
      ['user:partner/jdoe', 'viewer', ['platform']],
    ]);
    expect(users[2]).toMatchObject({
      displayName: 'Jenny Doe',
      email: 'jenny-doe@example.com',
      hasPassword: false,
    });
    expect(users[3]).toMatchObject({ displayName: 'John Doe (partner)' });

    const entities = await get<CatalogEntity[]>(t, '/entities');
    expect(entities.map((e) => [e.ref, e.ownerTeam, e.relations])).toEqual([
      [
        'api:default/checkout-api',
        'payments',
        [{ type: 'partOf', target: 'system:default/checkout-system' }],
      ],
      ['domain:default/commerce', 'infrastructure', []],
      [
        'resource:default/orders-db',
        'platform',
        [{ type: 'partOf', target: 'system:default/checkout-system' }],
      ],
      ['system:default/checkout-system', 'payments', [{ type: 'partOf', target: 'domain:default/commerce' }]],
    ]);
    expect(entities[0]!.spec.definition).toContain('title: Checkout API');

    const upstream = await get<DependencyGraph>(t, '/services/checkout/dependencies?direction=upstream');
    expect(upstream.nodes.map((n) => [n.ref, n.resolved])).toEqual([
      ['component:default/payment-gateway', true],
      ['resource:default/orders-db', true],
      ['api:default/checkout-api', true],
    ]);

    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'target_ref', 'actor_name'])
      .where('action', 'like', 'apply.%')
      .execute();
    expect(audit).toHaveLength(13);
    expect(audit.every((a) => a.action === 'apply.create' && a.actor_name === 'admin')).toBe(true);
  });

  it.runIf(available)('links an unresolved owner once the team appears', async () => {
    await apply(t, backstageFixtures());
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/teams',
      headers: t.admin,
      payload: { name: 'ghost-team' },
    });
    expect(created.statusCode).toBe(201);
    expect((await get<Service>(t, '/services/legacy-batch')).ownerTeam).toBe('ghost-team');
    const again = (await apply(t, backstageFixtures())).json() as ApplyResult;
    expect(again.warnings).toEqual([]);
  });

  it.runIf(available)('reports everything unchanged on a second apply of the same files', async () => {
    expect((await apply(t, backstageFixtures())).statusCode).toBe(200);
    const before = await catalogCounts(t);
    const res = await apply(t, backstageFixtures());
    const result = res.json() as ApplyResult;
    expect(result.summary).toEqual({ create: 0, update: 0, unchanged: 13, delete: 0 });
    expect(result.items.every((i) => i.action === 'unchanged' && i.changes === undefined)).toBe(true);
    expect(await catalogCounts(t)).toEqual(before);
  });

  it.runIf(available)('shows changes made through the API as updates and restores the files', async () => {
    await apply(t, backstageFixtures());
    const patch = (url: string, payload: object) =>
      t.app.inject({ method: 'PATCH', url: `/api/v1${url}`, headers: t.admin, payload });
    expect((await patch('/services/checkout', { tier: 2, tags: ['java'] })).statusCode).toBe(200);
    expect((await patch('/teams/payments', { description: 'changed by hand' })).statusCode).toBe(200);
    const removed = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/teams/platform/members/alice',
      headers: t.admin,
    });
    expect(removed.statusCode).toBe(200);
    expect((await patch('/users/jdoe', { role: 'viewer' })).statusCode).toBe(200);

    const result = (await apply(t, backstageFixtures())).json() as ApplyResult;
    const items = byRef(result);
    expect(result.summary).toEqual({ create: 0, update: 5, unchanged: 8, delete: 0 });
    expect(items['component:default/checkout']).toMatchObject({
      action: 'update',
      changes: ['tier', 'tags'],
    });
    expect(items['group:default/payments']).toMatchObject({ action: 'update', changes: ['description'] });
    // platform lists its members, and alice is declared: both ends see the membership.
    expect(items['group:default/platform']).toMatchObject({ action: 'update', changes: ['members'] });
    expect(items['user:default/alice']).toMatchObject({ action: 'update', changes: ['teams'] });
    expect(items['user:default/jdoe']).toMatchObject({ action: 'update', changes: ['role'] });

    expect(await get<Service>(t, '/services/checkout')).toMatchObject({
      tier: 1,
      tags: ['java', 'payments'],
    });
    expect((await get<Team>(t, '/teams/payments')).description).toBeNull();
    expect((await get<Team>(t, '/teams/platform')).members).toEqual(['alice', 'partner/jdoe']);
    expect((await get<User>(t, '/users/jdoe')).role).toBe('editor');
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['detail'])
      .where('action', '=', 'apply.update')
      .where('target_ref', '=', 'component:default/checkout')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.detail)).toMatchObject({
      changed: ['tier', 'tags'],
      file: 'fixtures/components.yaml',
    });
  });

  it.runIf(available)('keeps API-made memberships of groups that do not list members', async () => {
    await apply(t, backstageFixtures());
    await t.userWithToken('eve', 'editor', ['payments']);
    const result = (await apply(t, backstageFixtures())).json() as ApplyResult;
    expect(result.summary.update).toBe(0);
    expect((await get<Team>(t, '/teams/payments')).members).toEqual(['eve', 'jdoe']);
  });

  it.runIf(available)('matches users case-insensitively and keeps their name as written', async () => {
    const user = (name: string, role: string) =>
      `apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: ${name}\n  annotations: { headroom.dev/role: ${role} }\nspec: { memberOf: [] }\n`;
    const first = (
      await apply(t, [{ path: 'u.yaml', content: user('Jane.Doe', 'viewer') }])
    ).json() as ApplyResult;
    expect(first.items).toEqual([
      expect.objectContaining({ action: 'create', ref: 'user:default/jane.doe' }),
    ]);
    expect(await get<User>(t, '/users/jane.doe')).toMatchObject({ name: 'Jane.Doe', role: 'viewer' });
    const second = (
      await apply(t, [{ path: 'u.yaml', content: user('jane.DOE', 'editor') }])
    ).json() as ApplyResult;
    expect(second.items).toEqual([
      expect.objectContaining({ action: 'update', changes: ['role', 'annotations'] }),
    ]);
    // One user, not a second one differing in case (list order depends on the collation).
    expect(new Set((await get<User[]>(t, '/users')).map((u) => u.name))).toEqual(
      new Set(['admin', 'Jane.Doe']),
    );
  });

  it.runIf(available)('plans without writing on a dry run', async () => {
    const before = await catalogCounts(t);
    const res = await apply(t, backstageFixtures(), { dryRun: true });
    expect(res.statusCode).toBe(200);
    const result = res.json() as ApplyResult;
    expect(result.dryRun).toBe(true);
    expect(result.summary).toEqual({ create: 13, update: 0, unchanged: 0, delete: 0 });
    expect(result.warnings).toHaveLength(1);
    expect(await catalogCounts(t)).toEqual(before);
    expect(await get<Service[]>(t, '/services')).toEqual([]);

    await apply(t, backstageFixtures());
    await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/services/checkout',
      headers: t.admin,
      payload: { tier: 4 },
    });
    const dry = (await apply(t, backstageFixtures(), { dryRun: true })).json() as ApplyResult;
    expect(byRef(dry)['component:default/checkout']).toMatchObject({ action: 'update', changes: ['tier'] });
    expect((await get<Service>(t, '/services/checkout')).tier).toBe(4);
  });

  it.runIf(available)('prunes only what an earlier apply created and the files no longer hold', async () => {
    await apply(t, backstageFixtures());
    const made = await t.app.inject({
      method: 'POST',
      url: '/api/v1/services',
      headers: t.admin,
      payload: { name: 'made-by-hand', owner: 'payments' },
    });
    expect(made.statusCode).toBe(201);

    const without = backstageFixtures(['components.yaml', 'partner.yaml']);
    const kept = (await apply(t, without)).json() as ApplyResult;
    expect(kept.summary.delete).toBe(0);
    expect((await get<Service[]>(t, '/services')).map((s) => s.name)).toEqual([
      'checkout',
      'legacy-batch',
      'made-by-hand',
      'payment-gateway',
    ]);

    const dry = (await apply(t, without, { prune: true, dryRun: true })).json() as ApplyResult;
    expect(dry.items.filter((i) => i.action === 'delete').map((i) => [i.kind, i.ref])).toEqual([
      ['Component', 'component:default/checkout'],
      ['Component', 'component:default/payment-gateway'],
      ['User', 'user:partner/jdoe'],
    ]);
    expect((await get<Service[]>(t, '/services')).length).toBe(4);

    const pruned = (await apply(t, without, { prune: true })).json() as ApplyResult;
    expect(pruned.summary).toMatchObject({ delete: 3, create: 0 });
    expect((await get<Service[]>(t, '/services')).map((s) => s.name)).toEqual([
      'legacy-batch',
      'made-by-hand',
    ]);
    expect((await get<User[]>(t, '/users')).map((u) => u.ref)).not.toContain('user:partner/jdoe');
    expect((await get<Team>(t, '/teams/platform')).members).toEqual(['alice']);
    const rows = await t.database.db.selectFrom('applied_objects').select('ref').execute();
    expect(rows.map((r) => r.ref)).not.toContain('component:default/checkout');

    // Pruning again finds nothing more; re-adding the files creates the objects anew.
    expect(((await apply(t, without, { prune: true })).json() as ApplyResult).summary.delete).toBe(0);
    expect(
      ((await apply(t, backstageFixtures(), { prune: true })).json() as ApplyResult).summary,
    ).toMatchObject({ create: 3, delete: 0 });
  });
});
