/**
 * Backfill of a Prometheus-backed SLO (`headroom backfill <slo> --since 30d`): each of its
 * indicators' history read with query_range in chunks, newest first, into the bucket store.
 */
import type { BackfillResult } from '@headroom/core/api/backfill';
import { type Actor, canChangeOwned } from '@headroom/core/auth/policy';
import { ForbiddenError, InputError } from '@headroom/core/errors';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { parseRef, REF_KIND } from '../catalog/refs.js';
import { getResolvedSlo, listResolvedSlos } from '../slos/service.js';
import { type BackfillProgress, backfillSli, parseSince } from './backfill.js';
import { type PrometheusApi, PrometheusClient, type PrometheusConnection } from './client.js';
import type { PrometheusSli, UnpollableSli } from './poller.js';
import { prometheusSourcesOf } from './slo-sources.js';

export interface BackfillSloOptions {
  now?: number;
  onProgress?: (progress: BackfillProgress) => void;
  signal?: AbortSignal;
  clientFor?: (connection: PrometheusConnection) => PrometheusApi;
}

async function ownerTeamOf(db: Kysely<Database>, serviceRef: string | null): Promise<string | null> {
  if (!serviceRef) return null;
  const { namespace, name } = parseRef(serviceRef, REF_KIND.service);
  const row = await db
    .selectFrom('services')
    .select('owner_team_id')
    .where('namespace', '=', namespace)
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.owner_team_id ?? null;
}

export async function backfillSlo(
  db: Kysely<Database>,
  actor: Actor,
  name: string,
  since: string,
  options: BackfillSloOptions = {},
): Promise<BackfillResult> {
  const sinceMs = parseSince(since);
  const resolved = await getResolvedSlo(db, name);
  const verdict = canChangeOwned(actor, await ownerTeamOf(db, resolved.serviceRef), `SLO ${name}`);
  if (!verdict.allowed) throw new ForbiddenError(verdict.reason);
  const { slis, problems } = prometheusSourcesOf(resolved.slo);
  if (problems.length > 0) {
    throw new InputError(
      `SLO ${name} cannot be backfilled from Prometheus: ${problems[0]?.message}`,
      problems.map((p) => ({ path: p.stream ?? 'indicator', message: p.message })),
      'SLO_NOT_PROMETHEUS',
    );
  }
  if (slis.length === 0) {
    throw new InputError(
      `SLO ${name} does not read its data from Prometheus; its data is pushed to its stream through ingest`,
      undefined,
      'SLO_NOT_PROMETHEUS',
    );
  }
  const now = options.now ?? Date.now();
  const result: BackfillResult = { slo: name, since, streams: [] };
  for (const sli of slis) {
    const client = options.clientFor?.(sli.connection) ?? new PrometheusClient(sli.connection);
    const report = await backfillSli({
      db,
      client,
      stream: sli.stream,
      queries: sli.queries,
      sinceMs,
      now,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    result.streams.push({
      stream: report.stream,
      from: new Date(report.from * 60_000).toISOString(),
      to: new Date(report.to * 60_000).toISOString(),
      buckets: report.buckets,
      warnings: report.warnings,
    });
  }
  return result;
}

/**
 * What the poller keeps up to date: every Prometheus-backed indicator of every SLO, and those
 * that name Prometheus but cannot be polled (with the reason, recorded as their stream's error).
 * Pass as `slis: () => loadPrometheusSlis(db)`.
 */
export async function loadPrometheusSlis(db: Kysely<Database>): Promise<(PrometheusSli | UnpollableSli)[]> {
  const out: (PrometheusSli | UnpollableSli)[] = [];
  for (const { name, slo } of await listResolvedSlos(db)) {
    const { slis, problems } = prometheusSourcesOf(slo);
    out.push(...slis);
    for (const p of problems) out.push({ stream: p.stream ?? name, problem: `SLO ${name}: ${p.message}` });
  }
  return out;
}
