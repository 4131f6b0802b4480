import type { Problem } from '@headroom/core/api/common';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { apply, backstageFixtures, catalogCounts } from '../../test-support/apply.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';

afterAll(dropCreatedDatabases);

const component = (name: string, owner: string) => `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
spec:
  type: service
  lifecycle: production
  owner: ${owner}
`;

const good = { path: 'good.yaml', content: component('fine', 'payments') };

describe.each(supportedDatabases())('apply rejects bad input on $name', ({ name, available }) => {
  let t: TestApp;
  beforeEach(async () => {
    if (available) t = await startTestApp(name);
  });
  afterEach(async () => {
    if (available) await t.close();
  });

  /** Sends the files, expects a problem+json with `status` and `code`, and that nothing was written. */
  async function rejected(
    files: { path: string; content: string }[],
    status: number,
    code: string,
    headers = t.admin,
  ) {
    const before = await catalogCounts(t);
    const res = await apply(t, files, { headers });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json() as Problem;
    expect(problem).toMatchObject({ status, code, type: expect.any(String), title: expect.any(String) });
    expect(await catalogCounts(t)).toEqual(before);
    return problem;
  }

  it.runIf(available)('invalid YAML: the file, line and column, and nothing written', async () => {
    const p = await rejected(
      [good, { path: 'broken.yaml', content: 'apiVersion: backstage.io/v1alpha1\nkind: [Component\n' }],
      400,
      'INVALID_YAML',
    );
    expect(p.errors).toEqual([
      {
        path: '',
        message: expect.stringMatching(/^invalid YAML: /),
        file: 'broken.yaml',
        line: 3,
        column: 1,
      },
    ]);
    expect(p.detail).toMatch(/^broken\.yaml:3:1: invalid YAML/);
  });

  it.runIf(available)('unknown apiVersion/kind: the supported ones are listed', async () => {
    const p = await rejected(
      [
        good,
        { path: 'k8s.yaml', content: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n' },
      ],
      400,
      'UNKNOWN_KIND',
    );
    expect(p.errors).toEqual([
      {
        path: '/apiVersion',
        message: expect.stringContaining(
          'backstage.io/v1alpha1: API, Component, Domain, Group, Location, Resource, System, User',
        ),
        file: 'k8s.yaml',
        line: 1,
        column: 13,
      },
    ]);
  });

  it.runIf(available)('schema violations: every field path with its line', async () => {
    const bad = component('Not A Name', 'payments').replace('  lifecycle: production\n', '');
    const p = await rejected([good, { path: 'bad.yaml', content: bad }], 400, 'INVALID_CONFIG');
    expect(p.errors).toEqual([
      { path: '/metadata/name', message: expect.any(String), file: 'bad.yaml', line: 4, column: 9 },
      { path: '/spec/lifecycle', message: 'is required', file: 'bad.yaml', line: 5, column: 1 },
    ]);
  });

  it.runIf(available)('the same object in two files: both are named', async () => {
    const p = await rejected([good, { path: 'copy.yaml', content: good.content }], 400, 'DUPLICATE_OBJECT');
    expect(p.errors?.[0]?.message).toMatch(/good\.yaml:1:1 and at copy\.yaml:1:1/);
  });

  it.runIf(available)('a request without files or with unknown fields is refused by the schema', async () => {
    await rejected([], 400, 'INVALID_INPUT');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: t.admin,
      payload: { files: [good], force: true },
    });
    expect(res.statusCode).toBe(400);
  });

  it.runIf(available)(
    'takes a config repository of several MiB, and refuses one over 16 MiB with 413',
    async () => {
      // 2,000 components with long descriptions: about 3 MiB, three times the limit of other routes.
      const teams =
        'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata: { name: payments }\nspec: { type: team, children: [] }\n';
      const many = Array.from({ length: 2000 }, (_, i) =>
        component(`svc-${i}`, 'payments').replace('spec:', `  description: ${'x'.repeat(1400)}\nspec:`),
      ).join('---\n');
      const files = [
        { path: 'teams.yaml', content: teams },
        { path: 'many.yaml', content: many },
      ];
      expect(JSON.stringify({ files }).length).toBeGreaterThan(2 * 1024 * 1024);
      const res = await apply(t, files, { dryRun: true });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      expect(res.json().summary.create).toBe(2001);
      const huge = [{ path: 'huge.yaml', content: `# ${'x'.repeat(17 * 1024 * 1024)}\n` }];
      const p = await rejected(huge, 413, 'PAYLOAD_TOO_LARGE');
      expect(p.detail).toContain('16 MiB');
    },
  );

  it.runIf(available)('needs a token', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/apply', payload: { files: [good] } });
    expect(res.statusCode).toBe(401);
  });

  it.runIf(available)('forbids an editor changes outside their teams, failing the whole apply', async () => {
    expect((await apply(t, backstageFixtures(['components.yaml', 'unresolved.yaml']))).statusCode).toBe(200);
    const eve = await t.userWithToken('eve', 'editor', ['platform']);

    // One allowed change and one forbidden one: neither is written.
    const p = await rejected(
      [
        { path: 'mine.yaml', content: component('platform-tool', 'platform') },
        { path: 'theirs.yaml', content: component('sneaky', 'payments') },
      ],
      403,
      'FORBIDDEN',
      eve,
    );
    expect(p.errors).toEqual([
      {
        path: '',
        message: expect.stringContaining('create component:default/sneaky'),
        file: 'theirs.yaml',
        line: 1,
        column: 1,
      },
    ]);

    // Taking a service from another team is forbidden too; a team change is an admin's.
    await rejected(
      [{ path: 'steal.yaml', content: component('platform-tool', 'payments') }],
      403,
      'FORBIDDEN',
      eve,
    );
    await rejected(
      backstageFixtures(['components.yaml', 'unresolved.yaml', 'system-model.yaml', 'partner.yaml']).map(
        (f) => ({
          ...f,
          content: f.content.replace('The infra business unit', 'renamed'),
        }),
      ),
      403,
      'FORBIDDEN',
      eve,
    );

    // Within her team she may create and then re-apply (unchanged needs no permission).
    const ok = await apply(t, [{ path: 'mine.yaml', content: component('platform-tool', 'platform') }], {
      headers: eve,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const again = await apply(
      t,
      [
        { path: 'mine.yaml', content: component('platform-tool', 'platform') },
        ...backstageFixtures(['components.yaml', 'unresolved.yaml', 'partner.yaml']),
      ],
      { headers: eve },
    );
    expect(again.statusCode, again.body).toBe(200);
  });

  it.runIf(available)('never leaves Headroom without an admin', async () => {
    const demote = `apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: admin
  annotations: { headroom.dev/role: viewer }
spec: { memberOf: [] }
`;
    const p = await rejected([{ path: 'admin.yaml', content: demote }], 409, 'LAST_ADMIN');
    expect(p.detail).toMatch(/without an admin/);
    // Without the annotation the role is left alone.
    const res = await apply(t, [
      { path: 'admin.yaml', content: demote.replace('  annotations: { headroom.dev/role: viewer }\n', '') },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items[0]).toMatchObject({
      action: 'update',
      changes: expect.not.arrayContaining(['role']),
    });
  });
});
