import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Duration } from './duration.js';
import type { WindowSpec } from './time-window.js';
import { MINUTE_MS, minuteRange, WindowClock, windowAt, windowSpecFromModel } from './time-window.js';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

function calendar(duration: Duration, startTime: string, timeZone: string): WindowSpec {
  return { kind: 'calendar', duration, startTime, timeZone };
}

const day = (startTime: string, timeZone: string) => calendar({ count: 1, unit: 'd' }, startTime, timeZone);

describe('rolling windows', () => {
  it('end now and have a fixed length', () => {
    const now = at('2024-05-01T10:00:30Z');
    expect(windowAt({ kind: 'rolling', ms: 30 * 86_400_000 }, now)).toEqual({
      start: now - 30 * 86_400_000,
      end: now,
    });
  });

  it('cover exactly their length in minute buckets, the minute in progress last', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 41 }),
        fc.integer({ min: 1, max: 60 * 24 * 90 }),
        (now, minutes) => {
          const range = minuteRange(windowAt({ kind: 'rolling', ms: minutes * MINUTE_MS }, now));
          expect(range.to - range.from).toBe(minutes);
          expect(range.to * MINUTE_MS).toBeGreaterThanOrEqual(now);
          expect((range.to - 1) * MINUTE_MS).toBeLessThan(now);
        },
      ),
    );
  });

  it('refuse lengths that are not whole minutes', () => {
    expect(() => windowAt({ kind: 'rolling', ms: 90_000 }, 0)).toThrow(
      expect.objectContaining({ code: 'INVALID_TIME_WINDOW' }),
    );
  });
});

describe('calendar windows across DST changes', () => {
  it('Europe/Berlin: the day clocks spring forward lasts 23 h, the day they fall back 25 h', () => {
    const spec = day('2024-01-01 00:00:00', 'Europe/Berlin');
    const spring = windowAt(spec, at('2024-03-31T12:00:00+02:00'));
    expect(iso(spring.start)).toBe('2024-03-30T23:00:00.000Z');
    expect(iso(spring.end)).toBe('2024-03-31T22:00:00.000Z');
    expect(spring.end - spring.start).toBe(23 * H);
    const autumn = windowAt(spec, at('2024-10-27T12:00:00+01:00'));
    expect(iso(autumn.start)).toBe('2024-10-26T22:00:00.000Z');
    expect(autumn.end - autumn.start).toBe(25 * H);
    const ordinary = windowAt(spec, at('2024-06-15T08:00:00Z'));
    expect(ordinary.end - ordinary.start).toBe(24 * H);
  });

  it('America/New_York: the spring-forward day is 23 h and the periods start at local midnight', () => {
    const spec = day('2020-01-21 00:00:00', 'America/New_York');
    const before = windowAt(spec, at('2024-03-09T20:00:00-05:00'));
    expect(iso(before.start)).toBe('2024-03-09T05:00:00.000Z');
    const spring = windowAt(spec, at('2024-03-10T20:00:00-04:00'));
    expect(iso(spring.start)).toBe('2024-03-10T05:00:00.000Z');
    expect(iso(spring.end)).toBe('2024-03-11T04:00:00.000Z');
    expect(spring.end - spring.start).toBe(23 * H);
    const autumn = windowAt(spec, at('2024-11-03T12:00:00-05:00'));
    expect(autumn.end - autumn.start).toBe(25 * H);
  });

  it('keeps the start time of day: the OpenSLO example 2020-01-21 12:30:00 America/New_York', () => {
    const spec = day('2020-01-21 12:30:00', 'America/New_York');
    const summer = windowAt(spec, at('2024-07-04T10:00:00-04:00'));
    expect(iso(summer.start)).toBe('2024-07-03T16:30:00.000Z'); // 12:30 EDT the day before
    const winter = windowAt(spec, at('2024-12-24T13:00:00-05:00'));
    expect(iso(winter.start)).toBe('2024-12-24T17:30:00.000Z'); // 12:30 EST that day
  });

  it('a start time skipped by the spring forward moves forward by the gap, only that day', () => {
    const spec = day('2024-03-01 02:30:00', 'Europe/Berlin');
    const skipped = windowAt(spec, at('2024-03-31T12:00:00Z'));
    expect(iso(skipped.start)).toBe('2024-03-31T01:30:00.000Z'); // 03:30 CEST
    expect(iso(skipped.end)).toBe('2024-04-01T00:30:00.000Z'); // 02:30 CEST
    expect(skipped.end - skipped.start).toBe(23 * H);
    const dayBefore = windowAt(spec, at('2024-03-30T12:00:00Z'));
    expect(dayBefore.end).toBe(skipped.start);
  });

  it('half-hour zones: a day in Asia/Kolkata starts at 18:30 UTC', () => {
    const period = windowAt(day('2024-01-01', 'Asia/Kolkata'), at('2024-05-05T00:00:00Z'));
    expect(iso(period.start)).toBe('2024-05-04T18:30:00.000Z');
  });

  it('weeks, quarters and years start where their anchor says', () => {
    const week = windowAt(
      calendar({ count: 1, unit: 'w' }, '2024-01-01 00:00:00', 'Europe/Berlin'),
      at('2024-03-31T12:00:00Z'),
    );
    expect(iso(week.start)).toBe('2024-03-24T23:00:00.000Z'); // Monday 25 March, 00:00 CET
    expect(week.end - week.start).toBe(7 * 24 * H - H); // holds the spring forward
    const quarter = windowAt(
      calendar({ count: 1, unit: 'Q' }, '2024-01-01 00:00:00', 'UTC'),
      at('2024-05-20T00:00:00Z'),
    );
    expect([iso(quarter.start), iso(quarter.end)]).toEqual([
      '2024-04-01T00:00:00.000Z',
      '2024-07-01T00:00:00.000Z',
    ]);
    const year = windowAt(
      calendar({ count: 1, unit: 'Y' }, '2020-01-01 00:00:00', 'America/New_York'),
      at('2024-02-29T12:00:00Z'),
    );
    expect(iso(year.start)).toBe('2024-01-01T05:00:00.000Z');
    expect(year.end - year.start).toBe(366 * 24 * H);
  });

  it('a 1M window anchored on the 31st starts on the last day of shorter months and returns to the 31st', () => {
    const spec = calendar({ count: 1, unit: 'M' }, '2024-01-31 00:00:00', 'America/New_York');
    const starts = ['2024-02-15', '2024-03-15', '2024-04-15', '2024-05-15', '2024-06-15'].map((d) =>
      iso(windowAt(spec, at(`${d}T12:00:00Z`)).start),
    );
    expect(starts).toEqual([
      '2024-01-31T05:00:00.000Z',
      '2024-02-29T05:00:00.000Z', // leap February has no 31st: its last day
      '2024-03-31T04:00:00.000Z', // back on the 31st, in EDT
      '2024-04-30T04:00:00.000Z',
      '2024-05-31T04:00:00.000Z',
    ]);
    // Between 29 Feb and 31 Mar: 31 days, one of them 23 h long.
    const march = windowAt(spec, at('2024-03-15T12:00:00Z'));
    expect(march.end - march.start).toBe(31 * 24 * H - H);
  });

  it('finds the period for any instant, before the anchor too, and periods tile time', () => {
    const specs = [
      calendar({ count: 1, unit: 'M' }, '2020-01-31 12:30:00', 'Europe/Berlin'),
      calendar({ count: 2, unit: 'w' }, '2023-06-05 00:00:00', 'America/New_York'),
      calendar({ count: 1, unit: 'd' }, '2021-03-28 02:30:00', 'Europe/Berlin'),
      calendar({ count: 1, unit: 'Q' }, '2022-02-28 00:00:00', 'Australia/Sydney'),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...specs),
        fc.integer({ min: at('2015-01-01'), max: at('2030-01-01') }),
        (spec, now) => {
          const period = windowAt(spec, now);
          expect(period.start).toBeLessThanOrEqual(now);
          expect(now).toBeLessThan(period.end);
          expect(windowAt(spec, period.end).start).toBe(period.end);
          expect(windowAt(spec, period.start - 1).end).toBe(period.start);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses an unknown zone or an unreadable start time with a stable code', () => {
    expect(() => windowAt(day('2024-01-01', 'Mars/Olympus'), 0)).toThrow(
      expect.objectContaining({ code: 'INVALID_TIME_WINDOW' }),
    );
    expect(() => windowAt(day('21 Jan 2020', 'UTC'), 0)).toThrow(
      expect.objectContaining({ code: 'INVALID_TIME_WINDOW' }),
    );
  });
});

describe('WindowClock', () => {
  it('gives the same periods as windowAt and reuses a period while now stays inside it', () => {
    const spec = calendar({ count: 1, unit: 'M' }, '2024-01-01 00:00:00', 'Europe/Berlin');
    const clock = new WindowClock(spec);
    const a = clock.at(at('2024-03-10T00:00:00Z'));
    const b = clock.at(at('2024-03-20T00:00:00Z'));
    expect(b).toBe(a);
    expect(a).toEqual(windowAt(spec, at('2024-03-10T00:00:00Z')));
    const next = clock.at(a.end);
    expect(next.start).toBe(a.end);
    expect(clock.rolling).toBe(false);
  });
});

describe('windowSpecFromModel', () => {
  it('maps the parsed OpenSLO window', () => {
    expect(windowSpecFromModel({ type: 'rolling', duration: { count: 28, unit: 'd' } })).toEqual({
      kind: 'rolling',
      ms: 28 * 86_400_000,
    });
    expect(windowSpecFromModel({ type: 'rolling', duration: { count: 1, unit: 'M' } })).toEqual({
      kind: 'rolling',
      ms: 30 * 86_400_000,
    });
    expect(
      windowSpecFromModel({
        type: 'calendar',
        duration: { count: 1, unit: 'M' },
        startTime: '2020-01-21 12:30:00',
        timeZone: 'America/New_York',
      }),
    ).toEqual(calendar({ count: 1, unit: 'M' }, '2020-01-21 12:30:00', 'America/New_York'));
  });
});
