import type { Team } from '@headroom/core/api/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

let server: CliServer;

beforeAll(async () => {
  server = await startCliServer();
});
afterAll(() => server.close());

describe('headroom teams', () => {
  it('creates teams and lists them in a table', async () => {
    expect(await server.cli(['teams', 'create', 'payments', '--title', 'Payments'])).toMatchObject({
      code: 0,
      stdout: 'created team group:default/payments\n',
    });
    expect((await server.cli(['teams', 'create', 'search'])).code).toBe(0);
    const r = await server.cli(['teams', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^NAME\s+TITLE\s+MEMBERS\s+SERVICES$/),
      expect.stringMatching(/^payments\s+Payments\s+0\s+0$/),
      expect.stringMatching(/^search\s+-\s+0\s+0$/),
    ]);
  });

  it('lists and gets teams as JSON', async () => {
    const list = JSON.parse((await server.cli(['-o', 'json', 'teams', 'list'])).stdout) as Team[];
    expect(list.map((t) => t.name)).toEqual(['payments', 'search']);
    const one = JSON.parse((await server.cli(['teams', 'get', 'payments', '-o', 'json'])).stdout) as Team;
    expect(one).toMatchObject({ name: 'payments', title: 'Payments', ref: 'group:default/payments' });
  });

  it('adds and removes members', async () => {
    await server.tokenFor('alice', 'editor');
    const added = await server.cli(['teams', 'members', 'add', 'payments', 'alice']);
    expect(added).toMatchObject({
      code: 0,
      stdout: 'added alice to group:default/payments; members: alice\n',
    });
    const shown = await server.cli(['teams', 'get', 'payments']);
    expect(shown.stdout).toMatch(/^Members:\s+alice$/m);
    const removed = await server.cli(['teams', 'members', 'remove', 'payments', 'alice']);
    expect(removed.stdout).toBe('removed alice from group:default/payments; members: (none)\n');
  });

  it('updates and deletes a team', async () => {
    const updated = await server.cli([
      'teams',
      'update',
      'search',
      '--email',
      'search@example.com',
      '-o',
      'json',
    ]);
    expect(JSON.parse(updated.stdout)).toMatchObject({ email: 'search@example.com' });
    expect((await server.cli(['teams', 'delete', 'search'])).stdout).toBe('deleted team search\n');
    expect((await server.cli(['teams', 'get', 'search'])).code).toBe(1);
  });

  it('refuses an editor creating a team with 403, exit 1 and a hint', async () => {
    const token = await server.tokenFor('bob', 'editor');
    const r = await server.cli(['teams', 'create', 'bobs-team'], { token });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Only an admin can create teams\. \(FORBIDDEN\)$/m);
    expect(r.stderr).toMatch(/^hint: .*headroom whoami/m);
  });
});
