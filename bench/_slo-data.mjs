/**
 * The SLO benchmark's data: N SLOs applied through Headroom's real apply path, and D days of
 * one-minute (good, total) buckets per SLO written straight into SQLite (432M rows at 10,000 ×
 * 30 days is far too many for the HTTP ingest path). The database is cached under os.tmpdir(),
 * keyed by the parameters, and generated in a child process so that its memory never counts in
 * the benchmark's peak RSS.
 *
 * Traffic is deterministic per (SLO, minute), so the Prometheus side and the appended minutes of
 * the steady-state passes see the very same numbers: diurnal (night at 10–20 % of the afternoon
 * peak, weekends at 70 %), an error rate 3–8× higher at night than by day (nightly jobs, cold
 * caches), and 0–2 incidents of 10–120 minutes at 2–22 % errors per SLO.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { log } from './_lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const dist = join(root, 'packages/server/dist');
const requireServer = createRequire(join(root, 'packages/server/package.json'));

/** Bumped whenever the generator or the SLO definitions change, so old caches are not reused. */
const GENERATOR_VERSION = 3;
export const MINUTE_MS = 60_000;
/** Rows per insert statement while generating (5 parameters each). */
const ROWS_PER_STATEMENT = 200;
/** SLOs per generation transaction. */
const SLOS_PER_TRANSACTION = 25;
/** SLOs per apply request. */
const SLOS_PER_APPLY = 500;

export const sloName = (i) => `slo-${String(i).padStart(5, '0')}`;

export function kindOf(i) {
  const r = i % 10;
  if (r < 7) return 'rolling';
  if (r === 7) return 'calendar';
  if (r === 8) return 'timeslices';
  return 'ratio-timeslices';
}

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'UTC'];

/** mulberry32: small, fast and deterministic. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two uniform numbers in [0, 1) that depend on (SLO, minute) only. */
const pair = new Float64Array(2);
function noise(i, minute) {
  let h = Math.imul(i + 0x9e3779b9, 0x85ebca6b) ^ Math.imul(minute, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  pair[0] = (h >>> 0) / 4294967296;
  h = Math.imul(h ^ 0x68e31da4, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  pair[1] = (h >>> 0) / 4294967296;
  return pair;
}

/**
 * SLO i's traffic model. `firstMinute`/`endMinute` bound the generated range, where incidents
 * are placed; minutes after it (the benchmark's appended minutes) have none.
 */
export function trafficOf(i, firstMinute, endMinute) {
  const next = prng(i * 7919 + 17);
  const peak = 30 * 10 ** (next() * 1.7); // 30 … 1,500 requests a minute at the afternoon peak
  const nightShare = 0.1 + 0.1 * next();
  const peakHour = 10 + 8 * next(); // UTC
  const dayErrorRate = 0.00005 + 0.0003 * next();
  const nightFactor = 3 + 5 * next();
  // Per minute of the day: traffic share of the peak and error rate.
  const shape = new Float64Array(1440);
  const errorRate = new Float64Array(1440);
  for (let m = 0; m < 1440; m++) {
    const x = (1 + Math.cos((2 * Math.PI * (m / 60 - peakHour)) / 24)) / 2;
    const s = x * x;
    shape[m] = nightShare + (1 - nightShare) * s;
    errorRate[m] = dayErrorRate * (1 + (nightFactor - 1) * (1 - s));
  }
  const incidents = [];
  const count = Math.floor(next() * 3);
  for (let k = 0; k < count; k++) {
    const start = firstMinute + Math.floor(next() * (endMinute - firstMinute));
    incidents.push({ start, end: start + 10 + Math.floor(next() * 110), rate: 0.02 + 0.2 * next() });
  }
  return { i, peak, shape, errorRate, incidents };
}

/** Fills good[k], total[k] for minutes fromMinute + k. */
export function fillBuckets(traffic, fromMinute, good, total) {
  const { i, peak, shape, errorRate, incidents } = traffic;
  for (let k = 0; k < total.length; k++) {
    const minute = fromMinute + k;
    const ofDay = minute % 1440;
    const weekday = (Math.floor(minute / 1440) + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
    const [u, v] = noise(i, minute);
    const expected = peak * shape[ofDay] * (weekday === 0 || weekday === 6 ? 0.7 : 1);
    const t = Math.max(1, Math.round(expected * (0.85 + 0.3 * u)));
    let rate = errorRate[ofDay];
    for (const incident of incidents)
      if (minute >= incident.start && minute < incident.end && incident.rate > rate) rate = incident.rate;
    const mean = t * rate;
    const bad = Math.min(t, Math.floor(mean) + (v < mean - Math.floor(mean) ? 1 : 0));
    total[k] = t;
    good[k] = t - bad;
  }
}

/** OpenSLO YAML of SLO i: its data lives in the embedded stream of its name (defaultStream). */
export function sloYaml(i, days) {
  const kind = kindOf(i);
  const timeWindow =
    kind === 'calendar'
      ? `    - duration: 1M
      isRolling: false
      calendar:
        startTime: 2024-01-01 00:00:00
        timeZone: ${ZONES[i % ZONES.length]}`
      : `    - duration: ${days}d
      isRolling: true`;
  const method =
    kind === 'timeslices' ? 'Timeslices' : kind === 'ratio-timeslices' ? 'RatioTimeslices' : 'Occurrences';
  const objective =
    kind === 'timeslices'
      ? '    - target: 0.99\n      timeSliceTarget: 0.99\n      timeSliceWindow: 1m'
      : kind === 'ratio-timeslices'
        ? '    - target: 0.999\n      timeSliceWindow: 5m'
        : '    - target: 0.999';
  return `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${sloName(i)}
spec:
  service: bench-${String(i % 100).padStart(2, '0')}
  budgetingMethod: ${method}
  timeWindow:
${timeWindow}
  objectives:
${objective}
  indicator:
    metadata:
      name: ${sloName(i)}-requests
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: headroom
            spec: {}
        total:
          metricSource:
            type: headroom
            spec: {}
`;
}

function catalogYaml() {
  const services = Array.from(
    { length: 100 },
    (_, s) => `---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: bench-${String(s).padStart(2, '0')}
spec:
  type: service
  lifecycle: production
  owner: group:default/bench
`,
  );
  return `apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: bench
spec:
  type: team
  children: []
${services.join('')}`;
}

/** Where a generated database lives, and its completion marker. */
export function cachePaths({ slos, days, endMinute }) {
  const dir = join(os.tmpdir(), `headroom-bench-slo-v${GENERATOR_VERSION}-${slos}x${days}d-${endMinute}`);
  return { dir, db: join(dir, 'headroom.db'), done: join(dir, 'done.json') };
}

async function serverModules() {
  const load = (p) => import(pathToFileURL(join(dist, p)).href);
  return {
    db: await load('db/index.js'),
    apply: await load('modules/apply/service.js'),
    repo: await load('modules/sli-data/repo.js'),
  };
}

const BENCH_ACTOR = {
  actor: { userId: null, name: 'bench', role: 'admin', teamIds: new Set() },
  requestId: null,
};

/** Creates the SLOs through applyConfig (what POST /apply runs), in batches. */
async function applySlos(modules, database, slos, days) {
  const started = performance.now();
  await modules.apply.applyConfig(database.db, BENCH_ACTOR, {
    files: [{ path: 'catalog.yaml', content: catalogYaml() }],
  });
  for (let from = 0; from < slos; from += SLOS_PER_APPLY) {
    const files = [];
    for (let i = from; i < Math.min(slos, from + SLOS_PER_APPLY); i++)
      files.push({ path: `slos/${sloName(i)}.yaml`, content: sloYaml(i, days) });
    const result = await modules.apply.applyConfig(database.db, BENCH_ACTOR, { files });
    if (result.summary.create !== files.length)
      throw new Error(`apply created ${result.summary.create} of ${files.length} SLOs`);
    log(`  applied ${Math.min(slos, from + SLOS_PER_APPLY)} SLOs`);
  }
  return performance.now() - started;
}

function tableExists(sqlite, name) {
  return (
    sqlite.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(name) !== undefined
  );
}

/** The hour roll-ups from the minute buckets: the server's rollUpHours when it exists. */
async function fillHours(modules, path) {
  const database = modules.db.openDatabase(path);
  try {
    if (typeof modules.repo.rollUpHours === 'function') {
      await modules.repo.rollUpHours(database.db);
      return 'rollUpHours';
    }
  } finally {
    await database.close();
  }
  const Database = requireServer('better-sqlite3');
  const sqlite = new Database(path);
  try {
    if (!tableExists(sqlite, 'sli_hours')) return 'none (no sli_hours table)';
    sqlite.exec(
      'insert into sli_hours (stream, hour, good, total) ' +
        'select stream, minute / 60, sum(good), sum(total) from sli_buckets group by stream, minute / 60',
    );
    return 'insert … select … group by';
  } finally {
    sqlite.close();
  }
}

/** Writes every bucket in (stream, minute) order, the primary key's order: pure appends. */
function writeBuckets(path, { slos, days, endMinute }) {
  const Database = requireServer('better-sqlite3');
  const sqlite = new Database(path);
  // A throw-away file: no journal, no fsync, a big page cache while loading. (SQLite leaves WAL
  // only for a rollback mode, so DELETE comes first.)
  sqlite.pragma('journal_mode = DELETE');
  sqlite.pragma('journal_mode = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -262144');
  const minutes = days * 1440;
  const firstMinute = endMinute - minutes + 1;
  const updatedAt = (endMinute + 1) * MINUTE_MS;
  const tuple = '(?, ?, ?, ?, ?)';
  const insert = sqlite.prepare(
    `insert into sli_buckets (stream, minute, good, total, updated_at) values ${Array(ROWS_PER_STATEMENT).fill(tuple).join(', ')}`,
  );
  const insertStream = sqlite.prepare(
    'insert into sli_streams (stream, first_minute, last_minute, buckets, dirty_from_minute, created_at, updated_at) ' +
      'values (?, ?, ?, ?, ?, ?, ?)',
  );
  const good = new Float64Array(minutes);
  const total = new Float64Array(minutes);
  const params = new Array(ROWS_PER_STATEMENT * 5);
  const single = sqlite.prepare(
    `insert into sli_buckets (stream, minute, good, total, updated_at) values ${tuple}`,
  );
  const writeOne = (i) => {
    const stream = sloName(i);
    fillBuckets(trafficOf(i, firstMinute, endMinute), firstMinute, good, total);
    let k = 0;
    for (; k + ROWS_PER_STATEMENT <= minutes; k += ROWS_PER_STATEMENT) {
      for (let r = 0, p = 0; r < ROWS_PER_STATEMENT; r++) {
        params[p++] = stream;
        params[p++] = firstMinute + k + r;
        params[p++] = good[k + r];
        params[p++] = total[k + r];
        params[p++] = updatedAt;
      }
      insert.run(params);
    }
    for (; k < minutes; k++) single.run(stream, firstMinute + k, good[k], total[k], updatedAt);
    // As the write path leaves a stream: marked dirty from its first minute.
    insertStream.run(stream, firstMinute, endMinute, minutes, firstMinute, updatedAt, updatedAt);
  };
  const batch = sqlite.transaction((from, to) => {
    for (let i = from; i < to; i++) writeOne(i);
  });
  const started = performance.now();
  for (let from = 0; from < slos; from += SLOS_PER_TRANSACTION) {
    batch(from, Math.min(slos, from + SLOS_PER_TRANSACTION));
    const done = Math.min(slos, from + SLOS_PER_TRANSACTION);
    if (done % 500 === 0 || done === slos) {
      const seconds = (performance.now() - started) / 1000;
      log(`  ${done}/${slos} streams, ${((done * minutes) / seconds / 1e6).toFixed(2)} M rows/s`);
    }
  }
  sqlite.pragma('journal_mode = WAL');
  sqlite.close();
  return slos * minutes;
}

/** Runs in the child: the whole generation. */
async function generate(params) {
  const paths = cachePaths(params);
  rmSync(paths.dir, { recursive: true, force: true });
  mkdirSync(paths.dir, { recursive: true });
  const started = performance.now();
  const modules = await serverModules();
  const database = modules.db.openDatabase(paths.db);
  let applyMs;
  try {
    await modules.db.migrateToLatest(database.db);
    log(
      `applying ${params.slos} SLOs through applyConfig (POST /apply's service), ${SLOS_PER_APPLY} a request`,
    );
    applyMs = await applySlos(modules, database, params.slos, params.days);
  } finally {
    await database.close();
  }
  log(`writing ${params.slos} × ${params.days * 1440} minute buckets into sli_buckets`);
  const t0 = performance.now();
  const rows = writeBuckets(paths.db, params);
  const bucketsMs = performance.now() - t0;
  log('rolling minutes up into sli_hours');
  const t1 = performance.now();
  const hoursBy = await fillHours(modules, paths.db);
  const hoursMs = performance.now() - t1;
  const done = {
    ...params,
    rows,
    generateMs: Math.round(performance.now() - started),
    applyMs: Math.round(applyMs),
    bucketsMs: Math.round(bucketsMs),
    hoursMs: Math.round(hoursMs),
    hoursBy,
    at: new Date().toISOString(),
  };
  writeFileSync(paths.done, JSON.stringify(done));
  return done;
}

/**
 * The cached database for these parameters, generating it (in a child process) when missing.
 * On reuse, brings the schema up to date (filling sli_hours if a new migration just created it).
 */
export async function preparedDatabase(params) {
  const paths = cachePaths(params);
  if (existsSync(paths.done)) {
    const done = JSON.parse(readFileSync(paths.done, 'utf8'));
    log(`reusing ${paths.db} (generated in ${(done.generateMs / 1000).toFixed(1)} s on ${done.at})`);
    const modules = await serverModules();
    const database = modules.db.openDatabase(paths.db);
    let applied;
    try {
      applied = await modules.db.migrateToLatest(database.db);
    } finally {
      await database.close();
    }
    if (applied.length > 0) {
      log(`  migrations applied to the cached file: ${applied.join(', ')}`);
      const Database = requireServer('better-sqlite3');
      const sqlite = new Database(paths.db);
      const empty =
        tableExists(sqlite, 'sli_hours') && !sqlite.prepare('select 1 from sli_hours limit 1').get();
      sqlite.close();
      if (empty) {
        const t0 = performance.now();
        done.hoursBy = await fillHours(modules, paths.db);
        done.hoursMs = Math.round(performance.now() - t0);
        log(`  filled sli_hours in ${(done.hoursMs / 1000).toFixed(1)} s`);
        writeFileSync(paths.done, JSON.stringify(done));
      }
    }
    return { path: paths.db, dir: paths.dir, cached: true, ...done };
  }
  log(`generating ${paths.db}`);
  const child = fork(fileURLToPath(import.meta.url), ['--generate', JSON.stringify(params)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const done = await new Promise((resolve, reject) => {
    let result;
    child.on('message', (m) => {
      result = m;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 && result && !result.error) resolve(result);
      else reject(new Error(`generation failed (code ${code}, signal ${signal}): ${result?.error ?? ''}`));
    });
  });
  return { path: paths.db, dir: paths.dir, cached: false, ...done };
}

/**
 * Puts the database back at the end of its generated data: the benchmark appends minutes for
 * its steady-state passes and then calls this, and so does the next run in case one was cut
 * short. Idempotent.
 */
export function restoreGenerated(path, { days, endMinute }) {
  const Database = requireServer('better-sqlite3');
  const sqlite = new Database(path);
  try {
    const firstMinute = endMinute - days * 1440 + 1;
    const endHour = Math.floor(endMinute / 60);
    // Stream by stream: the primary key (stream, minute) makes each statement a range seek,
    // where a condition on the minute alone would scan every bucket.
    const hours = tableExists(sqlite, 'sli_hours');
    const deleteBuckets = sqlite.prepare('delete from sli_buckets where stream = ? and minute > ?');
    const deleteHours = hours && sqlite.prepare('delete from sli_hours where stream = ? and hour >= ?');
    const sumHour =
      hours &&
      sqlite.prepare(
        'insert into sli_hours (stream, hour, good, total) select stream, minute / 60, sum(good), sum(total) ' +
          'from sli_buckets where stream = ? and minute >= ? and minute <= ? group by stream, minute / 60',
      );
    sqlite.transaction(() => {
      for (const { stream } of sqlite.prepare('select stream from sli_streams').all()) {
        deleteBuckets.run(stream, endMinute);
        if (hours) {
          deleteHours.run(stream, endHour);
          sumHour.run(stream, endHour * 60, endMinute);
        }
      }
      sqlite
        .prepare(
          'update sli_streams set first_minute = ?, last_minute = ?, buckets = ?, dirty_from_minute = ?',
        )
        .run(firstMinute, endMinute, days * 1440, firstMinute);
      if (tableExists(sqlite, 'slo_status')) sqlite.prepare('delete from slo_status').run();
    })();
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    sqlite.close();
  }
}

export function sqliteVersion() {
  const Database = requireServer('better-sqlite3');
  const sqlite = new Database(':memory:');
  try {
    return sqlite.prepare('select sqlite_version() as v').get().v;
  } finally {
    sqlite.close();
  }
}

if (process.argv[2] === '--generate' && import.meta.url === pathToFileURL(process.argv[1]).href) {
  generate(JSON.parse(process.argv[3]))
    .then((done) => process.send(done))
    .catch((error) => {
      process.send({ error: error.stack ?? String(error) });
      process.exitCode = 1;
    });
}
