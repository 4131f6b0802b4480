/**
 * Alerting as a new user meets it, on the built `headroom serve` over real HTTP: channels, routes
 * and SLOs applied with the CLI, SLI data sent with `headroom ingest`, and then — with nothing
 * else driving it — the evaluator sees the fast burn, the pipeline routes the page, and the
 * outbox delivers a signed, Alertmanager-format webhook to a receiver on 127.0.0.1 within the
 * evaluation interval plus two seconds. A silenced SLO pages nobody. And a Headroom killed while
 * a webhook is in flight delivers it after a restart: nothing acknowledged is lost.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const launcher = join(root, 'bin', 'headroom.js');
const dir = mkdtempSync(join(tmpdir(), 'headroom-e2e-alerting-'));
const TOKEN = 'e2e-alerting-admin-token-0123456789';
const SECRET = 'whsec_e2e';
const INTERVAL_SECONDS = 3;

const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.startsWith('HEADROOM_')),
);
Object.assign(env, {
  HEADROOM_DATABASE_URL: join(dir, 'headroom.db'),
  HEADROOM_LOG_LEVEL: 'warn',
  HEADROOM_ADMIN_TOKEN: TOKEN,
  HEADROOM_EVALUATION_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
  HEADROOM_OUTBOUND_ALLOW: 'loopback',
  HEADROOM_NOTIFICATION_POLL_MS: '200',
  HEADROOM_NOTIFICATION_TIMEOUT_SECONDS: '1',
  HEADROOM_NOTIFICATION_LEASE_SECONDS: '3',
  HEADROOM_NOTIFICATION_BACKOFF_BASE_SECONDS: '1',
  HEADROOM_NOTIFICATION_BACKOFF_MAX_SECONDS: '1',
});

interface Served {
  child: ChildProcessWithoutNullStreams;
  url: string;
  exited: Promise<number | null>;
}

function serve(port = 0): Promise<Served> {
  const child = spawn(process.execPath, [launcher, 'serve', '--port', String(port)], { cwd: root, env });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up line within 60 s:\n${out}`)), 60_000);
    const onData = (chunk: string) => {
      out += chunk;
      const url = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, exited });
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      out += c;
    });
    void exited.then((code) => reject(new Error(`headroom serve exited with ${code}:\n${out}`)));
  });
}

function cli(server: Served, args: string[]) {
  const r = spawnSync(process.execPath, [launcher, ...args], {
    cwd: dir,
    env: { ...env, HEADROOM_URL: server.url, HEADROOM_TOKEN: TOKEN },
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Hit {
  at: number;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver: records every request; `hang` makes it never answer (a delivery in flight). */
async function receiver() {
  const hits: Hit[] = [];
  let hang = false;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      hits.push({ at: Date.now(), url: req.url ?? '', headers: req.headers, body });
      if (!hang) res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    hits,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setHang: (h: boolean) => {
      hang = h;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

async function until<T>(what: string, f: () => T | undefined, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const slo = (name: string) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: checkout
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 30d
      isRolling: true
  objectives:
    - target: 0.999
  indicator:
    metadata:
      name: ${name}-requests
    spec:
      ratioMetric:
        counter: true
        good: { metricSource: { type: headroom, spec: {} } }
        total: { metricSource: { type: headroom, spec: {} } }
`;

/** Three days of 1,000 requests a minute up to now; the last `burnMinutes` fail 5 %. */
function history(stream: string, burnMinutes: number, endMinute: number): string {
  const lines: string[] = [];
  for (let m = endMinute - 3 * 1440; m <= endMinute; m++) {
    const bad = m > endMinute - burnMinutes ? 50 : 0;
    lines.push(JSON.stringify({ stream, ts: m * 60_000 + 1_000, bad, total: 1000 }));
  }
  return `${lines.join('\n')}\n`;
}

describe('alerting on the built server', () => {
  let server: Served;
  let hook: Awaited<ReturnType<typeof receiver>>;

  beforeAll(async () => {
    hook = await receiver();
    server = await serve();
    const post = (path: string, body: object) =>
      fetch(`${server.url}/api/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post('/teams', { name: 'payments' })).status).toBe(201);
    expect((await post('/services', { name: 'checkout', owner: 'payments' })).status).toBe(201);
    writeFileSync(
      join(dir, 'alerting.yaml'),
      `apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata: { name: pager }
spec: { type: webhook, url: ${hook.url}/page, secret: ${SECRET} }
---
apiVersion: headroom.dev/v1
kind: Route
metadata: { name: root }
spec: { root: true, receiver: pager, groupBy: [slo], groupWait: 0s }
---
${slo('checkout-availability')}---
${slo('checkout-search')}`,
    );
    const applied = cli(server, ['apply', '-f', 'alerting.yaml']);
    expect(applied.code, applied.stderr + applied.stdout).toBe(0);
  }, 90_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await server.exited;
    }
    await hook?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pages within the evaluation interval + 2 s of the data; a silenced SLO pages nobody', async () => {
    const silence = cli(server, [
      'silence',
      'add',
      '-m',
      'slo="checkout-search"',
      '--duration',
      '1h',
      '-c',
      'known issue',
    ]);
    expect(silence.code, silence.stderr).toBe(0);
    const end = Math.floor(Date.now() / 60_000);
    writeFileSync(join(dir, 'search.ndjson'), history('checkout-search', 180, end));
    expect(cli(server, ['ingest', 'search.ndjson']).code).toBe(0);
    writeFileSync(join(dir, 'checkout.ndjson'), history('checkout-availability', 180, end));
    const sent = cli(server, ['ingest', 'checkout.ndjson']);
    expect(sent.code, sent.stderr).toBe(0);
    const acknowledged = Date.now();

    const page = await until(
      'the page webhook',
      () => hook.hits.find((h) => h.url === '/page' && h.body.includes('"checkout-availability"')),
      INTERVAL_SECONDS * 1000 + 2_000 + 3_000,
    );
    // The budget: one evaluation interval and two seconds from the acknowledged data.
    expect(page.at - acknowledged).toBeLessThanOrEqual(INTERVAL_SECONDS * 1000 + 2_000);
    const [t, v1] = String(page.headers['headroom-signature'])
      .split(',')
      .map((p) => p.slice(p.indexOf('=') + 1));
    expect(v1).toBe(createHmac('sha256', SECRET).update(`${t}.${page.body}`).digest('hex'));
    const body = JSON.parse(page.body);
    expect(body).toMatchObject({ version: '4', status: 'firing', receiver: 'pager' });
    expect(body.alerts.map((a: { labels: Record<string, string> }) => a.labels.tier)).toEqual(['page']);

    // The silenced SLO burns as hard, is grouped, and pages nobody.
    await new Promise((r) => setTimeout(r, INTERVAL_SECONDS * 1000 + 2_000));
    expect(hook.hits.some((h) => h.body.includes('"checkout-search"'))).toBe(false);
    const groups = cli(server, ['alert-groups', 'list', '-o', 'json']);
    const search = (
      JSON.parse(groups.stdout) as { groupLabels: { slo?: string }; alerts: { silencedBy: string[] }[] }[]
    ).find((g) => g.groupLabels.slo === 'checkout-search');
    expect(search?.alerts.length).toBeGreaterThan(0);
    expect(search?.alerts.every((a) => a.silencedBy.length > 0)).toBe(true);
  }, 60_000);

  it('delivers a notification that was in flight when Headroom was killed', async () => {
    hook.setHang(true);
    const before = hook.hits.length;
    const port = Number(new URL(server.url).port);
    // A channel test is one more notification through the same outbox.
    const test = cli(server, ['channels', 'test', 'pager']);
    expect(test.code, test.stderr).toBe(0);
    await until('the delivery in flight', () => (hook.hits.length > before ? true : undefined), 10_000);
    server.child.kill('SIGKILL');
    await server.exited;
    hook.setHang(false);
    const inFlight = hook.hits.at(-1)!;
    server = await serve(port);
    const again = await until(
      'the redelivery after restart',
      () =>
        hook.hits
          .slice(before + 1)
          .find((h) => h.headers['idempotency-key'] === inFlight.headers['idempotency-key']),
      15_000,
    );
    // The same notification (same body and key), signed afresh.
    expect(again.body).toBe(inFlight.body);
  }, 60_000);
});
