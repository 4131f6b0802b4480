/**
 * Feeds the demo's generated traffic through the public ingest API: history in large NDJSON
 * batches, then the live feed every few seconds (each tick sends the share of the current minute
 * that has passed since the last one), with the scripted fault announced as it starts and ends.
 */

import type { IngestResult } from '@headroom/core/api/ingest';
import {
  type Fault,
  ingestRecord,
  type MinuteSample,
  type StreamSpec,
  sampleMinute,
  slice,
} from '@headroom/core/demo/traffic';
import type { HeadroomClient } from '../client.js';

const MINUTE_MS = 60_000;

const BATCH_LINES = 50_000;

async function send(client: HeadroomClient, lines: string[]): Promise<IngestResult> {
  const result = await client.request<IngestResult>('POST', '/ingest/events', {
    raw: { type: 'application/x-ndjson', data: Buffer.from(lines.join('\n')) },
  });
  if (result.rejected > 0)
    throw new Error(
      `ingest rejected ${result.rejected} demo records, e.g. ${JSON.stringify(result.errors[0] ?? {})}`,
    );
  return result;
}

/** Where each stream's data should continue from: the history start, or a later resume point. */
export type StreamStarts = ReadonlyMap<string, number>;

export interface BackfillResult {
  records: number;
  batches: number;
  ms: number;
}

/**
 * Sends every stream's samples from its start to `to` (minute by minute, partial minutes at both
 * ends sliced) in batches of 50,000 lines, with one batch in flight while the next is generated.
 */
export async function backfill(
  client: HeadroomClient,
  specs: readonly StreamSpec[],
  starts: StreamStarts,
  to: number,
  seed: number,
  faults: readonly Fault[],
): Promise<BackfillResult> {
  const began = performance.now();
  const from = Math.min(...specs.map((s) => starts.get(s.stream) ?? to));
  let lines: string[] = [];
  let records = 0;
  let batches = 0;
  let inFlight: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    if (lines.length === 0) return;
    const batch = lines;
    lines = [];
    await inFlight;
    batches++;
    inFlight = send(client, batch);
  };
  for (let minute = Math.floor(from / MINUTE_MS) * MINUTE_MS; minute < to; minute += MINUTE_MS) {
    for (const spec of specs) {
      const start = starts.get(spec.stream) ?? to;
      if (minute + MINUTE_MS <= start) continue;
      const part = slice(sampleMinute(spec, minute, seed, faults), start, to);
      if (!part) continue;
      lines.push(ingestRecord(part, Math.max(start, minute)));
      records++;
    }
    if (lines.length >= BATCH_LINES) await flush();
  }
  await flush();
  await inFlight;
  return { records, batches, ms: performance.now() - began };
}

export interface LiveFeed {
  stop(): Promise<void>;
}

export interface LiveFeedOptions {
  client: HeadroomClient;
  specs: readonly StreamSpec[];
  seed: number;
  faults: readonly Fault[];
  /** Data up to here is already sent. */
  from: number;
  tickMs: number;
  /** The scripted fault, announced when it starts and ends; null for none. */
  fault: Fault | null;
  print: (line: string) => void;
  now?: () => number;
}

/** Every tick, sends [last sent, now) of every stream; a failed send is retried at the next tick. */
export function startLiveFeed(options: LiveFeedOptions): LiveFeed {
  const now = options.now ?? Date.now;
  let sentUpTo = options.from;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let announcedStart = false;
  let announcedEnd = false;
  let lastError = '';
  const clock = (t: number) => new Date(t).toTimeString().slice(0, 8);

  const tick = async () => {
    const to = now();
    const lines: string[] = [];
    for (let minute = Math.floor(sentUpTo / MINUTE_MS) * MINUTE_MS; minute < to; minute += MINUTE_MS)
      for (const spec of options.specs) {
        const part: MinuteSample | null = slice(
          sampleMinute(spec, minute, options.seed, options.faults),
          sentUpTo,
          to,
        );
        if (part) lines.push(ingestRecord(part, Math.max(sentUpTo, minute)));
      }
    const fault = options.fault;
    if (fault && !announcedStart && to >= fault.start) {
      announcedStart = true;
      options.print(
        `[${clock(fault.start)}] FAULT: ${fault.stream} degrades — ${Math.round((1 - (fault.goodRatio ?? 0)) * 100)} % of checkout requests are slow until ${clock(fault.end)}; watch the SLO burn and the page arrive`,
      );
    }
    if (lines.length > 0) {
      try {
        await send(options.client, lines);
        sentUpTo = to;
        lastError = '';
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (!stopped && message !== lastError)
          options.print(`demo: live ingest failed, retrying: ${message}`);
        lastError = message;
      }
    }
    if (fault && !announcedEnd && to >= fault.end) {
      announcedEnd = true;
      options.print(`[${clock(fault.end)}] FAULT OVER: ${fault.stream} is back to normal`);
    }
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, options.tickMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
