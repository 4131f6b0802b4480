/**
 * Capacity forecasting at scale, in process (no server): N series of D days of hourly usage
 * (daily and weekly cycles, trends, noise, some with a step change, some with a swing growing
 * with the level, some without any cycle), each put through forecast() — seasonality detection,
 * Holt-Winters additive and multiplicative fits, the backtest on the held-out last season, a
 * 14-day forecast with intervals — spread over worker threads, one per core.
 *
 *   npm run bench -- capacity [--series 1000] [--days 90] [--horizon 336] [--workers N]
 *
 * Prints { totalMs, cpuMs, … }: totalMs is the wall time from handing the series to the (already
 * started) workers to the last result, cpuMs the CPU time all threads spent meanwhile (what
 * matters when other processes share the cores); generating the series is in neither.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { log } from './_lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const HOUR = 3_600_000;
const START = Date.parse('2026-08-29T00:00:00Z');

/** Series i of the fleet: a mix of the shapes capacity series take. */
function seriesFor(fixtures, i, hours) {
  const kind = i % 5;
  const o = {
    seed: i + 1,
    hours,
    base: 100 + (i % 17) * 40,
    slope: 0.01 + (i % 7) * 0.01,
    daily: 20 + (i % 11) * 4,
    weekend: kind === 1 ? 0 : 10 + (i % 5) * 5,
    noise: 8 + (i % 9) * 2,
  };
  if (kind === 2) o.step = { at: Math.floor(hours * 0.7), by: 60 };
  if (kind === 3) {
    o.daily = 0;
    o.weekend = 0;
  }
  // kind 4: the swing grows with the level (multiplicative seasonality).
  if (kind === 4) {
    o.multiplicative = true;
    o.slope *= 4;
  }
  const y = fixtures.infraSeries(o);
  return Float64Array.from(y, (v) => Math.max(0, v));
}

async function workerMain() {
  const capacity = await import('@headroom/core/capacity/index');
  parentPort.postMessage({ ready: true });
  parentPort.on('message', ({ jobs, horizon }) => {
    const out = [];
    for (const { id, values } of jobs) {
      const f = capacity.forecast({ start: START, stepMs: HOUR, values: Array.from(values) }, { horizon });
      out.push({
        id,
        kind: f.model.kind,
        period: f.model.period ?? null,
        mase: f.backtest?.mase ?? null,
        last: f.points.at(-1).mean,
      });
    }
    parentPort.postMessage({ out });
  });
}

export async function run(args) {
  const { values } = parseArgs({
    args,
    options: {
      series: { type: 'string', default: '1000' },
      days: { type: 'string', default: '90' },
      horizon: { type: 'string', default: String(14 * 24) },
      workers: { type: 'string', default: String(os.availableParallelism()) },
    },
  });
  const count = Number(values.series);
  const hours = Number(values.days) * 24;
  const horizon = Number(values.horizon);
  const workers = Math.max(1, Number(values.workers));
  if (!existsSync(join(here, '../packages/core/dist/capacity/index.js'))) {
    throw new Error('packages/core/dist is missing: run `npx tsc -b packages/core` first');
  }
  const fixtures = await import('@headroom/core/capacity/test-fixtures');

  log(`generating ${count} series of ${hours} hourly points`);
  const g0 = performance.now();
  const fleet = Array.from({ length: count }, (_, i) => ({ id: i, values: seriesFor(fixtures, i, hours) }));
  const generateMs = performance.now() - g0;

  log(`starting ${workers} worker thread(s)`);
  const w0 = performance.now();
  const pool = await Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise((resolve, reject) => {
          const w = new Worker(fileURLToPath(import.meta.url), { workerData: { worker: true } });
          w.once('message', () => resolve(w));
          w.once('error', reject);
        }),
    ),
  );
  const startupMs = performance.now() - w0;

  log('forecasting');
  const t0 = performance.now();
  const cpu0 = process.cpuUsage(); // the whole process: every worker thread's CPU time too
  // Interleaved shares, so each worker gets the same mix of shapes.
  const results = (
    await Promise.all(
      pool.map(
        (w, k) =>
          new Promise((resolve, reject) => {
            w.once('message', ({ out }) => resolve(out));
            w.once('error', reject);
            w.postMessage({ jobs: fleet.filter((_, i) => i % workers === k), horizon });
          }),
      ),
    )
  ).flat();
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  await Promise.all(pool.map((w) => w.terminate()));

  const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
  const kinds = {};
  const periods = {};
  const mases = [];
  for (const r of results) {
    kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
    periods[r.period ?? 'none'] = (periods[r.period ?? 'none'] ?? 0) + 1;
    if (r.mase !== null) mases.push(r.mase);
  }
  mases.sort((a, b) => a - b);
  return {
    benchmark: 'capacity',
    series: count,
    pointsPerSeries: hours,
    horizon,
    workers,
    cores: os.availableParallelism(),
    totalMs: round(totalMs),
    targetMs: 5000,
    withinTarget: totalMs <= 5000,
    perSeriesMs: round((totalMs * workers) / count, 2),
    // CPU time of the forecasting phase across all threads: on a busy machine wall time includes
    // waiting for other processes, CPU time does not.
    cpuMs: round(cpuMs),
    cpuPerSeriesMs: round(cpuMs / count, 2),
    loadAverage1m: round(os.loadavg()[0], 2),
    workerStartupMs: round(startupMs),
    generateMs: round(generateMs),
    models: kinds,
    periods,
    backtestMase: {
      median: round(mases[Math.floor(mases.length / 2)] ?? Number.NaN, 3),
      p90: round(mases[Math.floor(mases.length * 0.9)] ?? Number.NaN, 3),
      belowOne: round(mases.filter((m) => m < 1).length / Math.max(1, mases.length), 3),
    },
    rssMB: round(process.resourceUsage().maxRSS / 1024),
  };
}

if (!isMainThread && workerData?.worker) await workerMain();
