/**
 * Starts `headroom demo` (the built CLI) on a free port with a fresh data directory and a short
 * fault delay, waits for its URL line, and hands the URL and admin token to the tests through the
 * environment. Returns the teardown that stops it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_TOKEN = 'e2e-demo-admin-token-0123456789abcdef';
const root = fileURLToPath(new URL('../..', import.meta.url));

export default async function globalSetup(): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'headroom-browser-'));
  const child: ChildProcess = spawn(
    process.execPath,
    ['bin/headroom.js', 'demo', '--port', '0', '--data-dir', dataDir, '--fault-after', '0s'],
    {
      cwd: root,
      env: {
        ...process.env,
        HEADROOM_ADMIN_TOKEN: DEMO_TOKEN,
        // Faster passes than production so the scripted fault pages within the test's patience.
        HEADROOM_EVALUATION_INTERVAL_SECONDS: '5',
        HEADROOM_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`headroom demo gave no URL in 120 s:\n${output}`)),
      120_000,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Headroom demo is ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`headroom demo exited with ${code}:\n${output}`));
    });
  });
  process.env.HEADROOM_E2E_URL = url;
  process.env.HEADROOM_E2E_TOKEN = DEMO_TOKEN;
  return async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    rmSync(dataDir, { recursive: true, force: true });
  };
}
