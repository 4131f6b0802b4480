/**
 * `headroom ingest FILE.ndjson`: streams SLI records to POST /api/v1/ingest/events in batches.
 * Every batch carries an Idempotency-Key made of a prefix and its place in the input, so a run
 * that is retried — by the retry loop here after a network error or a 5xx, or by running the
 * command again — counts each batch once.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { IngestRejection } from '@headroom/core/api/ingest';
import { type Command, Option } from 'commander';
import ora, { type Ora } from 'ora';
import type { HeadroomClient } from '../client.js';
import type { CliContext } from '../context.js';
import { ApiError, UnreachableError, UsageError } from '../errors.js';
import { type NdjsonBatch, ndjsonBatches } from '../ndjson-batches.js';
import { integer } from '../options.js';
import type { Output, Writer } from '../output.js';

/** Half the server's 64 MiB body limit, so a batch of long lines still fits. */
const MAX_BATCH_BYTES = 32 * 1024 * 1024;
/** Rejected lines kept for the report (the server lists at most 1,000 per batch). */
const MAX_KEPT_REJECTIONS = 10_000;
/** Rejected lines printed in table output; -o json has all kept ones. */
const MAX_PRINTED_REJECTIONS = 100;
const PREFIX = /^[\x21-\x7e]{1,200}$/;

interface IngestOptions {
  batchSize: number;
  idempotencyPrefix?: string;
  retries: number;
  retryDelayMs: number;
}

export interface Rejected {
  line: number;
  code: string;
  reason: string;
  field?: string | undefined;
}

export interface IngestSummary {
  file: string;
  lines: number;
  accepted: number;
  rejected: number;
  batches: number;
  /** Batches the server had already counted under the same Idempotency-Key (a rerun). */
  replayedBatches: number;
  seconds: number;
  errors: Rejected[];
  errorsTruncated: boolean;
}

interface Source {
  name: string;
  records: AsyncIterable<string | Uint8Array>;
  size: number | undefined;
  prefix: string;
}

async function openSource(ctx: CliContext, file: string, prefix: string | undefined): Promise<Source> {
  if (prefix !== undefined && !PREFIX.test(prefix))
    throw new UsageError('--idempotency-prefix must be 1 to 200 printable ASCII characters without spaces');
  if (file === '-')
    return {
      name: '<stdin>',
      records: ctx.io.stdin ?? process.stdin,
      size: undefined,
      prefix: prefix ?? `stdin-${randomUUID()}`,
    };
  const path = resolve(ctx.cwd, file);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read '${file}': ${code === 'ENOENT' ? 'no such file' : String(error)}`);
  }
  if (info.isDirectory()) throw new UsageError(`cannot read '${file}': is a directory`);
  // The same file, unchanged, gives the same keys: a second run is answered from the first.
  const identity = createHash('sha256')
    .update(`${path}\n${info.size}\n${info.mtimeMs}`)
    .digest('hex')
    .slice(0, 20);
  return {
    name: file,
    records: createReadStream(path),
    size: info.size,
    prefix: prefix ?? `file-${identity}`,
  };
}

/** A spinner with counts on stderr when it is a terminal; nothing otherwise. */
class Progress {
  readonly #spinner: Ora | undefined;
  readonly #started = Date.now();

  constructor(
    stderr: Writer,
    private readonly source: Source,
  ) {
    if ((stderr as { isTTY?: boolean }).isTTY === true)
      this.#spinner = ora({
        stream: stderr as NodeJS.WritableStream,
        text: `ingesting ${source.name}`,
        discardStdin: false,
      }).start();
  }

  update(s: IngestSummary, bytes: number): void {
    if (!this.#spinner) return;
    const percent = this.source.size ? ` ${Math.floor((100 * bytes) / this.source.size)}%` : '';
    const rate = Math.round(s.lines / Math.max(0.001, (Date.now() - this.#started) / 1000));
    this.#spinner.text = `ingesting ${this.source.name}${percent}  ${n(s.lines)} lines  ${n(s.accepted)} accepted  ${n(s.rejected)} rejected  ${n(rate)} lines/s`;
  }

  stop(): void {
    this.#spinner?.stop();
  }
}

const n = (value: number) => value.toLocaleString('en-US');

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function retryable(error: unknown): boolean {
  return (
    error instanceof UnreachableError ||
    (error instanceof ApiError && (error.status >= 500 || error.status === 429))
  );
}

function nonBlankLines(data: Buffer): number {
  return data
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length;
}

/** Sends one batch, retrying network errors, 429 and 5xx with exponential backoff and the same key. */
async function sendBatch(
  client: HeadroomClient,
  batch: NdjsonBatch,
  key: string,
  options: IngestOptions,
  warn: (line: string) => void,
): Promise<{ accepted: number; rejected: number; errors: Rejected[]; replayed: boolean }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const { result, replayed } = await client.ingest.events(batch.data, key);
      const errors = result.errors.map((e: IngestRejection) => ({
        line: batch.firstLine + (e.line ?? 1) - 1,
        code: e.code,
        reason: e.reason,
        field: e.field,
      }));
      return { accepted: result.accepted, rejected: result.rejected, errors, replayed };
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.problem.code === 'INVALID_INPUT') {
        // Every record of the batch was refused (or it held only blank lines): its lines are rejected ones.
        const errors = (error.problem.errors ?? []).map((e) => ({
          line: batch.firstLine + (e.line ?? 1) - 1,
          code: e.code ?? 'INVALID_INPUT',
          reason: e.message,
          field: e.path.replace(/^\//, '') || undefined,
        }));
        return {
          accepted: 0,
          rejected: errors.length === 0 ? 0 : nonBlankLines(batch.data),
          errors,
          replayed: false,
        };
      }
      if (!retryable(error) || attempt >= options.retries) throw error;
      const delay = options.retryDelayMs * 2 ** attempt;
      const why = error instanceof ApiError ? `HTTP ${error.status}` : (error as Error).message;
      warn(
        `warning: the batch from line ${batch.firstLine} failed (${why}); retry ${attempt + 1} of ${options.retries} in ${delay / 1000} s`,
      );
      await sleep(delay);
    }
  }
}

function printSummary(out: Output, s: IngestSummary): void {
  for (const e of s.errors.slice(0, MAX_PRINTED_REJECTIONS))
    out.line(`rejected: ${s.file}:${e.line}: ${e.reason} (${e.code})`);
  const unprinted = s.rejected - Math.min(s.errors.length, MAX_PRINTED_REJECTIONS);
  if (unprinted > 0)
    out.line(`… and ${n(unprinted)} more rejected lines (-o json lists up to ${n(MAX_KEPT_REJECTIONS)})`);
  if (s.rejected > 0) out.line();
  const replayed = s.replayedBatches > 0 ? ` (${s.replayedBatches} already counted by an earlier run)` : '';
  out.line(
    `ingested ${s.file}: ${n(s.accepted)} accepted, ${n(s.rejected)} rejected, in ${n(s.batches)} batches${replayed} in ${s.seconds} s`,
  );
}

export async function ingest(ctx: CliContext, file: string, options: IngestOptions): Promise<IngestSummary> {
  const source = await openSource(ctx, file, options.idempotencyPrefix);
  const client = ctx.client();
  const started = Date.now();
  const summary: IngestSummary = {
    file: source.name,
    lines: 0,
    accepted: 0,
    rejected: 0,
    batches: 0,
    replayedBatches: 0,
    seconds: 0,
    errors: [],
    errorsTruncated: false,
  };
  const progress = new Progress(ctx.io.stderr, source);
  const warn = (line: string) => ctx.io.stderr.write(`${line}\n`);
  const batches = ndjsonBatches(source.records, options.batchSize, MAX_BATCH_BYTES)[Symbol.asyncIterator]();
  // Reads the next batch while the current one is on the wire.
  let next = batches.next();
  try {
    for (;;) {
      const item = await next;
      if (item.done) break;
      next = batches.next();
      next.catch(() => undefined); // awaited in the next round; only silenced if we stop early
      const batch = item.value;
      const sent = await sendBatch(
        client,
        batch,
        `${source.prefix}:${batch.offset}:${batch.lines}`,
        options,
        warn,
      );
      summary.batches++;
      summary.lines += batch.lines;
      summary.accepted += sent.accepted;
      summary.rejected += sent.rejected;
      if (sent.replayed) summary.replayedBatches++;
      const room = MAX_KEPT_REJECTIONS - summary.errors.length;
      summary.errors.push(...sent.errors.slice(0, Math.max(0, room)));
      progress.update(summary, batch.offset + batch.data.length);
    }
  } catch (error) {
    progress.stop();
    void batches.return(undefined).catch(() => undefined); // closes the file
    if (summary.batches > 0)
      warn(
        `note: stopped before line ${summary.lines + 1}; ${n(summary.accepted)} records of earlier batches were written. ` +
          'Run the same command again to resume: batches already counted are not counted twice.',
      );
    throw error;
  }
  progress.stop();
  summary.errorsTruncated = summary.rejected > summary.errors.length;
  summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  return summary;
}

export function registerIngest(program: Command, ctx: CliContext): void {
  program
    .command('ingest')
    .description('Send SLI records from an NDJSON file (or stdin) to embedded streams, in batches')
    .argument('<file>', 'NDJSON file, one record per line; "-" reads stdin')
    .option('--batch-size <n>', 'records (lines) per request', integer(1, 1_000_000), 50_000)
    .option(
      '--idempotency-prefix <text>',
      "first part of every batch's Idempotency-Key (default: from the file's path, size and modification time; random for stdin)",
    )
    .option('--retries <n>', 'retries of a batch after a network error, 429 or 5xx', integer(0, 20), 5)
    .addOption(new Option('--retry-delay-ms <ms>').argParser(integer(0, 60_000)).default(500).hideHelp())
    .addHelpText(
      'after',
      `
A record is {"stream": "checkout", "ts": "2026-03-01T12:00:00Z" or epoch ms, "good": 99, "total": 100}
(or "bad" instead of "good"), or for threshold and raw SLIs one value per minute:
{"stream": "search-latency", "ts": "2026-03-01T12:00:00Z", "value": 212.5}. Valid records are written even when others in the batch are not; the
rejected ones are listed with their line in the file, and the exit code is then 1.

Each batch is sent with an Idempotency-Key made of the prefix, its byte offset and line count: running
the same command on the same, unchanged file again (within 24 hours) counts nothing twice, and a batch
retried after an error is counted once. For stdin, pass --idempotency-prefix to get the same guarantee.

Examples:
  $ headroom ingest events.ndjson
  $ zcat events.ndjson.gz | headroom ingest - --idempotency-prefix events-2026-03-01
  $ headroom ingest events.ndjson --batch-size 10000 -o json`,
    )
    .action(async (file: string, options: IngestOptions) => {
      const summary = await ingest(ctx, file, options);
      const out = ctx.output();
      out.result(summary, (s) => printSummary(out, s));
      if (summary.rejected > 0)
        throw new Error(
          `${n(summary.rejected)} of ${n(summary.accepted + summary.rejected)} records were rejected`,
        );
    });
}
