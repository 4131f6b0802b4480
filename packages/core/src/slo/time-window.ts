/**
 * SLO time windows as half-open ranges of epoch milliseconds, and the minutes they cover.
 *
 * Rolling windows end now and have a fixed length. Calendar-aligned windows are periods that
 * start at `startTime` (a wall-clock time in the SLO's IANA time zone) and repeat every
 * `duration`; each period starts at the same wall-clock time in that zone, so a `1d` period on
 * the day clocks spring forward lasts 23 h and on the day they fall back 25 h.
 *
 * Period k starts at `anchor + k × duration`, always counted from the anchor and never by
 * chaining periods, so a `1M` window anchored on 31 January starts on 29 February in a leap
 * year (the month has no 31st, Temporal constrains to its last day) and on 31 March again —
 * the 31st is never lost to drift. A wall-clock start that does not exist (skipped by a spring
 * forward) moves forward by the gap; one that exists twice (fall back) takes the earlier one
 * (Temporal's `compatible` disambiguation, as RFC 5545 does).
 *
 * Minutes: bucket m holds [m × 60 000, (m + 1) × 60 000). A window covers the minutes whose start
 * lies inside it, so a rolling window of W minutes covers exactly W buckets, the last being the
 * minute in progress (fresh data counts at once), and a calendar period covers its own minutes.
 */
import { Temporal } from 'temporal-polyfill';
import { InputError } from '../errors.js';
import type { Duration } from './duration.js';
import { fixedDurationMs } from './duration.js';
import type { TimeWindow } from './model.js';

export const MINUTE_MS = 60_000;

/** [start, end) in epoch milliseconds. */
export interface TimeRange {
  start: number;
  end: number;
}

/** [from, to) in minute indices (epoch ms ÷ 60 000). */
export interface MinuteRange {
  from: number;
  to: number;
}

export type WindowSpec =
  | { kind: 'rolling'; ms: number }
  | {
      kind: 'calendar';
      duration: Duration;
      /** Local date-time without zone (`2020-01-21 12:30:00`, ISO `2020-01-21T12:30`), or an ISO instant. */
      startTime: string;
      /** IANA time zone name, e.g. `America/New_York`. */
      timeZone: string;
    };

/** The minutes whose start lies in `range`. */
export function minuteRange(range: TimeRange): MinuteRange {
  return { from: Math.ceil(range.start / MINUTE_MS), to: Math.ceil(range.end / MINUTE_MS) };
}

/** The minute index of the minute in progress at `now`, plus one: the `to` of every window ending now. */
export function minuteAfter(now: number): number {
  return Math.ceil(now / MINUTE_MS);
}

const CALENDAR_UNITS = { M: 1, Q: 3, Y: 12 } as const;

function calendarProblem(path: string, message: string): InputError {
  return new InputError(message, [{ path, message }], 'INVALID_TIME_WINDOW');
}

function zoneChecked(timeZone: string): string {
  try {
    return Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(timeZone).timeZoneId;
  } catch {
    throw calendarProblem('calendar.timeZone', `'${timeZone}' is not an IANA time zone name.`);
  }
}

/** The first period's start in the window's zone. Throws InputError for an unreadable time or zone. */
export function calendarAnchor(startTime: string, timeZone: string): Temporal.ZonedDateTime {
  const zone = zoneChecked(timeZone);
  const text = startTime.trim().replace(/^(\d{4}-\d{2}-\d{2})[ T]/, '$1T');
  try {
    if (/T.*(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(text)) {
      return Temporal.Instant.from(text).toZonedDateTimeISO(zone);
    }
    return Temporal.PlainDateTime.from(text).toZonedDateTime(zone, { disambiguation: 'compatible' });
  } catch {
    throw calendarProblem(
      'calendar.startTime',
      `'${startTime}' is not a date-time such as '2020-01-21 12:30:00'.`,
    );
  }
}

function periodStart(anchor: Temporal.ZonedDateTime, duration: Duration, k: number): Temporal.ZonedDateTime {
  const n = k * duration.count;
  switch (duration.unit) {
    case 'm':
      return anchor.add({ minutes: n });
    case 'h':
      return anchor.add({ hours: n });
    case 'd':
      return anchor.add({ days: n });
    case 'w':
      return anchor.add({ weeks: n });
    default:
      return anchor.add({ months: n * CALENDAR_UNITS[duration.unit] });
  }
}

/** A first guess of the period index holding `now`, off by at most one. */
function periodGuess(anchor: Temporal.ZonedDateTime, duration: Duration, now: number): number {
  const fixed = fixedDurationMs(duration);
  if (fixed !== null) return Math.floor((now - anchor.epochMilliseconds) / fixed);
  const at = Temporal.Instant.fromEpochMilliseconds(now).toZonedDateTimeISO(anchor.timeZoneId);
  const months = (at.year - anchor.year) * 12 + (at.month - anchor.month);
  return Math.floor(months / (duration.count * CALENDAR_UNITS[duration.unit as 'M' | 'Q' | 'Y']));
}

/** The calendar period that holds `now`. */
export function calendarPeriod(anchor: Temporal.ZonedDateTime, duration: Duration, now: number): TimeRange {
  let k = periodGuess(anchor, duration, now);
  let start = periodStart(anchor, duration, k);
  while (start.epochMilliseconds > now) {
    k -= 1;
    start = periodStart(anchor, duration, k);
  }
  let end = periodStart(anchor, duration, k + 1);
  while (end.epochMilliseconds <= now) {
    k += 1;
    start = end;
    end = periodStart(anchor, duration, k + 1);
  }
  return { start: start.epochMilliseconds, end: end.epochMilliseconds };
}

function checkSpec(spec: WindowSpec): void {
  if (spec.kind === 'rolling') {
    if (!Number.isSafeInteger(spec.ms) || spec.ms <= 0 || spec.ms % MINUTE_MS !== 0) {
      throw calendarProblem(
        'duration',
        `A rolling window must be a whole number of minutes, not ${spec.ms} ms.`,
      );
    }
  } else if (!Number.isSafeInteger(spec.duration.count) || spec.duration.count <= 0) {
    throw calendarProblem('duration', 'A calendar window needs a positive duration.');
  }
}

/**
 * The SLO window at `now`: rolling `[now − ms, now)`, calendar the whole current period
 * `[periodStart, periodEnd)` (the part elapsed so far is `[start, now)`).
 */
export function windowAt(spec: WindowSpec, now: number): TimeRange {
  checkSpec(spec);
  if (spec.kind === 'rolling') return { start: now - spec.ms, end: now };
  return calendarPeriod(calendarAnchor(spec.startTime, spec.timeZone), spec.duration, now);
}

/**
 * `windowAt` for one SLO, evaluated again and again: the calendar anchor is parsed once and a
 * period is reused until `now` leaves it, so an evaluation pass costs no Temporal arithmetic
 * except at period boundaries.
 */
export class WindowClock {
  readonly spec: WindowSpec;
  readonly #anchor: Temporal.ZonedDateTime | null;
  #period: TimeRange | null = null;

  constructor(spec: WindowSpec) {
    checkSpec(spec);
    this.spec = spec;
    this.#anchor = spec.kind === 'calendar' ? calendarAnchor(spec.startTime, spec.timeZone) : null;
  }

  get rolling(): boolean {
    return this.spec.kind === 'rolling';
  }

  /** As `windowAt`; calendar periods are shared objects, do not mutate them. */
  at(now: number): TimeRange {
    const spec = this.spec;
    if (spec.kind === 'rolling') return { start: now - spec.ms, end: now };
    const cached = this.#period;
    if (cached !== null && cached.start <= now && now < cached.end) return cached;
    const period = Object.freeze(calendarPeriod(this.#anchor!, spec.duration, now));
    this.#period = period;
    return period;
  }
}

/**
 * The window of a parsed OpenSLO `timeWindow`. A rolling window in calendar units has no fixed
 * length; it is read as 30 days per month (90 per quarter, 365 per year), the common reading of
 * a "30-day month" SLO.
 */
export function windowSpecFromModel(window: TimeWindow): WindowSpec {
  if (window.type === 'calendar') {
    return {
      kind: 'calendar',
      duration: window.duration,
      startTime: window.startTime,
      timeZone: window.timeZone,
    };
  }
  const fixed = fixedDurationMs(window.duration);
  if (fixed !== null) return { kind: 'rolling', ms: fixed };
  const days = { M: 30, Q: 90, Y: 365 }[window.duration.unit as 'M' | 'Q' | 'Y'];
  return { kind: 'rolling', ms: window.duration.count * days * 86_400_000 };
}
