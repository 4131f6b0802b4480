/**
 * Against a real Prometheus (Debian's package; see test-support/prometheus.ts): one process for
 * this file, loaded with two days of generated per-minute counter history (promtool
 * create-blocks-from openmetrics) and scraping a tiny exporter on 127.0.0.1 every second.
 *
 * What is asserted exactly, and why it can be:
 * - History samples sit on minute boundaries, so a counter selector's value at a boundary is that
 *   sample, and each bucket must equal the generated minute (counter plan). A one-minute rate()
 *   window then holds samples at both of its ends, so Prometheus 2.x does not extrapolate and
 *   rate × 60 is the generated minute too (windowed plan, up to float rounding).
 * - The live exporter changes its counters only between second 12 and 48 of a minute, and is
 *   scraped every second, so the value Prometheus holds at a boundary is the value the exporter
 *   served around it: per-minute buckets are exact, and their sum is every increment made. A
 *   live rate() window is extrapolated by Prometheus from the first and last samples in it to
 *   its edges, so that check is a bound computed from the actual scrape times.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/index.js';
import { freshDatabase } from '../../test-support/databases.js';
import {
  prometheusBinaries,
  sleep,
  sleepUntil,
  startExporter,
  startPrometheus,
  type TestExporter,
  type TestPrometheus,
} from '../../test-support/prometheus.js';
import { readBuckets } from '../sli-data/repo.js';
import { PROMETHEUS_BAD_QUERY, PrometheusClient } from './client.js';
import { getPollState, sourceLagMs } from './poll-state.js';
import { PrometheusPoller, type PrometheusSli } from './poller.js';
import { type BucketRow, epochMinute, pollSli } from './sli-poll.js';

const M = 60_000;
const binaries = prometheusBinaries();

/** Two days of per-minute history for backfill_requests_total{code="200"|"500"}. */
function generateHistory(end: number) {
  const start = end - 2 * 1440;
  const gap = start + 1000; // boundaries gap … gap+19 have no sample; minutes gap-1 … gap+19 no events
  const reset = start + 2000; // both counters restart right after the boundary of this minute
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const events = new Map<number, { ok: number; errors: number }>();
  for (let m = start; m < end; m++) {
    if (m >= gap - 1 && m < gap + 20) {
      events.set(m, { ok: 0, errors: 0 });
      continue;
    }
    const daily = 1 + Math.sin(((m % 1440) / 1440) * 2 * Math.PI); // diurnal traffic
    const ok = Math.round(20 + 80 * daily * random());
    const errors = random() < 0.3 ? Math.round(random() * 5) : 0;
    events.set(m, { ok, errors });
  }
  const series = { '200': [] as string[], '500': [] as string[] };
  const value = { '200': 1000, '500': 50 };
  for (let b = start; b <= end; b++) {
    if (b > start) {
      const e = events.get(b - 1)!;
      if (b - 1 === reset) {
        if (!(e.ok < value['200'] && e.errors < value['500'])) throw new Error('the reset would not show');
        value['200'] = e.ok;
        value['500'] = e.errors;
      } else {
        value['200'] += e.ok;
        value['500'] += e.errors;
      }
    }
    if (b >= gap && b < gap + 20) continue;
    for (const code of ['200', '500'] as const) {
      series[code].push(`backfill_requests_total{code="${code}"} ${value[code]} ${b * 60}`);
    }
  }
  const text = [
    '# HELP backfill_requests Generated requests.',
    '# TYPE backfill_requests counter',
    ...series['200'],
    ...series['500'],
    '# EOF',
    '',
  ].join('\n');
  return { start, end, gap, reset, events, text };
}

type History = ReturnType<typeof generateHistory>;

/** Checks history buckets: exact where Prometheus has both boundaries, zero or absent around the gap and end. */
function expectHistoryBuckets(
  history: History,
  rows: BucketRow[],
  zeroBucketsAllowed: boolean,
  close = false,
) {
  const byMinute = new Map(rows.map((r) => [r.minute, r]));
  const { start, end, gap } = history;
  let exact = 0;
  for (let m = start - 10; m < end + 10; m++) {
    const bucket = byMinute.get(m);
    const e = history.events.get(m);
    const nearGap = m >= gap - 1 && m < gap + 20;
    if (e && !nearGap) {
      expect(bucket, `minute ${m - start}`).toBeDefined();
      if (close) {
        expect(bucket!.good).toBeCloseTo(e.ok, 6);
        expect(bucket!.total).toBeCloseTo(e.ok + e.errors, 6);
      } else expect([bucket!.good, bucket!.total], `minute ${m - start}`).toEqual([e.ok, e.ok + e.errors]);
      exact++;
    } else if (bucket) {
      // The 5-minute lookback repeats the last sample after it: no growth, never invented traffic.
      const afterLastSample = (m >= gap - 1 && m < gap + 5) || (m >= end && m < end + 5);
      expect(zeroBucketsAllowed && afterLastSample, `unexpected bucket at minute ${m - start}`).toBe(true);
      expect([bucket.good, bucket.total]).toEqual([0, 0]);
    }
  }
  expect(exact).toBe(2 * 1440 - 21);
  const sum = (f: (r: BucketRow) => number) => rows.reduce((s, r) => s + f(r), 0);
  const all = [...history.events.values()];
  const expected = {
    good: all.reduce((s, e) => s + e.ok, 0),
    total: all.reduce((s, e) => s + e.ok + e.errors, 0),
  };
  if (close) {
    expect(sum((r) => r.total)).toBeCloseTo(expected.total, 3);
  } else {
    expect({ good: sum((r) => r.good), total: sum((r) => r.total) }).toEqual(expected);
  }
}

describe.runIf(binaries.available)('a real Prometheus', () => {
  let prometheus: TestPrometheus;
  let exporter: TestExporter;
  let client: PrometheusClient;
  let history: History;
  let database: Db;
  const connection = () => ({ url: prometheus.url });

  beforeAll(async () => {
    history = generateHistory(epochMinute(Date.now()) - 180);
    exporter = await startExporter();
    prometheus = await startPrometheus({ binaries, targets: [exporter.target], openMetrics: history.text });
    client = new PrometheusClient({ url: prometheus.url, timeoutMs: 10_000 });
    database = await freshDatabase('sqlite');
  });

  afterAll(async () => {
    await prometheus?.dispose();
    await exporter?.close();
    await database?.close();
  });

  it('answers build info, instant and range queries, and refuses a bad query with its own message', async () => {
    expect((await client.buildInfo()).version).toMatch(/^\d+\.\d+\.\d+/);
    const at = (history.start + 10) * M;
    const instant = await client.query('backfill_requests_total', at);
    expect(instant.series.map((s) => s.metric.code).sort()).toEqual(['200', '500']);
    const range = await client.queryRange('sum(backfill_requests_total)', at, at + 5 * M, 60);
    expect(range.series[0]?.points.map((p) => p.t)).toEqual([0, 1, 2, 3, 4, 5].map((i) => at + i * M));
    await expect(client.query('rate(backfill_requests_total)', at)).rejects.toMatchObject({
      code: PROMETHEUS_BAD_QUERY,
      message: expect.stringContaining('expected type range vector in call to function "rate"'),
    });
  });

  it('backfills two days of history in chunks, bucket for bucket as generated (counter plan)', async () => {
    const poller = new PrometheusPoller({ db: database.db, slis: () => [], delayMs: 3_000 });
    const sli: PrometheusSli = {
      stream: 'history',
      connection: connection(),
      queries: {
        bad: 'backfill_requests_total{code="500"}',
        total: 'sum(backfill_requests_total)',
        counter: true,
      },
    };
    const now = Date.now();
    const progress: { from: number; done: number; total: number }[] = [];
    const report = await poller.backfill(sli, now - (history.start - 10) * M, now, (p) =>
      progress.push({ from: p.from, done: p.doneMinutes, total: p.totalMinutes }),
    );
    expect(report.from).toBe(history.start - 10);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.map((p) => p.from)).toEqual([...progress.map((p) => p.from)].sort((a, b) => b - a));
    expect(progress.at(-1)).toMatchObject({ done: progress.at(-1)?.total, from: history.start - 10 });
    const rows = await readBuckets(database.db, 'history', history.start - 100, history.end + 100);
    expectHistoryBuckets(history, rows, true);
    expect(report.buckets).toBe((await readBuckets(database.db, 'history', 0, epochMinute(now))).length);
    // Run again: everything is covered, nothing is read twice.
    expect(await poller.backfill(sli, now - (history.start - 10) * M, now)).toMatchObject({ buckets: 0 });
  });

  it('reads {{.window}} queries end to end: rate over a rendered 1m window, times 60', async () => {
    const poller = new PrometheusPoller({ db: database.db, slis: () => [], delayMs: 3_000 });
    const now = Date.now();
    const report = await poller.backfill(
      {
        stream: 'history-window',
        connection: connection(),
        queries: {
          good: 'sum(rate(backfill_requests_total{code="200"}[{{.window}}]))',
          total: 'sum(rate(backfill_requests_total[{{ .window }}]))',
        },
      },
      now - (history.start - 10) * M,
      now,
    );
    expect(report.warnings).toEqual([]);
    const rows = await readBuckets(database.db, 'history-window', history.start - 100, history.end + 100);
    // rate() needs two samples in its window, so no zero buckets after the last sample here.
    expectHistoryBuckets(history, rows, false, true);
  });

  it('polls live scrapes every minute, records an outage, and catches up without a gap', async () => {
    const polled: PrometheusSli = {
      stream: 'live',
      connection: connection(),
      queries: { good: 'http_requests_total{code="200"}', total: 'sum by (code) (http_requests_total)' },
    };
    const poller = new PrometheusPoller({
      db: database.db,
      slis: () => [polled],
      delayMs: 3_000,
      initialLookbackMinutes: 5,
    });
    while (exporter.scrapes.length === 0) await sleep(100);
    const b1 = Math.ceil((exporter.scrapes[0]!.at + 2_000) / M); // first boundary with a sample before it
    const increments: { at: number; ok: number; errors: number }[] = [];
    const driver = setInterval(() => {
      const now = Date.now();
      const second = (now % M) / 1000;
      if (now < b1 * M || second < 12 || second > 48) return; // never near a minute boundary
      const ok = 1 + Math.floor(Math.random() * 5);
      const errors = Math.random() < 0.4 ? 1 : 0;
      exporter.add('200', ok);
      exporter.add('500', errors);
      increments.push({ at: now, ok, errors });
    }, 700);
    /** The counters Prometheus holds at a boundary: those of the last scrape before it. */
    const seenAt = (minute: number) => {
      const scrape = exporter.scrapes.filter((s) => s.at <= minute * M + 50).at(-1);
      if (!scrape) throw new Error(`no scrape before minute ${minute}`);
      return scrape.counters;
    };
    const expected = (minute: number) => {
      const [a, b] = [seenAt(minute), seenAt(minute + 1)];
      const ok = b['200'] - a['200'];
      return [ok, ok + b['500'] - a['500']];
    };
    try {
      await sleepUntil((b1 + 1) * M + 4_000);
      const [first] = await poller.tick(Date.now());
      expect(first).toMatchObject({ to: b1 + 1 });
      let buckets = await readBuckets(database.db, 'live', b1 - 10, b1 + 10);
      expect(
        buckets.find((b) => b.minute === b1),
        'the first full minute',
      ).toBeDefined();
      for (const b of buckets) expect([b.minute, b.good, b.total]).toEqual([b.minute, ...expected(b.minute)]);

      // The estimate of a one-minute rate() window, within Prometheus' extrapolation from the scrapes in it.
      const windowed = await pollSli({
        client,
        queries: {
          good: 'sum(rate(http_requests_total{code="200"}[{{.window}}]))',
          total: 'sum(rate(http_requests_total[{{.window}}]))',
        },
        stream: 'w',
        fromMinute: b1,
        toMinute: b1 + 1,
      });
      const inWindow = exporter.scrapes.filter((s) => s.at > b1 * M && s.at <= (b1 + 1) * M);
      const sampled = (inWindow.at(-1)!.at - inWindow[0]!.at - 400) / 1000; // ms of log-vs-sample skew
      const exact = expected(b1)[1]!;
      expect(windowed.rows[0]!.total).toBeGreaterThanOrEqual(exact - 1e-9);
      expect(windowed.rows[0]!.total).toBeLessThanOrEqual((exact * 60) / sampled + 1e-9);

      await prometheus.stop();
      const [down] = await poller.tick(Date.now());
      expect(down?.error).toMatch(/unreachable/);
      const lagWhenStopped = sourceLagMs(await getPollState(database.db, 'live'), Date.now())!;
      await sleepUntil((b1 + 2) * M + 4_000);
      await poller.tick(Date.now());
      const stale = await getPollState(database.db, 'live');
      expect(stale).toMatchObject({ coveredTo: b1 + 1, failures: 2 });
      expect(stale?.lastError).toMatch(/ECONNREFUSED/);
      expect(sourceLagMs(stale, Date.now())!).toBeGreaterThan(lagWhenStopped + 50_000);
      expect((await readBuckets(database.db, 'live', b1 + 1, b1 + 10)).length).toBe(0);

      await prometheus.start();
      await sleepUntil((b1 + 3) * M + 4_000);
      clearInterval(driver);
      const [back] = await poller.tick(Date.now());
      expect(back).toMatchObject({ to: b1 + 3 });
      expect(back?.error).toBeUndefined();
      expect(await getPollState(database.db, 'live')).toMatchObject({
        coveredTo: b1 + 3,
        failures: 0,
        lastError: null,
      });
      buckets = await readBuckets(database.db, 'live', b1, b1 + 3);
      expect(buckets.map((b) => b.minute)).toEqual([b1, b1 + 1, b1 + 2]); // no gap
      for (const b of buckets) expect([b.minute, b.good, b.total]).toEqual([b.minute, ...expected(b.minute)]);
      // Every increment, including those made while Prometheus was down, is in exactly one bucket.
      expect(buckets.reduce((s, b) => s + b.good, 0)).toBe(increments.reduce((s, i) => s + i.ok, 0));
      expect(buckets.reduce((s, b) => s + b.total, 0)).toBe(
        increments.reduce((s, i) => s + i.ok + i.errors, 0),
      );
    } finally {
      clearInterval(driver);
    }
  }, 330_000);
});
