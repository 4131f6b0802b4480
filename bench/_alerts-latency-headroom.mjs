/**
 * The Headroom side of the detection-latency benchmark (bench/_alerts-latency.mjs): the built
 * server with a fresh SQLite database, the catalog entries, the OpenSLO SLOs and the alerting
 * kinds applied through `POST /api/v1/apply`, and the Prometheus rule file as Headroom exports it.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { PROMTOOL, runTool } from './_alerts-latency-peers.mjs';
import { freshDatabase, startBuiltServer } from './_lib.mjs';

export const TARGET = 0.999;
const TEAM = 'bench-sre';
const SERVICE = 'bench-checkout';
/** The SLO whose page goes through a route with Alertmanager's default group_wait (30s). */
export const DEFAULT_WAIT_SLO = 'latency-default-wait';

export const sloYaml = (name, source) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: ${SERVICE}
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 30d
      isRolling: true
  objectives:
    - target: ${TARGET}
  indicator:
    metadata:
      name: ${name}-requests
    spec:
      ratioMetric:
        counter: true
${source(name)}`;

export const headroomSource = () => `        good:
          metricSource:
            type: headroom
            spec: {}
        total:
          metricSource:
            type: headroom
            spec: {}
`;

const prometheusSource = (name) => `        good:
          metricSource:
            metricSourceRef: prometheus
            spec:
              query: bench_requests_total{slo="${name}",code="200"}
        total:
          metricSource:
            metricSourceRef: prometheus
            spec:
              query: sum(bench_requests_total{slo="${name}"})
`;

/** The receiver, a root route with group_wait 0s, and a route with Alertmanager's default 30s. */
export const alertingYaml = (url, secret) => `apiVersion: headroom.dev/v1
kind: NotificationChannel
metadata: { name: bench-receiver }
spec: { type: webhook, url: ${url}, secret: ${secret} }
---
apiVersion: headroom.dev/v1
kind: Route
metadata: { name: root }
spec:
  root: true
  receiver: bench-receiver
  groupBy: [alertname, slo]
  groupWait: 0s
---
apiVersion: headroom.dev/v1
kind: Route
metadata: { name: default-timings }
spec:
  order: 10
  matchers: ['slo="${DEFAULT_WAIT_SLO}"']
  receiver: bench-receiver
  groupWait: 30s
`;

/** An admin client for one Headroom server. */
function headroomApi(url, token) {
  return async (method, path, body, { type = 'application/json', headers = {} } = {}) => {
    const res = await fetch(new URL(`/api/v1${path}`, url), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { 'content-type': type }),
        ...headers,
      },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, text, at: Date.now() };
  };
}

export async function expectStatus(promise, status, what) {
  const res = await promise;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 500)}`);
  return res;
}

export async function startHeadroom(env, cleanups) {
  const database = await freshDatabase('sqlite');
  cleanups.push(() => database.drop());
  const token = `bench-${randomBytes(24).toString('hex')}`;
  // Log level error: a JSON log line on stdout before the server's URL line would be taken for it.
  const server = await startBuiltServer({
    HEADROOM_DATABASE_URL: database.url,
    HEADROOM_ADMIN_TOKEN: token,
    HEADROOM_LOG_LEVEL: 'error',
    ...env,
  });
  cleanups.push(() => server.stop());
  const api = headroomApi(server.url, token);
  await expectStatus(api('POST', '/teams', { name: TEAM }), 201, 'creating the team');
  await expectStatus(api('POST', '/services', { name: SERVICE, owner: TEAM }), 201, 'creating the service');
  return { server, api, database };
}

export const apply = (api, files) =>
  expectStatus(
    api('POST', '/apply', { files: files.map(([path, content]) => ({ path, content })) }),
    200,
    'apply',
  );

/**
 * The rule file exactly as Headroom exports it, from a throwaway server (no evaluator, no
 * poller) holding the same SLOs with Prometheus as their source — so the measured server never
 * polls Prometheus and the two sides stay independent.
 */
export async function exportRules({ slos, prometheusUrl, file }) {
  const cleanups = [];
  try {
    const { api } = await startHeadroom(
      {
        HEADROOM_EVALUATION_INTERVAL_SECONDS: '0',
        HEADROOM_ALERT_PIPELINE_INTERVAL_MS: '0',
        HEADROOM_NOTIFICATION_POLL_MS: '0',
      },
      cleanups,
    );
    const dataSource = `apiVersion: openslo/v1
kind: DataSource
metadata:
  name: prometheus
spec:
  type: Prometheus
  connectionDetails:
    - url: ${prometheusUrl}
`;
    await apply(api, [
      ['datasource.yaml', dataSource],
      ...slos.map((s) => [`${s.name}.yaml`, sloYaml(s.name, prometheusSource)]),
    ]);
    const exported = await expectStatus(
      api('GET', `/export/prometheus-rules?service=${SERVICE}`),
      200,
      'exporting the rules',
    );
    await writeFile(file, exported.text);
    await runTool(PROMTOOL, ['check', 'rules', file]);
    return exported.text;
  } finally {
    for (const c of cleanups.reverse()) await c();
  }
}
