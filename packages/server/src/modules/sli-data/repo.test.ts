/** The bucket store on every database: sums, counts, data age, dirty marks, retention, concurrency. */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/index.js';
import { dropCreatedDatabases, freshDatabase, supportedDatabases } from '../../test-support/databases.js';
import {
  addBuckets,
  claimDirtyStreams,
  deleteExpiredBuckets,
  lastMinute,
  readBuckets,
  replaceBuckets,
  streams,
} from './repo.js';

afterAll(dropCreatedDatabases);

const M = 29_500_000; // an epoch minute in 2026

describe.each(supportedDatabases())('SLI bucket store on $name', ({ name, available }) => {
  let database: Db;
  beforeEach(async () => {
    if (!available) return;
    database = await freshDatabase(name);
    return () => database.close();
  });
  const counts = async () =>
    Object.fromEntries(
      (await streams(database.db)).map((s) => [s.stream, [s.firstMinute, s.lastMinute, s.buckets]]),
    );

  it.runIf(available)(
    'adds to buckets across writes and within one, fractional counts included',
    async () => {
      const { db } = database;
      await addBuckets(db, [
        { stream: 'checkout', minute: M, good: 9, total: 10 },
        { stream: 'checkout', minute: M, good: 1, total: 2 },
        { stream: 'checkout', minute: M + 1, good: 0.25, total: 0.5 },
      ]);
      await addBuckets(db, [{ stream: 'checkout', minute: M, good: 5, total: 5 }]);
      expect(await readBuckets(db, 'checkout', M, M + 2)).toEqual([
        { stream: 'checkout', minute: M, good: 15, total: 17 },
        { stream: 'checkout', minute: M + 1, good: 0.25, total: 0.5 },
      ]);
      // Half-open: [from, to).
      expect(await readBuckets(db, 'checkout', M + 1, M + 2)).toHaveLength(1);
      expect(await readBuckets(db, 'checkout', M, M + 1)).toHaveLength(1);
      expect(await readBuckets(db, 'other', M, M + 2)).toEqual([]);
    },
  );

  it.runIf(available)(
    'keeps first and last minute and an exact bucket count, late data included',
    async () => {
      const { db } = database;
      await addBuckets(
        db,
        [10, 11, 12].map((m) => ({ stream: 's', minute: M + m, good: 1, total: 1 })),
      );
      expect(await counts()).toEqual({ s: [M + 10, M + 12, 3] });
      // Overlap at the end, new minutes after it, late minutes inside (one new, one existing) and before.
      await addBuckets(db, [
        { stream: 's', minute: M + 12, good: 1, total: 1 },
        { stream: 's', minute: M + 13, good: 1, total: 1 },
        { stream: 's', minute: M + 11, good: 1, total: 1 },
        { stream: 's', minute: M + 2, good: 1, total: 1 },
        { stream: 's', minute: M + 10, good: 1, total: 1 },
      ]);
      expect(await counts()).toEqual({ s: [M + 2, M + 13, 5] });
      await addBuckets(
        db,
        [5, 6, 11].map((m) => ({ stream: 's', minute: M + m, good: 1, total: 1 })),
      );
      expect(await counts()).toEqual({ s: [M + 2, M + 13, 7] });
      expect(await lastMinute(db, 's')).toBe(M + 13);
      expect(await lastMinute(db, 'nothing')).toBeNull();
      expect((await readBuckets(db, 's', 0, M + 100)).map((b) => [b.minute - M, b.total])).toEqual([
        [2, 1],
        [5, 1],
        [6, 1],
        [10, 2],
        [11, 3],
        [12, 2],
        [13, 1],
      ]);
    },
  );

  it.runIf(available)('replaces buckets for pollers that re-read a minute', async () => {
    const { db } = database;
    await addBuckets(db, [{ stream: 'p', minute: M, good: 1, total: 2 }]);
    await replaceBuckets(db, [
      { stream: 'p', minute: M, good: 7, total: 9 },
      { stream: 'p', minute: M + 1, good: 3, total: 3 },
    ]);
    expect((await readBuckets(db, 'p', M, M + 2)).map((b) => [b.good, b.total])).toEqual([
      [7, 9],
      [3, 3],
    ]);
    expect(await counts()).toEqual({ p: [M, M + 1, 2] });
  });

  it.runIf(available)('marks the earliest minute each stream changed since the last claim', async () => {
    const { db } = database;
    await addBuckets(db, [
      { stream: 'a', minute: M + 5, good: 1, total: 1 },
      { stream: 'b', minute: M + 7, good: 1, total: 1 },
    ]);
    await addBuckets(db, [{ stream: 'a', minute: M + 2, good: 1, total: 1 }]);
    await addBuckets(db, [{ stream: 'a', minute: M + 9, good: 1, total: 1 }]);
    expect(await claimDirtyStreams(db)).toEqual([
      { stream: 'a', fromMinute: M + 2 },
      { stream: 'b', fromMinute: M + 7 },
    ]);
    expect(await claimDirtyStreams(db)).toEqual([]);
    await addBuckets(db, [{ stream: 'b', minute: M + 1, good: 1, total: 1 }]);
    expect(await claimDirtyStreams(db)).toEqual([{ stream: 'b', fromMinute: M + 1 }]);
  });

  it.runIf(available)('deletes buckets past retention and streams left with none', async () => {
    const { db } = database;
    await addBuckets(db, [
      ...[1, 2, 3, 8, 9].map((m) => ({ stream: 'kept', minute: M + m, good: 1, total: 1 })),
      ...[1, 2].map((m) => ({ stream: 'gone', minute: M + m, good: 1, total: 1 })),
    ]);
    expect(await deleteExpiredBuckets(db, M + 5)).toEqual({ buckets: 5, streams: 1 });
    expect(await counts()).toEqual({ kept: [M + 8, M + 9, 2] });
    expect((await readBuckets(db, 'kept', 0, M + 100)).map((b) => b.minute - M)).toEqual([8, 9]);
    // The first minute moved to a bucket that exists, so counting stays exact afterwards.
    await addBuckets(
      db,
      [7, 8].map((m) => ({ stream: 'kept', minute: M + m, good: 1, total: 1 })),
    );
    expect(await counts()).toEqual({ kept: [M + 7, M + 9, 3] });
  });

  it.runIf(available)('sums and counts stay exact when writers run at the same time', async () => {
    const { db } = database;
    const writers = Array.from({ length: 6 }, (_, w) =>
      addBuckets(
        db,
        Array.from({ length: 200 }, (_, i) => ({
          stream: `s${i % 4}`,
          minute: M + ((i + w * 7) % 60),
          good: 1,
          total: 2,
        })),
      ),
    );
    await Promise.all(writers);
    const all = (await streams(db)).map((s) => s.stream);
    let good = 0;
    let total = 0;
    let buckets = 0;
    for (const stream of all) {
      const rows = await readBuckets(db, stream, 0, M + 1000);
      buckets += rows.length;
      for (const r of rows) {
        good += r.good;
        total += r.total;
      }
    }
    expect([good, total]).toEqual([1200, 2400]);
    expect((await streams(db)).reduce((n, s) => n + s.buckets, 0)).toBe(buckets);
  });
});
