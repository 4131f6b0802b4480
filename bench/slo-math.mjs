/**
 * SLO maths at scale, in process (no server): N SLOs with D days of one-minute buckets held as
 * BucketSeries (hour prefix sums + minute blocks where window edges fall), then full evaluation
 * passes — window budget, the seven burn rates and the SLO window's, remaining events and
 * minutes, three exhaustion forecasts — for every SLO, timed. The mix: 70 % Occurrences on a
 * rolling window, 10 % Occurrences on calendar months in four time zones, 10 % Timeslices with
 * 1-minute slices, 10 % RatioTimeslices with 5-minute slices.
 *
 *   npx tsc -b packages/core && node bench/run.mjs slo-math [--slos 10000] [--days 30]
 *                                                           [--passes 7] [--horizon 60]
 *
 * Prints { slos, passMs, rssMB, bytesPerSlo, … }: passMs is the median pass, rssMB the peak
 * resident set of the whole run (building included), bytesPerSlo the typed arrays of a series.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { log } from './_lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** Small fast deterministic PRNG (mulberry32). */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC'];

function kindOf(i) {
  const r = i % 10;
  if (r < 7) return 'rolling';
  if (r === 7) return 'calendar';
  if (r === 8) return 'timeslices';
  return 'ratio-timeslices';
}

/** Traffic by minute of the day: low at night, high in the afternoon. */
const DIURNAL = Float64Array.from(
  { length: 1440 },
  (_, m) => 0.6 + 0.4 * Math.sin(((m / 60 - 6) / 24) * 2 * Math.PI),
);

/** D days of minute buckets for SLO i: diurnal traffic, a base error rate, now and then an incident. */
function fillMinutes(i, firstMinute, good, total) {
  const next = random(i + 1);
  const base = 20 + Math.floor(next() * 2_000);
  const errorRate = next() * 0.002;
  const incidentAt = Math.floor(next() * total.length);
  const incidentLength = 10 + Math.floor(next() * 120);
  for (let k = 0; k < total.length; k++) {
    const t = Math.max(1, Math.round(base * DIURNAL[(firstMinute + k) % 1440] + next() * 5));
    const rate = k >= incidentAt && k < incidentAt + incidentLength ? 0.2 : errorRate;
    const expected = t * rate;
    const bad = Math.floor(expected) + (next() < expected - Math.floor(expected) ? 1 : 0);
    total[k] = t;
    good[k] = t - bad;
  }
}

export async function run(args) {
  const { values } = parseArgs({
    args,
    options: {
      slos: { type: 'string', default: '10000' },
      days: { type: 'string', default: '30' },
      passes: { type: 'string', default: '7' },
      horizon: { type: 'string', default: '60' },
    },
  });
  const slos = Number(values.slos);
  const days = Number(values.days);
  const passes = Number(values.passes);
  const horizon = Number(values.horizon);
  if (!existsSync(join(here, '../packages/core/dist/index.js'))) {
    throw new Error('packages/core/dist is missing: run `npx tsc -b packages/core` first');
  }
  const core = await import('@headroom/core');
  const {
    BucketSeries,
    EVALUATION_LOOKBACK_MINUTES,
    WindowClock,
    edgeRanges,
    evaluateSlo,
    minuteAfter,
    newEvaluation,
  } = core;

  const MINUTE = 60_000;
  const now = Date.parse('2026-11-27T09:41:17Z');
  const nowMinute = minuteAfter(now);
  const minutesHeld = days * 1440;
  const firstMinute = nowMinute - minutesHeld;
  const minutes = Int32Array.from({ length: minutesHeld }, (_, k) => firstMinute + k);
  const good = new Float64Array(minutesHeld);
  const total = new Float64Array(minutesHeld);

  const heapBefore = process.memoryUsage();
  const started = performance.now();
  const fleet = [];
  let typedBytes = 0;
  let blocks = 0;
  log(`building ${slos} series of ${days} days of minute buckets`);
  for (let i = 0; i < slos; i++) {
    const kind = kindOf(i);
    fillMinutes(i, firstMinute, good, total);
    const spec =
      kind === 'calendar'
        ? {
            kind: 'calendar',
            duration: { count: 1, unit: 'M' },
            startTime: '2024-01-01 00:00:00',
            timeZone: ZONES[i % ZONES.length],
          }
        : { kind: 'rolling', ms: days * 1440 * MINUTE };
    const clock = new WindowClock(spec);
    const period = clock.at(now);
    const windowStart = Math.ceil(period.start / MINUTE);
    const keep = edgeRanges(
      nowMinute,
      [...EVALUATION_LOOKBACK_MINUTES, nowMinute - windowStart],
      horizon,
      clock.rolling ? [] : [windowStart],
    );
    const span = { fromMinute: Math.min(firstMinute, windowStart), toMinute: nowMinute };
    let buckets = { minutes, channels: [good, total] };
    let sliceMinutes;
    if (kind === 'timeslices' || kind === 'ratio-timeslices') {
      sliceMinutes = kind === 'timeslices' ? 1 : 5;
      const rule =
        kind === 'timeslices'
          ? { method: 'Timeslices', timeSliceTarget: 0.99 }
          : { method: 'RatioTimeslices' };
      buckets = core.sliceBuckets(buckets, rule, { sliceMinutes, ...span });
    }
    const series = BucketSeries.build(buckets, { ...span, keep });
    typedBytes += series.byteSize;
    blocks += series.blockHours.length;
    fleet.push({
      part: { series, objective: kind === 'timeslices' ? 0.99 : 0.999, sliceMinutes },
      clock,
      out: newEvaluation(),
    });
    if ((i + 1) % 2_000 === 0) log(`  ${i + 1} built`);
  }
  const buildSeconds = (performance.now() - started) / 1000;
  const heapAfter = process.memoryUsage();

  log(`evaluating: ${passes} passes, 30 s apart`);
  const runs = [];
  let checksum = 0;
  for (let p = 0; p < passes; p++) {
    const at = now + p * 30_000;
    const t0 = performance.now();
    for (let i = 0; i < fleet.length; i++) {
      const slo = fleet[i];
      evaluateSlo(slo.part, slo.clock.at(at), slo.clock.rolling, at, slo.out);
    }
    runs.push(performance.now() - t0);
    for (const slo of fleet) checksum += slo.out.remaining + (slo.out.burnRates['1h'] ?? 0);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
  const sample = fleet[0].out;
  return {
    benchmark: 'slo-math',
    slos,
    days,
    passMs: round(sorted[Math.floor(sorted.length / 2)]),
    passMsAll: runs.map((x) => round(x)),
    perSloMicros: round((sorted[Math.floor(sorted.length / 2)] * 1000) / slos, 2),
    rssMB: round(process.resourceUsage().maxRSS / 1024),
    bytesPerSlo: Math.round(typedBytes / slos),
    heapBytesPerSlo: Math.round(
      (heapAfter.heapUsed + heapAfter.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers) / slos,
    ),
    blocksPerSlo: round(blocks / slos),
    horizonMinutes: horizon,
    buildSeconds: round(buildSeconds),
    mix: {
      occurrencesRolling: 0.7,
      occurrencesCalendarMonth: 0.1,
      timeslices1m: 0.1,
      ratioTimeslices5m: 0.1,
    },
    sample: {
      sli: sample.sli,
      remaining: sample.remaining,
      burnRates: sample.burnRates,
      exhaustion: Object.fromEntries(
        Object.entries(sample.exhaustion).map(([k, v]) => [k, v === null ? null : new Date(v).toISOString()]),
      ),
    },
    checksum: round(checksum, 6),
    node: process.version,
    cpus: os.cpus().length,
  };
}
