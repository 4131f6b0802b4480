import { describe, expect, it } from 'vitest';
import type { PrometheusApi, QueryResult, Series } from './client.js';
import { type BucketRow, planRatioQueries, pollSli } from './sli-poll.js';

const M = 60_000;
const T0 = 28_000_000; // an epoch minute (2023-03-28)

interface Call {
  expr: string;
  start: number;
  end: number;
  step: number;
}

/** Answers query_range from a table of series per query, cut to [start, end] as Prometheus would. */
function fakePrometheus(data: Record<string, Series[]>): PrometheusApi & { calls: Call[] } {
  const calls: Call[] = [];
  const range = async (expr: string, start: number, end: number, step: number): Promise<QueryResult> => {
    calls.push({ expr, start, end, step });
    const series = data[expr];
    if (!series) throw new Error(`unexpected query ${expr}`);
    return {
      series: series
        .map((s) => ({ metric: s.metric, points: s.points.filter((p) => p.t >= start && p.t <= end) }))
        .filter((s) => s.points.length > 0),
      warnings: [],
    };
  };
  return { calls, queryRange: range, query: async () => ({ series: [], warnings: [] }) };
}

/** A series with a value at the start of each of the given epoch minutes. */
function series(metric: Record<string, string>, values: Record<number, number>): Series {
  return { metric, points: Object.entries(values).map(([m, v]) => ({ t: Number(m) * M, v })) };
}

const rows = (list: BucketRow[]) => list.map(({ minute, good, total }) => [minute - T0, good, total]);

describe('pollSli with counter selectors (exact)', () => {
  it('takes per-series differences between minute boundaries, counts a drop as a reset, sums series', async () => {
    const api = fakePrometheus({
      'x_total{code="500"}': [series({ code: '500' }, { [T0]: 10, [T0 + 1]: 12, [T0 + 2]: 12, [T0 + 3]: 1 })],
      x_total: [
        series({ code: '200' }, { [T0]: 100, [T0 + 1]: 150, [T0 + 2]: 170, [T0 + 3]: 30 }),
        series({ code: '500' }, { [T0]: 10, [T0 + 1]: 12, [T0 + 2]: 12, [T0 + 3]: 1 }),
      ],
    });
    const result = await pollSli({
      client: api,
      queries: { bad: 'sum(x_total{code="500"})', total: 'sum by (code) (x_total)' },
      stream: 's',
      fromMinute: T0,
      toMinute: T0 + 3,
    });
    expect(rows(result.rows)).toEqual([
      [0, 50, 52],
      [1, 20, 20],
      [2, 30, 31], // both reset: 30 and 1 events since the restart
    ]);
    expect(result.rows[0]?.stream).toBe('s');
    expect(api.calls.map((c) => [c.start / M - T0, c.end / M - T0, c.step])).toEqual([
      [0, 3, 60],
      [0, 3, 60],
    ]);
  });

  it('leaves a minute without a value at either end out, and skips NaN, without filling zeros', async () => {
    const api = fakePrometheus({
      good_total: [
        series({}, { [T0]: 1, [T0 + 1]: 2, [T0 + 3]: 5, [T0 + 4]: Number.NaN, [T0 + 5]: 9, [T0 + 6]: 10 }),
      ],
      all_total: [
        series(
          {},
          { [T0]: 1, [T0 + 1]: 3, [T0 + 2]: 4, [T0 + 3]: 7, [T0 + 4]: 8, [T0 + 5]: 11, [T0 + 6]: 13 },
        ),
      ],
    });
    const result = await pollSli({
      client: api,
      queries: { good: 'good_total', total: 'all_total' },
      stream: 's',
      fromMinute: T0,
      toMinute: T0 + 6,
    });
    // Minutes 1 and 2 lack the good value at T0+2; 3 and 4 touch the NaN.
    expect(rows(result.rows)).toEqual([
      [0, 1, 2],
      [5, 1, 2],
    ]);
    expect(result.warnings[0]).toContain('the good query had no data for 4 minute(s)');
  });

  it('reads long ranges in chunks that share their boundary points, so no minute is lost', async () => {
    const values: Record<number, number> = {};
    for (let m = T0; m <= T0 + 10; m++) values[m] = (m - T0) * 10;
    const api = fakePrometheus({ a_total: [series({}, values)], b_total: [series({}, values)] });
    const forward = await pollSli({
      client: api,
      queries: { good: 'a_total', total: 'b_total' },
      stream: 's',
      fromMinute: T0,
      toMinute: T0 + 10,
      chunkMinutes: 4,
    });
    expect(forward.rows.map((r) => r.minute - T0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(forward.rows.every((r) => r.good === 10 && r.total === 10)).toBe(true);
    expect(
      api.calls.filter((c) => c.expr === 'a_total').map((c) => [c.start / M - T0, c.end / M - T0]),
    ).toEqual([
      [0, 4],
      [4, 8],
      [8, 10],
    ]);

    const chunks: number[][] = [];
    await pollSli({
      client: api,
      queries: { good: 'a_total', total: 'b_total' },
      stream: 's',
      fromMinute: T0,
      toMinute: T0 + 10,
      chunkMinutes: 4,
      backwards: true,
      onChunk: (chunk) => {
        chunks.push([chunk.from - T0, chunk.to - T0, chunk.rows.length]);
      },
    });
    expect(chunks).toEqual([
      [6, 10, 4],
      [2, 6, 4],
      [0, 2, 2],
    ]);
  });

  it('never asks for more than 11,000 points per series', async () => {
    const api = fakePrometheus({ a_total: [], b_total: [] });
    await pollSli({
      client: api,
      queries: { good: 'a_total', total: 'b_total' },
      stream: 's',
      fromMinute: T0,
      toMinute: T0 + 30 * 1440,
      chunkMinutes: 50_000,
    });
    expect(Math.max(...api.calls.map((c) => (c.end - c.start) / (c.step * 1000) + 1))).toBeLessThanOrEqual(
      11_000,
    );
  });
});

describe('pollSli with {{.window}} queries (estimates)', () => {
  it('renders 1m, evaluates at each minute end, and scales rates to events per minute', async () => {
    const api = fakePrometheus({
      'sum(rate(x_total{code="500"}[1m]))': [
        series({}, { [T0 + 1]: 0.05, [T0 + 2]: Number.NaN, [T0 + 3]: 0.1, [T0 + 4]: 2 }),
      ],
      'sum(rate(x_total[1m]))': [series({}, { [T0 + 1]: 1, [T0 + 2]: 1, [T0 + 3]: 1, [T0 + 4]: 1 })],
    });
    const result = await pollSli({
      client: api,
      queries: {
        bad: 'sum(rate(x_total{code="500"}[{{.window}}]))',
        total: 'sum(rate(x_total[{{ .window }}]))',
      },
      stream: 's',
      fromMinute: T0,
      toMinute: T0 + 4,
    });
    // Minute 0 is read at its end, T0+1. The last minute's estimate of 120 bad > 60 total is clamped.
    expect(rows(result.rows)).toEqual([
      [0, 57, 60],
      [2, 54, 60],
      [3, 0, 60],
    ]);
    expect(api.calls.map((c) => [c.start / M - T0, c.end / M - T0])).toEqual([
      [1, 4],
      [1, 4],
    ]);
  });

  it('keeps increase() values as they are', async () => {
    const api = fakePrometheus({
      'sum(increase(g_total[1m]))': [series({}, { [T0 + 1]: 2.5 })],
      'sum(increase(t_total[1m]))': [series({}, { [T0 + 1]: 3.5 })],
    });
    const result = await pollSli({
      client: api,
      queries: { good: 'sum(increase(g_total[{{.window}}]))', total: 'sum(increase(t_total[{{.window}}]))' },
      stream: 's',
      fromMinute: T0,
      toMinute: T0 + 1,
    });
    expect(rows(result.rows)).toEqual([[0, 2.5, 3.5]]);
  });
});

describe('planRatioQueries', () => {
  it('names the query that cannot be read per minute', () => {
    expect(() => planRatioQueries({ good: 'x_total', total: 'max(y)' })).toThrow(
      /the total query cannot be read/,
    );
    expect(() => planRatioQueries({ good: 'rate(x[5m]', total: 'y' })).toThrow(
      /the good query.*end of the query/,
    );
    expect(() => planRatioQueries({ total: 'y' })).toThrow(/exactly one of a good and a bad query/);
    expect(() => planRatioQueries({ good: 'x', bad: 'z', total: 'y' })).toThrow(/exactly one/);
    expect(() => planRatioQueries({ good: 'x_total', total: 'y_total', counter: false })).toThrow(
      /counter: false/,
    );
  });
});
