/**
 * Alertmanager-webhook intake throughput with deduplication: the built server on 127.0.0.1 with
 * a fresh database (SQLite, and PostgreSQL when HEADROOM_TEST_POSTGRES_URL is set), one
 * `alertmanager` integration, and webhooks shaped as Alertmanager sends them (payload version 4,
 * one group of `--group` alerts per request, grouped by alertname) over a few keep-alive
 * connections, as Alertmanager's parallel notification pipelines do.
 *
 * Phases, each a closed loop over every group:
 *   first      every alert is new (insert + `triggered` event)
 *   repeat     the same webhooks again, `--repeats` times within a minute (HA pairs, retries):
 *              deduplicated, nothing written
 *   repeat-1m  the same again after --touch-wait-seconds (a repeat_interval resend): no event, only
 *              each alert's last-received time is written (what the stale timeout counts from)
 *   mixed      a tenth of each group resolved, a tenth with a changed annotation, the rest repeats
 *   resolve    every alert resolved
 * A 200 means the delivery is committed. Afterwards the store is checked in the database: one row
 * per alert and exactly the events the changes call for (repeats added none).
 *
 *   npm run bench -- alerts [--alerts 20000] [--group 50] [--concurrency 8] [--repeats 2]
 *                           [--touch-wait-seconds 61] [--databases sqlite,postgres]
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { client, freshDatabase, log, measure, startBuiltServer } from './_lib.mjs';

const requireServer = createRequire(new URL('../packages/server/package.json', import.meta.url));

const RULES = ['InstanceDown', 'HighErrorRate', 'HighLatency', 'DiskWillFillIn4Hours', 'PodCrashLooping'];

/** Groups of alerts as Alertmanager would send them: one alertname per group. */
function generate({ alerts, group }) {
  const groups = [];
  const startsAt = new Date(Date.now() - 3_600_000).toISOString();
  for (let g = 0; g * group < alerts; g++) {
    const alertname = RULES[g % RULES.length];
    const members = [];
    for (let i = g * group; i < Math.min(alerts, (g + 1) * group); i++) {
      const instance = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:9100`;
      members.push({
        labels: {
          alertname,
          instance,
          job: `node-${g % 40}`,
          namespace: `team-${g % 12}`,
          cluster: 'prod-eu-1',
          severity: g % 3 === 0 ? 'critical' : 'warning',
        },
        annotations: {
          summary: `${alertname} on ${instance}`,
          description: `${instance} of job node-${g % 40} has fired ${alertname} for more than 5 minutes.`,
          runbook_url: `https://runbooks.example.invalid/${alertname}`,
        },
        startsAt,
        generatorURL: `http://prometheus.example.invalid:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1`,
      });
    }
    groups.push(members);
  }
  return groups;
}

/** The webhook body of one group: `resolved` alerts by index, `changed` ones with another annotation. */
function webhook(members, { resolved = () => false, changed = () => false } = {}) {
  const alerts = members.map((m, i) => {
    const isResolved = resolved(i);
    return {
      status: isResolved ? 'resolved' : 'firing',
      labels: m.labels,
      annotations: changed(i)
        ? { ...m.annotations, summary: `${m.annotations.summary} (worse)` }
        : m.annotations,
      startsAt: m.startsAt,
      endsAt: isResolved ? new Date().toISOString() : '0001-01-01T00:00:00Z',
      generatorURL: m.generatorURL,
      fingerprint: '0000000000000000',
    };
  });
  const status = alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
  return {
    receiver: 'headroom',
    status,
    alerts,
    groupLabels: { alertname: members[0].labels.alertname },
    commonLabels: { alertname: members[0].labels.alertname, cluster: 'prod-eu-1' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example.invalid:9093',
    version: '4',
    groupKey: `{}:{alertname="${members[0].labels.alertname}"}`,
    truncatedAlerts: 0,
  };
}

/**
 * measure()'s target for webhooks serialized beforehand, so the client spends no CPU on JSON
 * while it runs beside the server on the same cores.
 */
function webhookSender(origin, token, concurrency) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  return {
    request(method, path, body) {
      return new Promise((resolve, reject) => {
        const req = http.request(
          new URL(path, origin),
          {
            method,
            agent,
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'content-length': body.length,
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
        req.end(body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

async function storedCounts(kind, url) {
  const queries = {
    alerts: 'select count(*) as n from alerts',
    firing: "select count(*) as n from alerts where status = 'firing'",
    events: 'select count(*) as n from alert_events',
  };
  const out = {};
  if (kind === 'sqlite') {
    const Database = requireServer('better-sqlite3');
    const db = new Database(url, { readonly: true });
    try {
      for (const [k, q] of Object.entries(queries)) out[k] = Number(db.prepare(q).get().n);
    } finally {
      db.close();
    }
    return out;
  }
  const pg = requireServer('pg');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    for (const [k, q] of Object.entries(queries)) out[k] = Number((await c.query(q)).rows[0].n);
  } finally {
    await c.end();
  }
  return out;
}

async function serverCpuSeconds(api) {
  const res = await api.request('GET', '/metrics');
  const match = /^headroom_process_cpu_seconds_total (\S+)$/m.exec(res.text);
  return match ? Number(match[1]) : Number.NaN;
}

const round = (x) => Math.round(x * 1000) / 1000;

async function benchDatabase(kind, options, groups) {
  const database = await freshDatabase(kind);
  const adminToken = `bench-${randomBytes(24).toString('hex')}`;
  log(`${kind}: starting the built server`);
  // Log level error: a JSON log line on stdout before the server's URL line would be taken for it.
  const server = await startBuiltServer({
    HEADROOM_DATABASE_URL: database.url,
    HEADROOM_ADMIN_TOKEN: adminToken,
    HEADROOM_LOG_LEVEL: 'error',
  });
  const admin = client(server.url, { concurrency: 1, headers: { authorization: `Bearer ${adminToken}` } });
  let am;
  try {
    const created = await admin.request('POST', '/api/v1/integrations', {
      type: 'alertmanager',
      name: 'bench-am',
    });
    if (created.status !== 201)
      throw new Error(`creating the integration: ${created.status} ${created.text}`);
    const token = JSON.parse(created.text).secret;
    am = webhookSender(server.url, token, options.concurrency);
    const alertsPerRound = groups.reduce((n, g) => n + g.length, 0);
    const phase = async (name, rounds, body) => {
      const requests = groups.length * rounds;
      log(`${kind}: ${name}: ${requests} webhooks of up to ${options.group} alerts`);
      const bodies = Array.from({ length: requests }, (_, i) =>
        Buffer.from(JSON.stringify(body(groups[i % groups.length], Math.floor(i / groups.length)))),
      );
      const cpuBefore = await serverCpuSeconds(admin);
      const result = await measure(name, am, {
        requests,
        concurrency: options.concurrency,
        maxSeconds: 900,
        nextRequest: (i) => ({
          method: 'POST',
          path: '/api/v1/integrations/alertmanager',
          body: bodies[i],
          expect: 200,
        }),
      });
      if (result.errors > 0) throw new Error(`${name}: ${result.firstError}`);
      const cpu = (await serverCpuSeconds(admin)) - cpuBefore;
      const alerts = alertsPerRound * rounds;
      return {
        phase: name,
        webhooks: result.requests,
        alerts,
        seconds: result.seconds,
        alertsPerSecond: Math.round(alerts / result.seconds),
        webhookLatencyMs: result.latencyMs,
        serverCpuMicrosecondsPerAlert: round((cpu * 1e6) / alerts),
      };
    };
    const tenth = (k) => (i) => i % 10 === k;
    const phases = [];
    phases.push(await phase('first', 1, (g) => webhook(g)));
    phases.push(await phase('repeat', options.repeats, (g) => webhook(g)));
    if (options.touchWaitSeconds > 0) {
      log(`${kind}: waiting ${options.touchWaitSeconds} s so that repeats store their receipt time`);
      await new Promise((resolve) => setTimeout(resolve, options.touchWaitSeconds * 1000));
      phases.push(await phase('repeat-1m', 1, (g) => webhook(g)));
    }
    phases.push(await phase('mixed', 1, (g) => webhook(g, { resolved: tenth(0), changed: tenth(1) })));
    phases.push(await phase('resolve', 1, (g) => webhook(g, { resolved: () => true })));
    am.close();
    admin.close();
    await server.stop();

    // Every alert once; events: triggered (all), resolved + re-received in mixed (a tenth each), resolved (the rest).
    const stored = await storedCounts(kind, database.url);
    const perGroup = (k) => groups.reduce((n, g) => n + g.filter((_, i) => i % 10 === k).length, 0);
    const expected = {
      alerts: alertsPerRound,
      firing: 0,
      events: alertsPerRound + perGroup(0) + perGroup(1) + (alertsPerRound - perGroup(0)),
    };
    for (const key of Object.keys(expected))
      if (stored[key] !== expected[key])
        throw new Error(`stored ${key} ${stored[key]} differs from the expected ${expected[key]}`);
    const all = phases.reduce(
      (acc, p) => ({ alerts: acc.alerts + p.alerts, seconds: acc.seconds + p.seconds }),
      {
        alerts: 0,
        seconds: 0,
      },
    );
    return {
      db: kind,
      alerts: alertsPerRound,
      overallAlertsPerSecond: Math.round(all.alerts / all.seconds),
      phases,
      stored,
      // One row per alert and one event per change: no repeat added anything (checked in the database).
      dedupVerified: true,
    };
  } finally {
    am?.close();
    admin.close();
    await server.stop();
    await database.drop();
  }
}

export async function run(args) {
  const { values } = parseArgs({
    args,
    options: {
      alerts: { type: 'string', default: '20000' },
      group: { type: 'string', default: '50' },
      concurrency: { type: 'string', default: '8' },
      repeats: { type: 'string', default: '2' },
      'touch-wait-seconds': { type: 'string', default: '61' },
      databases: { type: 'string' },
    },
  });
  const options = {
    alerts: Number(values.alerts),
    group: Number(values.group),
    concurrency: Number(values.concurrency),
    repeats: Number(values.repeats),
    touchWaitSeconds: Number(values['touch-wait-seconds']),
  };
  for (const [key, value] of Object.entries(options)) {
    if (!Number.isInteger(value) || value < (key === 'touchWaitSeconds' ? 0 : 1))
      throw new Error(`--${key} must be a whole number`);
  }
  const databases = values.databases
    ? values.databases.split(',')
    : ['sqlite', ...(process.env.HEADROOM_TEST_POSTGRES_URL ? ['postgres'] : [])];
  const groups = generate(options);
  const results = [];
  for (const kind of databases) {
    if (kind !== 'sqlite' && kind !== 'postgres') throw new Error(`unknown database ${kind}`);
    results.push(await benchDatabase(kind, options, groups));
  }
  return {
    benchmark: 'alerts',
    at: new Date().toISOString(),
    machine: {
      node: process.version,
      cpus: os.cpus().length,
      cpu: os.cpus()[0]?.model ?? 'unknown',
      loadAverage1m: round(os.loadavg()[0]),
    },
    parameters: {
      ...options,
      target: '≥ 2,000 alerts/s with deduplication',
      client: 'node:http, keep-alive, closed loop, Alertmanager webhook v4 bodies, one group per request',
      server: 'packages/server/dist, one process, log level error; SQLite WAL synchronous=FULL',
    },
    ...(!databases.includes('postgres') && {
      note: 'PostgreSQL not measured: set HEADROOM_TEST_POSTGRES_URL to a local server to include it.',
    }),
    results,
  };
}
