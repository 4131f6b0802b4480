/** POST /api/v1/ingest/events and GET /api/v1/ingest/streams on every database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { expectProblem, snapshotDatabase } from '../../test-support/assertions.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { addBuckets, claimDirtyStreams, readBuckets, streams } from './repo.js';

afterAll(dropCreatedDatabases);

const NDJSON = 'application/x-ndjson';
/** An epoch minute half an hour ago, and epoch ms `s` seconds into the minute `m` minutes after it. */
const BASE = Math.floor(Date.now() / 60_000) - 30;
const ms = (m: number, s = 0) => (BASE + m) * 60_000 + s * 1000;
const iso = (m: number, s = 0) => new Date(ms(m, s)).toISOString();
const line = (r: object) => JSON.stringify(r);

describe.each(supportedDatabases())('SLI ingest on $name', ({ name, available }) => {
  let t: TestApp;
  let viewer: { authorization: string };
  let editor: { authorization: string };
  const post = (
    body: string,
    options: { type?: string; headers?: Record<string, string>; key?: string } = {},
  ) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/events',
      headers: {
        ...(options.headers ?? t.admin),
        'content-type': options.type ?? NDJSON,
        ...(options.key !== undefined && { 'idempotency-key': options.key }),
      },
      payload: body,
    });
  const buckets = async (stream: string) =>
    (await readBuckets(t.database.db, stream, 0, BASE + 1000)).map((b) => [b.minute - BASE, b.good, b.total]);

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    viewer = await t.userWithToken('vera', 'viewer');
    editor = await t.userWithToken('ed', 'editor');
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('NDJSON: good and bad forms add up per minute exactly as by hand', async () => {
    const res = await post(
      [
        line({ stream: 'checkout', ts: ms(0, 1), good: 98, total: 100 }),
        line({ stream: 'checkout', ts: iso(0, 59), bad: 5, total: 40 }), // good 35
        line({ stream: 'checkout', ts: ms(1), good: 10, total: 10 }),
        '',
        line({ stream: 'search/latency', ts: iso(1, 30), good: 0.5, total: 2 }),
      ].join('\n'),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      accepted: 4,
      rejected: 0,
      errors: [],
      errorsTruncated: false,
      streams: 2,
      buckets: 3,
      from: iso(0),
      to: iso(1),
    });
    expect(await buckets('checkout')).toEqual([
      [0, 98 + 35, 140],
      [1, 10, 10],
    ]);
    expect(await buckets('search/latency')).toEqual([[1, 0.5, 2]]);
  });

  it.runIf(available)('a JSON array works the same; its rejected records are named by index', async () => {
    const res = await post(
      JSON.stringify([
        { stream: 'array', ts: ms(2), good: 3, total: 4 },
        { stream: 'array', ts: ms(2, 30), bad: 1, total: 4, extra: true },
        { stream: 'array', ts: iso(2, 45), bad: 1, total: 4 },
      ]),
      { type: 'application/json' },
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 2, rejected: 1 });
    expect(res.json().errors).toEqual([
      { index: 1, field: 'extra', code: 'UNKNOWN_FIELD', reason: expect.stringContaining('extra') },
    ]);
    expect(await buckets('array')).toEqual([[2, 6, 8]]);
  });

  it.runIf(available)(
    'writes the valid records of a partly bad batch and lists the others by line',
    async () => {
      const res = await post(
        [
          line({ stream: 'partial', ts: ms(3), good: 1, total: 1 }),
          '{"stream": "partial", "ts": ',
          line({ stream: 'Partial', ts: ms(3), good: 1, total: 1 }),
          line({ stream: 'partial', ts: ms(3), good: 2, total: 1 }),
          line({ stream: 'partial', ts: ms(40), good: 1, total: 1 }), // ten minutes ahead
          line({ stream: 'partial', ts: Date.now() - 401 * 86_400_000, good: 1, total: 1 }),
        ].join('\n'),
      );
      expect(res.statusCode, res.body).toBe(200);
      const body = res.json();
      expect([body.accepted, body.rejected]).toEqual([1, 5]);
      expect(body.errors.map((e: { line: number; code: string }) => [e.line, e.code])).toEqual([
        [2, 'INVALID_JSON'],
        [3, 'INVALID_STREAM'],
        [4, 'COUNT_EXCEEDS_TOTAL'],
        [5, 'IN_FUTURE'],
        [6, 'TOO_OLD'],
      ]);
      expect(await buckets('partial')).toEqual([[3, 1, 1]]);
    },
  );

  it.runIf(available)(
    'a batch with nothing valid is a 400 naming every line, and writes nothing',
    async () => {
      const before = await snapshotDatabase(t.database.db);
      const res = await post([line({ stream: 'x', ts: ms(1), total: 1 }), 'nope'].join('\n'), {
        key: 'all-bad',
      });
      const problem = expectProblem(res, 400, 'INVALID_INPUT');
      expect(problem.errors).toEqual([
        { path: '/good', line: 1, code: 'GOOD_OR_BAD_REQUIRED', message: expect.any(String) },
        { path: '/', line: 2, code: 'INVALID_JSON', message: expect.any(String) },
      ]);
      const array = expectProblem(
        await post(JSON.stringify([{ stream: 'x', ts: 'soon', good: 1, total: 1 }]), {
          type: 'application/json',
        }),
        400,
        'INVALID_INPUT',
      );
      expect(array.errors).toEqual([
        { path: '/0/ts', code: 'INVALID_TIMESTAMP', message: expect.any(String) },
      ]);
      expectProblem(await post(''), 400, 'INVALID_INPUT');
      expectProblem(await post('\n\n'), 400, 'INVALID_INPUT');
      expectProblem(await post('{"stream":', { type: 'application/json' }), 400, 'INVALID_JSON');
      expectProblem(await post('{"stream":"x"}', { type: 'application/json' }), 400, 'INVALID_INPUT');
      expect(await snapshotDatabase(t.database.db)).toEqual(before);
    },
  );

  it.runIf(available)(
    'Idempotency-Key: a retried batch counts once; another body under the key is 409',
    async () => {
      const batch = [
        line({ stream: 'retried', ts: ms(4), good: 9, total: 10 }),
        line({ stream: 'retried', ts: ms(4, 10), bad: 1, total: 10 }),
      ].join('\n');
      const first = await post(batch, { key: 'batch-0001' });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const retry = await post(batch, { key: 'batch-0001' });
      expect(retry.statusCode).toBe(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.json()).toEqual(first.json());
      expect(await buckets('retried')).toEqual([[4, 18, 20]]);

      const reused = expectProblem(
        await post(`${batch}\n`, { key: 'batch-0001' }),
        409,
        'IDEMPOTENCY_KEY_REUSED',
      );
      expect(reused.detail).toContain('batch-0001');
      // The same bytes as a JSON content type are another request too.
      expectProblem(
        await post(batch, { key: 'batch-0001', type: 'application/json' }),
        409,
        'IDEMPOTENCY_KEY_REUSED',
      );
      // Keys are per user: another user's batch under the same key is new data.
      expect(
        (await post(batch, { key: 'batch-0001', headers: editor })).headers['idempotent-replayed'],
      ).toBeUndefined();
      expect(await buckets('retried')).toEqual([[4, 36, 40]]);
      // A refused batch is not remembered: its key stays free.
      expectProblem(await post('nope', { key: 'batch-0002' }), 400, 'INVALID_INPUT');
      expect((await post(batch, { key: 'batch-0002' })).statusCode).toBe(200);
      expectProblem(await post(batch, { key: 'has space' }), 400, 'INVALID_IDEMPOTENCY_KEY');
      expectProblem(await post(batch, { key: 'k'.repeat(256) }), 400, 'INVALID_IDEMPOTENCY_KEY');
    },
  );

  it.runIf(available)('concurrent retries of one batch still count once', async () => {
    const batch = line({ stream: 'raced', ts: ms(5), good: 1, total: 1 });
    const replies = await Promise.all(Array.from({ length: 5 }, () => post(batch, { key: 'raced-1' })));
    expect(replies.map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(replies.filter((r) => r.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    expect(await buckets('raced')).toEqual([[5, 1, 1]]);
  });

  it.runIf(available)(
    'late data inside retention is added to old buckets and marked for re-evaluation',
    async () => {
      const threeDaysAgo = ms(0) - 3 * 86_400_000;
      await claimDirtyStreams(t.database.db);
      expect((await post(line({ stream: 'late', ts: ms(6), good: 1, total: 1 }))).statusCode).toBe(200);
      expect((await post(line({ stream: 'late', ts: threeDaysAgo, good: 2, total: 3 }))).statusCode).toBe(
        200,
      );
      expect(
        (await post(line({ stream: 'late', ts: threeDaysAgo + 5_000, bad: 1, total: 1 }))).statusCode,
      ).toBe(200);
      const rows = await readBuckets(t.database.db, 'late', 0, BASE + 1000);
      expect(rows.map((r) => [r.minute, r.good, r.total])).toEqual([
        [threeDaysAgo / 60_000, 2, 4],
        [BASE + 6, 1, 1],
      ]);
      expect(await claimDirtyStreams(t.database.db)).toEqual([
        { stream: 'late', fromMinute: threeDaysAgo / 60_000 },
      ]);
    },
  );

  it.runIf(available)('viewers get 403 and callers without a token 401; nothing is written', async () => {
    const before = await snapshotDatabase(t.database.db);
    const batch = line({ stream: 'refused', ts: ms(1), good: 1, total: 1 });
    expectProblem(await post(batch, { headers: viewer }), 403, 'FORBIDDEN');
    expectProblem(await post(batch, { headers: {} }), 401, 'UNAUTHENTICATED');
    expect(await snapshotDatabase(t.database.db)).toEqual(before);
    expect((await post(batch, { headers: editor })).statusCode).toBe(200);
  });

  it.runIf(available)('other media types are 415 and bodies over 64 MiB are 413', async () => {
    const batch = line({ stream: 'media', ts: ms(1), good: 1, total: 1 });
    expectProblem(await post(batch, { type: 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await post(batch, { type: 'application/xml' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect((await post(batch, { type: 'application/jsonl' })).statusCode).toBe(200);
    expect((await post(batch, { type: 'application/x-ndjson; charset=utf-8' })).statusCode).toBe(200);
    const huge = `${batch}\n`.repeat(Math.ceil((64 * 1024 * 1024) / (batch.length + 1)) + 1);
    const tooLarge = expectProblem(await post(huge), 413, 'PAYLOAD_TOO_LARGE');
    expect(tooLarge.detail).toContain('64 MiB');
    // Other routes keep their 1 MiB limit.
    const team = await t.app.inject({
      method: 'POST',
      url: '/api/v1/teams',
      headers: { ...t.admin, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'big', description: 'x'.repeat(1024 * 1024) }),
    });
    expectProblem(team, 413, 'PAYLOAD_TOO_LARGE');
  });

  it.runIf(available)('lists streams with first and last minute, data age and bucket count', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/ingest/streams', headers: viewer });
    expect(res.statusCode, res.body).toBe(200);
    const checkout = res.json().find((s: { stream: string }) => s.stream === 'checkout');
    expect(checkout).toEqual({
      stream: 'checkout',
      firstMinute: iso(0),
      lastMinute: iso(1),
      dataAgeSeconds: expect.any(Number),
      buckets: 2,
      lastIngestAt: expect.any(String),
    });
    const expectedAge = (Date.now() - ms(2)) / 1000;
    expect(Math.abs(checkout.dataAgeSeconds - expectedAge)).toBeLessThan(5);
  });

  it.runIf(available)(
    'HEADROOM_SLI_RETENTION_DAYS bounds how old a record may be, and old data goes',
    async () => {
      const short = await startTestApp(name, { sliRetentionDays: 2 });
      try {
        const day = 1440;
        const old = Math.floor(Date.now() / 60_000) - 3 * day;
        await addBuckets(short.database.db, [
          { stream: 'expired', minute: old, good: 1, total: 1 },
          { stream: 'r', minute: old, good: 1, total: 1 },
          { stream: 'r', minute: old + 2 * day + 60, good: 1, total: 1 },
        ]);
        await short.database.db
          .insertInto('ingest_batches')
          .values({
            scope: 's',
            idempotency_key: 'k',
            request_hash: 'h',
            response: '{}',
            created_at: Date.now() - 86_500_000,
          })
          .execute();
        const res = await short.app.inject({
          method: 'POST',
          url: '/api/v1/ingest/events',
          headers: { ...short.admin, 'content-type': NDJSON },
          payload: [
            line({ stream: 'r', ts: Date.now() - 3 * 86_400_000, good: 1, total: 1 }),
            line({ stream: 'r', ts: Date.now() - 86_400_000, good: 1, total: 1 }),
          ].join('\n'),
        });
        expect(res.json()).toMatchObject({
          accepted: 1,
          rejected: 1,
          errors: [{ line: 1, code: 'TOO_OLD' }],
        });
        expect(res.json().errors[0].reason).toContain('2 days');
        // The first ingest of the process deleted what retention no longer keeps.
        expect((await streams(short.database.db)).map((x) => [x.stream, x.buckets])).toEqual([['r', 2]]); // the bucket kept and the one just written
        expect(await readBuckets(short.database.db, 'expired', 0, old + 10 * day)).toEqual([]);
        expect(await short.database.db.selectFrom('ingest_batches').selectAll().execute()).toEqual([]);
      } finally {
        await short.close();
      }
    },
  );
});
