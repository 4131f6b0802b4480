/**
 * Records the demo's releases through the public deployments API, as a CI pipeline would: the
 * history (resuming after the newest one stored on a continued demo), the link from the past
 * incident to the checkout release just before it, and a live deployment now and then.
 */
import type { Deployment, IncidentDeploymentLink } from '@headroom/core/api/deployment';
import { type DemoDeployment, liveDeployment, pastIncidentRelease } from '@headroom/core/demo/releases';
import type { HeadroomClient } from '../client.js';

const iso = (t: number) => new Date(t).toISOString();
/** Requests in flight while recording history: SQLite writes one at a time, the rest is overlap. */
const CONCURRENCY = 6;

function body(d: DemoDeployment, now: number) {
  return {
    service: d.service,
    version: d.version,
    commit: d.commit,
    commitTime: iso(d.commitTime),
    startedAt: iso(d.startedAt),
    finishedAt: iso(Math.min(d.finishedAt, Math.max(now, d.startedAt))),
    status: d.status,
    author: d.author,
    labels: d.labels,
    pipelineUrl: `https://ci.shop.example/${d.service}/pipelines/${d.commit.slice(0, 8)}`,
  };
}

export async function recordDeployment(
  client: HeadroomClient,
  d: DemoDeployment,
  now = Date.now(),
): Promise<Deployment> {
  return client.request<Deployment>('POST', '/deployments', { body: body(d, now) });
}

/**
 * Records the deployments newer than the newest one stored (all of them on a new demo); the
 * API answers a repeat with the stored one, so an interrupted start is safe to run again.
 */
export async function recordHistory(
  client: HeadroomClient,
  history: readonly DemoDeployment[],
): Promise<{ recorded: number; ms: number }> {
  const began = performance.now();
  const [newest] = await client.request<Deployment[]>('GET', '/deployments', { query: { limit: 1 } });
  const after = newest ? Date.parse(newest.startedAt) : Number.NEGATIVE_INFINITY;
  const todo = history.filter((d) => d.startedAt > after);
  const now = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const d = todo[next++]!;
      await recordDeployment(client, d, now);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { recorded: todo.length, ms: performance.now() - began };
}

/** Links the checkout release before the past incident to it (again: no change). */
export async function linkPastIncidentRelease(
  client: HeadroomClient,
  incidentId: string,
  seed: number,
  firstStart: number,
): Promise<string | null> {
  const release = pastIncidentRelease(seed, firstStart);
  const found = await client.request<Deployment[]>('GET', '/deployments', {
    query: {
      service: release.service,
      from: iso(release.startedAt),
      to: iso(release.startedAt + 1000),
    },
  });
  const deployment = found.find((d) => d.commit === release.commit);
  if (!deployment) return null;
  await client.request<IncidentDeploymentLink[]>(
    'POST',
    `/incidents/${encodeURIComponent(incidentId)}/deployments`,
    { body: { deployment: deployment.id, source: 'suggestion' } },
  );
  return deployment.id;
}

export interface LiveReleases {
  stop(): void;
}

/** A deployment of some service every `everyMs` (jittered by the seed), printed as it lands. */
export function startLiveReleases(
  client: HeadroomClient,
  seed: number,
  everyMs: number,
  print: (line: string) => void,
): LiveReleases {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      const now = Date.now();
      const d = liveDeployment(seed, now - 4 * 60_000);
      try {
        const stored = await recordDeployment(client, { ...d, finishedAt: now }, now);
        if (!stopped)
          print(
            `[${new Date(now).toTimeString().slice(0, 8)}] DEPLOY: ${d.service} ${d.version} (${stored.id})`,
          );
      } catch (error) {
        if (!stopped) print(`demo: recording a deployment failed: ${(error as Error).message}`);
      }
      schedule();
    }, everyMs);
  };
  schedule();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
