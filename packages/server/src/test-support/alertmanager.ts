/**
 * A real Alertmanager for the tests (Debian's `prometheus-alertmanager`, 0.25): its own temp
 * folder and config, on 127.0.0.1 at a free port, clustering off. The binary comes from
 * HEADROOM_TEST_ALERTMANAGER_BIN (set by .ci/prometheus.sh) or the PATH; without it the suite is
 * skipped with a printed reason, except under CI=true, where that fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort, sleep } from './prometheus.js';

function executable(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

export function alertmanagerBinary(): string | undefined {
  const fromEnv = process.env.HEADROOM_TEST_ALERTMANAGER_BIN;
  const found =
    executable(fromEnv) ??
    (process.env.PATH ?? '')
      .split(delimiter)
      .flatMap((d) => (d ? [join(d, 'prometheus-alertmanager'), join(d, 'alertmanager')] : []))
      .map((p) => executable(p))
      .find((p) => p !== undefined);
  if (!found) {
    const reason = 'no Alertmanager (HEADROOM_TEST_ALERTMANAGER_BIN, or prometheus-alertmanager on PATH)';
    if (process.env.CI === 'true')
      throw new Error(
        `CI=true but ${reason}: the Alertmanager suite cannot be skipped in CI (see .ci/prometheus.sh).`,
      );
    console.warn(
      `[headroom tests] Alertmanager suite skipped: ${reason} (apt-get install prometheus-alertmanager).`,
    );
  }
  return found;
}

export interface TestAlertmanager {
  url: string;
  dispose(): Promise<void>;
  /** Its whole log (debug level: every notification attempt is there). */
  log(): Promise<string>;
}

/** Starts Alertmanager with `config` (alertmanager.yml text) and waits until it is ready. */
export async function startAlertmanager(bin: string, config: string): Promise<TestAlertmanager> {
  const dir = await mkdtemp(join(tmpdir(), 'headroom-alertmanager-'));
  await writeFile(join(dir, 'alertmanager.yml'), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(dir, 'alertmanager.log');
  const log = createWriteStream(logFile);
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=debug',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const readLog = async () =>
    (await readFile(logFile, 'utf8').catch(() => '')).split('\n').slice(-40).join('\n');
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`alertmanager exited (${child.exitCode}):\n${await readLog()}`);
    const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`alertmanager not ready in 30 s:\n${await readLog()}`);
    await sleep(100);
  }
  return {
    url,
    log: readLog,
    async dispose() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
