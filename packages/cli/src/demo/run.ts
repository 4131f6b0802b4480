/**
 * `headroom demo`: starts Headroom on an embedded SQLite database in the data folder, loads the
 * demo organisation through the public API, backfills history through ingest, then feeds live
 * traffic with a scripted fault. A data folder that already holds a demo is continued: the YAML is
 * applied again (unchanged objects stay), and each stream resumes where its data stopped.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { IngestStream } from '@headroom/core/api/ingest';
import { DEMO_SEED, DEMO_STREAMS, liveFault, pastIncidentFaults } from '@headroom/core/demo/organisation';
import { deploymentHistory, ROUGH_MONTH_STREAM, roughMonth } from '@headroom/core/demo/releases';
import type { Fault, RatioStream } from '@headroom/core/demo/traffic';
import { HeadroomClient } from '../client.js';
import { ApiError, UsageError } from '../errors.js';
import { type LiveCapacity, loadCapacity, startLiveCapacity } from './capacity.js';
import { loadDiscovery } from './discovery.js';
import {
  applyOrganisation,
  closePastIncident,
  demoFolder,
  ensureOverride,
  ensurePastIncident,
  ensurePostmortem,
} from './loader.js';
import { type DemoReceiver, startDemoReceiver } from './receiver.js';
import { type LiveReleases, linkPastIncidentRelease, recordHistory, startLiveReleases } from './releases.js';
import { backfill, type LiveFeed, startLiveFeed } from './simulator.js';

const MINUTE_MS = 60_000;

/** The admin token when HEADROOM_ADMIN_TOKEN is not set: public on purpose (see the README). */
export const DEMO_ADMIN_TOKEN = 'headroom-demo-admin-token';
export const DEMO_ADMIN_PASSWORD = 'headroom-demo';
const STATE_FILE = 'demo.json';

export interface DemoOptions {
  port?: number | undefined;
  dataDir: string;
  /** Delay from ready to the fault; null: no fault. */
  faultAfterMs: number | null;
  historyMs: number;
  tickMs: number;
  /** How often a live deployment is recorded (default 5 minutes). */
  deployEveryMs?: number | undefined;
}

export interface DemoHandle {
  url: string;
  token: string;
  receiver: DemoReceiver;
  readyMs: number;
  stop(): Promise<void>;
}

interface DemoState {
  firstStart: number;
  seed: number;
  /** The history backfilled at the first start (older demos: the option's value). */
  historyMs?: number;
}

export async function runDemo(
  options: DemoOptions,
  env: Record<string, string | undefined>,
  cwd: string,
  print: (line: string) => void,
): Promise<DemoHandle> {
  const began = performance.now();
  const dataDir = isAbsolute(options.dataDir) ? options.dataDir : resolve(cwd, options.dataDir);
  const databaseFile = join(dataDir, 'headroom.db');
  const stateFile = join(dataDir, STATE_FILE);
  const reuse = existsSync(databaseFile);
  if (reuse && !existsSync(stateFile))
    throw new UsageError(
      `${dataDir} holds a Headroom database that is not a demo (no ${STATE_FILE}); pick another --data-dir`,
    );
  await mkdir(dataDir, { recursive: true });
  const now0 = Date.now();
  const state: DemoState = reuse
    ? (JSON.parse(await readFile(stateFile, 'utf8')) as DemoState)
    : { firstStart: now0, seed: DEMO_SEED, historyMs: options.historyMs };
  const historyMs = state.historyMs ?? options.historyMs;

  const receiver = await startDemoReceiver(print);
  let feed: LiveFeed | undefined;
  let releases: LiveReleases | undefined;
  let capacityFeed: LiveCapacity | undefined;
  // Registered before the server's own handlers (which close it and exit), so the feed stops first.
  const onSignal = () => {
    print('Stopping the demo…');
    releases?.stop();
    void capacityFeed?.stop();
    void feed?.stop();
    void receiver.close();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const token = env.HEADROOM_ADMIN_TOKEN || DEMO_ADMIN_TOKEN;
  const { configFromEnv, startServer } = await import('@headroom/server');
  const config = configFromEnv(env);
  config.databaseUrl = databaseFile;
  config.adminToken = token;
  if (options.port !== undefined) config.port = options.port;
  // A quieter, quicker server than `serve`'s defaults, unless the environment says otherwise.
  if (!env.HEADROOM_LOG_LEVEL) config.logLevel = 'warn';
  if (!env.HEADROOM_EVALUATION_INTERVAL_SECONDS) config.evaluationIntervalSeconds = 10;
  // The runway check every minute, so the capacity ticket shows soon after the usage is loaded.
  if (!env.HEADROOM_CAPACITY_CHECK_INTERVAL_MINUTES) config.capacityCheckIntervalMinutes = 1;
  // E-mail pages (escalation to people) go to the demo's SMTP receiver unless SMTP is configured.
  if (!config.notifications.smtpUrl) {
    config.notifications.smtpUrl = receiver.smtpUrl;
    config.notifications.smtpFrom ??= 'Headroom demo <headroom@shop.example>';
  }
  // The channels deliver to the receiver on 127.0.0.1, which Headroom refuses unless allowed.
  if (!config.outboundAllow.includes('loopback'))
    config.outboundAllow = [...config.outboundAllow, 'loopback'];
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(config, () => {});
  } catch (error) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await receiver.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new UsageError(`port ${config.port} is in use; pick another with --port`);
    throw error;
  }
  const stop = async () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    releases?.stop();
    await capacityFeed?.stop();
    await feed?.stop();
    await server.close();
    await receiver.close();
  };
  try {
    const client = new HeadroomClient({ server: server.url, token });
    const applied = await applyOrganisationAs(client, receiver.url);
    if (!reuse) {
      await writeFile(stateFile, `${JSON.stringify(state, null, 2)}\n`);
      await client.request('PATCH', '/users/admin', { body: { password: DEMO_ADMIN_PASSWORD } });
    }
    await ensureOverride(client, now0);
    // Capacity usage and the discovery board load alongside the SLI backfill (awaited below).
    const extras = Promise.all([
      loadCapacity(client, state.seed, state.firstStart),
      loadDiscovery(client, state.firstStart),
    ]);
    extras.catch(() => undefined);

    // History: from `historyMs` ago (first start) or from where each stream stopped (later starts).
    const to = Date.now();
    const earliest = to - options.historyMs;
    const starts = new Map<string, number>();
    const known = reuse ? await client.request<IngestStream[]>('GET', '/ingest/streams') : [];
    for (const spec of DEMO_STREAMS) {
      const last = known.find((s) => s.stream === spec.stream);
      const resumeAt = last ? Math.min(to, Date.parse(last.lastIngestAt)) : earliest;
      starts.set(spec.stream, Math.max(earliest, resumeAt));
    }
    // A rough month for checkout latency (bad releases, rolled back) leaves little of its budget,
    // so the live fault exhausts it and the release gate freezes checkout.
    const latency = DEMO_STREAMS.find((s) => s.stream === ROUGH_MONTH_STREAM) as RatioStream;
    const past = pastIncidentFaults(state.firstStart);
    const rough = roughMonth(latency, state.seed, state.firstStart, historyMs, past);
    const faults: Fault[] = [...past, ...rough.faults];
    const filled = await backfill(client, DEMO_STREAMS, starts, to, state.seed, faults);
    const incident = await ensurePastIncident(client, state.firstStart);
    const postmortem = await ensurePostmortem(client, incident.id)
      .then(async (done) =>
        done === 'postmortem published'
          ? `${done}, incident ${await closePastIncident(client, incident.id, state.firstStart)}`
          : done,
      )
      .catch((error: Error) => `postmortem not published (${error.message})`);

    const deployments = await recordHistory(
      client,
      deploymentHistory(state.seed, state.firstStart, state.firstStart - historyMs, to, rough.faults),
    );
    const linked = await linkPastIncidentRelease(client, incident.id, state.seed, state.firstStart);
    const [capacity, discovery] = await extras;

    const readyMs = performance.now() - began;
    const fault = options.faultAfterMs === null ? null : liveFault(Date.now() + options.faultAfterMs);
    if (fault) faults.push(fault);
    feed = startLiveFeed({
      client,
      specs: DEMO_STREAMS,
      seed: state.seed,
      faults,
      from: to,
      tickMs: options.tickMs,
      fault,
      print,
    });
    releases = startLiveReleases(client, state.seed, options.deployEveryMs ?? 5 * MINUTE_MS, print);
    capacityFeed = startLiveCapacity(client, state.seed, state.firstStart, print);

    const historyText = reuse
      ? 'continued from where it stopped'
      : `${formatDuration(options.historyMs)} backfilled`;
    const rate = filled.ms > 0 ? Math.round((filled.records / filled.ms) * 1000) : 0;
    print('');
    print(`Headroom demo is ready on ${server.url}  (${(readyMs / 1000).toFixed(1)} s)`);
    print(`  Log in:     user admin, password ${DEMO_ADMIN_PASSWORD}  — or the API token below`);
    print(
      `  API token:  ${token}${env.HEADROOM_ADMIN_TOKEN ? '  (from HEADROOM_ADMIN_TOKEN)' : '  (the documented demo token)'}`,
    );
    print(`  CLI:        export HEADROOM_URL=${server.url} HEADROOM_TOKEN=${token}`);
    print(`  Data:       ${dataDir}  (${reuse ? 'existing demo' : 'new demo'})`);
    print(
      `  Loaded:     ${applied.summary.create} created, ${applied.summary.update} updated, ${applied.summary.unchanged} unchanged from demo/; ` +
        `incident ${incident.id}${incident.created ? ' declared' : ''}; ${postmortem}`,
    );
    print(
      `  SLI data:   ${historyText}: ${filled.records.toLocaleString('en')} records in ${filled.batches} batches, ` +
        `${(filled.ms / 1000).toFixed(1)} s (${rate.toLocaleString('en')} records/s); live every ${formatDuration(options.tickMs)}`,
    );
    print(
      `  Releases:   ${deployments.recorded} deployments recorded (${(deployments.ms / 1000).toFixed(1)} s)` +
        `${linked ? `, ${linked} linked to ${incident.id}` : ''}; one more every ${formatDuration(options.deployEveryMs ?? 5 * MINUTE_MS)}`,
    );
    print(
      `  Capacity:   ${capacity.resources} resources, ${capacity.records.toLocaleString('en')} hours of usage sent (${(capacity.ms / 1000).toFixed(1)} s); payments-db-storage runs out inside its lead time: a CapacityRunwayShort ticket follows`,
    );
    print(
      `  Discovery:  ${discovery.items} feedback items (${discovery.created} filed now), ${discovery.interviews} interviews, the calmer-on-call tree; platform-pulse survey round 1 answered by ${discovery.surveyAnswers} (${(discovery.ms / 1000).toFixed(1)} s)`,
    );
    print(
      `  Gate:       headroom gate checkout — checkout-latency had a rough month; the fault exhausts its budget`,
    );
    print(
      `  Receiver:   webhooks to ${receiver.url}, e-mail pages to ${config.notifications.smtpUrl === receiver.smtpUrl ? receiver.smtpUrl : 'HEADROOM_SMTP_URL'}; each is printed below`,
    );
    if (fault)
      print(
        `  Fault:      checkout latency degrades at ${new Date(fault.start).toTimeString().slice(0, 8)} for 15 minutes`,
      );
    else print('  Fault:      none (--no-fault)');
    print('Press Ctrl+C to stop; run again with the same --data-dir to continue.');
    print('');
    return { url: server.url, token, receiver, readyMs, stop };
  } catch (error) {
    await stop();
    if (error instanceof ApiError && error.status === 401)
      throw new UsageError(
        `${dataDir} was created with another admin token: set HEADROOM_ADMIN_TOKEN to it, or use a fresh --data-dir`,
      );
    throw error;
  }
}

async function applyOrganisationAs(client: HeadroomClient, receiverUrl: string) {
  const result = await applyOrganisation(client, demoFolder(), receiverUrl);
  return result;
}

function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} days`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS} min`;
  return `${ms / 1000} s`;
}
