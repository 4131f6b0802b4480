/** The bucket store on every database: sums, counts, data age, dirty marks, retention, concurrency. */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../db/index.js';
import { dropCreatedDatabases, freshDatabase, supportedDatabases } from '../../test-support/databases.js';
import {
  addBuckets,
  claimDirtyStreams,
  deleteExpiredBuckets,
  lastMinute,
  readBucketRanges,
  readBuckets,
  readHours,
  replaceBuckets,
  rollUpHours,
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

describe.each(supportedDatabases())('SLI hour roll-ups on $name', ({ name, available }) => {
  let database: Db;
  beforeEach(async () => {
    if (!available) return;
    database = await freshDatabase(name);
    return () => database.close();
  });
  const H = Math.floor(M / 60); // M is minute 40 of hour H
  /** Every roll-up must equal the sum of its hour's minutes. */
  const expectRollUpsExact = async (stream: string) => {
    const minutes = await readBuckets(database.db, stream, 0, M + 100_000);
    const sums = new Map<number, [number, number]>();
    for (const b of minutes) {
      const s = sums.get(Math.floor(b.minute / 60)) ?? [0, 0];
      sums.set(Math.floor(b.minute / 60), [s[0] + b.good, s[1] + b.total]);
    }
    const hours = await readHours(database.db, stream, 0, H + 10_000);
    expect(hours.map((h) => [h.hour, h.good, h.total])).toEqual(
      [...sums].sort((a, b) => a[0] - b[0]).map(([h, [g, t]]) => [h, g, t]),
    );
    return hours;
  };

  it.runIf(available)(
    'add, replace, late data and retention keep hour sums equal to their minutes',
    async () => {
      const { db } = database;
      await addBuckets(db, [
        { stream: 's', minute: M, good: 9, total: 10 }, // hour H
        { stream: 's', minute: M + 19, good: 1, total: 1 }, // hour H
        { stream: 's', minute: M + 20, good: 2, total: 4 }, // hour H + 1
        { stream: 't', minute: M, good: 1, total: 1 },
      ]);
      expect((await expectRollUpsExact('s')).map((h) => [h.hour - H, h.good, h.total])).toEqual([
        [0, 10, 11],
        [1, 2, 4],
      ]);
      await addBuckets(db, [{ stream: 's', minute: M + 1, good: 5, total: 5 }]); // late, adds
      await replaceBuckets(db, [{ stream: 's', minute: M, good: 0, total: 3 }]); // replaces 9/10
      expect((await expectRollUpsExact('s')).map((h) => [h.hour - H, h.good, h.total])).toEqual([
        [0, 6, 9],
        [1, 2, 4],
      ]);
      // A cut inside hour H keeps only that hour's later minutes in its sum.
      await deleteExpiredBuckets(db, M + 10);
      expect((await expectRollUpsExact('s')).map((h) => [h.hour - H, h.good, h.total])).toEqual([
        [0, 1, 1],
        [1, 2, 4],
      ]);
      await expectRollUpsExact('t');
      expect(await readHours(db, 't', 0, H + 10)).toEqual([]);
      // A bulk recomputation agrees with what the writes kept.
      const before = await readHours(db, 's', 0, H + 10);
      await rollUpHours(db);
      expect(await readHours(db, 's', 0, H + 10)).toEqual(before);
    },
  );

  it.runIf(available)('reads many streams over ranges in grouped statements', async () => {
    const { db } = database;
    await addBuckets(
      db,
      ['a', 'b', 'c'].flatMap((stream, i) =>
        [0, 1, 2, 3].map((k) => ({ stream, minute: M + k, good: i, total: k + 1 })),
      ),
    );
    const got = await readBucketRanges(db, [
      { stream: 'a', fromMinute: M + 1, toMinute: M + 3 },
      { stream: 'b', fromMinute: M + 1, toMinute: M + 3 },
      { stream: 'c', fromMinute: M + 3, toMinute: M + 10 },
      { stream: 'none', fromMinute: M, toMinute: M + 10 },
    ]);
    expect(Object.fromEntries([...got].map(([s, rows]) => [s, rows.map((r) => r.minute - M)]))).toEqual({
      a: [1, 2],
      b: [1, 2],
      c: [3],
    });
  });
});
