/** Services through the API: every field round-trips, namespaces, filters, the dependency graph. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { expectProblem, problemPaths } from '../../test-support/assertions.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';

afterAll(dropCreatedDatabases);

const FULL = {
  name: 'checkout',
  title: 'Checkout',
  description: 'Takes the money',
  owner: 'payments',
  type: 'service',
  tier: 1,
  lifecycle: 'production',
  system: 'shop',
  tags: ['pci', 'web'],
  links: [
    { url: 'https://runbooks.example/checkout', title: 'Runbook', type: 'runbook' },
    { url: 'https://git.example/shop/checkout', type: 'repo' },
    { url: 'https://grafana.example/d/checkout', title: 'Dashboard', type: 'dashboard', icon: 'dashboard' },
    { url: 'https://chat.example/#checkout', type: 'chat' },
  ],
  dependsOn: ['resource:default/orders-db', 'payments-api'],
  business: {
    revenuePerHourAtRisk: 12500.5,
    currency: 'EUR',
    usersServed: 120000,
    journeys: ['pay', 'refund'],
  },
  annotations: { 'backstage.io/techdocs-ref': 'dir:.', 'headroom.dev/slack': '#checkout' },
  labels: { env: 'prod' },
};

describe.each(supportedDatabases())('services on $name', ({ name, available }) => {
  let t: TestApp;
  const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: t.admin, ...(payload && { payload }) });

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    expect((await api('POST', '/teams', { name: 'payments' })).statusCode).toBe(201);
    expect((await api('POST', '/teams', { name: 'payments', namespace: 'partner' })).statusCode).toBe(201);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('create, read, update and delete keep every field', async () => {
    const created = await api('POST', '/services', FULL);
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json();
    expect(body).toEqual({
      ...FULL,
      id: expect.any(String),
      ref: 'component:default/checkout',
      namespace: 'default',
      owner: 'group:default/payments',
      ownerTeam: 'payments',
      system: 'system:default/shop',
      dependsOn: ['component:default/payments-api', 'resource:default/orders-db'],
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedAt: body.createdAt,
    });
    expect((await api('GET', '/services/checkout')).json()).toEqual(body);
    expect((await api('GET', '/services')).json()).toContainEqual(body);
    expect((await api('GET', '/teams/payments')).json().services).toEqual(['checkout']);

    const patched = await api('PATCH', '/services/checkout', {
      title: 'Checkout v2',
      tier: 2,
      tags: ['pci'],
      dependsOn: ['payments-api'],
      links: [],
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const after = patched.json();
    expect(after).toEqual({
      ...body,
      title: 'Checkout v2',
      tier: 2,
      tags: ['pci'],
      dependsOn: ['component:default/payments-api'],
      links: [],
      updatedAt: after.updatedAt,
    });
    expect(Date.parse(after.updatedAt)).toBeGreaterThanOrEqual(Date.parse(body.updatedAt));
    expect((await api('GET', '/services/checkout')).json()).toEqual(after);

    expect((await api('DELETE', '/services/checkout')).statusCode).toBe(204);
    expectProblem(await api('GET', '/services/checkout'), 404, 'SERVICE_NOT_FOUND');
    expectProblem(await api('DELETE', '/services/checkout'), 404, 'SERVICE_NOT_FOUND');
    const relations = await t.database.db
      .selectFrom('relations')
      .select('target_ref')
      .where('source_ref', '=', 'component:default/checkout')
      .execute();
    expect(relations).toEqual([]);
  });

  it.runIf(available)('defaults apply to a service created with a name only', async () => {
    const res = await api('POST', '/services', { name: 'minimal' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      title: null,
      description: null,
      owner: null,
      ownerTeam: null,
      tier: 3,
      lifecycle: 'production',
      tags: [],
      links: [],
      dependsOn: [],
      business: {},
      annotations: {},
      labels: {},
    });
  });

  it.runIf(available)('the same name lives in two namespaces', async () => {
    expect((await api('POST', '/services', { name: 'storefront', owner: 'payments' })).statusCode).toBe(201);
    const partner = await api('POST', '/services', {
      name: 'storefront',
      namespace: 'partner',
      owner: 'payments',
      dependsOn: ['gateway'],
    });
    expect(partner.statusCode, partner.body).toBe(201);
    // Bare refs take the service's namespace, as Backstage's defaulting rules say.
    expect(partner.json()).toMatchObject({
      ref: 'component:partner/storefront',
      owner: 'group:partner/payments',
      ownerTeam: 'partner/payments',
      dependsOn: ['component:partner/gateway'],
    });
    expect((await api('GET', '/services/storefront')).json()).toMatchObject({
      namespace: 'default',
      ownerTeam: 'payments',
    });
    for (const path of ['partner%2Fstorefront', 'component%3Apartner%2Fstorefront']) {
      const res = await api('GET', `/services/${path}`);
      expect(res.statusCode, path).toBe(200);
      expect(res.json()).toMatchObject({ name: 'storefront', namespace: 'partner' });
    }
    // A path ref of another kind names no service, even when the name matches one.
    expectProblem(await api('GET', '/services/group%3Astorefront'), 404, 'SERVICE_NOT_FOUND');
    expectProblem(
      await api('POST', '/services', { name: 'storefront', namespace: 'partner' }),
      409,
      'SERVICE_EXISTS',
    );
    // The longest names in the longest namespace are still addressable by their full ref.
    const ns = 'n'.repeat(63);
    const long = 's'.repeat(63);
    expect((await api('POST', '/services', { name: long, namespace: ns })).statusCode).toBe(201);
    for (const path of [`${ns}%2F${long}`, `component%3A${ns}%2F${long}`]) {
      const res = await api('GET', `/services/${path}`);
      expect(res.statusCode, res.body).toBe(200);
      expect((await api('GET', `/services/${path}/dependencies`)).statusCode).toBe(200);
    }
    const cross = await api('POST', '/services', {
      name: 'partner-api',
      namespace: 'partner',
      owner: 'group:default/payments',
    });
    expect(cross.json()).toMatchObject({ owner: 'group:default/payments', ownerTeam: 'payments' });
    expect((await api('DELETE', '/services/partner%2Fstorefront')).statusCode).toBe(204);
    expect((await api('GET', '/services/storefront')).statusCode).toBe(200);
    expectProblem(await api('GET', '/services/partner%2Fstorefront'), 404, 'SERVICE_NOT_FOUND');
  });

  it.runIf(available)('null clears a text field or the owner; leaving a field out keeps it', async () => {
    await api('POST', '/services', {
      name: 'clearable',
      owner: 'payments',
      title: 'T',
      description: 'D',
      system: 'shop',
    });
    const editor = await t.userWithToken('clear-ed', 'editor', ['payments']);
    const asEditor = (payload: object) =>
      t.app.inject({ method: 'PATCH', url: '/api/v1/services/clearable', headers: editor, payload });
    const cleared = await asEditor({ title: null, system: null });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json()).toMatchObject({
      title: null,
      description: 'D',
      system: null,
      ownerTeam: 'payments',
    });
    // Giving a service away to nobody is an admin's call.
    expectProblem(await asEditor({ owner: null }), 403, 'FORBIDDEN');
    const unowned = await api('PATCH', '/services/clearable', { owner: null });
    expect(unowned.json()).toMatchObject({ owner: null, ownerTeam: null, description: 'D' });
  });

  it.runIf(available)('the list filters by team, tier, lifecycle, tag and text', async () => {
    const make = (payload: object) => api('POST', '/services', payload);
    await make({ name: 'f-one', owner: 'payments', tier: 1, tags: ['pci'], description: 'Moves money' });
    await make({ name: 'f-two', tier: 4, lifecycle: 'experimental', tags: ['beta'] });
    const names = async (query: string) =>
      (await api('GET', `/services?${query}`)).json().map((s: { name: string }) => s.name);
    expect(await names('team=payments')).toContain('f-one');
    expect(await names('team=payments')).not.toContain('f-two');
    expect(await names('tier=1')).toEqual(['f-one']);
    expect(await names('lifecycle=experimental')).toEqual(['f-two']);
    expect(await names('tag=beta')).toEqual(['f-two']);
    expect(await names('q=MONEY')).toEqual(['f-one']);
    const bad = await api('GET', '/services?tier=9');
    expect(problemPaths(expectProblem(bad, 400, 'INVALID_INPUT'))).toEqual(['querystring/tier']);
  });

  describe('dependency graph', () => {
    beforeAll(async () => {
      if (!available) return;
      // web → checkout-2 → payments-api → ledger → web (a cycle); checkout-2 → orders-db
      // (a resource nobody declared); web → ghost (a service nobody declared); mobile → checkout-2.
      const deps: [string, string[]][] = [
        ['web', ['checkout-2', 'ghost']],
        ['checkout-2', ['payments-api', 'resource:orders-db']],
        ['payments-api', ['ledger']],
        ['ledger', ['web']],
        ['mobile', ['checkout-2']],
      ];
      for (const [svc, dependsOn] of deps) {
        const res = await api('POST', '/services', { name: svc, dependsOn });
        expect(res.statusCode, res.body).toBe(201);
      }
    });

    const graph = async (svc: string, query = '') => {
      const res = await api('GET', `/services/${svc}/dependencies${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as {
        root: string;
        direction: string;
        nodes: { ref: string; name: string; kind: string; depth: number; resolved: boolean; via: string }[];
      };
    };
    const c = (n: string) => `component:default/${n}`;

    it.runIf(available)('upstream follows what a service needs, transitively, through a cycle', async () => {
      const g = await graph('web');
      expect(g.root).toBe(c('web'));
      expect(g.direction).toBe('upstream');
      expect(g.nodes).toEqual([
        {
          ref: c('checkout-2'),
          name: 'checkout-2',
          kind: 'component',
          depth: 1,
          resolved: true,
          via: c('web'),
        },
        { ref: c('ghost'), name: 'ghost', kind: 'component', depth: 1, resolved: false, via: c('web') },
        {
          ref: c('payments-api'),
          name: 'payments-api',
          kind: 'component',
          depth: 2,
          resolved: true,
          via: c('checkout-2'),
        },
        {
          ref: 'resource:default/orders-db',
          name: 'orders-db',
          kind: 'resource',
          depth: 2,
          resolved: false,
          via: c('checkout-2'),
        },
        {
          ref: c('ledger'),
          name: 'ledger',
          kind: 'component',
          depth: 3,
          resolved: true,
          via: c('payments-api'),
        },
      ]);
    });

    it.runIf(available)('downstream of a Resource answers who is hurt when the database fails', async () => {
      const yaml = [
        'apiVersion: backstage.io/v1alpha1',
        'kind: Resource',
        'metadata: { name: orders-db }',
        'spec: { type: database, owner: group:default/payments }',
      ].join('\n');
      const applied = await api('POST', '/apply', { files: [{ path: 'db.yaml', content: yaml }] });
      expect(applied.statusCode, applied.body).toBe(200);
      const res = await api('GET', '/entities/resource:orders-db/dependencies?direction=downstream');
      expect(res.statusCode, res.body).toBe(200);
      const g = res.json();
      expect(g.root).toBe('resource:default/orders-db');
      // checkout-2 needs the database; web, mobile and (through the cycle) ledger and payments-api need checkout-2.
      expect(g.nodes.map((n: { ref: string; depth: number }) => [n.ref, n.depth])).toEqual([
        [c('checkout-2'), 1],
        [c('mobile'), 2],
        [c('web'), 2],
        [c('ledger'), 3],
        [c('payments-api'), 4],
      ]);
      expectProblem(await api('GET', '/entities/resource:nothing/dependencies'), 404, 'ENTITY_NOT_FOUND');
      // The services route only starts from services.
      expectProblem(await api('GET', '/services/resource:orders-db/dependencies'), 404, 'SERVICE_NOT_FOUND');
    });

    it.runIf(available)('depth limits how far it goes', async () => {
      const g = await graph('web', '?depth=1');
      expect(g.nodes.map((n) => n.name)).toEqual(['checkout-2', 'ghost']);
      expect((await graph('web', '?direction=upstream&depth=2')).nodes.map((n) => n.depth)).toEqual([
        1, 1, 2, 2,
      ]);
    });

    it.runIf(available)('downstream lists who is hurt when a service fails', async () => {
      const g = await graph('payments-api', '?direction=downstream');
      expect(g.direction).toBe('downstream');
      expect(g.nodes.map((n) => [n.name, n.depth, n.via])).toEqual([
        ['checkout-2', 1, c('payments-api')],
        ['mobile', 2, c('checkout-2')],
        ['web', 2, c('checkout-2')],
        ['ledger', 3, c('web')],
      ]);
      // A ref that names nothing has no graph of its own.
      expectProblem(await api('GET', '/services/ghost/dependencies'), 404, 'SERVICE_NOT_FOUND');
    });

    it.runIf(available)('a ref resolves once the service it names exists', async () => {
      expect((await api('POST', '/services', { name: 'ghost' })).statusCode).toBe(201);
      const ghost = (await graph('web')).nodes.find((n) => n.name === 'ghost');
      expect(ghost?.resolved).toBe(true);
      expect((await graph('ghost', '?direction=downstream')).nodes.map((n) => n.name)).toEqual([
        'web',
        'ledger',
        'payments-api',
        'checkout-2',
        'mobile',
      ]);
    });

    it.runIf(available)('bad graph queries are 400 or 404', async () => {
      expectProblem(await api('GET', '/services/nowhere/dependencies'), 404, 'SERVICE_NOT_FOUND');
      for (const query of ['?depth=0', '?depth=51', '?depth=two', '?direction=sideways']) {
        const res = await api('GET', `/services/web/dependencies${query}`);
        const key = query.slice(1).split('=')[0];
        expect(problemPaths(expectProblem(res, 400, 'INVALID_INPUT'))).toContain(`querystring/${key}`);
      }
    });
  });
});
