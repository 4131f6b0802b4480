import { describe, expect, it } from 'vitest';
import {
  DEMO_SEED,
  DEMO_STREAMS,
  liveFault,
  pastIncidentFaults,
  pastIncidentWindow,
} from './organisation.js';
import {
  ingestRecord,
  parseDemoDuration,
  type RatioStream,
  sampleMinute,
  samplesBetween,
  seasonality,
  slice,
} from './traffic.js';

const MINUTE_MS = 60_000;

const checkout: RatioStream = {
  stream: 'checkout-latency',
  kind: 'ratio',
  peakPerMinute: 1200,
  badRatio: 0.001,
};
// Wednesday 2024-06-05 00:00 UTC.
const WED = Date.UTC(2024, 5, 5);
const at = (day: number, hour: number, minute = 0) =>
  WED + day * 86_400_000 + (hour * 60 + minute) * MINUTE_MS;
const counts = (s: ReturnType<typeof sampleMinute>) => {
  if ('value' in s) throw new Error('expected counts');
  return s;
};

describe('seasonality', () => {
  it('is lowest at 03:00 UTC, highest at 15:00, and 70 % on weekends', () => {
    expect(seasonality(at(0, 3))).toBeCloseTo(0.25, 10);
    expect(seasonality(at(0, 15))).toBeCloseTo(1, 10);
    expect(seasonality(at(0, 9))).toBeCloseTo(0.625, 10);
    // 2024-06-08 is a Saturday.
    expect(seasonality(at(3, 15))).toBeCloseTo(0.7, 10);
    for (let h = 0; h < 24; h++) expect(seasonality(at(0, h))).toBeGreaterThanOrEqual(seasonality(at(0, 3)));
  });

  it('shapes the generated traffic: the afternoon peak has about four times the night', () => {
    const mean = (hour: number, day = 0) => {
      let sum = 0;
      for (let m = 0; m < 60; m++) sum += counts(sampleMinute(checkout, at(day, hour, m), 1)).total;
      return sum / 60;
    };
    expect(mean(15) / mean(3)).toBeGreaterThan(3.5);
    expect(mean(15) / mean(3)).toBeLessThan(4.5);
    expect(mean(15, 3) / mean(15)).toBeGreaterThan(0.65);
    expect(mean(15, 3) / mean(15)).toBeLessThan(0.75);
  });
});

describe('sampleMinute', () => {
  it('is deterministic from the seed, stream and minute, and differs with the seed', () => {
    const a = [...samplesBetween(DEMO_STREAMS, at(0, 12), at(0, 13), DEMO_SEED)];
    const b = [...samplesBetween(DEMO_STREAMS, at(0, 12), at(0, 13), DEMO_SEED)];
    expect(a).toEqual(b);
    expect(a).toHaveLength(60 * DEMO_STREAMS.length);
    const other = [...samplesBetween(DEMO_STREAMS, at(0, 12), at(0, 13), DEMO_SEED + 1)];
    expect(other).not.toEqual(a);
    // Any minute is the same whether asked alone or within a range, at any instant inside it.
    expect(sampleMinute(DEMO_STREAMS[0]!, at(0, 12, 30) + 17_000, DEMO_SEED)).toEqual(
      a[30 * DEMO_STREAMS.length],
    );
  });

  it('keeps errors near the configured ratio, with noise', () => {
    let good = 0;
    let total = 0;
    const totals = new Set<number>();
    for (const s of samplesBetween([checkout], at(0, 0), at(7, 0), 7)) {
      const c = counts(s);
      expect(c.good).toBeLessThanOrEqual(c.total);
      good += c.good;
      total += c.total;
      totals.add(c.total);
    }
    const bad = 1 - good / total;
    expect(bad).toBeGreaterThan(0.0007);
    expect(bad).toBeLessThan(0.003);
    expect(totals.size).toBeGreaterThan(500);
  });

  it('forces the good ratio inside a fault window and only there', () => {
    const fault = liveFault(at(0, 14, 3));
    expect(fault.end - fault.start).toBe(15 * MINUTE_MS);
    const inside = counts(sampleMinute(checkout, at(0, 14, 10), 1, [fault]));
    expect(inside.good / inside.total).toBeCloseTo(0.1, 2);
    const before = counts(sampleMinute(checkout, at(0, 14, 2), 1, [fault]));
    const after = counts(sampleMinute(checkout, at(0, 14, 18), 1, [fault]));
    expect(before.good / before.total).toBeGreaterThan(0.98);
    expect(after.good / after.total).toBeGreaterThan(0.98);
    // The same minute without the fault has the same traffic, only the good share differs.
    expect(counts(sampleMinute(checkout, at(0, 14, 10), 1)).total).toBe(inside.total);
    // Another stream is not affected.
    const other = { ...checkout, stream: 'cart-availability' };
    expect(sampleMinute(other, at(0, 14, 10), 1, [fault])).toEqual(sampleMinute(other, at(0, 14, 10), 1));
  });

  it('places the past incident ten days before the first start, at 14:05 UTC', () => {
    const start = Date.UTC(2024, 5, 20, 9, 30);
    expect(new Date(pastIncidentWindow(start).start).toISOString()).toBe('2024-06-10T14:05:00.000Z');
    const faults = pastIncidentFaults(start);
    const payments = DEMO_STREAMS.find((s) => s.stream === 'payments-success')!;
    const during = counts(sampleMinute(payments, Date.UTC(2024, 5, 10, 14, 20), DEMO_SEED, faults));
    expect(during.good / during.total).toBeCloseTo(0.9, 2);
  });

  it('gives threshold streams one value per minute that rises with load', () => {
    const search = DEMO_STREAMS.find((s) => s.stream === 'search-latency-p95')!;
    let night = 0;
    let peak = 0;
    for (let m = 0; m < 60; m++) {
      const n = sampleMinute(search, at(0, 3, m), 3);
      const p = sampleMinute(search, at(0, 15, m), 3);
      if (!('value' in n) || !('value' in p)) throw new Error('expected values');
      night += n.value / 60;
      peak += p.value / 60;
    }
    expect(peak - night).toBeGreaterThan(50);
    expect(peak).toBeLessThan(300);
  });
});

describe('slice and ingestRecord', () => {
  it('splits a minute into parts that add up to it, and leaves values whole', () => {
    const m = counts(sampleMinute(checkout, at(0, 15), 1));
    const parts = [0, 15_000, 40_000, 60_000].slice(1).map((to, i, a) => {
      const from = i === 0 ? m.minute : m.minute + a[i - 1]!;
      return counts(slice(m, from, m.minute + to)!);
    });
    expect(parts.reduce((s, p) => s + p.total, 0)).toBeCloseTo(m.total, 2);
    expect(parts.reduce((s, p) => s + p.good, 0)).toBeCloseTo(m.good, 2);
    expect(slice(m, m.minute + MINUTE_MS, m.minute + 2 * MINUTE_MS)).toBeNull();
    const v = { stream: 's', minute: m.minute, value: 212.5 };
    expect(slice(v, m.minute + 1000, m.minute + 2000)).toEqual(v);
    expect(JSON.parse(ingestRecord(v))).toEqual({ stream: 's', ts: m.minute, value: 212.5 });
    expect(JSON.parse(ingestRecord(m, m.minute + 5))).toEqual({
      stream: 'checkout-latency',
      ts: m.minute + 5,
      good: m.good,
      total: m.total,
    });
  });

  it('reads demo durations', () => {
    expect(parseDemoDuration('3m')).toBe(180_000);
    expect(parseDemoDuration('0s')).toBe(0);
    expect(parseDemoDuration('2d')).toBe(172_800_000);
    expect(parseDemoDuration('1.5h')).toBe(5_400_000);
    expect(parseDemoDuration('-1m')).toBeNull();
    expect(parseDemoDuration('3 minutes')).toBeNull();
  });
});
