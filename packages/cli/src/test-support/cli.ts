/** Runs the CLI in-process against a real Headroom server listening on a free port. */
import { Readable } from 'node:stream';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '@headroom/server/test-support/app';
import { run } from '../run.js';

export { ADMIN_TOKEN };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** HEADROOM_URL; none means the CLI's default. */
  server?: string;
  /** HEADROOM_TOKEN; none sends no token. */
  token?: string;
  stdin?: string;
  cwd?: string;
}

/** Runs `headroom ...args` in-process with an environment of only HEADROOM_URL and HEADROOM_TOKEN. */
export async function cli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const env: Record<string, string> = {};
  if (options.server) env.HEADROOM_URL = options.server;
  if (options.token) env.HEADROOM_TOKEN = options.token;
  const code = await run(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(options.stdin === undefined ? [] : [options.stdin]),
    env,
    ...(options.cwd && { cwd: options.cwd }),
  });
  return { code, stdout, stderr };
}

export interface CliServer extends TestApp {
  url: string;
  /** The CLI against this server, as the bootstrap admin unless another token is given. */
  cli(args: string[], options?: CliOptions): Promise<CliResult>;
  /** A user with a role and teams, and its raw token. */
  tokenFor(name: string, role: 'viewer' | 'editor' | 'admin', teams?: string[]): Promise<string>;
}

export async function startCliServer(): Promise<CliServer> {
  const test = await startTestApp('sqlite');
  const url = await test.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    ...test,
    url,
    cli: (args, options = {}) => cli(args, { server: url, token: ADMIN_TOKEN, ...options }),
    async tokenFor(name, role, teams = []) {
      const { authorization } = await test.userWithToken(name, role, teams);
      return authorization.replace(/^Bearer /, '');
    },
  };
}
