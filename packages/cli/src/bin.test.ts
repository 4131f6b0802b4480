/** The launcher as a user runs it: a real `node bin/headroom.js` process on the built CLI. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './test-support/cli.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const launcher = join(root, 'bin/headroom.js');
const built = ['packages/core/dist/index.js', 'packages/server/dist/index.js', 'packages/cli/dist/main.js'];

beforeAll(async () => {
  if (built.every((file) => existsSync(join(root, file)))) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  await run(process.execPath, [tsc, '-b', 'packages/core', 'packages/server', 'packages/cli'], { cwd: root });
}, 180_000);

describe('bin/headroom.js', () => {
  it('prints the command list with --help and exits 0', async () => {
    const { stdout, stderr } = await run(process.execPath, [launcher, '--help'], { cwd: root });
    expect(stderr).toBe('');
    const commands = [...stdout.matchAll(/^ {2}(\w+)(?:\|\w+)?\b/gm)].map((m) => m[1]);
    expect(commands).toEqual(
      expect.arrayContaining([
        'serve',
        'apply',
        'services',
        'teams',
        'users',
        'tokens',
        'whoami',
        'audit',
        'help',
      ]),
    );
    expect(stdout).toContain('--server <url>');
    expect(stdout).toContain('--output <format>');
  });

  it('exits 2 on an unknown command', async () => {
    const failure = await run(process.execPath, [launcher, 'frobnicate']).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("unknown command 'frobnicate'"),
    });
  });

  describe('serve', () => {
    let dir: string;
    let child: ChildProcess;
    let stdout = '';

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'headroom-serve-'));
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        HEADROOM_DATABASE_URL: join(dir, 'headroom.db'),
        HEADROOM_LOG_LEVEL: 'warn',
      };
      delete env.HEADROOM_ADMIN_TOKEN;
      child = spawn(process.execPath, [launcher, 'serve', '--port', '0', '--host', '127.0.0.1'], {
        cwd: dir,
        env,
      });
      child.stdout?.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      await new Promise<void>((resolve, reject) => {
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${stdout}`)));
        const poll = setInterval(() => {
          if (/^ {2}\S+$/m.test(stdout)) {
            clearInterval(poll);
            resolve();
          }
        }, 50);
      });
    }, 60_000);

    afterAll(async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    });

    it('serves on the given host, prints the first admin token once, and that token works', async () => {
      const url = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      const token = /^ {2}(\S+)$/m.exec(stdout)?.[1];
      expect(url).toBeDefined();
      expect(token).toBeDefined();
      const me = await cli(['whoami', '-o', 'json'], { server: url!, token: token! });
      expect(me.stderr).toBe('');
      expect(JSON.parse(me.stdout)).toMatchObject({ user: 'admin', role: 'admin' });
    });

    it('stops cleanly on SIGTERM', async () => {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    });
  });
});
