/**
 * The local pieces of the detection-latency benchmark (bench/_alerts-latency.mjs), all on
 * 127.0.0.1: a webhook receiver that timestamps arrivals, an exporter of cumulative request
 * counters for Prometheus to scrape, and Prometheus 2.42 and Alertmanager 0.25 (Debian packages)
 * as child processes with their own temp folders. Nothing here waits on a timer of its own
 * beyond readiness checks: the caller decides when to stop.
 */
import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';
export const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
export const AMTOOL = '/usr/bin/amtool';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function runTool(command, args, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${command} ${args.slice(0, 3).join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

/** First line of `<binary> --version`, e.g. "prometheus, version 2.42.0+ds (…)". */
export async function versionOf(binary) {
  return (await runTool(binary, ['--version'], 10_000)).split('\n')[0].trim();
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

function closeServer(server) {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/**
 * Records every POST with the wall-clock time its body was fully received (the moment a
 * notification "reaches" the receiver) and answers 200 at once.
 */
export async function startWebhookReceiver() {
  const received = [];
  const waiters = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const text = Buffer.concat(chunks).toString('utf8');
      let body = null;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as null: not a notification
      }
      received.push({ path: req.url ?? '', at, headers: req.headers, text, body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      for (const wake of waiters) wake();
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    /** Resolves at the next arrival or after `ms`. */
    next(ms) {
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        waiters.add(wake);
      });
    },
    close: () => closeServer(server),
  };
}

/**
 * `bench_requests_total{slo, code}` as a scrape target (text format 0.0.4, no timestamps: the
 * scrape time is the sample's time, as for any exporter). Counters only ever grow.
 */
export async function startExporter() {
  const counters = new Map(); // slo -> { ok, err }
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const lines = ['# HELP bench_requests_total Requests served.', '# TYPE bench_requests_total counter'];
    for (const [slo, c] of counters) {
      lines.push(`bench_requests_total{code="200",slo="${slo}"} ${c.ok}`);
      lines.push(`bench_requests_total{code="500",slo="${slo}"} ${c.err}`);
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`${lines.join('\n')}\n`);
  });
  const port = await listen(server);
  return {
    address: `127.0.0.1:${port}`,
    set(slo, ok, err) {
      counters.set(slo, { ok, err });
    },
    add(slo, ok, err) {
      const c = counters.get(slo) ?? { ok: 0, err: 0 };
      counters.set(slo, { ok: c.ok + ok, err: c.err + err });
    },
    close: () => closeServer(server),
  };
}

/**
 * The history as Prometheus would have scraped it from the exporter: per SLO and code, the
 * running sum at the end of every minute, with the job and instance labels a scrape adds, so
 * that the live scrapes continue the very same series (no reset, no gap).
 */
export function historyOpenMetrics({ slos, firstMinute, endMinute, minuteCounts, job, instance }) {
  const out = ['# HELP bench_requests Requests served.', '# TYPE bench_requests counter'];
  for (const slo of slos) {
    for (const code of ['200', '500']) {
      const series = `bench_requests_total{code="${code}",instance="${instance}",job="${job}",slo="${slo}"}`;
      let sum = 0;
      out.push(`${series} 0 ${firstMinute * 60}`);
      for (let m = firstMinute; m < endMinute; m++) {
        const { good, total } = minuteCounts(slo, m);
        sum += code === '200' ? good : total - good;
        out.push(`${series} ${sum} ${(m + 1) * 60}`);
      }
    }
  }
  out.push('# EOF', '');
  return out.join('\n');
}

async function waitReady(url, proc, logFile, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`${what} exited (${proc.exitCode ?? proc.signalCode}):\n${await tail(logFile)}`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`${what} not ready in ${timeoutMs / 1000} s:\n${await tail(logFile)}`);
    await sleep(100);
  }
}

async function tail(file) {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A child process whose output goes to a log file; stop() sends SIGTERM, then SIGKILL after 15 s. */
function daemon(binary, args, logFile) {
  const log = createWriteStream(logFile, { flags: 'a' });
  const proc = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.pipe(log);
  proc.stderr.pipe(log);
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  // Never leave a child behind, even if the benchmark dies without reaching its cleanup.
  const onExit = () => proc.kill('SIGKILL');
  process.once('exit', onExit);
  return {
    proc,
    log: () => tail(logFile),
    async stop() {
      process.removeListener('exit', onExit);
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

/**
 * Alertmanager 0.25 with the route's default timings (group_wait 30s, group_interval 5m,
 * repeat_interval 4h: none is set), grouping by alertname and slo so that each SLO's page is a
 * group of its own as on Headroom's route, and clustering off (no gossip to settle first).
 */
export async function startAlertmanager({ dir, receiverUrl }) {
  const config = join(dir, 'alertmanager.yml');
  await writeFile(
    config,
    [
      'route:',
      '  receiver: bench',
      '  group_by: [alertname, slo]',
      'receivers:',
      '  - name: bench',
      '    webhook_configs:',
      `      - url: ${receiverUrl}`,
      '',
    ].join('\n'),
  );
  await runTool(AMTOOL, ['check-config', config]);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(dir, 'alertmanager.log');
  const d = daemon(
    ALERTMANAGER,
    [
      `--config.file=${config}`,
      `--storage.path=${join(dir, 'alertmanager-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=info',
    ],
    logFile,
  );
  try {
    await waitReady(`${url}/-/ready`, d.proc, logFile, 'Alertmanager');
  } catch (error) {
    await d.stop();
    throw error;
  }
  return { url, address: `127.0.0.1:${port}`, ...d };
}

/**
 * Prometheus 2.42 with its default global timings (no `global:` block: scrape_interval 1m,
 * evaluation_interval 1m), the rule file, the exporter as job `bench`, and Alertmanager. The TSDB
 * holds the backfilled history before the first start.
 */
export async function startPrometheus({ dir, port, rulesFile, exporter, alertmanager, job }) {
  const config = join(dir, 'prometheus.yml');
  await writeFile(
    config,
    [
      'alerting:',
      '  alertmanagers:',
      '    - static_configs:',
      `        - targets: ['${alertmanager}']`,
      `rule_files: ['${rulesFile}']`,
      'scrape_configs:',
      `  - job_name: ${job}`,
      '    static_configs:',
      `      - targets: ['${exporter}']`,
      '',
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}`;
  const logFile = join(dir, 'prometheus.log');
  const d = daemon(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=info',
    ],
    logFile,
  );
  try {
    await waitReady(`${url}/-/ready`, d.proc, logFile, 'Prometheus');
  } catch (error) {
    await d.stop();
    throw error;
  }
  return { url, ...d };
}

export async function getJson(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
  return res.json();
}
