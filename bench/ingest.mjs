/**
 * SLI ingest throughput: the built server on 127.0.0.1 with a fresh database (SQLite, and
 * PostgreSQL when HEADROOM_TEST_POSTGRES_URL is set), sent NDJSON batches over a few keep-alive
 * connections, each with an Idempotency-Key as `headroom ingest` sends them. A 200 means the
 * batch is committed (SQLite: WAL, synchronous=FULL). Records are per-stream aggregates in time
 * order — every stream reports every few seconds over the last hours — as collectors send them.
 * Afterwards the sums in the database are checked against what was sent.
 *
 *   npm run bench -- ingest [--records 2000000] [--streams 1000] [--batch 50000] [--concurrency 2]
 *                           [--hours 6] [--max-seconds 120] [--databases sqlite,postgres]
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { freshDatabase, log, startBuiltServer } from './_lib.mjs';

const requireServer = createRequire(new URL('../packages/server/package.json', import.meta.url));

/** A small deterministic generator, so every run sends the same data. */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** NDJSON bodies of `batch` records each, and the sums the database must hold afterwards. */
function generate({ records, streams, batch, hours }) {
  const random = prng(42);
  const names = Array.from({ length: streams }, (_, i) => `svc-${String(i).padStart(4, '0')}/availability`);
  const rounds = Math.ceil(records / streams);
  const start = Date.now() - hours * 3_600_000;
  const step = (hours * 3_600_000) / rounds;
  const bodies = [];
  let lines = [];
  let sumGood = 0;
  let sumTotal = 0;
  for (let i = 0; i < records; i++) {
    const round = Math.floor(i / streams);
    const ts = Math.floor(start + round * step + random() * step);
    const total = 50 + Math.floor(random() * 100);
    const errors = random() < 0.9 ? 0 : Math.floor(random() * 5);
    sumGood += total - errors;
    sumTotal += total;
    // A tenth of the records use `bad` and an RFC 3339 timestamp, as some senders do.
    lines.push(
      i % 10 === 0
        ? `{"stream":"${names[i % streams]}","ts":"${new Date(ts).toISOString()}","bad":${errors},"total":${total}}`
        : `{"stream":"${names[i % streams]}","ts":${ts},"good":${total - errors},"total":${total}}`,
    );
    if (lines.length === batch) {
      bodies.push(Buffer.from(`${lines.join('\n')}\n`));
      lines = [];
    }
  }
  if (lines.length > 0) bodies.push(Buffer.from(`${lines.join('\n')}\n`));
  return { bodies, sumGood, sumTotal };
}

function post(agent, origin, token, body, key) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      new URL('/api/v1/ingest/events', origin),
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/x-ndjson',
          'content-length': body.length,
          'idempotency-key': key,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function get(agent, origin, token, path) {
  return new Promise((resolve, reject) => {
    http
      .get(new URL(path, origin), { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      })
      .on('error', reject);
  });
}

/** Sums over every bucket, read from the database itself once the server has stopped. */
async function storedSums(kind, url) {
  const query = 'select sum(good) as good, sum(total) as total, count(*) as buckets from sli_buckets';
  if (kind === 'sqlite') {
    const Database = requireServer('better-sqlite3');
    const db = new Database(url, { readonly: true });
    try {
      return db.prepare(query).get();
    } finally {
      db.close();
    }
  }
  const pg = requireServer('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const row = (await client.query(query)).rows[0];
    return { good: Number(row.good), total: Number(row.total), buckets: Number(row.buckets) };
  } finally {
    await client.end();
  }
}

/** The server's own CPU seconds so far (prom-client's process_cpu_seconds_total on /metrics). */
async function serverCpuSeconds(agent, origin) {
  const text = await new Promise((resolve, reject) => {
    http
      .get(new URL('/metrics', origin), { agent }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      })
      .on('error', reject);
  });
  const match = /^headroom_process_cpu_seconds_total (\S+)$/m.exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const round = (x) => (x === null ? null : Math.round(x * 1000) / 1000);

async function benchDatabase(kind, options, data) {
  const database = await freshDatabase(kind);
  const token = `bench-${randomBytes(24).toString('hex')}`;
  log(`${kind}: starting the built server`);
  const server = await startBuiltServer({ HEADROOM_DATABASE_URL: database.url, HEADROOM_ADMIN_TOKEN: token });
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const run = randomBytes(4).toString('hex');
  try {
    log(`${kind}: sending ${data.bodies.length} batches over ${options.concurrency} connections`);
    const latencies = [];
    let next = 0;
    let accepted = 0;
    let rejected = 0;
    let failure;
    const cpuBefore = await serverCpuSeconds(agent, server.url);
    const loadBefore = os.loadavg()[0];
    const started = process.hrtime.bigint();
    const deadline = started + BigInt(options.maxSeconds * 1e9);
    const worker = async () => {
      while (next < data.bodies.length && process.hrtime.bigint() < deadline && !failure) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        const res = await post(agent, server.url, token, data.bodies[i], `bench-${run}-${i}`);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (res.status !== 200) {
          failure ??= `batch ${i}: ${res.status} ${res.text.slice(0, 300)}`;
          continue;
        }
        const reply = JSON.parse(res.text);
        accepted += reply.accepted;
        rejected += reply.rejected;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (failure) throw new Error(failure);
    const cpuSeconds = (await serverCpuSeconds(agent, server.url)) - cpuBefore;
    const loadAfter = os.loadavg()[0];
    const streams = await get(agent, server.url, token, '/api/v1/ingest/streams');
    const sorted = latencies.sort((a, b) => a - b);
    await server.stop();
    const stored = await storedSums(kind, database.url);
    const complete = next >= data.bodies.length;
    if (complete && (stored.good !== data.sumGood || stored.total !== data.sumTotal))
      throw new Error(
        `stored sums ${stored.good}/${stored.total} differ from sent ${data.sumGood}/${data.sumTotal}`,
      );
    return {
      db: kind,
      records: accepted + rejected,
      accepted,
      rejected,
      stoppedBy: next >= data.bodies.length ? 'count' : 'time',
      seconds: round(seconds),
      recordsPerSecond: Math.round((accepted + rejected) / seconds),
      batches: latencies.length,
      // CPU the server spent per record, whatever else ran on the machine: 1e6 / this is what one
      // core sustains. The 1-minute load average shows how busy the machine was meanwhile.
      serverCpuSeconds: round(cpuSeconds),
      serverCpuMicrosecondsPerRecord: round((cpuSeconds * 1e6) / (accepted + rejected)),
      loadAverage1m: { before: round(loadBefore), after: round(loadAfter) },
      batchLatencyMs: {
        p50: round(percentile(sorted, 50)),
        p99: round(percentile(sorted, 99)),
        max: round(sorted.at(-1) ?? null),
      },
      streams: streams.length,
      buckets: streams.reduce((n, s) => n + s.buckets, 0),
      // Every good and total count sent is in the store, exactly once (checked in the database).
      sumsVerified: complete,
    };
  } finally {
    agent.destroy();
    await server.stop();
    await database.drop();
  }
}

export async function run(args) {
  const { values } = parseArgs({
    args,
    options: {
      records: { type: 'string', default: '2000000' },
      streams: { type: 'string', default: '1000' },
      batch: { type: 'string', default: '50000' },
      concurrency: { type: 'string', default: '2' },
      hours: { type: 'string', default: '6' },
      'max-seconds': { type: 'string', default: '120' },
      databases: { type: 'string' },
    },
  });
  const options = {
    records: Number(values.records),
    streams: Number(values.streams),
    batch: Number(values.batch),
    concurrency: Number(values.concurrency),
    hours: Number(values.hours),
    maxSeconds: Number(values['max-seconds']),
  };
  for (const [key, value] of Object.entries(options)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${key} must be a positive integer`);
  }
  const databases = values.databases
    ? values.databases.split(',')
    : ['sqlite', ...(process.env.HEADROOM_TEST_POSTGRES_URL ? ['postgres'] : [])];
  log(`generating ${options.records} records`);
  const data = generate(options);
  const results = [];
  for (const kind of databases) {
    if (kind !== 'sqlite' && kind !== 'postgres') throw new Error(`unknown database ${kind}`);
    results.push(await benchDatabase(kind, options, data));
  }
  return {
    benchmark: 'ingest',
    at: new Date().toISOString(),
    machine: { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown' },
    parameters: {
      ...options,
      bytes: data.bodies.reduce((n, b) => n + b.length, 0),
      client: 'node:http, keep-alive, closed loop, NDJSON with Idempotency-Key per batch',
      server: 'packages/server/dist, one process, log level warn; SQLite WAL synchronous=FULL',
    },
    ...(!databases.includes('postgres') && {
      note: 'PostgreSQL not measured: set HEADROOM_TEST_POSTGRES_URL to a local server to include it.',
    }),
    results,
  };
}
