/**
 * What every benchmark shares: the built server in a child process on 127.0.0.1, fresh
 * databases, a bounded closed-loop HTTP load with latency percentiles. Only loopback is ever a
 * target: every request and database host is checked.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function log(line) {
  process.stderr.write(`[bench] ${line}\n`);
}

function assertLoopback(url, what) {
  const host = new URL(url).hostname;
  if (!LOOPBACK.has(host)) throw new Error(`${what} must be on this machine (127.0.0.1), not ${host}`);
}

/** A fresh SQLite file in a temp folder, or a fresh PostgreSQL database on the local server. */
export async function freshDatabase(kind) {
  if (kind === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'headroom-bench-'));
    return { url: join(dir, 'headroom.db'), drop: () => rm(dir, { recursive: true, force: true }) };
  }
  const serverUrl = process.env.HEADROOM_TEST_POSTGRES_URL;
  if (!serverUrl) throw new Error('HEADROOM_TEST_POSTGRES_URL is not set');
  assertLoopback(serverUrl, 'the PostgreSQL server');
  const pg = createRequire(join(root, 'packages/server/package.json'))('pg');
  const name = `headroom_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (statement) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Starts the built server (run `npm run build` first; `npm run bench` does) and waits for its URL. */
export async function startBuiltServer(env) {
  if (!existsSync(join(root, 'packages/server/dist/index.js'))) {
    throw new Error(
      'packages/server/dist is missing: run `npm run build` (or `npm run bench`, which builds)',
    );
  }
  const child = spawn(process.execPath, [join(here, '_serve.mjs')], {
    cwd: root,
    env: { ...process.env, HEADROOM_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('the server did not start within 60 s')), 60_000);
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      // The server's own JSON log lines (warnings at start) share stdout: take the one with `url` alone.
      for (const line of buffer.split('\n')) {
        if (!line.startsWith('{"url":')) continue;
        clearTimeout(timer);
        resolve(JSON.parse(line).url);
        return;
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited before listening (code ${code}, signal ${signal})`));
    });
  });
  assertLoopback(url, 'the benchmarked server');
  return {
    url,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A keep-alive HTTP client bound to one loopback origin. */
export function client(origin, { concurrency, headers = {} }) {
  assertLoopback(origin, 'a benchmark target');
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  return {
    request(method, path, body) {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const req = http.request(
          new URL(path, origin),
          {
            method,
            agent,
            headers: {
              ...headers,
              ...(payload !== undefined && {
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(payload),
              }),
            },
          },
          (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              resolve({ status: res.statusCode ?? 0, bytes: Buffer.byteLength(text), text });
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

const round = (x) => (x === null ? null : Math.round(x * 1000) / 1000);

/**
 * Closed-loop load: `concurrency` workers send requests back to back until `requests` were sent
 * or `maxSeconds` passed. `nextRequest(i)` gives `{ method, path, body?, expect }`.
 */
export async function measure(name, target, { requests, concurrency, maxSeconds, nextRequest }) {
  const latencies = [];
  let issued = 0;
  let errors = 0;
  let bytes = 0;
  let firstError;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(Math.round(maxSeconds * 1e9));
  const worker = async () => {
    while (issued < requests && process.hrtime.bigint() < deadline) {
      const { method, path, body, expect } = nextRequest(issued++);
      const t0 = process.hrtime.bigint();
      try {
        const res = await target.request(method, path, body);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        bytes += res.bytes;
        if (res.status !== expect) {
          errors++;
          firstError ??= `${method} ${path}: ${res.status} ${res.text.slice(0, 200)}`;
        }
      } catch (error) {
        errors++;
        firstError ??= `${method} ${path}: ${error.message}`;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const sorted = latencies.sort((a, b) => a - b);
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null;
  return {
    name,
    requests: issued,
    errors,
    ...(firstError && { firstError }),
    stoppedBy: issued >= requests ? 'count' : 'time',
    seconds: round(seconds),
    requestsPerSecond: round(issued / seconds),
    latencyMs: {
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? null),
      mean: round(mean),
    },
    meanResponseBytes: sorted.length ? Math.round(bytes / sorted.length) : 0,
  };
}
