/**
 * The Prometheus side of the SLO benchmark: the same generated data for the first N SLOs as
 * OpenMetrics counters (slo_requests_total and slo_errors_total per SLO, one sample a minute),
 * turned into TSDB blocks by `promtool tsdb create-blocks-from openmetrics`, Sloth's 5-minute
 * error-ratio recording rule backfilled over the whole range with `promtool tsdb
 * create-blocks-from rules`, then the evaluation Sloth's SLI recording rules do each interval —
 * the seven rate windows over the counters and the 30-day figure averaged over the recorded 5m
 * ratios — timed as instant queries over the HTTP API of a Prometheus on 127.0.0.1.
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { log } from './_lib.mjs';
import { fillBuckets, sloName, trafficOf } from './_slo-data.mjs';

export const RATE_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];
const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';

function run(command, args, { timeoutMs }) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error)
        reject(
          new Error(
            `${command} ${args[0]} ${args[1] ?? ''} failed: ${error.message}\n${stderr.slice(-2000)}`,
          ),
        );
      else resolve({ stdout, stderr });
    });
  });
}

export async function prometheusVersion() {
  const { stdout } = await run(PROMETHEUS, ['--version'], { timeoutMs: 10_000 });
  return stdout.split('\n')[0].replace(/^prometheus, version /, '');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Counters as Prometheus would have scraped them: a zero at the start of the first minute, then
 * the running sum at the end of every minute. Written family by family (OpenMetrics wants each
 * family's samples together) and series by series, in time order.
 */
function writeOpenMetrics(file, { slos, days, endMinute }) {
  const minutes = days * 1440;
  const firstMinute = endMinute - minutes + 1;
  const good = new Float64Array(minutes);
  const total = new Float64Array(minutes);
  const fd = openSync(file, 'w');
  let buffer = '';
  const flush = (force) => {
    if (force || buffer.length > 4_000_000) {
      writeSync(fd, buffer);
      buffer = '';
    }
  };
  let samples = 0;
  for (const family of ['requests', 'errors']) {
    buffer += `# TYPE slo_${family} counter\n`;
    for (let i = 0; i < slos; i++) {
      fillBuckets(trafficOf(i, firstMinute, endMinute), firstMinute, good, total);
      const series = `slo_${family}_total{slo="${sloName(i)}"} `;
      buffer += `${series}0 ${firstMinute * 60}\n`;
      let sum = 0;
      for (let k = 0; k < minutes; k++) {
        sum += family === 'requests' ? total[k] : total[k] - good[k];
        buffer += `${series}${sum} ${(firstMinute + k + 1) * 60}\n`;
        flush(false);
      }
      samples += minutes + 1;
    }
  }
  buffer += '# EOF\n';
  flush(true);
  closeSync(fd);
  return samples;
}

const ratioExpr = (window, matcher = '') =>
  `(sum by (slo) (rate(slo_errors_total${matcher}[${window}]))) / (sum by (slo) (rate(slo_requests_total${matcher}[${window}])))`;
const periodExpr = (period, matcher = '') =>
  `sum_over_time(slo:sli_error:ratio_rate5m${matcher}[${period}]) / ignoring (sloth_window) count_over_time(slo:sli_error:ratio_rate5m${matcher}[${period}])`;

/** Sloth's SLI recordings for one SLO: the seven windows and the period's averaged ratio. */
function slothRules(name, period) {
  const m = `{slo="${name}"}`;
  return [
    ...RATE_WINDOWS.map((w) => ({
      record: `slo:sli_error:ratio_rate${w}`,
      expr: ratioExpr(w, m),
      window: w,
    })),
    { record: `slo:sli_error:ratio_rate${period}`, expr: periodExpr(period, m), window: period },
  ];
}

function rulesYaml(groups) {
  const q = (s) => JSON.stringify(s);
  return `groups:\n${groups
    .map(
      (g) =>
        `  - name: ${g.name}\n    interval: 1m\n    rules:\n${g.rules
          .map(
            (r) =>
              `      - record: ${r.record}\n        expr: ${q(r.expr)}\n        labels:\n          sloth_window: ${q(r.window)}\n`,
          )
          .join('')}`,
    )
    .join('')}`;
}

function startPrometheus({ dir, data, port }) {
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=3650d',
      '--query.max-samples=500000000',
      '--query.timeout=10m',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (c) => {
    stderr = (stderr + c).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function httpGet(agent, url, timeoutMs = 600_000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

async function waitReady(agent, server, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null) throw new Error(`Prometheus exited: ${server.stderr()}`);
    try {
      if ((await httpGet(agent, `${server.url}/-/ready`, 5_000)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Prometheus was not ready within ${timeoutMs / 1000} s: ${server.stderr()}`);
}

/** An instant query at `time` (seconds); returns the vector and Prometheus' own evaluation time. */
async function instant(agent, server, query, time) {
  const url = `${server.url}/api/v1/query?${new URLSearchParams({ query, time: String(time), stats: 'all' })}`;
  const res = await httpGet(agent, url);
  const body = JSON.parse(res.text);
  if (res.status !== 200 || body.status !== 'success')
    throw new Error(`query failed (${res.status}): ${query}: ${body.error ?? res.text.slice(0, 300)}`);
  return { result: body.data.result, evalSeconds: body.data.stats?.timings?.evalTotalTime ?? 0 };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Builds the TSDB, backfills the 5m rule, and times `rounds` evaluations of Sloth's SLI rules
 * for every SLO at the end of the data: per SLO as Sloth generates them (8 rules in one group,
 * groups two at a time on this 2-core machine) and as 8 queries aggregated `by (slo)`.
 * Returns the timings and each SLO's averaged-ratio period figure.
 */
export async function comparePrometheus({ slos, days, endMinute, dir, rounds = 5 }) {
  const period = `${days}d`;
  const data = join(dir, 'data');
  mkdirSync(data, { recursive: true });
  writeFileSync(
    join(dir, 'prometheus.yml'),
    'global:\n  scrape_interval: 1m\n  evaluation_interval: 1m\nscrape_configs: []\n',
  );
  const firstMinute = endMinute - days * 1440 + 1;
  const end = (endMinute + 1) * 60; // seconds: the end of the last minute, its counters' last sample
  const timings = {};

  log(`prometheus: writing OpenMetrics for ${slos} SLOs × ${days} days`);
  let t0 = performance.now();
  const samples = writeOpenMetrics(join(dir, 'slos.om'), { slos, days, endMinute });
  timings.openMetricsMs = Math.round(performance.now() - t0);

  log(`prometheus: promtool tsdb create-blocks-from openmetrics (${samples} samples)`);
  t0 = performance.now();
  // A hidden flag of promtool: blocks up to 486 h instead of 2 h, so the file is read a few times, not 360.
  await run(
    PROMTOOL,
    [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      '--max-block-duration=720h',
      '-q',
      join(dir, 'slos.om'),
      data,
    ],
    {
      timeoutMs: 30 * 60_000,
    },
  );
  timings.createBlocksMs = Math.round(performance.now() - t0);

  // Sloth's rules: written out per SLO and checked with promtool; the 5m rule over all SLOs at
  // once (the same series) is what gets backfilled.
  const slothGroups = Array.from({ length: slos }, (_, i) => ({
    name: `sloth-slo-sli-recordings-${sloName(i)}`,
    rules: slothRules(sloName(i), period),
  }));
  writeFileSync(join(dir, 'sloth-rules.yml'), rulesYaml(slothGroups));
  await run(PROMTOOL, ['check', 'rules', join(dir, 'sloth-rules.yml')], { timeoutMs: 120_000 });
  writeFileSync(
    join(dir, 'backfill-rules.yml'),
    rulesYaml([
      {
        name: 'sloth-slo-sli-recordings-5m',
        rules: [{ record: 'slo:sli_error:ratio_rate5m', expr: ratioExpr('5m'), window: '5m' }],
      },
    ]),
  );

  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  let server;
  try {
    const port = await freePort();
    server = startPrometheus({ dir, data, port });
    await waitReady(agent, server);

    log(
      'prometheus: promtool tsdb create-blocks-from rules (slo:sli_error:ratio_rate5m over the whole range)',
    );
    t0 = performance.now();
    const rulesOut = join(dir, 'rule-blocks');
    await run(
      PROMTOOL,
      [
        'tsdb',
        'create-blocks-from',
        'rules',
        '-q',
        // Rules are evaluated by range queries of one block each: 162 h is 9,720 steps, under
        // Prometheus' 11,000 points per series; 2 h blocks would make 360 of them.
        '--max-block-duration=162h',
        `--start=${(firstMinute + 1) * 60}`,
        `--end=${end}`,
        `--url=${server.url}`,
        `--output-dir=${rulesOut}`,
        '--eval-interval=60s',
        join(dir, 'backfill-rules.yml'),
      ],
      { timeoutMs: 30 * 60_000 },
    );
    timings.backfillRulesMs = Math.round(performance.now() - t0);
    await server.stop();
    const ruleBlocks = readdirSync(rulesOut).filter((b) => /^[0-9A-Z]{26}$/.test(b));
    for (const b of ruleBlocks) renameSync(join(rulesOut, b), join(data, b));
    timings.ruleBlocks = ruleBlocks.length;

    server = startPrometheus({ dir, data, port: await freePort() });
    await waitReady(agent, server);
    log(
      `prometheus: ready with ${readdirSync(data).filter((b) => /^[0-9A-Z]{26}$/.test(b)).length} blocks; timing evaluations`,
    );

    const live = server;
    const names = Array.from({ length: slos }, (_, i) => sloName(i));
    const grouped = async () => {
      let evalSeconds = 0;
      for (const w of RATE_WINDOWS)
        evalSeconds += (await instant(agent, live, ratioExpr(w), end)).evalSeconds;
      const r = await instant(agent, live, periodExpr(period), end);
      evalSeconds += r.evalSeconds;
      return { evalSeconds, averaged: new Map(r.result.map((s) => [s.metric.slo, Number(s.value[1])])) };
    };
    const perSlo = async () => {
      let next = 0;
      let evalSeconds = 0;
      const worker = async () => {
        while (next < names.length) {
          const name = names[next++];
          for (const rule of slothRules(name, period))
            evalSeconds += (await instant(agent, live, rule.expr, end)).evalSeconds;
        }
      };
      await Promise.all([worker(), worker()]);
      return { evalSeconds };
    };

    // One untimed round of each loads the chunks into the page cache, as a running Prometheus has them.
    const { averaged } = await grouped();
    await perSlo();
    const groupedMs = [];
    const groupedServerMs = [];
    const perSloMs = [];
    const perSloServerMs = [];
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      const g = await grouped();
      groupedMs.push(performance.now() - t);
      groupedServerMs.push(g.evalSeconds * 1000);
      t = performance.now();
      const p = await perSlo();
      perSloMs.push(performance.now() - t);
      perSloServerMs.push(p.evalSeconds * 1000);
    }
    return {
      averaged,
      samples,
      timings,
      groupedMs: median(groupedMs),
      groupedServerMs: median(groupedServerMs),
      perSloMs: median(perSloMs),
      perSloServerMs: median(perSloServerMs),
      rounds,
    };
  } finally {
    agent.destroy();
    await server?.stop();
  }
}
