import { describe, expect, it } from 'vitest';
import { CapacityInputError, parseCsvSeries, seriesFromSamples, sparkline } from './index.js';

const HOUR = 3_600_000;

function problem(fn: () => unknown): { field: string; line: number | undefined; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CapacityInputError);
    const err = e as CapacityInputError;
    return { field: err.field, line: err.line, message: err.message };
  }
  throw new Error('expected a CapacityInputError');
}

describe('parseCsvSeries', () => {
  it('reads ISO 8601, unix seconds and milliseconds, with a header, blanks and comments', () => {
    const csv = [
      'timestamp,value',
      '# exported from prometheus',
      '2026-01-01T00:00:00Z,1.5',
      '',
      '2026-01-01T01:00:00+01:00,2',
      '2026-01-01 02:00,3',
      '1767236400,4',
      '1767240000000, 5e0 ',
      '2026-01-02,6',
    ].join('\r\n');
    expect(parseCsvSeries(csv)).toEqual([
      { t: Date.parse('2026-01-01T00:00:00Z'), v: 1.5 },
      { t: Date.parse('2026-01-01T00:00:00Z'), v: 2 },
      { t: Date.parse('2026-01-01T02:00:00Z'), v: 3 },
      { t: 1767236400_000, v: 4 },
      { t: 1767240000000, v: 5 },
      { t: Date.parse('2026-01-02T00:00:00Z'), v: 6 },
    ]);
  });

  it('names the line and field of each problem', () => {
    expect(problem(() => parseCsvSeries('t,v\n1,2\n3,abc\n'))).toEqual({
      field: 'value',
      line: 3,
      message: 'line 3: value "abc" is not a number.',
    });
    expect(problem(() => parseCsvSeries('1,2\n2,-4'))).toMatchObject({ field: 'value', line: 2 });
    expect(problem(() => parseCsvSeries('1,2\n2,-4')).message).toContain('line 2: value is negative (-4)');
    expect(problem(() => parseCsvSeries('1,NaN'))).toMatchObject({ field: 'value', line: 1 });
    expect(problem(() => parseCsvSeries('1,2\nyesterday,3'))).toMatchObject({ field: 'timestamp', line: 2 });
    expect(problem(() => parseCsvSeries('1,2\n2026-13-45T00:00:00Z,3'))).toMatchObject({
      field: 'timestamp',
      line: 2,
    });
    expect(problem(() => parseCsvSeries('1,2\n3'))).toMatchObject({ field: 'timestamp', line: 2 });
    const unsorted = problem(() => parseCsvSeries('10,1\n\n5,2'));
    expect(unsorted).toMatchObject({ field: 'timestamp', line: 3 });
    expect(unsorted.message).toContain('earlier than the one on line 1');
    expect(problem(() => parseCsvSeries('timestamp,value\n\n')).message).toContain('no data rows');
  });
});

describe('seriesFromSamples', () => {
  it('buckets to the grid keeping the peak of each step; empty steps are gaps', () => {
    const t0 = Date.parse('2026-03-01T00:00:00Z');
    const s = seriesFromSamples(
      [
        { t: t0 + 10, v: 3 },
        { t: t0 + 20 * 60_000, v: 7 },
        { t: t0 + 59 * 60_000, v: 5 },
        { t: t0 + 3 * HOUR + 1, v: 2 },
      ],
      HOUR,
    );
    expect(s).toEqual({ start: t0, stepMs: HOUR, values: [7, null, null, 2] });
  });

  it('rejects unsorted, negative, non-finite samples and bad steps', () => {
    expect(
      problem(() =>
        seriesFromSamples(
          [
            { t: 2, v: 1 },
            { t: 1, v: 1 },
          ],
          HOUR,
        ),
      ).field,
    ).toBe('samples[1].t');
    expect(problem(() => seriesFromSamples([{ t: 1, v: -1 }], HOUR)).field).toBe('samples[0].v');
    expect(problem(() => seriesFromSamples([{ t: 1, v: Number.NaN }], HOUR)).message).toContain(
      'not a number',
    );
    expect(problem(() => seriesFromSamples([{ t: Number.NaN, v: 1 }], HOUR)).field).toBe('samples[0].t');
    expect(problem(() => seriesFromSamples([], HOUR)).field).toBe('samples');
    expect(problem(() => seriesFromSamples([{ t: 1, v: 1 }], 0)).field).toBe('stepMs');
    expect(
      problem(() =>
        seriesFromSamples(
          [
            { t: 0, v: 1 },
            { t: 1e12, v: 1 },
          ],
          1,
        ),
      ).message,
    ).toContain('larger step');
  });
});

describe('sparkline', () => {
  it('maps the range onto eight bars', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([0, 10])).toBe('▁█');
    expect(sparkline([5, 5, 5])).toBe('▁▁▁');
    expect(sparkline([])).toBe('');
    expect(sparkline([1, null, 3])).toBe('▁ █');
  });

  it('squeezes to a width keeping each cell’s peak', () => {
    expect(sparkline([0, 8, 0, 0, 0, 0, 0, 4], 4)).toBe('█▁▁▅');
    expect(
      sparkline(
        Array.from({ length: 1000 }, (_, i) => i),
        10,
      ),
    ).toHaveLength(10);
  });
});
