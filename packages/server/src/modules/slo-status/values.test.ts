/**
 * Threshold and raw SLIs end to end: OpenSLO documents applied, per-minute values ingested through
 * the API, one evaluator pass, and every status number checked against a hand calculation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { dropCreatedDatabases, supportedDatabases } from '../../test-support/databases.js';
import { getResolvedSlo } from '../slos/service.js';
import { evaluateSloAt } from './evaluate.js';
import { evaluateAll } from './evaluator.js';
import { loadStatuses } from './repo.js';
import { rawGoodShare } from './values.js';

afterAll(dropCreatedDatabases);

/** p99 latency under 300 ms: Timeslices of 1 minute (search-latency) and of 5 minutes (…-5m). */
const thresholdSlo = (name: string, window: string, sliceTarget: number) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: search
  budgetingMethod: Timeslices
  timeWindow:
    - duration: 1d
      isRolling: true
  objectives:
    - displayName: p99 under 300 ms
      op: lt
      value: 300
      target: 0.85
      timeSliceTarget: ${sliceTarget}
      timeSliceWindow: ${window}
  indicator:
    metadata:
      name: ${name}-p99
    spec:
      thresholdMetric:
        metricSource:
          type: headroom
          spec:
            stream: search-p99
`;

const rawSlo = (
  name: string,
  rawType: string,
  method: string,
  stream: string,
  extra = '',
) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
spec:
  service: search
  budgetingMethod: ${method}
  timeWindow:
    - duration: 1d
      isRolling: true
  objectives:
    - target: 0.95${extra}
  indicator:
    metadata:
      name: ${name}-ratio
    spec:
      ratioMetric:
        rawType: ${rawType}
        raw:
          metricSource:
            type: headroom
            spec:
              stream: ${stream}
`;

const prometheusThreshold = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: search-prom-p99
spec:
  service: search
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 1d
      isRolling: true
  objectives:
    - op: lte
      value: 0.3
      target: 0.9
  indicator:
    metadata:
      name: search-prom-p99
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            url: http://127.0.0.1:9
            query: histogram_quantile(0.99, sum by (le) (rate(search_seconds_bucket[1m])))
`;

describe.each(supportedDatabases())('threshold and raw SLIs on $name', ({ name, available }) => {
  let t: TestApp;
  // An hour boundary just behind the clock: 5-minute slices start on it, every record is past.
  const K = Math.floor(Date.now() / 3_600_000) * 60;
  const now = K * 60_000;
  const post = (records: object[]) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest/events',
      headers: { ...t.admin, 'content-type': 'application/x-ndjson' },
      payload: records.map((r) => JSON.stringify(r)).join('\n'),
    });
  const NAMES = ['search-errors', 'search-latency', 'search-latency-5m', 'search-prom-p99', 'search-success'];
  /** The status computed from scratch from the store (evaluate.ts, the evaluator's reference). */
  const status = async (slo: string) =>
    evaluateSloAt(t.database.db, (await getResolvedSlo(t.database.db, slo)).slo, now);

  beforeAll(async () => {
    if (!available) return;
    t = await startTestApp(name);
    const api = (url: string, payload: object) =>
      t.app.inject({ method: 'POST', url: `/api/v1${url}`, headers: t.admin, payload });
    expect((await api('/teams', { name: 'search-team' })).statusCode).toBe(201);
    expect((await api('/services', { name: 'search', owner: 'search-team' })).statusCode).toBe(201);
    const applied = await api('/apply', {
      files: [
        { path: 'latency.yaml', content: thresholdSlo('search-latency', '1m', 1) },
        { path: 'latency-5m.yaml', content: thresholdSlo('search-latency-5m', '5m', 0.8) },
        { path: 'ok.yaml', content: rawSlo('search-success', 'success', 'Occurrences', 'search-ok') },
        {
          path: 'errors.yaml',
          content: rawSlo(
            'search-errors',
            'failure',
            'RatioTimeslices',
            'search-err',
            '\n      timeSliceWindow: 5m',
          ),
        },
        { path: 'prom.yaml', content: prometheusThreshold },
      ],
    });
    expect(applied.statusCode, applied.body).toBe(200);

    // p99 latency (ms) for the 120 minutes before K: 200, except 450 in K-30 … K-21, exactly 300
    // (not under 300: bad) in K-5, no data in K-60 … K-51, and in K-10 a first 500 that a later
    // record of the same minute replaces with 250.
    const latency: object[] = [];
    for (let m = K - 120; m < K; m++) {
      if (m >= K - 60 && m < K - 50) continue;
      const value = m >= K - 30 && m < K - 20 ? 450 : m === K - 5 ? 300 : m === K - 10 ? 500 : 200;
      latency.push({ stream: 'search-p99', ts: m * 60_000 + 5_000, value });
    }
    latency.push({
      stream: 'search-p99',
      ts: new Date((K - 10) * 60_000 + 50_000).toISOString(),
      value: 250,
    });
    // Success ratios: 0.99 in K-60 … K-11, 0.9 in K-10 … K-1; a percentage (99.5) in K-61 is no ratio.
    const ok: object[] = [{ stream: 'search-ok', ts: (K - 61) * 60_000, value: 99.5 }];
    for (let m = K - 60; m < K; m++)
      ok.push({ stream: 'search-ok', ts: m * 60_000, value: m < K - 10 ? 0.99 : 0.9 });
    // Error ratios: 0.02 in K-20 … K-11; then 0, 0.1, 0, 0.1, 0 and 0.1, 0, 0.1, 0, 0.1.
    const errors: object[] = [];
    for (let m = K - 20; m < K; m++) {
      const value = m < K - 10 ? 0.02 : (m - K) % 2 === 0 ? 0 : 0.1;
      errors.push({ stream: 'search-err', ts: m * 60_000 + 59_999, value });
    }
    const res = await post([...latency, ...ok, ...errors]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ accepted: latency.length + ok.length + errors.length, rejected: 0 });
  });
  afterAll(async () => {
    if (available) await t.close();
  });

  it.runIf(available)('threshold, Timeslices of 1 minute: a slice is good when p99 < 300', async () => {
    const s = await status('search-latency');
    // 110 minutes with a value; bad: the ten at 450 and the one at exactly 300.
    expect([s.total, s.good]).toEqual([110, 99]);
    expect(s.sli).toBeCloseTo(0.9, 12);
    // Budget 0.15; error ratio 0.1 spends two thirds of it.
    expect(s.errorBudget.consumed).toBeCloseTo(0.1 / 0.15, 12);
    expect(s.errorBudget.remaining).toBeCloseTo(1 / 3, 12);
    expect(s.burnRates['5m']).toBeCloseTo(1 / 5 / 0.15, 9); // K-5 of K-5 … K-1
    expect(s.burnRates['30m']).toBeCloseTo(11 / 30 / 0.15, 9);
    expect(s.burnRates['1h']).toBeCloseTo(11 / 50 / 0.15, 9); // ten of its slices had no data
    expect(s.noDataSlices).toBe(1440 - 110);
    expect(s.dataAge).toBe(0);
    expect(s.state).toBe('burning');
    expect(s.note).toBeNull();
  });

  it.runIf(available)(
    'threshold, Timeslices of 5 minutes: good when the share of good minutes ≥ timeSliceTarget',
    async () => {
      const s = await status('search-latency-5m');
      // 22 slices with data; K-30 … K-21 are two bad slices. K-5 … K-1 has 4 of 5 good minutes,
      // which meets timeSliceTarget 0.8; with 1-minute slices K-5 alone was bad.
      expect([s.total, s.good]).toEqual([22, 20]);
      expect(s.errorBudget.consumed).toBeCloseTo(2 / 22 / 0.15, 12);
      expect(s.burnRates['5m']).toBe(0);
      expect(s.noDataSlices).toBe(288 - 22);
    },
  );

  it.runIf(available)(
    'raw success ratios, Occurrences: each minute is one unit worth its ratio',
    async () => {
      const s = await status('search-success');
      // 50 × 0.99 + 10 × 0.9 good of 60; the 99.5 is left out as no ratio.
      expect(s.total).toBe(60);
      expect(s.good).toBeCloseTo(58.5, 9);
      expect(s.sli).toBeCloseTo(0.975, 12);
      expect(s.errorBudget.consumed).toBeCloseTo(0.5, 12);
      expect(s.errorBudget.remainingEvents).toBeCloseTo(60 * 0.05 - 1.5, 9);
      expect(s.burnRates['5m']).toBeCloseTo(0.1 / 0.05, 9);
      expect(s.burnRates['30m']).toBeCloseTo((20 * 0.01 + 10 * 0.1) / 30 / 0.05, 9);
      expect(s.burnRates['1h']).toBeCloseTo(0.025 / 0.05, 9);
      expect(s.state).toBe('healthy');
    },
  );

  it.runIf(available)(
    'raw failure ratios, RatioTimeslices: the mean of each slice’s good share',
    async () => {
      const s = await status('search-errors');
      // Slices of 5 minutes: 0.98, 0.98, 1 − 0.2/5 = 0.96, 1 − 0.3/5 = 0.94; SLI = their mean.
      expect(s.total).toBe(4);
      expect(s.good).toBeCloseTo(3.86, 12);
      expect(s.sli).toBeCloseTo(0.965, 12);
      expect(s.errorBudget.consumed).toBeCloseTo(0.035 / 0.05, 9);
      expect(s.burnRates['5m']).toBeCloseTo(0.06 / 0.05, 9);
      expect(s.noDataSlices).toBe(288 - 4);
    },
  );

  it.runIf(available)('an evaluator pass stores the same statuses, served by the SLO API', async () => {
    const pass = await evaluateAll(t.database, now);
    expect(pass.failed).toEqual([]);
    const stored = await loadStatuses(t.database.db);
    for (const slo of NAMES) expect([slo, stored.get(slo)]).toEqual([slo, await status(slo)]);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/slos/search-latency', headers: t.admin });
    expect(res.json().status).toMatchObject({ total: 110, good: 99, state: 'burning' });
  });

  it.runIf(available)('the series endpoint charts value SLIs from the same units', async () => {
    const from = new Date(now - 3_600_000).toISOString();
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/slos/search-success/series?from=${from}&to=${new Date(now).toISOString()}&step=600`,
      headers: t.admin,
    });
    expect(res.statusCode, res.body).toBe(200);
    const last = res.json().points.at(-1);
    // The last step holds K-10 … K-1: ten minutes at 0.9.
    expect(last.total).toBe(10);
    expect(last.sli).toBeCloseTo(0.9, 12);
    expect(last.remaining).toBeCloseTo(0.5, 12);
    expect(last.burnRate1h).toBeCloseTo(0.5, 9);
  });

  it.runIf(available)(
    'a Prometheus threshold SLI says it is not polled, and values pushed to it count',
    async () => {
      const before = await status('search-prom-p99');
      expect(before.state).toBe('no-data');
      expect(before.note).toContain('Threshold SLIs are not polled from Prometheus yet');
      expect(before.note).toContain(`push one value per minute to stream 'search-prom-p99'`);
      const values = [0.25, 0.3, 0.31, 0.2].map((value, i) => ({
        stream: 'search-prom-p99',
        ts: (K - 4 + i) * 60_000,
        value,
      }));
      expect((await post(values)).statusCode).toBe(200);
      const after = await status('search-prom-p99');
      expect([after.total, after.good]).toEqual([4, 3]); // lte 0.3: only 0.31 is bad
    },
  );

  it('a raw value is a ratio in [0, 1]; float overshoot is clamped, percentages are no ratio', () => {
    expect(rawGoodShare(0.25, 'success')).toBe(0.25);
    expect(rawGoodShare(0.25, 'failure')).toBe(0.75);
    expect(rawGoodShare(1 + 1e-12, 'success')).toBe(1);
    expect(rawGoodShare(-1e-12, 'failure')).toBe(1);
    expect(rawGoodShare(99.5, 'success')).toBeNull();
    expect(rawGoodShare(-0.5, 'success')).toBeNull();
  });
});
