import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, cli, startCliServer } from './test-support/cli.js';

let server: CliServer;

beforeAll(async () => {
  server = await startCliServer();
});
afterAll(() => server.close());

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe('errors and exit codes', () => {
  it('401 without a token: exit 1 and a hint to set HEADROOM_TOKEN', async () => {
    const r = await server.cli(['services', 'list'], { token: undefined });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error: .+ \(UNAUTHENTICATED\)$/m);
    expect(r.stderr).toMatch(/^hint: no token was sent: set HEADROOM_TOKEN or pass --token/m);
  });

  it('403 for a viewer writing: exit 1 with the reason', async () => {
    const token = await server.tokenFor('victor', 'viewer');
    await server.cli(['teams', 'create', 'payments']);
    const r = await server.cli(['services', 'create', 'ledger', '--owner', 'payments'], { token });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Viewers cannot change .+ \(FORBIDDEN\)$/m);
  });

  it('404: exit 1 with the detail and code', async () => {
    const r = await server.cli(['teams', 'get', 'nope']);
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toMatch(/^error: Team 'nope' does not exist\. \(\w+\)$/m);
  });

  it('server unreachable: exit 2, naming the URL and hinting at --server / HEADROOM_URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const r = await cli(['teams', 'list'], { server: url, token: 'x' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: cannot reach the Headroom server at ${url} (`);
    expect(r.stderr).toMatch(/ECONNREFUSED/);
    expect(r.stderr).toMatch(/^hint: .*--server <url> or HEADROOM_URL/m);
    const flag = await cli(['--server', url, 'teams', 'list']);
    expect(flag.code).toBe(2);
  });

  it('the default server is http://127.0.0.1:7070', async () => {
    const r = await cli(['--help']);
    expect(r.stdout).toContain('default http://127.0.0.1:7070');
  });

  it('a --server that is not an http URL is a usage error', async () => {
    const r = await cli(['--server', 'localhost:7070', 'teams', 'list']);
    expect(r).toMatchObject({
      code: 2,
      stderr: "error: --server must be an http:// or https:// URL, got 'localhost:7070'\n",
    });
  });

  it('an answer that is not problem+json (a proxy, another service) still gives a clear error', async () => {
    const proxy = createServer((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const r = await cli(['teams', 'list'], { server: url });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `error: HTTP 502 Bad Gateway from ${url}; is that a Headroom server? (HTTP_502)\n`,
      );
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('usage errors exit 2: unknown command, missing argument, bad --output', async () => {
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['services', 'get'])).stderr).toContain("missing required argument 'name'");
    expect((await cli(['services', 'get'])).code).toBe(2);
    expect((await cli(['-o', 'yaml', 'teams', 'list'])).code).toBe(2);
    expect((await cli([])).code).toBe(2);
  });

  it('--help and --version exit 0 on stdout', async () => {
    const help = await cli(['services', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--depends-on <ref>');
    expect(help.stdout).toContain('Global Options:');
    const version = await cli(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n' });
  });
});
