/**
 * Catalog read latency: the built server on 127.0.0.1 with a fresh database (SQLite, and
 * PostgreSQL when HEADROOM_TEST_POSTGRES_URL is set), 1 team and N services created through
 * the API, then a bounded closed-loop load on GET /api/v1/services/{name} and GET /api/v1/services.
 *
 *   npm run bench -- catalog [--services 1000] [--requests 2000] [--concurrency 16]
 *                            [--max-seconds 60] [--databases sqlite,postgres]
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { client, freshDatabase, log, measure, startBuiltServer } from './_lib.mjs';

const TEAM = 'bench-platform';

function serviceBody(i) {
  const name = `svc-${String(i).padStart(4, '0')}`;
  return {
    name,
    title: `Benchmark service ${i}`,
    description: 'A service created by the catalog benchmark, with the fields a real one carries.',
    owner: TEAM,
    type: 'service',
    tier: (i % 4) + 1,
    lifecycle: i % 10 === 0 ? 'experimental' : 'production',
    tags: ['bench', `shard-${i % 8}`],
    links: [
      { url: `https://runbooks.example.invalid/${name}`, title: 'Runbook', type: 'runbook' },
      { url: `https://git.example.invalid/${name}`, title: 'Repository', type: 'repo' },
    ],
    // A chain of dependencies, so list and get also resolve relations.
    dependsOn: i > 0 ? [`svc-${String(i - 1).padStart(4, '0')}`] : [],
    business: {
      revenuePerHourAtRisk: 1000 + i,
      currency: 'EUR',
      usersServed: 10 * i,
      journeys: ['checkout'],
    },
    annotations: { 'backstage.io/source-location': `url:https://git.example.invalid/${name}` },
  };
}

async function benchDatabase(kind, options) {
  const database = await freshDatabase(kind);
  const adminToken = `bench-${randomBytes(24).toString('hex')}`;
  log(`${kind}: starting the built server`);
  const server = await startBuiltServer({
    HEADROOM_DATABASE_URL: database.url,
    HEADROOM_ADMIN_TOKEN: adminToken,
  });
  const api = client(server.url, {
    concurrency: options.concurrency,
    headers: { authorization: `Bearer ${adminToken}` },
  });
  try {
    const team = await api.request('POST', '/api/v1/teams', { name: TEAM, title: 'Benchmark platform team' });
    if (team.status !== 201) throw new Error(`creating the team: ${team.status} ${team.text}`);

    log(`${kind}: creating ${options.services} services`);
    const create = await measure('POST /api/v1/services', api, {
      requests: options.services,
      concurrency: options.concurrency,
      maxSeconds: 600,
      nextRequest: (i) => ({ method: 'POST', path: '/api/v1/services', body: serviceBody(i), expect: 201 }),
    });
    if (create.errors > 0 || create.requests !== options.services) {
      throw new Error(`creating services failed: ${create.firstError ?? `${create.requests} created`}`);
    }

    const pick = (i) => `svc-${String((i * 7919) % options.services).padStart(4, '0')}`;
    const scenarios = [
      {
        name: 'GET /api/v1/services/{name}',
        nextRequest: (i) => ({ method: 'GET', path: `/api/v1/services/${pick(i)}`, expect: 200 }),
      },
      {
        name: `GET /api/v1/services (all ${options.services})`,
        nextRequest: () => ({ method: 'GET', path: '/api/v1/services', expect: 200 }),
      },
    ];
    const results = [];
    for (const scenario of scenarios) {
      const warmup = Math.min(200, Math.ceil(options.requests / 10));
      log(`${kind}: ${scenario.name}: ${warmup} warm-up, then ${options.requests} requests`);
      await measure('warm-up', api, { ...options, requests: warmup, nextRequest: scenario.nextRequest });
      results.push(await measure(scenario.name, api, { ...options, nextRequest: scenario.nextRequest }));
    }
    return { database: kind, setup: { teams: 1, services: options.services, create }, scenarios: results };
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
      requests: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '16' },
      'max-seconds': { type: 'string', default: '60' },
      databases: { type: 'string' },
    },
  });
  const options = {
    services: Number(values.services),
    requests: Number(values.requests),
    concurrency: Number(values.concurrency),
    maxSeconds: Number(values['max-seconds']),
  };
  for (const [key, value] of Object.entries(options)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${key} must be a positive integer`);
  }
  if (options.services > 10_000) throw new Error('--services is at most 10000 (names are svc-0000…svc-9999)');
  const databases = values.databases
    ? values.databases.split(',')
    : ['sqlite', ...(process.env.HEADROOM_TEST_POSTGRES_URL ? ['postgres'] : [])];

  const results = [];
  for (const kind of databases) {
    if (kind !== 'sqlite' && kind !== 'postgres') throw new Error(`unknown database ${kind}`);
    results.push(await benchDatabase(kind, options));
  }
  return {
    benchmark: 'catalog',
    at: new Date().toISOString(),
    machine: { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown' },
    parameters: {
      ...options,
      client: 'node:http, keep-alive, closed loop',
      server: 'packages/server/dist, one process, log level warn',
    },
    ...(!databases.includes('postgres') && {
      note: 'PostgreSQL not measured: set HEADROOM_TEST_POSTGRES_URL to a local server to include it.',
    }),
    results,
  };
}
