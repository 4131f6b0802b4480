/** Value records (threshold and raw SLIs) through POST /api/v1/ingest/events, on every database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { expectProblem } from '../../test-support/assertions.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { addBuckets, claimDirtyStreams, deleteExpiredBuckets, readBuckets, streams } from './repo.js';
import { sweepIfDue } from './service.js';
import { readValues, writeValues } from './values-repo.js';

afterAll(dropCreatedDatabases);

const NDJSON = 'application/x-ndjson';
/** An epoch minute half an hour ago, and epoch ms `s` seconds into the minute `m` minutes after it. */
const BASE = Math.floor(Date.now() / 60_000) - 30;
const ms = (m: number, s = 0) => (BASE + m) * 60_000 + s * 1000;
const iso = (m: number, s = 0) => new Date(ms(m, s)).toISOString();
const line = (r: object) => JSON.stringify(r);

describe.each(supportedDatabases())('SLI value records on $name', ({ name, available }) => {
  let t: TestApp;
  const post = (body: string, options: { type?: string; key?: string } = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/events',
      headers: {
        ...t.admin,
        'content-type': options.type ?? NDJSON,
        ...(options.key !== undefined && { 'idempotency-key': options.key }),
      },
      payload: body,
    });
  const values = async (stream: string) =>
    (await readValues(t.database.db, stream, 0, BASE + 1000)).map((v) => [v.minute - BASE, v.value]);

  beforeAll(async () => {
    if (available) t = await startTestApp(name);
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('stores one value per minute, the last one written winning', async () => {
    await claimDirtyStreams(t.database.db);
    const res = await post(
      [
        line({ stream: 'p99', ts: ms(0, 5), value: 250 }),
        line({ stream: 'p99', ts: iso(0, 40), value: 180.5 }), // same minute: replaces 250
        line({ stream: 'p99', ts: ms(1), value: 320 }),
        line({ stream: 'counts', ts: ms(1), good: 9, total: 10 }),
      ].join('\n'),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      accepted: 4,
      rejected: 0,
      errors: [],
      errorsTruncated: false,
      streams: 2,
      buckets: 1,
      values: 2,
      from: iso(0),
      to: iso(1),
    });
    expect(await values('p99')).toEqual([
      [0, 180.5],
      [1, 320],
    ]);
    expect(await readBuckets(t.database.db, 'p99', 0, BASE + 1000)).toEqual([]);
    // A later batch replaces a minute (a gauge), it does not add to it.
    const again = await post(line({ stream: 'p99', ts: ms(1, 30), value: 95 }), {
      type: 'application/json',
    });
    expect(again.statusCode).toBe(400); // a JSON body must be an array
    const array = await post(JSON.stringify([{ stream: 'p99', ts: ms(1, 30), value: 95 }]), {
      type: 'application/json',
    });
    expect(array.json()).toMatchObject({ accepted: 1, buckets: 0, values: 1 });
    expect(await values('p99')).toEqual([
      [0, 180.5],
      [1, 95],
    ]);
    // The stream's row counts its minutes and is marked for the evaluator, as for buckets.
    const p99 = (await streams(t.database.db)).find((s) => s.stream === 'p99');
    expect(p99).toMatchObject({ firstMinute: BASE, lastMinute: BASE + 1, buckets: 2 });
    expect(await claimDirtyStreams(t.database.db)).toEqual([
      { stream: 'counts', fromMinute: BASE + 1 },
      { stream: 'p99', fromMinute: BASE },
    ]);
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/ingest/streams', headers: t.admin });
    expect(listed.json()).toContainEqual(
      expect.objectContaining({ stream: 'p99', firstMinute: iso(0), lastMinute: iso(1), buckets: 2 }),
    );
  });

  it.runIf(available)('a record with counts and a value is refused, naming its line and field', async () => {
    const mixed = await post(
      [
        line({ stream: 'mixed', ts: ms(2), value: 1 }),
        line({ stream: 'mixed', ts: ms(2), value: 1, good: 1, total: 1 }),
      ].join('\n'),
    );
    expect(mixed.statusCode, mixed.body).toBe(200);
    expect(mixed.json()).toMatchObject({
      accepted: 1,
      rejected: 1,
      errors: [{ line: 2, field: 'value', code: 'VALUE_WITH_COUNTS' }],
    });
    const refused = expectProblem(
      await post(
        [
          line({ stream: 'refused', ts: ms(2), value: 1, bad: 0 }),
          line({ stream: 'refused', ts: ms(2), value: 'slow' }),
        ].join('\n'),
      ),
      400,
      'INVALID_INPUT',
    );
    expect(refused.detail).toMatch(/^All 2 records were rejected; nothing was written \(first: line 1: /);
    expect(refused.errors).toEqual([
      { path: '/value', line: 1, code: 'VALUE_WITH_COUNTS', message: expect.stringContaining('remove bad') },
      { path: '/value', line: 2, code: 'INVALID_VALUE', message: 'value must be a finite number' },
    ]);
    expect(await values('refused')).toEqual([]);
  });

  it.runIf(available)('Idempotency-Key: a retried value batch is answered from the first', async () => {
    const batch = [
      line({ stream: 'idem', ts: ms(3), value: 10 }),
      line({ stream: 'idem', ts: ms(4), value: 20 }),
    ].join('\n');
    const first = await post(batch, { key: 'values-1' });
    expect(first.statusCode, first.body).toBe(200);
    // Another write to the minute, then the retry: the retry must not set 10 again.
    expect((await post(line({ stream: 'idem', ts: ms(3), value: 11 }))).statusCode).toBe(200);
    const retry = await post(batch, { key: 'values-1' });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await values('idem')).toEqual([
      [3, 11],
      [4, 20],
    ]);
    expectProblem(await post(`${batch}\n`, { key: 'values-1' }), 409, 'IDEMPOTENCY_KEY_REUSED');
  });

  it.runIf(available)('retention deletes old values with the buckets, and streams left empty', async () => {
    const db = t.database.db;
    const M = 10_000_000; // epoch minutes in 1989, older than any data of the other tests
    await writeValues(db, [
      { stream: 'old-values', minute: M, value: 1 },
      { stream: 'old-values', minute: M + 1, value: 2 },
      { stream: 'kept-values', minute: M + 3, value: 3 },
      { stream: 'kept-values', minute: M + 8, value: 4 },
    ]);
    await addBuckets(db, [{ stream: 'kept-values', minute: M + 6, good: 1, total: 1 }]);
    await deleteExpiredBuckets(db, M + 5);
    expect(await readValues(db, 'old-values', 0, M + 100)).toEqual([]);
    expect(await readValues(db, 'kept-values', 0, M + 100)).toEqual([{ minute: M + 8, value: 4 }]);
    const byName = new Map((await streams(db)).map((s) => [s.stream, s]));
    expect(byName.has('old-values')).toBe(false);
    // The oldest row left is the bucket at M + 6; one value and one bucket remain.
    expect(byName.get('kept-values')).toMatchObject({ firstMinute: M + 6, lastMinute: M + 8, buckets: 2 });
    // The sweep that ingest and the evaluator run (at most hourly: two hours after this file's
    // ingests) calls the same deletion; a day's retention keeps the other tests' recent data.
    await sweepIfDue(db, Date.now() + 2 * 3_600_000, 1);
    expect(await values('p99')).toEqual([
      [0, 180.5],
      [1, 95],
    ]);
    expect(await readValues(db, 'kept-values', 0, M + 100)).toEqual([]);
    expect((await streams(db)).some((s) => s.stream === 'kept-values')).toBe(false);
  });
});
