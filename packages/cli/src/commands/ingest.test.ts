import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { IngestResult } from '@headroom/core/api/ingest';
import { readBuckets } from '@headroom/server/modules/sli-data/repo';
import { readValues } from '@headroom/server/modules/sli-data/values-repo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../run.js';
import { type CliServer, cli, startCliServer } from '../test-support/cli.js';

const BASE = Math.floor(Date.now() / 60_000) - 20; // an epoch minute 20 minutes ago
const ms = (m: number, s = 0) => (BASE + m) * 60_000 + s * 1000;
const line = (r: object) => JSON.stringify(r);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'headroom-ingest-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('headroom ingest against a real server', () => {
  let server: CliServer;
  beforeAll(async () => {
    server = await startCliServer();
  });
  afterAll(() => server.close());
  const sums = async (stream: string) =>
    (await readBuckets(server.database.db, stream, 0, BASE + 100)).map((b) => [
      b.minute - BASE,
      b.good,
      b.total,
    ]);

  it('sends the file in batches, lists rejected lines by their line in the file, and counts a rerun once', async () => {
    const lines = [
      line({ stream: 'checkout', ts: ms(0, 1), good: 9, total: 10 }),
      line({ stream: 'checkout', ts: new Date(ms(0, 30)).toISOString(), bad: 2, total: 10 }),
      line({ stream: 'checkout', ts: ms(1), good: 5, total: 5 }),
      '',
      line({ stream: 'checkout', ts: ms(1), good: 6, total: 5 }), // line 5: good > total
      line({ stream: 'search', ts: ms(1), good: 1, total: 1 }),
      'not json', // line 7, alone in its batch with line 8
      line({ stream: 'Bad Name', ts: ms(1), good: 1, total: 1 }),
      line({ stream: 'search', ts: ms(2), bad: 0, total: 3 }),
    ];
    await writeFile(join(dir, 'events.ndjson'), `${lines.join('\n')}\n`);
    const first = await server.cli(['ingest', 'events.ndjson', '--batch-size', '2'], { cwd: dir });
    expect(first.stderr).toBe('error: 3 of 8 records were rejected\n');
    expect(first.code).toBe(1);
    const out = first.stdout.split('\n');
    expect(out.slice(0, 3)).toEqual([
      'rejected: events.ndjson:5: good (6) is greater than total (5) (COUNT_EXCEEDS_TOTAL)',
      expect.stringMatching(/^rejected: events\.ndjson:7: not valid JSON .*\(INVALID_JSON\)$/),
      expect.stringMatching(
        /^rejected: events\.ndjson:8: stream 'Bad Name' is not a stream name.*\(INVALID_STREAM\)$/,
      ),
    ]);
    expect(out.at(-2)).toMatch(/^ingested events\.ndjson: 5 accepted, 3 rejected, in 5 batches in [\d.]+ s$/);
    expect(await sums('checkout')).toEqual([
      [0, 17, 20],
      [1, 5, 5],
    ]);
    expect(await sums('search')).toEqual([
      [1, 1, 1],
      [2, 3, 3],
    ]);

    const again = await server.cli(['ingest', 'events.ndjson', '--batch-size', '2', '-o', 'json'], {
      cwd: dir,
    });
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({
      file: 'events.ndjson',
      lines: 9,
      accepted: 5,
      rejected: 3,
      batches: 5,
      replayedBatches: 4, // the batch of lines 7-8 was refused as a whole (400) and is not remembered
      errors: [
        { line: 5, code: 'COUNT_EXCEEDS_TOTAL', field: 'good' },
        { line: 7, code: 'INVALID_JSON' },
        { line: 8, code: 'INVALID_STREAM', field: 'stream' },
      ],
    });
    expect(await sums('checkout')).toEqual([
      [0, 17, 20],
      [1, 5, 5],
    ]);
  });

  it('passes value records (threshold and raw SLIs) through as they are', async () => {
    const lines = [
      line({ stream: 'search-p99', ts: ms(3), value: 212.5 }),
      line({ stream: 'search-p99', ts: ms(3, 30), value: 250 }), // same minute: the last wins
      line({ stream: 'search-p99', ts: ms(4), value: 180, total: 1 }), // line 3: counts and a value
    ];
    await writeFile(join(dir, 'values.ndjson'), `${lines.join('\n')}\n`);
    const r = await server.cli(['ingest', 'values.ndjson'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^rejected: values\.ndjson:3: a record has a value or counts, not both.*\(VALUE_WITH_COUNTS\)$/m,
    );
    expect(r.stdout).toMatch(/ingested values\.ndjson: 2 accepted, 1 rejected/);
    const stored = await readValues(server.database.db, 'search-p99', 0, BASE + 100);
    expect(stored.map((v) => [v.minute - BASE, v.value])).toEqual([[3, 250]]);
  });

  it('reads stdin; with --idempotency-prefix a second run counts nothing twice; no progress off a terminal', async () => {
    const stdin = [
      line({ stream: 'piped', ts: ms(3), good: 1, total: 2 }),
      line({ stream: 'piped', ts: ms(3), bad: 1, total: 2 }),
    ].join('\n');
    for (let i = 0; i < 2; i++) {
      const r = await server.cli(['ingest', '-', '--idempotency-prefix', 'piped-run-1'], { stdin });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^ingested <stdin>: 2 accepted, 0 rejected, in 1 batches/);
    }
    expect(await sums('piped')).toEqual([[3, 2, 4]]);
  });

  it('stops on a refusal other than bad records, saying how far it got', async () => {
    await writeFile(join(dir, 'viewer.ndjson'), `${line({ stream: 'v', ts: ms(1), good: 1, total: 1 })}\n`);
    const token = await server.tokenFor('viewer-ingest', 'viewer');
    const r = await server.cli(['ingest', 'viewer.ndjson'], { cwd: dir, token });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*editor or admin.* \(FORBIDDEN\)/);
    expect((await server.cli(['ingest', 'missing.ndjson'], { cwd: dir })).code).toBe(2);
    expect((await server.cli(['ingest', 'x', '--idempotency-prefix', 'has space'], { cwd: dir })).code).toBe(
      2,
    );
  });

  it('shows a progress spinner on a terminal', async () => {
    await writeFile(join(dir, 'tty.ndjson'), `${line({ stream: 'tty', ts: ms(1), good: 1, total: 1 })}\n`);
    let stderr = '';
    let stdout = '';
    const terminal = Object.assign(
      new Writable({
        write(chunk, _encoding, done) {
          stderr += String(chunk);
          done();
        },
      }),
      { isTTY: true, columns: 120, cursorTo: () => true, moveCursor: () => true, clearLine: () => true },
    );
    const code = await run(['ingest', 'tty.ndjson'], {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: terminal,
      env: { HEADROOM_URL: server.url, HEADROOM_TOKEN: 'test-admin-token-0123456789abcdef' },
      cwd: dir,
    });
    expect(code).toBe(0);
    expect(stderr).toContain('ingesting tty.ndjson');
    expect(stdout).toMatch(/^ingested tty\.ndjson: 1 accepted/);
  });
});

describe('headroom ingest retries (against a stand-in server)', () => {
  let stub: Server;
  let url: string;
  const seen: { key: string | undefined; body: string }[] = [];
  let failures: ('ok' | 'reset' | 503)[] = [];
  const reply: IngestResult = {
    accepted: 1,
    rejected: 0,
    errors: [],
    errorsTruncated: false,
    streams: 1,
    buckets: 1,
    from: '2026-03-01T00:00:00.000Z',
    to: '2026-03-01T00:00:00.000Z',
  };

  beforeAll(async () => {
    stub = createServer(async (request, response) => {
      let body = '';
      for await (const chunk of request) body += String(chunk);
      seen.push({ key: request.headers['idempotency-key'] as string | undefined, body });
      const failure = failures.shift();
      if (failure === 'reset') return request.socket.destroy();
      if (failure === 503) return response.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
    });
    await new Promise<void>((done) => stub.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((done) => stub.close(done)));

  it('retries a batch after a reset connection and a 503 with the same Idempotency-Key', async () => {
    seen.length = 0;
    failures = ['reset', 503];
    const stdin = `${line({ stream: 'r', ts: ms(1), good: 1, total: 1 })}\n`;
    const r = await cli(['ingest', '-', '--idempotency-prefix', 'p', '--retry-delay-ms', '1'], {
      server: url,
      token: 't',
      stdin,
    });
    expect(r.code).toBe(0);
    expect(seen.map((s) => s.key)).toEqual(['p:0:1', 'p:0:1', 'p:0:1']);
    expect(seen.every((s) => s.body === stdin)).toBe(true);
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^warning: the batch from line 1 failed \(.+\); retry 1 of 5 in 0.001 s$/),
      'warning: the batch from line 1 failed (HTTP 503); retry 2 of 5 in 0.002 s',
    ]);
  });

  it('gives up after --retries and says how to resume', async () => {
    seen.length = 0;
    failures = ['ok', 503, 503, 503];
    const stdin = `${line({ stream: 'r', ts: ms(1), good: 1, total: 1 })}\n${line({ stream: 'r', ts: ms(2), good: 1, total: 1 })}\n`;
    const r = await cli(['ingest', '-', '--batch-size', '1', '--retries', '2', '--retry-delay-ms', '1'], {
      server: url,
      token: 't',
      stdin,
    });
    expect(r.code).toBe(1);
    expect(seen).toHaveLength(4); // the first batch once, then the second three times
    expect(r.stderr).toContain('note: stopped before line 2; 1 records of earlier batches were written.');
  });
});
