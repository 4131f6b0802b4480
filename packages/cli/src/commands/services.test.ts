import type { DependencyGraph, Service } from '@headroom/core/api/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

let server: CliServer;

beforeAll(async () => {
  server = await startCliServer();
  expect((await server.cli(['teams', 'create', 'payments', '--title', 'Payments'])).code).toBe(0);
});
afterAll(() => server.close());

describe('headroom services', () => {
  it('creates a service and prints its ref', async () => {
    const r = await server.cli([
      'services',
      'create',
      'payments-api',
      '--owner',
      'payments',
      '--tier',
      '1',
      '--title',
      'Payments API',
      '--tag',
      'pci',
      '--link',
      'runbook=https://wiki.example.com/payments',
    ]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('created service component:default/payments-api\n');
  });

  it('creates a service with dependencies and answers with JSON under -o json', async () => {
    const r = await server.cli([
      'services',
      'create',
      'checkout',
      '--owner',
      'payments',
      '--depends-on',
      'payments-api',
      '--depends-on',
      'resource:default/orders-db',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    const created = JSON.parse(r.stdout) as Service;
    expect(created).toMatchObject({
      name: 'checkout',
      tier: 3,
      lifecycle: 'production',
      ownerTeam: 'payments',
    });
    expect(created.dependsOn).toEqual(['component:default/payments-api', 'resource:default/orders-db']);
  });

  it('lists services as an aligned table', async () => {
    const r = await server.cli(['services', 'list']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+TITLE\s+OWNER\s+TIER\s+LIFECYCLE\s+DEPENDS ON$/);
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.startsWith('payments-api'))).toMatch(
      /^payments-api\s+Payments API\s+payments\s+1\s+production\s+-$/,
    );
    // Columns line up: every row starts its second column where the header does.
    const titleAt = lines[0]!.indexOf('TITLE');
    for (const line of lines.slice(1)) expect(line[titleAt - 1]).toBe(' ');
  });

  it('filters the list by tier and prints JSON that parses', async () => {
    const r = await server.cli(['services', 'list', '--tier', '1', '--output', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Service[]).map((s) => s.name)).toEqual(['payments-api']);
    const none = await server.cli(['services', 'list', '--team', 'nobody']);
    expect(none).toMatchObject({ code: 0, stdout: 'no services\n' });
  });

  it('gets one service as details', async () => {
    const r = await server.cli(['services', 'get', 'payments-api']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+payments-api$/m);
    expect(r.stdout).toMatch(/^Owner:\s+payments$/m);
    expect(r.stdout).toMatch(/^Tier:\s+1$/m);
    expect(r.stdout).toMatch(/^Tags:\s+pci$/m);
    expect(r.stdout).toMatch(/^Links:\s+runbook: https:\/\/wiki\.example\.com\/payments$/m);
  });

  it('updates only the fields given', async () => {
    const r = await server.cli([
      'services',
      'update',
      'payments-api',
      '--lifecycle',
      'deprecated',
      '-o',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ lifecycle: 'deprecated', tier: 1, title: 'Payments API' });
    const nothing = await server.cli(['services', 'update', 'payments-api']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/^error: nothing to change/);
  });

  it('shows dependencies upstream and downstream', async () => {
    const up = await server.cli(['services', 'deps', 'checkout']);
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(
      /^1\s+component:default\/payments-api\s+component\s+component:default\/checkout\s+yes$/m,
    );
    expect(up.stdout).toMatch(/resource:default\/orders-db .*no \(not in the catalog\)$/m);
    const down = await server.cli(['services', 'deps', 'payments-api', '--downstream', '-o', 'json']);
    const graph = JSON.parse(down.stdout) as DependencyGraph;
    expect(graph.direction).toBe('downstream');
    expect(graph.nodes.map((n) => n.ref)).toEqual(['component:default/checkout']);
  });

  it('walks downstream from a resource ref through the entities route', async () => {
    const yaml =
      'apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata: { name: orders-db }\nspec: { type: database, owner: payments }\n';
    const applied = await server.app.inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: server.admin,
      payload: { files: [{ path: 'db.yaml', content: yaml }] },
    });
    expect(applied.statusCode, applied.body).toBe(200);
    const r = await server.cli(['services', 'deps', 'resource:orders-db', '--downstream', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const graph = JSON.parse(r.stdout) as DependencyGraph;
    expect(graph.root).toBe('resource:default/orders-db');
    expect(graph.nodes.map((n) => n.ref)).toEqual(['component:default/checkout']);
    const missing = await server.cli(['services', 'deps', 'resource:nothing']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/ENTITY_NOT_FOUND/);
  });

  it('deletes a service, and a second delete is a 404 that exits 1', async () => {
    expect(await server.cli(['services', 'delete', 'checkout'])).toMatchObject({
      code: 0,
      stdout: 'deleted service checkout\n',
    });
    const again = await server.cli(['services', 'get', 'checkout']);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toBe("error: Service 'checkout' does not exist. (SERVICE_NOT_FOUND)\n");
  });

  it('prints each failing field path of a validation error and exits 1', async () => {
    const r = await server.cli(['services', 'create', 'Not_A_Label', '--owner', 'payments']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .* \(INVALID_INPUT\)$/m);
    expect(r.stderr).toMatch(/^ {2}\/name: must match pattern/m);
  });

  it('rejects a bad option value locally with exit 2, sending nothing', async () => {
    const r = await server.cli(['services', 'create', 'x', '--owner', 'payments', '--tier', '7']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("option '--tier <n>' argument '7' is invalid");
    expect((await server.cli(['services', 'get', 'x'])).code).toBe(1);
  });
});
