/**
 * Daylight-saving changes in Europe/Berlin and America/New_York, spring and autumn: every
 * hand-off keeps its wall-clock time, and exactly one shift per change gains or loses the hour
 * (the one holding it); no other shift does.
 */
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { finalSchedule } from './final-schedule.js';
import type { Layer, Restriction, Schedule, ShiftLength } from './model.js';
import { LayerRotation, restrictionWindows } from './rotation.js';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const local = (ms: number, zone: string) =>
  Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).toPlainDateTime().toString();

interface Change {
  zone: string;
  season: 'spring' | 'autumn';
  /** The instant the offset changes. */
  instant: number;
  date: string;
}
const CHANGES: Change[] = [
  // Berlin: 02:00 CET → 03:00 CEST; 03:00 CEST → 02:00 CET.
  { zone: 'Europe/Berlin', season: 'spring', instant: at('2024-03-31T01:00:00Z'), date: '2024-03-31' },
  { zone: 'Europe/Berlin', season: 'autumn', instant: at('2024-10-27T01:00:00Z'), date: '2024-10-27' },
  // New York: 02:00 EST → 03:00 EDT; 02:00 EDT → 01:00 EST.
  { zone: 'America/New_York', season: 'spring', instant: at('2024-03-10T07:00:00Z'), date: '2024-03-10' },
  { zone: 'America/New_York', season: 'autumn', instant: at('2024-11-03T06:00:00Z'), date: '2024-11-03' },
];

function layer(
  zone: string,
  shiftLength: ShiftLength,
  handoffTime: string,
  start: string,
  extra: Partial<Layer> = {},
): Layer {
  return {
    name: 'primary',
    users: ['alice', 'bob', 'carol'],
    shiftLength,
    handoffTime,
    start,
    end: null,
    timeZone: zone,
    restrictions: [],
    ...extra,
  };
}

const schedule = (l: Layer): Schedule => ({ name: 's', timeZone: l.timeZone, layers: [l] });
const hours = (e: { start: number; end: number }) => (e.end - e.start) / H;
const shifts = (l: Layer, from: string, to: string) =>
  finalSchedule(schedule(l), { start: at(from), end: at(to) }).map((e) => ({
    from: local(e.start, l.timeZone),
    to: local(e.end, l.timeZone),
    hours: hours(e),
    user: e.user,
  }));

describe('worked examples', () => {
  it('a daily 09:00 rotation: the shift over the spring change lasts 23 h, over the autumn change 25 h (Berlin)', () => {
    const l = layer('Europe/Berlin', { count: 1, unit: 'd' }, '09:00', '2024-03-01');
    expect(shifts(l, '2024-03-30T08:00:00Z', '2024-04-01T07:00:00Z')).toEqual([
      { from: '2024-03-30T09:00:00', to: '2024-03-31T09:00:00', hours: 23, user: 'carol' },
      { from: '2024-03-31T09:00:00', to: '2024-04-01T09:00:00', hours: 24, user: 'alice' },
    ]);
    const autumn = layer('Europe/Berlin', { count: 1, unit: 'd' }, '09:00', '2024-10-01');
    expect(shifts(autumn, '2024-10-26T07:00:00Z', '2024-10-28T08:00:00Z')).toEqual([
      { from: '2024-10-26T09:00:00', to: '2024-10-27T09:00:00', hours: 25, user: 'bob' },
      { from: '2024-10-27T09:00:00', to: '2024-10-28T09:00:00', hours: 24, user: 'carol' },
    ]);
  });

  it('a weekly Monday 09:00 rotation: 167 h and 169 h over the changes (New York)', () => {
    const l = layer('America/New_York', { count: 1, unit: 'w' }, '09:00', '2024-03-04');
    expect(shifts(l, '2024-03-04T14:00:00Z', '2024-03-18T13:00:00Z').map((s) => s.hours)).toEqual([167, 168]);
    const autumn = layer('America/New_York', { count: 1, unit: 'w' }, '09:00', '2024-10-28');
    expect(shifts(autumn, '2024-10-28T13:00:00Z', '2024-11-11T14:00:00Z')).toEqual([
      { from: '2024-10-28T09:00:00', to: '2024-11-04T09:00:00', hours: 169, user: 'alice' },
      { from: '2024-11-04T09:00:00', to: '2024-11-11T09:00:00', hours: 168, user: 'bob' },
    ]);
  });

  it('12-hour shifts keep handing off at 08:00 and 20:00; the night holding the change is 11 h or 13 h', () => {
    const spring = layer('Europe/Berlin', { count: 12, unit: 'h' }, '08:00', '2024-03-25');
    expect(shifts(spring, '2024-03-30T07:00:00Z', '2024-04-01T06:00:00Z')).toEqual([
      { from: '2024-03-30T08:00:00', to: '2024-03-30T20:00:00', hours: 12, user: 'bob' },
      { from: '2024-03-30T20:00:00', to: '2024-03-31T08:00:00', hours: 11, user: 'carol' },
      { from: '2024-03-31T08:00:00', to: '2024-03-31T20:00:00', hours: 12, user: 'alice' },
      { from: '2024-03-31T20:00:00', to: '2024-04-01T08:00:00', hours: 12, user: 'bob' },
    ]);
    const autumn = layer('America/New_York', { count: 12, unit: 'h' }, '20:00', '2024-11-01');
    expect(shifts(autumn, '2024-11-03T00:00:00Z', '2024-11-04T01:00:00Z')).toEqual([
      { from: '2024-11-02T20:00:00', to: '2024-11-03T08:00:00', hours: 13, user: 'carol' },
      { from: '2024-11-03T08:00:00', to: '2024-11-03T20:00:00', hours: 12, user: 'alice' },
    ]);
  });

  it('1-hour shifts: the skipped hour is nobody’s shift, the repeated hour belongs to the shift that starts in it', () => {
    const spring = layer('Europe/Berlin', { count: 1, unit: 'h' }, '00:00', '2024-03-31', {
      users: ['a', 'b', 'c', 'd'],
    });
    expect(shifts(spring, '2024-03-30T23:00:00Z', '2024-03-31T02:00:00Z')).toEqual([
      { from: '2024-03-31T00:00:00', to: '2024-03-31T01:00:00', hours: 1, user: 'a' },
      { from: '2024-03-31T01:00:00', to: '2024-03-31T03:00:00', hours: 1, user: 'b' },
      // 'c' had 02:00–03:00, which does not exist that night.
      { from: '2024-03-31T03:00:00', to: '2024-03-31T04:00:00', hours: 1, user: 'd' },
    ]);
    const autumn = layer('America/New_York', { count: 1, unit: 'h' }, '00:00', '2024-11-03', {
      users: ['a', 'b', 'c'],
    });
    expect(shifts(autumn, '2024-11-03T04:00:00Z', '2024-11-03T08:00:00Z')).toEqual([
      { from: '2024-11-03T00:00:00', to: '2024-11-03T01:00:00', hours: 1, user: 'a' },
      // 01:00 EDT to 02:00 EST: both 01:00–02:00 hours.
      { from: '2024-11-03T01:00:00', to: '2024-11-03T02:00:00', hours: 2, user: 'b' },
      { from: '2024-11-03T02:00:00', to: '2024-11-03T03:00:00', hours: 1, user: 'c' },
    ]);
  });

  it('a hand-off inside the skipped hour happens that long after the change; inside the repeated hour, at its first occurrence', () => {
    const spring = new LayerRotation(layer('Europe/Berlin', { count: 1, unit: 'd' }, '02:30', '2024-03-29'));
    expect([1, 2, 3].map((k) => new Date(spring.handoff(k)).toISOString())).toEqual([
      '2024-03-30T01:30:00.000Z', // 02:30 CET
      '2024-03-31T01:30:00.000Z', // 02:30 does not exist: 03:30 CEST
      '2024-04-01T00:30:00.000Z', // 02:30 CEST
    ]);
    const autumn = new LayerRotation(layer('Europe/Berlin', { count: 1, unit: 'd' }, '02:30', '2024-10-26'));
    expect([0, 1, 2].map((k) => new Date(autumn.handoff(k)).toISOString())).toEqual([
      '2024-10-26T00:30:00.000Z', // 02:30 CEST
      '2024-10-27T00:30:00.000Z', // the first 02:30, still CEST
      '2024-10-28T01:30:00.000Z', // 02:30 CET: that shift lasts 25 h
    ]);
  });

  it('restriction windows are wall-clock too: 09:00–17:00 stays 8 h, a 22:00–06:00 night is 7 h or 9 h', () => {
    const day: Restriction[] = [{ type: 'daily', days: [], from: '09:00', to: '17:00' }];
    const days = restrictionWindows(day, 'Europe/Berlin', {
      start: at('2024-03-29T00:00:00Z'),
      end: at('2024-04-02T00:00:00Z'),
    });
    expect(days.map((w) => [local(w.start, 'Europe/Berlin'), hours(w)])).toEqual([
      ['2024-03-29T09:00:00', 8],
      ['2024-03-30T09:00:00', 8],
      ['2024-03-31T09:00:00', 8],
      ['2024-04-01T09:00:00', 8],
    ]);
    const night: Restriction[] = [{ type: 'daily', days: [], from: '22:00', to: '06:00' }];
    for (const [zone, start, expected] of [
      ['Europe/Berlin', '2024-03-30T12:00:00Z', 7],
      ['Europe/Berlin', '2024-10-26T12:00:00Z', 9],
      ['America/New_York', '2024-03-09T17:00:00Z', 7],
      ['America/New_York', '2024-11-02T17:00:00Z', 9],
    ] as const) {
      const [w] = restrictionWindows(night, zone, { start: at(start), end: at(start) + 24 * H });
      expect(local(w!.start, zone).slice(11)).toBe('22:00:00');
      expect(local(w!.end, zone).slice(11)).toBe('06:00:00');
      expect(hours(w!)).toBe(expected);
    }
    const weekend: Restriction[] = [{ type: 'weekly', fromDay: 5, from: '18:00', toDay: 1, to: '08:00' }];
    const [w] = restrictionWindows(weekend, 'America/New_York', {
      start: at('2024-03-08T00:00:00Z'),
      end: at('2024-03-12T00:00:00Z'),
    });
    expect([local(w!.start, 'America/New_York'), local(w!.end, 'America/New_York'), hours(w!)]).toEqual([
      '2024-03-08T18:00:00',
      '2024-03-11T08:00:00',
      61,
    ]);
  });
});

/** Every 15 minutes of the day, as HH:MM. */
const HANDOFF_TIMES = Array.from(
  { length: 96 },
  (_, i) => `${String(Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`,
);
const LENGTHS: ShiftLength[] = [
  { count: 1, unit: 'h' },
  { count: 2, unit: 'h' },
  { count: 3, unit: 'h' },
  { count: 8, unit: 'h' },
  { count: 12, unit: 'h' },
  { count: 24, unit: 'h' },
  { count: 1, unit: 'd' },
  { count: 2, unit: 'd' },
  { count: 1, unit: 'w' },
];
const nominalHours = (l: ShiftLength) => l.count * (l.unit === 'h' ? 1 : l.unit === 'd' ? 24 : 168);

describe.each(CHANGES)('exhaustively around the $season change in $zone on $date', (change) => {
  const { zone } = change;
  const inGap = (p: Temporal.PlainDateTime) =>
    Temporal.PlainDateTime.compare(
      p.toZonedDateTime(zone, { disambiguation: 'compatible' }).toPlainDateTime(),
      p,
    ) !== 0;

  it.each(LENGTHS.map((l) => [`${l.count}${l.unit}`, l] as const))(
    '%s shifts at every hand-off time: wall-clock hand-offs, and only the shift holding the change is an hour off',
    (_, length) => {
      const nominal = nominalHours(length) * H;
      // Two shifts (and at least two days) either side of the change.
      const around = Math.max(2 * nominal, 48 * H);
      const startDate = Temporal.PlainDate.from(change.date)
        .subtract({ days: Math.ceil(around / (24 * H)) })
        .toString();
      const delta = change.season === 'spring' ? -H : H;
      for (const handoffTime of HANDOFF_TIMES) {
        const l = layer(zone, length, handoffTime, startDate);
        const rotation = new LayerRotation(l);
        const anchor = Temporal.PlainDate.from(startDate).toPlainDateTime(
          Temporal.PlainTime.from(handoffTime),
        );
        const last = rotation.indexAt(change.instant + around);
        const deviating: number[] = [];
        for (let k = 0; k <= last; k++) {
          const wall =
            length.unit === 'h'
              ? anchor.add({ hours: k * length.count })
              : anchor.add({ days: k * length.count * (length.unit === 'w' ? 7 : 1) });
          const placed = Temporal.Instant.fromEpochMilliseconds(rotation.handoff(k)).toZonedDateTimeISO(zone);
          // The hand-off happens at its wall-clock time, or an hour later when that time is skipped.
          const expectedWall = inGap(wall) ? wall.add({ hours: 1 }) : wall;
          expect(placed.toPlainDateTime().toString(), `${handoffTime} #${k}`).toBe(expectedWall.toString());
          // In the repeated hour, the first occurrence (the summer offset).
          if (change.season === 'autumn' && placed.toPlainDateTime().toString() === wall.toString()) {
            const earlier = wall.toZonedDateTime(zone, { disambiguation: 'earlier' }).epochMilliseconds;
            expect(rotation.handoff(k)).toBe(earlier);
          }
          const elapsed = rotation.handoff(k + 1) - rotation.handoff(k);
          if (elapsed !== nominal) {
            expect(elapsed - nominal, `${handoffTime} #${k}`).toBe(delta);
            deviating.push(k);
          }
        }
        // Exactly one shift gains or loses the hour, and it is the one at the change.
        expect(deviating, `${handoffTime}`).toHaveLength(1);
        const k = deviating[0]!;
        expect(rotation.handoff(k)).toBeLessThanOrEqual(change.instant + H);
        expect(rotation.handoff(k + 1)).toBeGreaterThanOrEqual(change.instant);
        // And the shifts partition time: the final schedule over the fortnight adds up.
        const range = { start: change.instant - around / 2, end: change.instant + around };
        const entries = finalSchedule(schedule(l), range);
        expect(entries[0]!.start).toBe(range.start);
        expect(entries.at(-1)!.end).toBe(range.end);
        for (let i = 1; i < entries.length; i++) expect(entries[i]!.start).toBe(entries[i - 1]!.end);
      }
    },
  );
});
