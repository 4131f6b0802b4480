import type { User } from '@headroom/core/api/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

let server: CliServer;

beforeAll(async () => {
  server = await startCliServer();
  await server.cli(['teams', 'create', 'payments']);
});
afterAll(() => server.close());

async function login(user: string, password: string): Promise<number> {
  const response = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  return response.status;
}

describe('headroom users', () => {
  it('creates a user with a role, teams and a password read from stdin', async () => {
    const r = await server.cli(
      ['users', 'create', 'carol', '--role', 'editor', '--team', 'payments', '--password-stdin'],
      { stdin: 'correct horse battery\n' },
    );
    expect(r).toMatchObject({ code: 0, stdout: 'created user user:default/carol (editor)\n' });
    expect(await login('carol', 'correct horse battery')).toBe(200);
  });

  it('lists and gets users', async () => {
    const list = await server.cli(['users', 'list', '--team', 'payments']);
    expect(list.stdout).toMatch(/^carol\s+-\s+-\s+editor\s+payments$/m);
    const one = JSON.parse((await server.cli(['users', 'get', 'carol', '-o', 'json'])).stdout) as User;
    expect(one).toMatchObject({ role: 'editor', teams: ['payments'], hasPassword: true });
  });

  it('updates and deletes a user', async () => {
    const r = await server.cli(['users', 'update', 'carol', '--role', 'viewer', '--display-name', 'Carol C']);
    expect(r.stdout).toBe('updated user user:default/carol\n');
    expect((await server.cli(['users', 'get', 'carol'])).stdout).toMatch(/^Role:\s+viewer$/m);
    expect((await server.cli(['users', 'delete', 'carol'])).code).toBe(0);
    expect((await server.cli(['users', 'get', 'carol'])).code).toBe(1);
  });

  it('refuses an empty --password-stdin and an unknown role locally', async () => {
    const empty = await server.cli(['users', 'create', 'dave', '--password-stdin'], { stdin: '' });
    expect(empty).toMatchObject({
      code: 2,
      stderr: 'error: --password-stdin was given but stdin was empty\n',
    });
    const role = await server.cli(['users', 'create', 'dave', '--role', 'root']);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain('Allowed choices are viewer, editor, admin');
  });
});
