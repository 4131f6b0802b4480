import { describe, expect, it } from 'vitest';
import { correctionIntervals, correctionMask } from './corrections.js';
import { isMasked, maskedMinutes, maskFromIntervals, maskFromRanges } from './minute-mask.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;
const starts = (intervals: { start: number }[]) => intervals.map((i) => iso(i.start));

describe('one-off corrections', () => {
  it('give their interval when it overlaps the range', () => {
    const c = { start: '2024-05-04 22:00:00', timeZone: 'Europe/Berlin', durationMs: 2 * H };
    expect(correctionIntervals(c, { start: at('2024-05-01T00:00Z'), end: at('2024-06-01T00:00Z') })).toEqual([
      { start: at('2024-05-04T20:00Z'), end: at('2024-05-04T22:00Z') },
    ]);
    expect(correctionIntervals(c, { start: at('2024-06-01T00:00Z'), end: at('2024-07-01T00:00Z') })).toEqual(
      [],
    );
  });
});

describe('recurring corrections (RFC 5545 RRULE)', () => {
  it('weekly on Sunday 02:30 Europe/Berlin stays at 02:30 local across DST, and moves to 03:30 on the night 02:30 does not exist', () => {
    const c = {
      start: '2024-03-10 02:30:00',
      timeZone: 'Europe/Berlin',
      durationMs: H,
      rrule: 'FREQ=WEEKLY;BYDAY=SU',
    };
    const got = correctionIntervals(c, { start: at('2024-03-01T00:00Z'), end: at('2024-04-15T00:00Z') });
    expect(starts(got)).toEqual([
      '2024-03-10T01:30:00.000Z', // 02:30 CET
      '2024-03-17T01:30:00.000Z',
      '2024-03-24T01:30:00.000Z',
      '2024-03-31T01:30:00.000Z', // 02:30 skipped: 03:30 CEST
      '2024-04-07T00:30:00.000Z', // 02:30 CEST
      '2024-04-14T00:30:00.000Z',
    ]);
    expect(got.every((i) => i.end - i.start === H)).toBe(true);
  });

  it('daily 09:00 America/New_York shifts by an hour in UTC when clocks change; COUNT ends it', () => {
    const c = {
      start: '2024-03-08T09:00:00',
      timeZone: 'America/New_York',
      durationMs: 30 * 60_000,
      rrule: 'RRULE:FREQ=DAILY;COUNT=4',
    };
    const got = correctionIntervals(c, { start: at('2024-03-01T00:00Z'), end: at('2024-04-01T00:00Z') });
    expect(starts(got)).toEqual([
      '2024-03-08T14:00:00.000Z',
      '2024-03-09T14:00:00.000Z',
      '2024-03-10T13:00:00.000Z', // EDT from 10 March
      '2024-03-11T13:00:00.000Z',
    ]);
  });

  it('UNTIL in UTC (inclusive) and the until field (exclusive) both end the series', () => {
    const base = { start: '2024-01-01 00:00:00', timeZone: 'Europe/Berlin', durationMs: H };
    const range = { start: at('2024-01-01T00:00Z') - 86_400_000, end: at('2024-02-01T00:00Z') };
    const byRule = correctionIntervals({ ...base, rrule: 'FREQ=DAILY;UNTIL=20240103T230000Z' }, range);
    // UNTIL is inclusive (RFC 5545) and an instant: 23:00Z on 3 January is midnight of the 4th in Berlin.
    expect(starts(byRule)).toEqual([
      '2023-12-31T23:00:00.000Z',
      '2024-01-01T23:00:00.000Z',
      '2024-01-02T23:00:00.000Z',
      '2024-01-03T23:00:00.000Z',
    ]);
    const byField = correctionIntervals(
      { ...base, rrule: 'FREQ=DAILY', until: at('2024-01-02T23:00Z') },
      range,
    );
    expect(byField).toHaveLength(2);
  });

  it('only occurrences overlapping the range, including one that began before it', () => {
    const c = { start: '2024-01-01 23:00:00', timeZone: 'UTC', durationMs: 2 * H, rrule: 'FREQ=DAILY' };
    const got = correctionIntervals(c, { start: at('2024-01-10T00:30Z'), end: at('2024-01-11T12:00Z') });
    expect(starts(got)).toEqual(['2024-01-09T23:00:00.000Z', '2024-01-10T23:00:00.000Z']);
  });

  it('refuses what cannot be read, with a stable code', () => {
    const range = { start: 0, end: H };
    const bad = [
      { start: '2024-01-01', durationMs: H, rrule: 'FREQ=SOMETIMES' },
      { start: '2024-01-01', durationMs: H, rrule: 'BYDAY=MO' },
      { start: '2024-01-01', durationMs: H, rrule: 'FREQ=SECONDLY' },
      { start: '2024-01-01', durationMs: H, rrule: 'DTSTART:20240101T000000Z\nRRULE:FREQ=DAILY' },
      { start: '2024-01-01', durationMs: 0 },
    ];
    for (const c of bad) {
      expect(() => correctionIntervals(c, range), JSON.stringify(c)).toThrow(
        expect.objectContaining({ code: 'INVALID_CORRECTION' }),
      );
    }
    expect(() => correctionIntervals({ start: 'soon', durationMs: H }, range)).toThrow(
      expect.objectContaining({
        code: 'INVALID_CORRECTION',
        errors: [expect.objectContaining({ path: 'start' })],
      }),
    );
    expect(() =>
      correctionIntervals({ start: '2024-01-01', timeZone: 'Nowhere/Land', durationMs: H }, range),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_CORRECTION',
        errors: [expect.objectContaining({ path: 'timeZone' })],
      }),
    );
  });
});

describe('minute masks', () => {
  it('exclude every minute an interval touches, merged', () => {
    const mask = maskFromIntervals([
      { start: 60_000 * 10 + 30_000, end: 60_000 * 12 }, // 10:30 → minutes 10, 11
      { start: 60_000 * 12, end: 60_000 * 13 + 1 }, // touches: merged into 10‥14
      { start: 60_000 * 20, end: 60_000 * 20 }, // empty
    ]);
    expect(mask.ranges).toEqual([{ from: 10, to: 14 }]);
    expect([isMasked(mask, 9), isMasked(mask, 10), isMasked(mask, 13), isMasked(mask, 14)]).toEqual([
      false,
      true,
      true,
      false,
    ]);
    expect(maskedMinutes(mask, 0, 12)).toBe(2);
  });

  it('merges overlapping ranges in any order', () => {
    const mask = maskFromRanges([
      { from: 50, to: 60 },
      { from: 5, to: 10 },
      { from: 8, to: 20 },
      { from: 55, to: 58 },
    ]);
    expect(mask.ranges).toEqual([
      { from: 5, to: 20 },
      { from: 50, to: 60 },
    ]);
    expect(maskedMinutes(mask, 0, 100)).toBe(25);
  });

  it('correctionMask masks the minutes of every occurrence', () => {
    const mask = correctionMask(
      [{ start: '2024-01-01 01:00:00', durationMs: 90 * 60_000, rrule: 'FREQ=DAILY;COUNT=2' }],
      { start: at('2024-01-01T00:00Z'), end: at('2024-01-03T00:00Z') },
    );
    expect(mask.ranges.map((r) => r.to - r.from)).toEqual([90, 90]);
  });
});
