/**
 * Prometheus-backed resources: usage read with query_range at a one-minute step (the samples'
 * own resolution in the store), in chunks of a week (10,080 points, under Prometheus' 11,000 per
 * series), each chunk written with its hours and the covered range in one transaction. A
 * resource never read is backfilled 90 days on first sight; afterwards each poll reads from where
 * coverage ends. A limit query is read as an instant query on every poll. Several series in an
 * answer are summed per timestamp (a query should aggregate: `sum(…)`).
 *
 * Connections come from the OpenSLO DataSource named by `dataSourceRef` (its credentials stored
 * sealed and opened here for the request only), or from `url`.
 */
import { InputError } from '@headroom/core';
import type { CapacityResourceDefinition } from '@headroom/core/config/headroom/capacity';
import type { DataSource } from '@headroom/core/slo/model';
import type { Kysely } from 'kysely';
import { withTransaction } from '../../db/index.js';
import type { Database } from '../../db/schema.js';
import {
  connectionFromDetails,
  type PrometheusApi,
  PrometheusClient,
  type PrometheusConnection,
} from '../prometheus/client.js';
import { openConnectionDetails } from '../secrets/datasources.js';
import { findObjectRow, loadObjectRecord } from '../slos/repo.js';
import { getState, MINUTE_MS, touchState, type UsageSample, writeUsage } from './repo.js';

const DAY_MS = 86_400_000;
export const FIRST_BACKFILL_MS = 90 * DAY_MS;
export const STEP_SECONDS = 60;
const CHUNK_MS = 7 * DAY_MS;
/** Minutes that ended less than this long ago are left to the next poll (scrape and ingestion lag). */
const DELAY_MS = 60_000;
/** Minutes before the end of coverage read again each poll, for late samples. */
const REVISIT_MS = 5 * MINUTE_MS;

export type ClientFor = (connection: PrometheusConnection) => PrometheusApi;
const defaultClient: ClientFor = (c) => new PrometheusClient(c);

export async function connectionOf(
  db: Kysely<Database>,
  def: CapacityResourceDefinition,
): Promise<PrometheusConnection> {
  const source = def.source;
  if (source.type !== 'prometheus')
    throw new InputError(
      `Resource ${def.name} takes pushed usage; it has no Prometheus source`,
      undefined,
      'NOT_PROMETHEUS',
    );
  if (source.url) return connectionFromDetails({ url: source.url }, '/spec/source/prometheus');
  const row = source.dataSourceRef ? await findObjectRow(db, 'DataSource', source.dataSourceRef) : undefined;
  if (!row)
    throw new InputError(
      `DataSource '${source.dataSourceRef}' of resource ${def.name} is not applied`,
      undefined,
      'DATASOURCE_NOT_FOUND',
    );
  const ds = loadObjectRecord(row).definition as DataSource;
  return connectionFromDetails(openConnectionDetails(ds));
}

const floorMinute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

export interface ChunkProgress {
  resource: string;
  doneMs: number;
  totalMs: number;
  from: number;
  to: number;
  samples: number;
}

export interface ReadReport {
  from: number;
  to: number;
  samples: number;
  hours: number;
  chunks: number;
  warnings: string[];
}

/** Reads [from, to) in chunks (newest first when `backwards`), writing each with the coverage it extends. */
async function readRange(
  db: Kysely<Database>,
  client: PrometheusApi,
  def: CapacityResourceDefinition,
  from: number,
  to: number,
  options: { backwards: boolean; now: number; onProgress?: (p: ChunkProgress) => void; signal?: AbortSignal },
): Promise<ReadReport> {
  const query = (def.source as { query: string }).query;
  const report: ReadReport = { from, to, samples: 0, hours: 0, chunks: 0, warnings: [] };
  const chunks: [number, number][] = [];
  for (let a = from; a < to; a += CHUNK_MS) chunks.push([a, Math.min(a + CHUNK_MS, to)]);
  if (options.backwards) chunks.reverse();
  let done = 0;
  for (const [a, b] of chunks) {
    options.signal?.throwIfAborted();
    // Both ends are evaluated by query_range: stop one step short of b, which the next chunk reads.
    const result = await client.queryRange(query, a, b - STEP_SECONDS * 1000, STEP_SECONDS, options.signal);
    for (const w of result.warnings) if (!report.warnings.includes(w)) report.warnings.push(w);
    const sums = new Map<number, number>();
    let skipped = 0;
    for (const s of result.series)
      for (const p of s.points) {
        if (!Number.isFinite(p.v) || p.v < 0) {
          skipped++;
          continue;
        }
        sums.set(p.t, (sums.get(p.t) ?? 0) + p.v);
      }
    if (skipped > 0) report.warnings.push(`${skipped} NaN, infinite or negative sample(s) skipped`);
    const samples: UsageSample[] = [...sums].map(([ts, value]) => ({ resource: def.name, ts, value }));
    const written = await withTransaction(db, async (trx) => {
      const w = samples.length > 0 ? await writeUsage(trx, samples, options.now) : { accepted: 0, hours: 0 };
      const state = await getState(trx, def.name);
      await touchState(trx, def.name, {
        covered_from: Math.min(state?.coveredFrom ?? a, a),
        covered_to: Math.max(state?.coveredTo ?? b, b),
      });
      return w;
    });
    report.samples += written.accepted;
    report.hours += written.hours;
    report.chunks++;
    done += b - a;
    options.onProgress?.({
      resource: def.name,
      doneMs: done,
      totalMs: to - from,
      from: a,
      to: b,
      samples: report.samples,
    });
  }
  return report;
}

/** Fills history back to `now - sinceMs`, from where coverage starts (or now); what is covered is not read again. */
export async function backfillResource(
  db: Kysely<Database>,
  def: CapacityResourceDefinition,
  sinceMs: number,
  options: {
    now?: number;
    clientFor?: ClientFor;
    onProgress?: (p: ChunkProgress) => void;
    signal?: AbortSignal;
  } = {},
): Promise<ReadReport> {
  const now = options.now ?? Date.now();
  const client = (options.clientFor ?? defaultClient)(await connectionOf(db, def));
  const state = await getState(db, def.name);
  const from = floorMinute(now - sinceMs);
  const to = state?.coveredFrom ?? floorMinute(now - DELAY_MS);
  if (from >= to) return { from: to, to, samples: 0, hours: 0, chunks: 0, warnings: [] };
  return readRange(db, client, def, from, to, {
    backwards: true,
    now,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}

/** One poll: the limit query, then usage from where coverage ends (90 days back on first sight). */
export async function pollResource(
  db: Kysely<Database>,
  def: CapacityResourceDefinition,
  options: { now?: number; clientFor?: ClientFor } = {},
): Promise<ReadReport | null> {
  const now = options.now ?? Date.now();
  try {
    const client = (options.clientFor ?? defaultClient)(await connectionOf(db, def));
    if ('query' in def.limit) {
      const answer = await client.query(def.limit.query, now);
      const values = answer.series.flatMap((s) => s.points.map((p) => p.v)).filter(Number.isFinite);
      if (values.length === 0) throw new Error(`the limit query returned no value: ${def.limit.query}`);
      await touchState(db, def.name, { limit_value: values.reduce((a, b) => a + b, 0), limit_at: now });
    }
    const state = await getState(db, def.name);
    const to = floorMinute(now - DELAY_MS);
    const report =
      state?.coveredTo == null
        ? await readRange(db, client, def, floorMinute(now - FIRST_BACKFILL_MS), to, { backwards: true, now })
        : state.coveredTo - REVISIT_MS < to
          ? await readRange(db, client, def, state.coveredTo - REVISIT_MS, to, { backwards: false, now })
          : null;
    await touchState(db, def.name, { last_success_at: now, last_error: null });
    return report;
  } catch (error) {
    await touchState(db, def.name, { last_error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}
