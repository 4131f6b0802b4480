import type { Token, TokenCreated, WhoAmI } from '@headroom/core/api/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from '../test-support/cli.js';

let server: CliServer;

beforeAll(async () => {
  server = await startCliServer();
  await server.cli(['teams', 'create', 'payments']);
  await server.tokenFor('erin', 'editor', ['payments']);
});
afterAll(() => server.close());

describe('headroom tokens', () => {
  it('prints only the secret on stdout, warns on stderr, and the secret works', async () => {
    const r = await server.cli(['tokens', 'create', '--name', 'laptop', '--user', 'erin']);
    expect(r.code).toBe(0);
    const secret = r.stdout.trim();
    expect(r.stdout).toBe(`${secret}\n`);
    expect(secret.length).toBeGreaterThan(20);
    expect(r.stderr).toMatch(/^Created token "laptop" \(id .+\) for erin; never expires\.$/m);
    expect(r.stderr).toMatch(/^warning: this is the only time the secret is shown/m);

    const me = await server.cli(['whoami', '-o', 'json'], { token: secret });
    expect(me.code).toBe(0);
    expect(JSON.parse(me.stdout) as WhoAmI).toMatchObject({
      user: 'erin',
      role: 'editor',
      teams: ['payments'],
    });
    const table = await server.cli(['whoami'], { token: secret });
    expect(table.stdout).toMatch(/^User:\s+erin$/m);
    expect(table.stdout).toMatch(/^Teams:\s+payments$/m);
  });

  it('lists tokens and revokes one, after which it is refused with exit 1', async () => {
    const created = JSON.parse(
      (
        await server.cli([
          'tokens',
          'create',
          '--name',
          'short-lived',
          '--expires-in-days',
          '1',
          '-o',
          'json',
        ])
      ).stdout,
    ) as TokenCreated;
    expect(created.info.expiresAt).not.toBeNull();

    const list = await server.cli(['tokens', 'list']);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+USER\s+PREFIX\s+STATE\s+CREATED\s+EXPIRES\s+LAST USED$/m);
    expect(list.stdout).toMatch(
      new RegExp(`^${created.info.id}\\s+short-lived\\s+admin\\s+\\S+\\s+active\\s`, 'm'),
    );

    expect(await server.cli(['tokens', 'revoke', created.info.id])).toMatchObject({
      code: 0,
      stdout: `revoked token ${created.info.id}\n`,
    });
    const json = JSON.parse((await server.cli(['tokens', 'list', '-o', 'json'])).stdout) as Token[];
    expect(json.find((t) => t.id === created.info.id)?.revokedAt).not.toBeNull();

    const refused = await server.cli(['whoami'], { token: created.token });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/\(INVALID_TOKEN\)$/m);
    expect(refused.stderr).toMatch(/^hint: the token from --token \/ HEADROOM_TOKEN was refused/m);
  });

  it('takes the token from --token over HEADROOM_TOKEN', async () => {
    const secret = (await server.cli(['tokens', 'create', '--name', 'flag', '--user', 'erin'])).stdout.trim();
    const r = await server.cli(['--token', secret, 'whoami', '-o', 'json']);
    expect((JSON.parse(r.stdout) as WhoAmI).user).toBe('erin');
  });
});

describe('headroom audit', () => {
  it('shows who changed what', async () => {
    const r = await server.cli(['audit', '--target-kind', 'team']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^AT\s+ACTOR\s+ACTION\s+TARGET\s+ID$/m);
    expect(r.stdout).toMatch(/\sadmin\s+team\.create\s+group:default\/payments\s+[0-9a-f-]{36}$/m);
    const json = JSON.parse((await server.cli(['audit', '--limit', '1', '-o', 'json'])).stdout) as unknown[];
    expect(json).toHaveLength(1);
  });
});
