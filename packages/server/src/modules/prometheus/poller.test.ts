import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/index.js';
import { dropCreatedDatabases, freshDatabase, supportedDatabases } from '../../test-support/databases.js';
import { readBuckets } from '../sli-data/repo.js';
import { type PrometheusApi, PrometheusError, type QueryResult } from './client.js';
import { getPollState, sourceLagMs } from './poll-state.js';
import { PrometheusPoller, type PrometheusSli, type UnpollableSli } from './poller.js';

afterAll(dropCreatedDatabases);

const M = 60_000;
const T0 = 28_000_000; // an epoch minute

/**
 * A Prometheus holding two counters sampled at every minute boundary: `good_total` grows by 9
 * and `all_total` by 10 a minute, unless a test changes a minute's growth. `down` makes every
 * call fail as an unreachable server would; `missing` boundaries have no sample.
 */
function fakePrometheus() {
  const growth = new Map<number, [number, number]>();
  const state = { down: false, missing: new Set<number>(), calls: 0 };
  const value = (minute: number, which: 0 | 1) => {
    let v = 0;
    for (let m = T0 - 1000; m < minute; m++) v += growth.get(m)?.[which] ?? (which === 0 ? 9 : 10);
    return v;
  };
  const api: PrometheusApi = {
    query: async () => ({ series: [], warnings: [] }),
    async queryRange(expr, start, end): Promise<QueryResult> {
      state.calls++;
      if (state.down)
        throw new PrometheusError('PROMETHEUS_UNREACHABLE', 502, 'Prometheus at fake is unreachable');
      const which = expr === 'good_total' ? 0 : 1;
      const points = [];
      for (let t = start; t <= end; t += M)
        if (!state.missing.has(t / M)) points.push({ t, v: value(t / M, which) });
      return { series: [{ metric: {}, points }], warnings: [] };
    },
  };
  return { api, state, growth };
}

const sli: PrometheusSli = {
  stream: 'checkout',
  connection: { url: 'http://prometheus.test' },
  queries: { good: 'good_total', total: 'sum(all_total)' },
};

function poller(db: Db, api: PrometheusApi, slis: (PrometheusSli | UnpollableSli)[] = [sli]) {
  return new PrometheusPoller({
    db: db.db,
    slis: () => slis,
    clientFor: () => api,
    delayMs: 10_000,
    initialLookbackMinutes: 5,
    revisitMinutes: 2,
    chunkMinutes: 3,
  });
}

const at = (minute: number, seconds = 15) => minute * M + seconds * 1000;

describe.each(supportedDatabases())('PrometheusPoller on $name', ({ name, available }) => {
  it.runIf(available)(
    'polls the last minutes, then catches up after Prometheus was unreachable',
    async () => {
      const db = await freshDatabase(name);
      try {
        const { api, state } = fakePrometheus();
        const p = poller(db, api);
        // At T0+10 min 15 s, minutes up to T0+9 have ended more than 10 s ago; a new stream starts 5 back.
        const [first] = await p.tick(at(T0 + 10));
        expect(first).toMatchObject({ stream: 'checkout', from: T0 + 5, to: T0 + 10, buckets: 5 });
        let status = await getPollState(db.db, 'checkout');
        expect(status).toMatchObject({
          coveredFrom: T0 + 5,
          coveredTo: T0 + 10,
          lastError: null,
          failures: 0,
        });
        expect(status?.lastSuccessAt).toBe(at(T0 + 10));

        state.down = true;
        const [failed] = await p.tick(at(T0 + 12));
        expect(failed?.error).toContain('unreachable');
        await p.tick(at(T0 + 14));
        status = await getPollState(db.db, 'checkout');
        expect(status).toMatchObject({ coveredTo: T0 + 10, failures: 2, lastErrorAt: at(T0 + 14) });
        expect(status?.lastError).toContain('unreachable');
        // The data grows stale while Prometheus is away: its age is measured from the covered end.
        expect(sourceLagMs(status, at(T0 + 12))).toBe(2 * M + 15_000);
        expect(sourceLagMs(status, at(T0 + 14))).toBe(4 * M + 15_000);

        state.down = false;
        const [caughtUp] = await p.tick(at(T0 + 20));
        // Two minutes already read are read again (late samples), then everything missed.
        expect(caughtUp).toMatchObject({ from: T0 + 8, to: T0 + 20, buckets: 12 });
        status = await getPollState(db.db, 'checkout');
        expect(status).toMatchObject({
          coveredFrom: T0 + 5,
          coveredTo: T0 + 20,
          lastError: null,
          failures: 0,
        });
        const buckets = await readBuckets(db.db, 'checkout', T0, T0 + 30);
        expect(buckets.map((b) => b.minute - T0)).toEqual([
          5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
        ]);
        expect(buckets.every((b) => b.good === 9 && b.total === 10)).toBe(true);
      } finally {
        await db.close();
      }
    },
  );

  it.runIf(available)(
    're-reads recent minutes and replaces their buckets instead of adding to them',
    async () => {
      const db = await freshDatabase(name);
      try {
        const { api, state, growth } = fakePrometheus();
        state.missing.add(T0 + 10); // the sample at the end of minute T0+9 has not arrived yet
        const p = poller(db, api);
        await p.tick(at(T0 + 10));
        expect((await readBuckets(db.db, 'checkout', T0, T0 + 30)).map((b) => b.minute - T0)).toEqual([
          5, 6, 7, 8,
        ]);
        state.missing.clear();
        growth.set(T0 + 8, [1, 2]);
        await p.tick(at(T0 + 11));
        const buckets = await readBuckets(db.db, 'checkout', T0, T0 + 30);
        expect(buckets.map((b) => [b.minute - T0, b.good, b.total])).toEqual([
          [5, 9, 10],
          [6, 9, 10],
          [7, 9, 10],
          [8, 1, 2],
          [9, 9, 10],
          [10, 9, 10],
        ]);
      } finally {
        await db.close();
      }
    },
  );

  it.runIf(available)(
    'backfills history newest first, resumes without re-reading, and polling goes on',
    async () => {
      const db = await freshDatabase(name);
      try {
        const { api, state } = fakePrometheus();
        const p = poller(db, api);
        const progress: number[][] = [];
        const report = await p.backfill(sli, 10 * M, at(T0 + 10), (step) =>
          progress.push([step.from - T0, step.to - T0, step.doneMinutes, step.totalMinutes]),
        );
        expect(report).toMatchObject({
          stream: 'checkout',
          from: T0,
          to: T0 + 10,
          buckets: 10,
          warnings: [],
        });
        expect(progress).toEqual([
          [7, 10, 3, 10],
          [4, 7, 6, 10],
          [1, 4, 9, 10],
          [0, 1, 10, 10],
        ]);
        expect(await getPollState(db.db, 'checkout')).toMatchObject({ coveredFrom: T0, coveredTo: T0 + 10 });

        // Further back: only what is not covered yet.
        const calls = state.calls;
        const more = await p.backfill(sli, 15 * M, at(T0 + 10));
        expect(more).toMatchObject({ from: T0 - 5, to: T0, buckets: 5 });
        expect(state.calls - calls).toBe(4); // two chunks, two queries each
        expect(await p.backfill(sli, 15 * M, at(T0 + 10))).toMatchObject({
          from: T0 - 5,
          to: T0 - 5,
          buckets: 0,
        });

        await p.tick(at(T0 + 12));
        const buckets = await readBuckets(db.db, 'checkout', T0 - 100, T0 + 100);
        expect(buckets).toHaveLength(17);
        expect(buckets[0]?.minute).toBe(T0 - 5);
        expect(buckets.at(-1)?.minute).toBe(T0 + 11);
        expect(buckets.reduce((sum, b) => sum + b.total, 0)).toBe(170);
      } finally {
        await db.close();
      }
    },
  );

  it.runIf(available)('records a query that cannot be read per minute as the stream’s error', async () => {
    const db = await freshDatabase(name);
    try {
      const { api, state } = fakePrometheus();
      const broken = { ...sli, stream: 'broken', queries: { good: 'good_total', total: 'max(all_total)' } };
      const reports = await poller(db, api, [broken, sli]).tick(at(T0 + 10));
      expect(reports[0]?.error).toContain('the total query cannot be read per minute');
      expect(reports[1]?.buckets).toBe(5);
      expect((await getPollState(db.db, 'broken'))?.lastError).toContain('counter selector');
      expect(state.calls).toBe(4); // only the good SLI was asked for
      const [unpollable] = await poller(db, api, [
        { stream: 'lag', problem: 'a threshold SLI is not read yet' },
      ]).tick(at(T0 + 10));
      expect(unpollable?.error).toBe('a threshold SLI is not read yet');
      expect((await getPollState(db.db, 'lag'))?.lastError).toBe('a threshold SLI is not read yet');
    } finally {
      await db.close();
    }
  });

  it.runIf(available)('skips a stream whose previous tick is still running', async () => {
    const db = await freshDatabase(name);
    try {
      const { api } = fakePrometheus();
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const slow: PrometheusApi = {
        ...api,
        queryRange: async (...args) => {
          await gate;
          return api.queryRange(...args);
        },
      };
      const p = poller(db, slow);
      const first = p.tick(at(T0 + 10));
      const [second] = await p.tick(at(T0 + 10));
      expect(second).toMatchObject({ busy: true, buckets: 0 });
      await expect(p.backfill(sli, 10 * M, at(T0 + 10))).rejects.toThrow(/being polled/);
      release();
      expect((await first)[0]?.buckets).toBe(5);
    } finally {
      await db.close();
    }
  });
});
