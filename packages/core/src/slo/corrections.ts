/**
 * Budget corrections: intervals of planned maintenance whose minutes count neither for nor
 * against the budget (see minute-mask.ts for the masking), one-off or recurring by an RFC 5545
 * RRULE.
 *
 * Recurrences are expanded by the `rrule` package in floating wall-clock time — DTSTART's local
 * date and time written as if it were UTC, so rrule never meets a DST change — and every
 * occurrence's wall-clock start is then placed in the correction's time zone by Temporal (the
 * role of DTSTART's TZID parameter). "Every Sunday 02:30 Europe/Berlin" so stays at 02:30 local in
 * winter and summer; on the Sunday that skips 02:00–03:00 it starts at 03:30 (RFC 5545: a
 * nonexistent local time moves forward by the gap). Durations are exact milliseconds.
 */
import * as rruleModule from 'rrule';
import { Temporal } from 'temporal-polyfill';
import { InputError } from '../errors.js';
import type { MinuteMask } from './minute-mask.js';
import { maskFromIntervals } from './minute-mask.js';
import type { TimeRange } from './time-window.js';
import { calendarAnchor } from './time-window.js';

// rrule ships CommonJS (a UMD bundle) for Node and ES modules for bundlers: under Node its named
// exports sit on the default export, under Vite on the namespace itself.
type RRuleModule = typeof import('rrule');
const rrule: RRuleModule =
  'RRule' in rruleModule && rruleModule.RRule !== undefined
    ? rruleModule
    : (rruleModule as unknown as { default: RRuleModule }).default;

export interface Correction {
  /** First (or only) start: local date-time in `timeZone` ('2024-03-03 02:00:00'), or an ISO instant. */
  start: string;
  /** IANA time zone of `start` and of the recurrence (DTSTART's TZID); default UTC. */
  timeZone?: string;
  durationMs: number;
  /** An RRULE value such as 'FREQ=WEEKLY;BYDAY=SU' (an 'RRULE:' prefix is allowed); null = once. */
  rrule?: string | null;
  /** Epoch ms: no occurrence starts at or after it. */
  until?: number | null;
}

const DAY_MS = 86_400_000;
const MAX_OCCURRENCES = 100_000;

function problem(path: string, message: string): InputError {
  return new InputError(message, [{ path, message }], 'INVALID_CORRECTION');
}

/** A wall-clock date-time in `zone`, as the UTC Date rrule works in. */
function floating(zoned: Temporal.ZonedDateTime): Date {
  return new Date(
    Date.UTC(
      zoned.year,
      zoned.month - 1,
      zoned.day,
      zoned.hour,
      zoned.minute,
      zoned.second,
      zoned.millisecond,
    ),
  );
}

function floatingAt(epochMs: number, zone: string): Date {
  return floating(Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(zone));
}

/** The instant of a floating wall-clock time in `zone` (nonexistent times move forward). */
function placed(wall: Date, zone: string): number {
  return new Temporal.PlainDateTime(
    wall.getUTCFullYear(),
    wall.getUTCMonth() + 1,
    wall.getUTCDate(),
    wall.getUTCHours(),
    wall.getUTCMinutes(),
    wall.getUTCSeconds(),
    wall.getUTCMilliseconds(),
  ).toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
}

function parseRule(text: string, zone: string): Partial<rruleModule.Options> {
  const value = text.trim().replace(/^RRULE:/i, '');
  if (/DTSTART|\n/i.test(value)) {
    throw problem('rrule', 'Give only the RRULE value; the start and time zone are fields of their own.');
  }
  let options: Partial<rruleModule.Options>;
  try {
    options = rrule.RRule.parseString(value);
  } catch (error) {
    throw problem('rrule', `'${text}' is not an RFC 5545 RRULE: ${(error as Error).message}`);
  }
  if (options.freq === undefined) throw problem('rrule', `'${text}' has no FREQ.`);
  if (options.freq === rrule.RRule.SECONDLY)
    throw problem('rrule', 'FREQ=SECONDLY is finer than minute buckets.');
  // UNTIL in UTC (…Z, as RFC 5545 asks with a zoned DTSTART) is an instant: make it wall-clock too.
  if (options.until && /UNTIL=\d{8}T\d{6}Z/i.test(value)) {
    options.until = floatingAt(options.until.getTime(), zone);
  }
  return options;
}

/**
 * The correction's occurrences that overlap `range`, as [start, end) epoch ms, in order.
 * Throws InputError for an unreadable start, zone, duration or rule.
 */
export function correctionIntervals(correction: Correction, range: TimeRange): TimeRange[] {
  const zone = correction.timeZone ?? 'UTC';
  let first: Temporal.ZonedDateTime;
  try {
    first = calendarAnchor(correction.start, zone);
  } catch (error) {
    const field = (error as InputError).errors?.[0]?.path === 'calendar.timeZone' ? 'timeZone' : 'start';
    throw problem(field, (error as Error).message);
  }
  const duration = correction.durationMs;
  if (!(Number.isSafeInteger(duration) && duration > 0)) {
    throw problem('duration', `A correction lasts a positive whole number of milliseconds, not ${duration}.`);
  }
  const until = correction.until ?? Number.POSITIVE_INFINITY;
  const overlaps = (start: number) => start < range.end && start + duration > range.start && start < until;
  if (!correction.rrule) {
    const start = first.epochMilliseconds;
    return overlaps(start) ? [{ start, end: start + duration }] : [];
  }
  const rule = new rrule.RRule({
    ...parseRule(correction.rrule, zone),
    dtstart: floating(first),
    tzid: null,
  });
  // Wall-clock bounds with a day of slack for offsets; exact filtering happens on instants.
  const after = floatingAt(range.start - duration - DAY_MS, zone);
  const before = floatingAt(Math.min(range.end, until) + DAY_MS, zone);
  const intervals: TimeRange[] = [];
  let seen = 0;
  rule.between(after, before, true, (wall) => {
    if (++seen > MAX_OCCURRENCES) {
      throw problem('rrule', `More than ${MAX_OCCURRENCES} occurrences in the range asked for.`);
    }
    const start = placed(wall, zone);
    if (overlaps(start)) intervals.push({ start, end: start + duration });
    return true;
  });
  return intervals.sort((a, b) => a.start - b.start);
}

/** The minutes excluded by corrections over `range`. */
export function correctionMask(corrections: readonly Correction[], range: TimeRange): MinuteMask {
  return maskFromIntervals(corrections.flatMap((c) => correctionIntervals(c, range)));
}
