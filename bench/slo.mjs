/**
 * SLO evaluation end to end, in process, on SQLite: N SLOs (applied through the apply service)
 * with D days of one-minute buckets in the embedded store, evaluated by the server's own
 * evaluator — a cold pass that builds every series from the store, steady-state passes that
 * each follow one new minute of data for every stream written through addBuckets (the real
 * write path), and a pass where `now` crosses an hour. Then, side by side on the first 200 SLOs
 * and the same data, Prometheus 2.42 with Sloth-style rules: the ratio of evaluation times, and
 * how far Sloth's averaged-ratio 30-day figure drifts from Headroom's exact ratio of sums under
 * diurnal traffic whose errors concentrate at night.
 *
 *   npm run bench -- slo [--slos 10000] [--days 30] [--passes 10] [--prom-slos 200]
 *                        [--prom-rounds 5] [--no-prometheus]
 *
 * The generated database is cached under os.tmpdir() (about 40 bytes a bucket: 17 GB at
 * 10,000 × 30 days) and reused by the next run with the same parameters; generateMs says what
 * generating it took. Peak RSS (rssMB) is this process's after the N-SLO passes; generation runs
 * in a child process and is not in it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { log } from './_lib.mjs';
import {
  fillBuckets,
  kindOf,
  MINUTE_MS,
  preparedDatabase,
  restoreGenerated,
  sloName,
  sqliteVersion,
  trafficOf,
} from './_slo-data.mjs';
import { comparePrometheus, prometheusVersion } from './_slo-prometheus.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '../packages/server/dist');
const load = (p) => import(pathToFileURL(join(dist, p)).href);

/**
 * The data ends at 13:49 UTC on a fixed day, so that the cache key stays put and the steady
 * passes (13:50 … 13:59) are followed by a pass whose `now` crosses into 14:00.
 */
const DEFAULT_END = '2026-01-15T13:49:00Z';
/** Seconds past the minute at which passes run, as a 30 s evaluator tick lands anywhere. */
const NOW_OFFSET_MS = 17_000;

const round = (x, digits = 1) =>
  x === null || x === undefined ? null : Math.round(x * 10 ** digits) / 10 ** digits;

function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** One (good, total) row per SLO for each minute in [fromMinute, toMinute], as data arriving. */
function newMinutes(slos, days, endMinute, fromMinute, toMinute) {
  const firstMinute = endMinute - days * 1440 + 1;
  const count = toMinute - fromMinute + 1;
  const good = new Float64Array(count);
  const total = new Float64Array(count);
  const rows = [];
  for (let i = 0; i < slos; i++) {
    fillBuckets(trafficOf(i, firstMinute, endMinute), fromMinute, good, total);
    for (let k = 0; k < count; k++)
      rows.push({ stream: sloName(i), minute: fromMinute + k, good: good[k], total: total[k] });
  }
  return rows;
}

/**
 * Cold pass, `passes` steady passes one minute apart, and the hour-crossing pass, on the
 * prepared database; puts the database back as generated afterwards.
 */
async function measureHeadroom(prepared, { slos, days, endMinute, passes }, onCold) {
  restoreGenerated(prepared.path, { days, endMinute });
  const { openDatabase } = await load('db/index.js');
  const evaluator = await load('modules/slo-status/evaluator.js');
  const { addBuckets } = await load('modules/sli-data/repo.js');
  const database = openDatabase(prepared.path);
  const Cache = evaluator.EvaluationCache;
  const cache = Cache ? new Cache() : undefined;
  const cpuMs = [];
  const pass = async (now) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = cache
      ? await evaluator.evaluateAll(database, now, cache)
      : await evaluator.evaluateAll(database, now);
    const ms = performance.now() - t0;
    // This process's CPU time (SQLite runs in it too): what the pass costs whatever else runs.
    const cpu = process.cpuUsage(cpu0);
    cpuMs.push((cpu.user + cpu.system) / 1000);
    if (result.failed.length > 0)
      throw new Error(
        `${result.failed.length} SLOs failed to evaluate, first: ${JSON.stringify(result.failed[0])}`,
      );
    if (result.evaluated !== slos) throw new Error(`evaluated ${result.evaluated} of ${slos} SLOs`);
    // built: series read from the store; updated: brought up to date from what changed.
    counts.push({ built: result.built ?? slos, updated: result.updated ?? 0 });
    return ms;
  };
  const counts = [];
  try {
    const now0 = endMinute * MINUTE_MS + NOW_OFFSET_MS;
    log(
      `headroom ${slos}: cold pass${cache ? '' : ' (no EvaluationCache in this build: every pass rebuilds)'}`,
    );
    const coldPassMs = await pass(now0);
    log(`  cold pass: ${round(coldPassMs)} ms, CPU ${round(cpuMs[0])} ms`);
    const afterCold = await onCold?.(database);
    const passMs = [];
    const appendMs = [];
    for (let k = 1; k <= passes; k++) {
      const rows = newMinutes(slos, days, endMinute, endMinute + k, endMinute + k);
      const now = (endMinute + k) * MINUTE_MS + NOW_OFFSET_MS;
      const t0 = performance.now();
      await addBuckets(database.db, rows, now);
      appendMs.push(performance.now() - t0);
      passMs.push(await pass(now));
      const c = counts.at(-1);
      log(
        `  pass ${k}: ${round(passMs.at(-1))} ms, CPU ${round(cpuMs.at(-1))} ms (append ${round(appendMs.at(-1))} ms; built ${c.built}, updated ${c.updated})`,
      );
    }
    // Whatever minutes are left up to the next hour, then a pass with `now` in that new hour.
    const from = endMinute + passes + 1;
    const hourMinute = Math.ceil(from / 60) * 60;
    await addBuckets(
      database.db,
      newMinutes(slos, days, endMinute, from, hourMinute),
      hourMinute * MINUTE_MS,
    );
    const hourBoundaryPassMs = await pass(hourMinute * MINUTE_MS + NOW_OFFSET_MS);
    log(
      `  hour-boundary pass (${new Date(hourMinute * MINUTE_MS).toISOString()}): ${round(hourBoundaryPassMs)} ms`,
    );
    return {
      incremental: cache !== undefined,
      coldPassMs,
      passMs,
      appendMs,
      hourBoundaryPassMs,
      rssMB: process.resourceUsage().maxRSS / 1024,
      afterCold,
      counts: { cold: counts[0], steady: counts[1], hourBoundary: counts.at(-1) },
      cpuMs: { cold: cpuMs[0], steady: cpuMs.slice(1, -1), hourBoundary: cpuMs.at(-1) },
    };
  } finally {
    await database.close();
    restoreGenerated(prepared.path, { days, endMinute });
  }
}

/** Headroom's exact error ratio over the window (ratio of sums) from the generator, per SLO. */
function exactRatios(slos, days, endMinute) {
  const minutes = days * 1440;
  const firstMinute = endMinute - minutes + 1;
  const good = new Float64Array(minutes);
  const total = new Float64Array(minutes);
  const out = [];
  for (let i = 0; i < slos; i++) {
    fillBuckets(trafficOf(i, firstMinute, endMinute), firstMinute, good, total);
    let g = 0;
    let t = 0;
    // The same average Sloth takes, of 5-minute ratios ending at every minute, without Prometheus'
    // rate() extrapolation: tells the averaging apart from how rate() reads counters.
    let sumRatios = 0;
    let windows = 0;
    for (let k = 0; k < minutes; k++) {
      g += good[k];
      t += total[k];
      if (k >= 4) {
        let wg = 0;
        let wt = 0;
        for (let j = k - 4; j <= k; j++) {
          wg += good[j];
          wt += total[j];
        }
        if (wt > 0) {
          sumRatios += (wt - wg) / wt;
          windows++;
        }
      }
    }
    out.push({
      name: sloName(i),
      kind: kindOf(i),
      good: g,
      total: t,
      exact: (t - g) / t,
      averaged5m: sumRatios / windows,
    });
  }
  return out;
}

export async function run(args) {
  const { values } = parseArgs({
    args,
    options: {
      slos: { type: 'string', default: '10000' },
      days: { type: 'string', default: '30' },
      passes: { type: 'string', default: '10' },
      'prom-slos': { type: 'string', default: '200' },
      'prom-rounds': { type: 'string', default: '5' },
      'no-prometheus': { type: 'boolean', default: false },
      end: { type: 'string', default: DEFAULT_END },
    },
  });
  const slos = Number(values.slos);
  const days = Number(values.days);
  const passes = Number(values.passes);
  const promSlos = Number(values['prom-slos']);
  const promRounds = Number(values['prom-rounds']);
  for (const [key, value] of Object.entries({
    slos,
    days,
    passes,
    'prom-slos': promSlos,
    'prom-rounds': promRounds,
  }))
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${key} must be a positive integer`);
  if (passes < 5 || passes > 10)
    throw new Error('--passes must be 5 … 10 (they stay within the hour before the boundary)');
  if (promSlos > slos) throw new Error('--prom-slos must not exceed --slos');
  const endMinute = Math.floor(Date.parse(values.end) / MINUTE_MS);
  if (!Number.isFinite(endMinute) || endMinute % 60 > 59 - passes)
    throw new Error(`--end must be a time at least ${passes + 1} minutes before an hour ends`);

  const prepared = await preparedDatabase({ slos, days, endMinute });
  // Other work on the machine shows in the timings; the load average says how much there was.
  const loadBefore = os.loadavg()[0];
  const full = await measureHeadroom(prepared, { slos, days, endMinute, passes });
  const loadAfter = os.loadavg()[0];

  let prometheus = null;
  if (!values['no-prometheus']) {
    // Headroom's pass over just the compared SLOs: a database (and cache) holding only those.
    const small = slos === promSlos ? prepared : await preparedDatabase({ slos: promSlos, days, endMinute });
    const exact = exactRatios(promSlos, days, endMinute);
    const { loadStatuses } = await load('modules/slo-status/repo.js');
    const headroom = await measureHeadroom(small, { slos: promSlos, days, endMinute, passes }, (database) =>
      loadStatuses(database.db),
    );
    // The stored status must say what the generator's own sums say (rolling Occurrences SLOs,
    // whose window is exactly the generated range and whose SLI is the ratio of sums).
    let checked = 0;
    for (const e of exact) {
      if (e.kind !== 'rolling') continue;
      const status = headroom.afterCold.get(e.name);
      if (!status || status.good !== e.good || status.total !== e.total)
        throw new Error(
          `${e.name}: stored status ${status?.good}/${status?.total} ≠ generated ${e.good}/${e.total}`,
        );
      checked++;
    }
    const dir = await mkdtemp(join(os.tmpdir(), 'headroom-bench-prometheus-'));
    try {
      const p = await comparePrometheus({ slos: promSlos, days, endMinute, dir, rounds: promRounds });
      const drift = exact.map((e) => {
        const averaged = p.averaged.get(e.name);
        if (averaged === undefined) throw new Error(`Prometheus has no ${days}d figure for ${e.name}`);
        return {
          ...e,
          averaged,
          drift: (averaged - e.exact) / e.exact,
          drift5m: (e.averaged5m - e.exact) / e.exact,
        };
      });
      const abs = drift.map((d) => Math.abs(d.drift));
      const worst = drift.reduce((a, b) => (Math.abs(b.drift) > Math.abs(a.drift) ? b : a));
      const example = drift[0];
      const headroomMs = percentile(headroom.passMs, 50);
      const evalMs = Math.min(p.groupedMs, p.perSloMs);
      prometheus = {
        slos: promSlos,
        evalMs: round(evalMs),
        evalMsBy: {
          groupedBySlo: round(p.groupedMs),
          groupedBySloPrometheusOwn: round(p.groupedServerMs),
          slothRulesPerSlo: round(p.perSloMs),
          slothRulesPerSloPrometheusOwn: round(p.perSloServerMs),
        },
        headroomMs: round(headroomMs),
        headroomCpuMs: round(percentile(headroom.cpuMs.steady, 50)),
        headroomColdPassMs: round(headroom.coldPassMs),
        ratio: round(evalMs / headroomMs, 2),
        ratioToColdPass: round(evalMs / headroom.coldPassMs, 2),
        drift: {
          errorsConcentrated:
            'at night (error rate 3–8× the daytime rate while traffic is at 10–20 % of the peak)',
          median: round(
            percentile(
              drift.map((d) => d.drift),
              50,
            ),
            4,
          ),
          medianAbs: round(percentile(abs, 50), 4),
          max: round(worst.drift, 4),
          maxSlo: worst.name,
          overstated: drift.filter((d) => d.drift > 0).length,
          understated: drift.filter((d) => d.drift < 0).length,
          // Without rate()'s extrapolation: the average of exact 5-minute ratios.
          medianWithoutRateExtrapolation: round(
            percentile(
              drift.map((d) => d.drift5m),
              50,
            ),
            4,
          ),
          example: {
            slo: example.name,
            kind: example.kind,
            headroomExact: example.exact,
            headroomStatus: 1 - headroom.afterCold.get(example.name).sli,
            prometheusAveraged: example.averaged,
            averaged5mWithoutExtrapolation: example.averaged5m,
            drift: round(example.drift, 4),
          },
          statusesCheckedAgainstGenerator: checked,
        },
        setup: {
          samples: p.samples,
          openMetricsMs: p.timings.openMetricsMs,
          createBlocksMs: p.timings.createBlocksMs,
          backfillRulesMs: p.timings.backfillRulesMs,
          ruleBlocks: p.timings.ruleBlocks,
          rounds: p.rounds,
        },
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  return {
    benchmark: 'slo',
    slos,
    days,
    buckets: prepared.rows,
    cached: prepared.cached,
    generateMs: prepared.generateMs,
    generate: {
      applyMs: prepared.applyMs,
      bucketsMs: prepared.bucketsMs,
      hoursMs: prepared.hoursMs,
      hoursBy: prepared.hoursBy,
      at: prepared.at,
    },
    incremental: full.incremental,
    seriesPerPass: full.counts,
    coldPassMs: round(full.coldPassMs),
    passMs: {
      median: round(percentile(full.passMs, 50)),
      p95: round(percentile(full.passMs, 95)),
      all: full.passMs.map((x) => round(x)),
    },
    // CPU time of the same passes: less sensitive than wall time to other work on the machine.
    passCpuMs: {
      cold: round(full.cpuMs.cold),
      median: round(percentile(full.cpuMs.steady, 50)),
      p95: round(percentile(full.cpuMs.steady, 95)),
      hourBoundary: round(full.cpuMs.hourBoundary),
    },
    appendMs: { median: round(percentile(full.appendMs, 50)) },
    hourBoundaryPassMs: round(full.hourBoundaryPassMs),
    rssMB: round(full.rssMB),
    loadAverage1m: { before: round(loadBefore, 2), afterPasses: round(loadAfter, 2) },
    prometheus,
    mix: {
      occurrencesRolling: 0.7,
      occurrencesCalendarMonth: 0.1,
      timeslices1m: 0.1,
      ratioTimeslices5m: 0.1,
    },
    versions: {
      node: process.version,
      sqlite: sqliteVersion(),
      prometheus: values['no-prometheus'] ? null : await prometheusVersion(),
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
    },
  };
}
