/**
 * Release-gate latency: the built server on 127.0.0.1 with a fresh database, 1,000 services ×
 * 10 SLOs (10,000 SLOs, applied through POST /api/v1/apply with one catalog-wide
 * ErrorBudgetPolicy), a few minutes of SLI events ingested for every SLO (a tenth of the
 * services burning 5 % errors on a 1 % budget, so the gate denies them) and the server's own
 * evaluator left to store every status. Then a bounded closed-loop load of POST
 * /api/v1/services/{name}/gate (each answer recorded as a gate decision) and GET …/policy, one pipeline at a time and 8 at
 * once (each level in turn).
 *
 *   npm run bench -- gate [--services 1000] [--slos-per-service 10] [--requests 3000]
 *                         [--concurrency 1,8] [--max-seconds 60] [--databases sqlite,postgres]
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { client, freshDatabase, log, measure, startBuiltServer } from './_lib.mjs';

const TEAM = 'bench-platform';
const svc = (i) => `svc-${String(i).padStart(4, '0')}`;
const sloOf = (i, j) => `${svc(i)}-slo-${j}`;

const sloDoc = (i, j) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${sloOf(i, j)}
spec:
  service: ${svc(i)}
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  objectives:
    - target: 0.99
  indicator:
    metadata:
      name: ${sloOf(i, j)}-ok
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

const POLICY = `apiVersion: headroom.dev/v1
kind: ErrorBudgetPolicy
metadata:
  name: everyone
spec:
  description: SRE Workbook defaults for every service
`;

async function expectStatus(res, status, what) {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 500)}`);
}

async function benchDatabase(kind, o) {
  const database = await freshDatabase(kind);
  const adminToken = `bench-${randomBytes(24).toString('hex')}`;
  log(`${kind}: starting the built server`);
  const server = await startBuiltServer({
    HEADROOM_DATABASE_URL: database.url,
    HEADROOM_ADMIN_TOKEN: adminToken,
  });
  const api = client(server.url, {
    concurrency: Math.max(...o.concurrency),
    headers: { authorization: `Bearer ${adminToken}` },
  });
  try {
    await expectStatus(await api.request('POST', '/api/v1/teams', { name: TEAM }), 201, 'creating the team');
    const t0 = Date.now();
    log(`${kind}: applying ${o.services} services × ${o.slosPerService} SLOs`);
    const batch = 100;
    for (let from = 0; from < o.services; from += batch) {
      const files = [];
      for (let i = from; i < Math.min(o.services, from + batch); i++) {
        files.push({
          path: `${svc(i)}.yaml`,
          content: `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${svc(i)}
spec:
  type: service
  lifecycle: production
  owner: ${TEAM}
---
${Array.from({ length: o.slosPerService }, (_, j) => sloDoc(i, j)).join('---\n')}`,
        });
      }
      if (from === 0) files.push({ path: 'policy.yaml', content: POLICY });
      await expectStatus(
        await api.request('POST', '/api/v1/apply', { files }),
        200,
        `apply from ${svc(from)}`,
      );
    }
    const applyMs = Date.now() - t0;

    log(`${kind}: ingesting 5 minutes of events for every SLO`);
    const K = Math.floor(Date.now() / 60_000);
    const lines = [];
    for (let i = 0; i < o.services; i++)
      for (let j = 0; j < o.slosPerService; j++) {
        const bad = i % 10 === 0 && j === 0 ? 50 : 0;
        for (let m = 5; m >= 1; m--)
          lines.push(
            JSON.stringify({
              stream: sloOf(i, j),
              ts: (K - m) * 60_000 + 1000,
              good: 1000 - bad,
              total: 1000,
            }),
          );
      }
    for (let k = 0; k < lines.length; k += 10_000) {
      const res = await new Promise((resolve, reject) => {
        // NDJSON, not JSON: a raw request through the same loopback client would re-encode it.
        const body = `${lines.slice(k, k + 10_000).join('\n')}\n`;
        fetch(new URL('/api/v1/ingest/events', server.url), {
          method: 'POST',
          headers: {
            authorization: `Bearer ${adminToken}`,
            'content-type': 'application/x-ndjson',
            'idempotency-key': `bench-gate-${k}`,
          },
          body,
        }).then(async (r) => resolve({ status: r.status, text: await r.text() }), reject);
      });
      await expectStatus(res, 200, 'ingest');
    }

    log(`${kind}: waiting for the evaluator to store every status`);
    const last = svc(o.services - 1);
    const deadline = Date.now() + 300_000;
    let evaluated = 0;
    for (;;) {
      const res = await api.request('GET', `/api/v1/services/${last}/policy`);
      await expectStatus(res, 200, 'policy');
      const body = JSON.parse(res.text);
      evaluated = body.slos.filter((s) => s.state !== null && s.state !== 'no-data').length;
      if (evaluated === o.slosPerService) break;
      if (Date.now() > deadline) throw new Error('the evaluator did not store statuses within 300 s');
      await new Promise((r) => setTimeout(r, 1000));
    }
    const checks = [0, 1].map(
      async (i) => JSON.parse((await api.request('GET', `/api/v1/services/${svc(i)}/policy`)).text).verdict,
    );
    const [burning, healthy] = await Promise.all(checks);
    if (burning !== 'deny' || healthy !== 'allow')
      throw new Error(`expected deny for ${svc(0)} and allow for ${svc(1)}, got ${burning} and ${healthy}`);

    const pick = (n) => svc((n * 7919) % o.services);
    const results = [];
    // The server's evaluator keeps running its 30 s passes over all SLOs during the load.
    for (const concurrency of o.concurrency) {
      results.push({
        concurrency,
        ...(await measure('POST /api/v1/services/{name}/gate', api, {
          requests: o.requests,
          concurrency,
          maxSeconds: o.maxSeconds,
          nextRequest: (n) => ({
            method: 'POST',
            path: `/api/v1/services/${pick(n)}/gate`,
            body: { commit: `c${n}`, author: 'bench', labels: n % 5 === 0 ? ['p0-fix'] : [] },
            expect: 200,
          }),
        })),
      });
      results.push({
        concurrency,
        ...(await measure('GET /api/v1/services/{name}/policy', api, {
          requests: Math.ceil(o.requests / 3),
          concurrency,
          maxSeconds: o.maxSeconds,
          nextRequest: (n) => ({ method: 'GET', path: `/api/v1/services/${pick(n)}/policy`, expect: 200 }),
        })),
      });
    }
    return {
      database: kind,
      services: o.services,
      slos: o.services * o.slosPerService,
      statuses: 'stored by the server’s evaluator after 5 minutes of ingested events per SLO',
      applyMs,
      results,
    };
  } finally {
    api.close();
    await server.stop();
    await database.drop();
  }
}

export async function run(args) {
  const { values } = parseArgs({
    args,
    options: {
      services: { type: 'string', default: '1000' },
      'slos-per-service': { type: 'string', default: '10' },
      requests: { type: 'string', default: '3000' },
      concurrency: { type: 'string', default: '1,8' },
      'max-seconds': { type: 'string', default: '60' },
      databases: { type: 'string' },
    },
  });
  const o = {
    services: Number(values.services),
    slosPerService: Number(values['slos-per-service']),
    requests: Number(values.requests),
    concurrency: values.concurrency.split(',').map(Number),
    maxSeconds: Number(values['max-seconds']),
  };
  const kinds = values.databases
    ? values.databases.split(',')
    : ['sqlite', ...(process.env.HEADROOM_TEST_POSTGRES_URL ? ['postgres'] : [])];
  const runs = [];
  for (const kind of kinds) runs.push(await benchDatabase(kind, o));
  return {
    benchmark: 'gate',
    target: { p99Ms: 20 },
    machine: { cpus: os.cpus().length, node: process.version },
    runs,
  };
}
