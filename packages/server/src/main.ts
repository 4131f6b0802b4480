import { buildApp } from './app.js';
import type { ServerConfig } from './config.js';
import { startAlertPipeline } from './modules/alert-groups/job.js';
import { startAlertSweeper } from './modules/alerts/sweeper.js';
import { startCapacityJobs } from './modules/capacity/job.js';
import { outboundPolicy, startDispatcher } from './modules/notifications/index.js';
import { startPaging } from './modules/paging/job.js';
import { PrometheusPoller } from './modules/prometheus/poller.js';
import { loadPrometheusSlis } from './modules/prometheus/service.js';
import { startEvaluator } from './modules/slo-status/evaluator.js';
import { startSurveyJob } from './modules/surveys/job.js';

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Starts Headroom, prints the URL and how to log in, and shuts down cleanly on SIGINT/SIGTERM. */
export async function startServer(
  config: ServerConfig,
  print: (line: string) => void = console.log,
): Promise<RunningServer> {
  const app = await buildApp({ config });
  const address = await app.listen({ host: config.host, port: config.port });
  const url = address.replace('[::1]', 'localhost');
  const { bootstrap, database } = app.headroom;
  print(`Headroom is serving on ${url}  (database: ${database.dialect} ${database.location})`);
  if (bootstrap.generatedToken) {
    print('First start: created user "admin". Its API token, shown only this once:');
    print(`  ${bootstrap.generatedToken}`);
    print(`Use it with: export HEADROOM_TOKEN=${bootstrap.generatedToken}  (or headroom --token …)`);
  } else if (bootstrap.created) {
    print('First start: created user "admin" with the token from HEADROOM_ADMIN_TOKEN.');
  } else {
    print(
      'Log in with an API token (HEADROOM_TOKEN) or a user password; `headroom tokens create` makes tokens.',
    );
  }
  // Background work runs beside the API; on PostgreSQL only the process holding the lock evaluates.
  // Every process sweeps stale alerts once a minute; the alert writers' lock keeps sweeps apart.
  const alertSweeper = startAlertSweeper(database, {
    intervalMs: 60_000,
    timeoutMinutes: config.alertResolveTimeoutMinutes,
    log: app.log,
  });
  // Paging escalates in the leading process, on the pipeline's interval and after each pipeline pass.
  const paging =
    config.alertPipelineIntervalMs > 0
      ? startPaging(database, {
          intervalMs: config.alertPipelineIntervalMs,
          externalUrl: config.publicUrl ?? url,
          autoDeclareTiers: config.incidentAutoDeclareTiers,
          log: app.log,
        })
      : null;
  // Routing and grouping run in the leading process; an evaluation pass nudges it at once.
  const pipeline =
    config.alertPipelineIntervalMs > 0
      ? startAlertPipeline(database, {
          intervalMs: config.alertPipelineIntervalMs,
          externalUrl: config.publicUrl ?? url,
          log: app.log,
          afterTick: () => paging?.nudge(),
        })
      : null;
  const evaluator =
    config.evaluationIntervalSeconds > 0
      ? startEvaluator(database, {
          intervalMs: config.evaluationIntervalSeconds * 1000,
          log: app.log,
          retentionDays: config.sliRetentionDays,
          poller: new PrometheusPoller({ db: database.db, slis: () => loadPrometheusSlis(database.db) }),
          afterPass: () => pipeline?.nudge(),
        })
      : null;
  // Every process dispatches notifications; the outbox's leases share the work between them.
  const dispatcher =
    config.notifications.pollIntervalMs > 0
      ? startDispatcher(database, {
          settings: config.notifications,
          policy: outboundPolicy(config.outboundAllow),
          log: app.log,
        })
      : null;
  // Scheduled survey rounds; a compare-and-set on each survey's next round keeps processes apart.
  const surveys = startSurveyJob(database, {
    intervalMs: 5 * 60_000,
    externalUrl: config.publicUrl ?? url,
    log: app.log,
  });
  // Capacity: Prometheus polls and the runway check (tickets), in the leading process.
  const capacity = startCapacityJobs(database, {
    settings: { currency: config.capacityCurrency },
    pollIntervalMs: config.capacityPollIntervalSeconds * 1000,
    checkIntervalMs: config.capacityCheckIntervalMinutes * 60_000,
    log: app.log,
    afterCheck: () => pipeline?.nudge(),
  });
  let closing: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    app.log.info({ signal }, 'shutting down');
    void close().then(() => process.exit(0));
  };
  const close = () => {
    closing ??= (async () => {
      // A server closed in-process (tests, the demo) leaves no handler behind.
      for (const signal of SIGNALS) process.off(signal, onSignal);
      await evaluator?.stop();
      await capacity.stop();
      await pipeline?.stop();
      await paging?.stop();
      await alertSweeper.stop();
      await surveys.stop();
      await dispatcher?.stop();
      await app.close();
    })();
    return closing;
  };
  for (const signal of SIGNALS) process.once(signal, onSignal);
  return { url, close };
}
