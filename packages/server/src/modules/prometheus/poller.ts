/**
 * Keeps Prometheus-backed SLI streams up to date. The evaluator job calls `tick(now)` every
 * minute; each stream is read from where its covered range ends to the last minute that ended
 * `delayMs` ago (so samples of that minute have been scraped and ingested), chunk by chunk,
 * each chunk committed with its buckets. When Prometheus cannot be read the error is recorded
 * and the range stays put, so the data grows stale visibly, and the next tick that succeeds
 * catches up over the whole missed stretch.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { replaceBuckets } from '../sli-data/repo.js';
import { type BackfillProgress, type BackfillReport, backfillSli } from './backfill.js';
import { type PrometheusApi, PrometheusClient, type PrometheusConnection } from './client.js';
import {
  commitChunk,
  getPollState,
  listPollStates,
  PollRaceError,
  type PollState,
  recordPollError,
  recordPollSuccess,
  type WriteBuckets,
} from './poll-state.js';
import { epochMinute, planRatioQueries, pollSli, type RatioQueries } from './sli-poll.js';

/** One SLI whose data comes from Prometheus, as the SLO definitions give it. */
export interface PrometheusSli {
  /** The bucket-store stream its buckets go to. */
  stream: string;
  connection: PrometheusConnection;
  queries: RatioQueries;
}

/** An indicator that names Prometheus but cannot be polled; its stream's status shows why. */
export interface UnpollableSli {
  stream: string;
  problem: string;
}

export interface PollerOptions {
  db: Kysely<Database>;
  /** The SLIs to keep up to date, asked for on every tick (see loadPrometheusSlis). */
  slis: () => (PrometheusSli | UnpollableSli)[] | Promise<(PrometheusSli | UnpollableSli)[]>;
  /** The bucket store's replaceBuckets unless given. */
  writeBuckets?: WriteBuckets;
  /** A client per connection; a PrometheusClient unless given (tests). */
  clientFor?: (connection: PrometheusConnection) => PrometheusApi;
  /** How long after a minute ends it is first read: scrape interval plus ingestion lag. Default 30 s. */
  delayMs?: number;
  /**
   * Minutes before the end of the covered range that every tick reads again, so samples that
   * reached Prometheus late (remote write, a slow scrape) still count. Default 2.
   */
  revisitMinutes?: number;
  /** How far back a stream that was never polled starts. Default 60 minutes. */
  initialLookbackMinutes?: number;
  chunkMinutes?: number;
  log?: (message: string, fields: Record<string, unknown>) => void;
}

export interface StreamTickReport {
  stream: string;
  /** Epoch minutes [from, to) read in this tick; absent when there was nothing to read. */
  from?: number;
  to?: number;
  buckets: number;
  warnings: string[];
  error?: string;
  /** Skipped because the previous tick or a backfill of this stream was still running. */
  busy?: boolean;
}

export class PrometheusPoller {
  private readonly clients = new Map<string, PrometheusApi>();
  private readonly running = new Set<string>();
  private readonly delayMs: number;
  private readonly initialLookbackMinutes: number;
  private readonly revisitMinutes: number;
  private readonly writeBuckets: WriteBuckets;

  constructor(private readonly options: PollerOptions) {
    this.delayMs = options.delayMs ?? 30_000;
    this.initialLookbackMinutes = options.initialLookbackMinutes ?? 60;
    this.revisitMinutes = options.revisitMinutes ?? 2;
    this.writeBuckets = options.writeBuckets ?? replaceBuckets;
  }

  /** The last epoch minute (exclusive) that may be read at `now`. */
  readyTo(now: number): number {
    return epochMinute(now - this.delayMs);
  }

  /** Polls every SLI once; streams are read one after another. */
  async tick(now: number = Date.now(), signal?: AbortSignal): Promise<StreamTickReport[]> {
    const reports: StreamTickReport[] = [];
    for (const sli of await this.options.slis()) {
      signal?.throwIfAborted();
      reports.push(await this.exclusive(sli.stream, () => this.pollStream(sli, now, signal)));
    }
    return reports;
  }

  /** Fills the stream's history back to `now - sinceMs` (see backfillSli). */
  async backfill(
    sli: PrometheusSli,
    sinceMs: number,
    now: number = Date.now(),
    onProgress?: (progress: BackfillProgress) => void,
    signal?: AbortSignal,
  ): Promise<BackfillReport> {
    if (this.running.has(sli.stream)) throw new Error(`stream ${sli.stream} is being polled; try again`);
    this.running.add(sli.stream);
    try {
      return await backfillSli({
        db: this.options.db,
        client: this.client(sli.connection),
        stream: sli.stream,
        queries: sli.queries,
        sinceMs,
        now,
        delayMs: this.delayMs,
        writeBuckets: this.writeBuckets,
        ...(this.options.chunkMinutes ? { chunkMinutes: this.options.chunkMinutes } : {}),
        ...(onProgress ? { onProgress } : {}),
        ...(signal ? { signal } : {}),
      });
    } finally {
      this.running.delete(sli.stream);
    }
  }

  status(stream: string): Promise<PollState | null> {
    return getPollState(this.options.db, stream);
  }

  statuses(): Promise<PollState[]> {
    return listPollStates(this.options.db);
  }

  private async exclusive(stream: string, poll: () => Promise<StreamTickReport>): Promise<StreamTickReport> {
    if (this.running.has(stream)) return { stream, buckets: 0, warnings: [], busy: true };
    this.running.add(stream);
    try {
      return await poll();
    } finally {
      this.running.delete(stream);
    }
  }

  private client(connection: PrometheusConnection): PrometheusApi {
    const key = JSON.stringify(connection);
    let client = this.clients.get(key);
    if (!client) {
      client = this.options.clientFor ? this.options.clientFor(connection) : new PrometheusClient(connection);
      this.clients.set(key, client);
    }
    return client;
  }

  private async pollStream(
    sli: PrometheusSli | UnpollableSli,
    now: number,
    signal?: AbortSignal,
  ): Promise<StreamTickReport> {
    const { db } = this.options;
    const { stream } = sli;
    const report: StreamTickReport = { stream, buckets: 0, warnings: [] };
    try {
      if ('problem' in sli) throw new Error(sli.problem);
      const plans = planRatioQueries(sli.queries);
      const state = await getPollState(db, stream);
      const to = this.readyTo(now);
      const from =
        state?.coveredTo == null
          ? to - this.initialLookbackMinutes
          : Math.max(state.coveredFrom ?? state.coveredTo, state.coveredTo - this.revisitMinutes);
      if (from >= to) return report;
      report.from = from;
      report.to = to;
      const { warnings } = await pollSli({
        client: this.client(sli.connection),
        queries: plans,
        stream,
        fromMinute: from,
        toMinute: to,
        ...(this.options.chunkMinutes ? { chunkMinutes: this.options.chunkMinutes } : {}),
        ...(signal ? { signal } : {}),
        onChunk: async (chunk) => {
          const { written } = await commitChunk(db, this.writeBuckets, { stream, ...chunk }, now);
          report.buckets += written;
        },
      });
      report.warnings = warnings;
      await recordPollSuccess(db, stream, now);
      this.options.log?.('prometheus poll', { stream, from, to, buckets: report.buckets });
    } catch (error) {
      if (error instanceof PollRaceError) return { ...report, busy: true };
      const message = error instanceof Error ? error.message : String(error);
      report.error = message;
      await recordPollError(db, stream, message, now);
      this.options.log?.('prometheus poll failed', { stream, error: message });
    }
    return report;
  }
}
