import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { finalSchedule, onCallAt, ScheduleCalculator } from './final-schedule.js';
import type { FinalEntry, Layer, Override, Restriction, Schedule, Weekday } from './model.js';

const H = 3_600_000;
const at = (iso: string) => Date.parse(iso);

// ---- an oracle written straight from the rules, one instant at a time

function wallToMs(p: Temporal.PlainDateTime, zone: string): number {
  return p.toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
}

function handoffOracle(l: Layer, k: number): number {
  const anchor = Temporal.PlainDate.from(l.start).toPlainDateTime(Temporal.PlainTime.from(l.handoffTime));
  const { count, unit } = l.shiftLength;
  const wall =
    unit === 'h'
      ? anchor.add({ hours: k * count })
      : anchor.add({ days: k * count * (unit === 'w' ? 7 : 1) });
  return wallToMs(wall, l.timeZone);
}

function inWindow(r: Restriction, zone: string, t: number): boolean {
  const day = Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(zone).toPlainDate();
  // A window holding t started on t's local date or up to 7 days before.
  for (let back = 0; back <= 8; back++) {
    const d = day.subtract({ days: back });
    let start: Temporal.PlainDateTime;
    let end: Temporal.PlainDateTime;
    if (r.type === 'daily') {
      if (r.days.length > 0 && !r.days.includes(d.dayOfWeek as Weekday)) continue;
      start = d.toPlainDateTime(Temporal.PlainTime.from(r.from));
      end = d.toPlainDateTime(Temporal.PlainTime.from(r.to));
      if (r.to <= r.from) end = end.add({ days: 1 });
    } else {
      if (d.dayOfWeek !== r.fromDay) continue;
      start = d.toPlainDateTime(Temporal.PlainTime.from(r.from));
      let days = (r.toDay - r.fromDay + 7) % 7;
      if (days === 0 && r.to <= r.from) days = 7;
      end = d.add({ days }).toPlainDateTime(Temporal.PlainTime.from(r.to));
    }
    if (wallToMs(start, zone) <= t && t < wallToMs(end, zone)) return true;
  }
  return false;
}

function layerUserOracle(l: Layer, t: number): string | null {
  if (t < handoffOracle(l, 0)) return null;
  if (l.end !== null && t >= wallToMs(Temporal.PlainDateTime.from(l.end), l.timeZone)) return null;
  const nominal =
    l.shiftLength.count * (l.shiftLength.unit === 'h' ? 1 : l.shiftLength.unit === 'd' ? 24 : 168) * H;
  let k = Math.max(0, Math.floor((t - handoffOracle(l, 0)) / nominal) - 2);
  while (handoffOracle(l, k + 1) <= t) k++;
  if (l.restrictions.length > 0 && !l.restrictions.some((r) => inWindow(r, l.timeZone, t))) return null;
  return l.users[k % l.users.length]!;
}

function oracle(s: Schedule, overrides: Override[], t: number): string | null {
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i]!;
    if (o.start <= t && t < o.end) return o.user;
  }
  for (let i = s.layers.length - 1; i >= 0; i--) {
    const user = layerUserOracle(s.layers[i]!, t);
    if (user !== null) return user;
  }
  return null;
}

// ---- generators

const ZONES = ['Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Kolkata', 'Australia/Lord_Howe'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'];
const RANGE_FROM = at('2024-01-01T00:00:00Z');
const RANGE_TO = at('2025-01-01T00:00:00Z');

const localTime = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const weekday = fc.integer({ min: 1, max: 7 }) as fc.Arbitrary<Weekday>;
const restriction: fc.Arbitrary<Restriction> = fc.oneof(
  fc
    .record({ days: fc.uniqueArray(weekday, { maxLength: 5 }), from: localTime, to: localTime })
    .filter((r) => r.from !== r.to)
    .map((r) => ({ type: 'daily' as const, ...r })),
  fc
    .record({ fromDay: weekday, from: localTime, toDay: weekday, to: localTime })
    .filter((r) => r.fromDay !== r.toDay || r.from !== r.to)
    .map((r) => ({ type: 'weekly' as const, ...r })),
);
const date = fc
  .integer({ min: 0, max: 400 })
  .map((d) => Temporal.PlainDate.from('2023-11-01').add({ days: d }).toString());

const layerArb = (name: string): fc.Arbitrary<Layer> =>
  fc
    .record({
      users: fc.array(fc.constantFrom(...USERS), { minLength: 1, maxLength: 4 }),
      shiftLength: fc.oneof(
        fc.record({ count: fc.integer({ min: 1, max: 36 }), unit: fc.constant('h' as const) }),
        fc.record({ count: fc.integer({ min: 1, max: 3 }), unit: fc.constant('d' as const) }),
        fc.record({ count: fc.integer({ min: 1, max: 2 }), unit: fc.constant('w' as const) }),
      ),
      handoffTime: localTime,
      start: date,
      endAfterDays: fc.option(fc.integer({ min: 1, max: 60 }), { nil: null }),
      timeZone: fc.constantFrom(...ZONES),
      restrictions: fc.array(restriction, { maxLength: 2 }),
    })
    .map(({ endAfterDays, ...l }) => ({
      name,
      ...l,
      end:
        endAfterDays === null
          ? null
          : `${Temporal.PlainDate.from(l.start).add({ days: endAfterDays }).toString()}T${l.handoffTime}`,
    }));

const scheduleArb: fc.Arbitrary<Schedule> = fc
  .integer({ min: 1, max: 3 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => layerArb(`layer-${i}`))))
  .map((layers) => ({ name: 'prop', timeZone: 'UTC', layers }));

const rangeArb = fc
  .tuple(fc.integer({ min: RANGE_FROM, max: RANGE_TO }), fc.integer({ min: 1, max: 20 * 24 * 60 }))
  .map(([start, minutes]) => ({
    start: start - (start % 60_000),
    end: start - (start % 60_000) + minutes * 60_000,
  }));

const overridesArb = (range: { start: number; end: number }) =>
  fc.array(
    fc
      .tuple(
        fc.integer({ min: range.start - 2 * 86_400_000, max: range.end }),
        fc.integer({ min: 15, max: 3 * 24 * 60 }),
        fc.constantFrom(...USERS, 'frank'),
      )
      .map(([start, minutes, user]) => ({ start, end: start + minutes * 60_000, user })),
    { maxLength: 3 },
  );

const caseArb = fc.tuple(scheduleArb, rangeArb).chain(([schedule, range]) =>
  fc.tuple(
    fc.constant(schedule),
    fc.constant(range),
    overridesArb(range).map((os) => os.map((o, i): Override => ({ id: `o${i}`, ...o }))),
    fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { minLength: 1, maxLength: 6 }),
  ),
);

/** An instant in [start, end) at fraction f (floating point may round f × length up to the end). */
const pick = (range: { start: number; end: number }, f: number) =>
  Math.min(range.end - 1, Math.floor(range.start + f * (range.end - range.start)));

function entryAt(entries: FinalEntry[], t: number): FinalEntry {
  const e = entries.find((x) => x.start <= t && t < x.end);
  if (!e) throw new Error(`no entry holds ${new Date(t).toISOString()}`);
  return e;
}

describe('the final schedule (property tests)', () => {
  it('partitions the range: contiguous, without overlap or empty entries, neighbours differ', () => {
    fc.assert(
      fc.property(caseArb, ([schedule, range, overrides]) => {
        const entries = finalSchedule(schedule, range, overrides);
        expect(entries[0]!.start).toBe(range.start);
        expect(entries.at(-1)!.end).toBe(range.end);
        for (const [i, e] of entries.entries()) {
          expect(e.end).toBeGreaterThan(e.start);
          if (i > 0) {
            const prev = entries[i - 1]!;
            expect(e.start).toBe(prev.end);
            expect([prev.user, JSON.stringify(prev.source)]).not.toEqual([e.user, JSON.stringify(e.source)]);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('every instant has exactly the person the rules give: overrides win, higher layers win, gaps fall through', () => {
    fc.assert(
      fc.property(caseArb, ([schedule, range, overrides, fractions]) => {
        const entries = finalSchedule(schedule, range, overrides);
        // Random instants, and both sides of every boundary.
        const instants = fractions.map((f) => pick(range, f));
        for (const e of entries) instants.push(e.start, e.end - 1);
        for (const t of instants) {
          const e = entryAt(entries, t);
          expect(e.user, new Date(t).toISOString()).toBe(oracle(schedule, overrides, t));
          if (e.source.type === 'override')
            expect(overrides.find((o) => o.id === (e.source as { id: string }).id)?.user).toBe(e.user);
          if (e.source.type === 'layer') {
            expect(e.source.shiftStart).toBeLessThanOrEqual(t);
            expect(e.source.shiftEnd).toBeGreaterThan(t);
          }
        }
      }),
      { numRuns: 120 },
    );
  });

  it('does not depend on the range asked for: a sub-range sees the same entries, cut to it', () => {
    fc.assert(
      fc.property(caseArb, ([schedule, range, overrides, fractions]) => {
        const calc = new ScheduleCalculator(schedule);
        const whole = calc.final(range, overrides);
        const a = pick(range, fractions[0]!);
        const sub = { start: a, end: Math.min(range.end, a + 3 * 86_400_000) };
        const part = calc.final(sub, overrides);
        const cut = whole
          .filter((e) => e.end > sub.start && e.start < sub.end)
          .map((e) => ({ ...e, start: Math.max(e.start, sub.start), end: Math.min(e.end, sub.end) }));
        expect(part).toEqual(cut);
        expect(onCallAt(schedule, a, overrides)).toEqual({ ...entryAt(whole, a), start: a, end: a + 1 });
      }),
      { numRuns: 80 },
    );
  });
});

describe('layers, restrictions and overrides', () => {
  const base: Layer = {
    name: 'weekly',
    users: ['alice', 'bob'],
    shiftLength: { count: 1, unit: 'w' },
    handoffTime: '09:00',
    start: '2024-06-03', // a Monday
    end: null,
    timeZone: 'Europe/Berlin',
    restrictions: [],
  };
  const business: Layer = {
    ...base,
    name: 'business-hours',
    users: ['carol', 'dave'],
    shiftLength: { count: 1, unit: 'd' },
    restrictions: [{ type: 'daily', days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }],
  };
  const schedule: Schedule = { name: 'payments', timeZone: 'Europe/Berlin', layers: [base, business] };
  const berlin = (iso: string) =>
    Temporal.PlainDateTime.from(iso).toZonedDateTime('Europe/Berlin').epochMilliseconds;

  it('a higher layer with weekday 09:00–17:00 restrictions wins in office hours; the weekly layer shows through outside them', () => {
    const entries = finalSchedule(schedule, {
      start: berlin('2024-06-07T00:00'),
      end: berlin('2024-06-10T12:00'),
    });
    const view = entries.map((e) => [
      Temporal.Instant.fromEpochMilliseconds(e.start)
        .toZonedDateTimeISO('Europe/Berlin')
        .toPlainDateTime()
        .toString()
        .slice(0, 16),
      e.user,
      e.source.type === 'layer' ? e.source.layer : e.source.type,
    ]);
    expect(view).toEqual([
      ['2024-06-07T00:00', 'alice', 'weekly'],
      ['2024-06-07T09:00', 'carol', 'business-hours'], // Friday, 5th day since Monday: index 4 → carol
      ['2024-06-07T17:00', 'alice', 'weekly'],
      // Monday 09:00: the weekly layer hands off to bob, but business hours start the same minute.
      ['2024-06-10T09:00', 'dave', 'business-hours'],
    ]);
  });

  it('an override wins over every layer, and the layers resume when it ends', () => {
    const override: Override = {
      id: 'swap',
      user: 'erin',
      start: berlin('2024-06-07T12:00'),
      end: berlin('2024-06-07T20:00'),
    };
    expect(onCallAt(schedule, berlin('2024-06-07T11:00'), [override]).user).toBe('carol');
    expect(onCallAt(schedule, berlin('2024-06-07T12:00'), [override]).source).toEqual({
      type: 'override',
      id: 'swap',
    });
    expect(onCallAt(schedule, berlin('2024-06-07T19:59'), [override]).user).toBe('erin');
    expect(onCallAt(schedule, berlin('2024-06-07T20:00'), [override]).user).toBe('alice');
  });

  it('gaps: before a layer starts and outside its restrictions nobody is on call', () => {
    const only: Schedule = { ...schedule, layers: [business] };
    const entries = finalSchedule(only, {
      start: berlin('2024-06-01T00:00'),
      end: berlin('2024-06-04T00:00'),
    });
    expect(entries.map((e) => [e.user, (e.end - e.start) / H])).toEqual([
      [null, 57], // Sat 1 June 00:00 → Mon 3 June 09:00: before the start, then restricted
      ['carol', 8],
      [null, 7],
    ]);
    expect(onCallAt(only, berlin('2024-06-02T12:00')).source).toEqual({ type: 'none' });
  });

  it('the next hand-off is the next change of person, not the next shift boundary of the same person', () => {
    const solo: Schedule = {
      name: 'solo',
      timeZone: 'UTC',
      layers: [{ ...base, users: ['alice'], shiftLength: { count: 1, unit: 'd' } }],
    };
    const calc = new ScheduleCalculator(solo);
    const override: Override = {
      id: 'o',
      user: 'bob',
      start: berlin('2024-06-20T10:00'),
      end: berlin('2024-06-21T10:00'),
    };
    expect(calc.nextHandoff(berlin('2024-06-05T12:00'), [override])).toEqual({
      at: berlin('2024-06-20T10:00'),
      user: 'bob',
    });
    expect(calc.nextHandoff(berlin('2024-06-05T12:00'))).toBeNull();
  });
});
