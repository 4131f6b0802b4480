/**
 * A real Prometheus for the tests, one process per test file: its own temp folder, config and
 * TSDB, on 127.0.0.1 at a free port. The binary comes from HEADROOM_TEST_PROMETHEUS_BIN (set by
 * .ci/prometheus.sh) or `prometheus` on PATH; promtool from HEADROOM_TEST_PROMTOOL_BIN, beside
 * the binary, or PATH. Without them the suites are skipped with a printed reason, except under
 * CI=true, where a missing Prometheus fails (as databases.ts does for PostgreSQL).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { accessSync, constants, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';

function executable(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const found = dir ? executable(join(dir, name)) : undefined;
    if (found) return found;
  }
  return undefined;
}

export interface PrometheusBinaries {
  available: boolean;
  prometheus?: string;
  promtool?: string;
  reason?: string;
}

/** Finds prometheus and promtool; throws under CI=true when either is missing. */
export function prometheusBinaries(): PrometheusBinaries {
  const fromEnv = process.env.HEADROOM_TEST_PROMETHEUS_BIN;
  const prometheus = fromEnv ? executable(fromEnv) : onPath('prometheus');
  const promtool =
    executable(process.env.HEADROOM_TEST_PROMTOOL_BIN) ??
    (prometheus ? executable(join(dirname(prometheus), 'promtool')) : undefined) ??
    onPath('promtool');
  let reason: string | undefined;
  if (fromEnv && !prometheus) reason = `HEADROOM_TEST_PROMETHEUS_BIN=${fromEnv} is not an executable`;
  else if (!prometheus) reason = 'HEADROOM_TEST_PROMETHEUS_BIN is not set and no prometheus is on PATH';
  else if (!promtool) reason = `no promtool beside ${prometheus} or on PATH`;
  if (reason && process.env.CI === 'true') {
    throw new Error(
      `CI=true but ${reason}: the Prometheus suites cannot be skipped in CI (see .ci/prometheus.sh).`,
    );
  }
  if (reason) {
    console.warn(`[headroom tests] Prometheus suites skipped: ${reason} (apt-get install prometheus).`);
    return { available: false, reason };
  }
  return { available: true, ...(prometheus ? { prometheus } : {}), ...(promtool ? { promtool } : {}) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface TestPrometheus {
  url: string;
  dir: string;
  /** Stops the process (SIGTERM, then SIGKILL after 15 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port and TSDB and waits until it is ready. */
  start(): Promise<void>;
  /** Stops it and deletes its folder. */
  dispose(): Promise<void>;
  log(): Promise<string>;
}

export interface PrometheusOptions {
  binaries: PrometheusBinaries;
  /** host:port targets scraped as job "exporter". */
  targets: string[];
  scrapeInterval?: string;
  /** OpenMetrics text loaded into the TSDB with promtool before the first start. */
  openMetrics?: string;
}

const run = promisify(execFile);

export async function startPrometheus(options: PrometheusOptions): Promise<TestPrometheus> {
  const { prometheus: bin, promtool } = options.binaries;
  if (!bin || !promtool) throw new Error('Prometheus is not available');
  const dir = await mkdtemp(join(tmpdir(), 'headroom-prometheus-'));
  const data = join(dir, 'data');
  const interval = options.scrapeInterval ?? '1s';
  await writeFile(
    join(dir, 'prometheus.yml'),
    [
      'global:',
      `  scrape_interval: ${interval}`,
      '  evaluation_interval: 1m',
      'scrape_configs:',
      '  - job_name: exporter',
      `    scrape_interval: ${interval}`,
      `    scrape_timeout: ${interval}`,
      '    static_configs:',
      `      - targets: [${options.targets.map((t) => `'${t}'`).join(', ')}]`,
      '',
    ].join('\n'),
  );
  if (options.openMetrics !== undefined) {
    const file = join(dir, 'history.om');
    await writeFile(file, options.openMetrics);
    await run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, data], {
      maxBuffer: 16 * 1024 * 1024,
    });
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(dir, 'prometheus.log');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    const log = createWriteStream(logFile, { flags: 'a' });
    const proc = spawn(
      bin,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${data}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=30d',
        '--log.level=info',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout?.pipe(log);
    proc.stderr?.pipe(log);
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(
          `prometheus exited (${proc.exitCode ?? proc.signalCode}); log:\n${await tail(logFile)}`,
        );
      }
      if (await isReady(`${url}/-/ready`)) return;
      if (Date.now() > deadline)
        throw new Error(`prometheus was not ready in 30 s; log:\n${await tail(logFile)}`);
      await sleep(100);
    }
  };

  const stop = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    url,
    dir,
    start,
    stop,
    async dispose() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
    log: () => tail(logFile),
  };
}

async function tail(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-40).join('\n');
  } catch {
    return '(no log)';
  }
}

function isReady(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(1000) }).then(
    (r) => r.ok,
    () => false,
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `now() >= at` (epoch ms). */
export function sleepUntil(at: number): Promise<void> {
  return sleep(Math.max(0, at - Date.now()));
}

/**
 * A tiny exporter on 127.0.0.1: `http_requests_total{code="200"|"500"}` counters that the test
 * increments, served in Prometheus' text format at /metrics. Every scrape is recorded with the
 * values it served, so a test knows exactly what Prometheus saw.
 */
export interface TestExporter {
  target: string;
  counters: Record<'200' | '500', number>;
  add(code: '200' | '500', n: number): void;
  scrapes: { at: number; counters: Record<'200' | '500', number> }[];
  close(): Promise<void>;
}

export async function startExporter(): Promise<TestExporter> {
  const counters = { '200': 0, '500': 0 };
  const scrapes: TestExporter['scrapes'] = [];
  const server = http.createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    scrapes.push({ at: Date.now(), counters: { ...counters } });
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end(
      [
        '# HELP http_requests_total Requests served, by status code.',
        '# TYPE http_requests_total counter',
        `http_requests_total{code="200"} ${counters['200']}`,
        `http_requests_total{code="500"} ${counters['500']}`,
        '',
      ].join('\n'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    counters,
    scrapes,
    add(code, n) {
      counters[code] += n;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
