/**
 * The README's quick start, as a new user meets it: the built `headroom serve` (through the
 * checked-in launcher) on 127.0.0.1 with a fresh SQLite file, over real HTTP. The first start
 * prints the URL and a one-time admin token; that token works for the API and the CLI; the
 * process stops cleanly on SIGTERM; a second start on the same database prints no new token.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const launcher = join(root, 'bin', 'headroom.js');
const dataDir = mkdtempSync(join(tmpdir(), 'headroom-e2e-'));
// The user's own HEADROOM_* settings must not leak into a quick start on a fresh database.
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('HEADROOM_')),
);
env.HEADROOM_DATABASE_URL = join(dataDir, 'headroom.db');
env.HEADROOM_LOG_LEVEL = 'warn';

interface Served {
  child: ChildProcessWithoutNullStreams;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** `headroom serve --port 0`; resolves once the start-up lines (URL and login hint) are printed. */
function serve(): Promise<Served> {
  const child = spawn(process.execPath, [launcher, 'serve', '--port', '0'], { cwd: root, env });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up lines within 60 s:\n${out}`)), 60_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const url = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      // The URL line comes first, then one of: the printed token, the env token, or a login hint.
      if (url && /\n.*(HEADROOM_TOKEN|HEADROOM_ADMIN_TOKEN|tokens create).*\n/.test(out)) {
        clearTimeout(timer);
        resolve({ child, url, output: () => out, exited });
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`headroom serve exited with ${code} before serving:\n${out}`));
    });
  });
}

async function stop(server: Served): Promise<number | null> {
  server.child.kill('SIGTERM');
  return server.exited;
}

describe('quick start: headroom serve on a fresh SQLite database', () => {
  let first: Served;
  let token: string;

  beforeAll(async () => {
    first = await serve();
  });

  afterAll(async () => {
    if (first && first.child.exitCode === null) await stop(first);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the URL and, once, the admin API token', () => {
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const printed = /^ {2}(hr_[A-Za-z0-9_-]{20,})$/m.exec(first.output());
    expect(printed, first.output()).not.toBeNull();
    token = printed![1]!;
    expect(first.output()).toContain(`export HEADROOM_TOKEN=${token}`);
  });

  it('answers health checks without credentials', async () => {
    expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${first.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { database: 'ok', migrations: 'ok' },
    });
    const metrics = await fetch(`${first.url}/metrics`);
    expect(await metrics.text()).toContain('headroom_http_request_duration_seconds');
  });

  it('serves the same OpenAPI document that is checked in', async () => {
    const served = await (await fetch(`${first.url}/api/v1/openapi.json`)).json();
    const committed = JSON.parse(readFileSync(join(root, 'openapi', 'headroom.json'), 'utf8'));
    expect(served).toEqual(committed);
  });

  it('refuses the API without a token (401 problem+json) and accepts the printed one', async () => {
    const anonymous = await fetch(`${first.url}/api/v1/auth/whoami`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await anonymous.json()).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

    const me = await fetch(`${first.url}/api/v1/auth/whoami`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: 'admin', role: 'admin' });
  });

  it('rejects a request body over 1 MiB with 413 problem+json', async () => {
    const big = await fetch(`${first.url}/api/v1/teams`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'big', description: 'x'.repeat(1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('lets the CLI use the token from HEADROOM_URL and HEADROOM_TOKEN', () => {
    const cli = spawnSync(process.execPath, [launcher, 'whoami', '--output', 'json'], {
      cwd: root,
      env: { ...env, HEADROOM_URL: first.url, HEADROOM_TOKEN: token },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(cli.status, cli.stderr).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ user: 'admin', role: 'admin' });
  });

  it('stops cleanly on SIGTERM, and a second start prints no new token', async () => {
    expect(await stop(first)).toBe(0);
    const second = await serve();
    try {
      expect(second.output()).not.toMatch(/hr_[A-Za-z0-9_-]{20,}/);
      const me = await fetch(`${second.url}/api/v1/auth/whoami`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(me.status).toBe(200);
    } finally {
      expect(await stop(second)).toBe(0);
    }
  });
});
