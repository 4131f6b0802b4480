/**
 * A layer's rotation: shift k starts at the k-th hand-off and goes to users[k mod n].
 *
 * The daylight-saving rule (GoAlert's, and PagerDuty's for daily and weekly rotations): hand-offs
 * are wall-clock times in the layer's zone, counted from the first one and never by chaining
 * shifts. Hand-off k is `start + handoffTime + k × shiftLength` added on the local calendar and
 * clock, then placed in the zone:
 *
 * - day and week shifts hand off at `handoffTime` every time, so the shift holding the spring
 *   change lasts an hour less (a 1d shift 23 h, a 1w shift 167 h) and the one holding the autumn
 *   change an hour more (25 h, 169 h);
 * - hour shifts keep their wall-clock times too (12h shifts hand off at 08:00 and 20:00 all year,
 *   not drifting to 09:00/21:00 after a change): the shift holding the change is an hour shorter
 *   or longer (11 h or 13 h), and a 1h shift whose hour is skipped is empty;
 * - a hand-off in the skipped hour happens at the same time after it (02:30 → 03:30 in Berlin), one
 *   in the repeated hour at its first occurrence (Temporal's `compatible`, as RFC 5545 does).
 *
 * So between any two hand-offs the wall clock always advances by exactly the shift length; only
 * the elapsed time changes, by the offset change, and only for a shift that holds the change.
 */
import { Temporal } from 'temporal-polyfill';
import type { Interval, Layer, LocalTime, Restriction, ShiftLength } from './model.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** `HH:MM` → minutes after midnight, or null. */
export function parseLocalTime(text: string): number | null {
  const m = LOCAL_TIME.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

function plainTime(text: LocalTime): Temporal.PlainTime {
  const minutes = parseLocalTime(text);
  if (minutes === null) throw new Error(`'${text}' is not a time HH:MM`);
  return new Temporal.PlainTime(Math.floor(minutes / 60), minutes % 60);
}

/** Epoch ms of a wall-clock date-time in a zone (a skipped time moves forward by the gap, a repeated one is the first). */
export function zonedMs(local: Temporal.PlainDateTime, timeZone: string): number {
  return local.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
}

/** The local date in `timeZone` at an instant. */
export function localDate(ms: number, timeZone: string): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone).toPlainDate();
}

/** The nominal length of a shift, for first guesses only. */
export function nominalMs(length: ShiftLength): number {
  return length.count * (length.unit === 'h' ? HOUR_MS : length.unit === 'd' ? DAY_MS : 7 * DAY_MS);
}

export interface Shift {
  index: number;
  user: string;
  start: number;
  end: number;
}

/** Hand-off arithmetic for one layer; build once and ask many times. */
export class LayerRotation {
  readonly layer: Layer;
  /** The first hand-off, as wall-clock time. */
  readonly anchor: Temporal.PlainDateTime;
  readonly startMs: number;
  /** Infinity when the layer never ends. */
  readonly endMs: number;
  readonly #nominal: number;
  readonly #cache = new Map<number, number>();

  constructor(layer: Layer) {
    if (layer.users.length === 0) throw new Error(`layer '${layer.name}' has no users`);
    if (!Number.isSafeInteger(layer.shiftLength.count) || layer.shiftLength.count <= 0)
      throw new Error(`layer '${layer.name}' needs a positive shift length`);
    this.layer = layer;
    this.anchor = Temporal.PlainDate.from(layer.start).toPlainDateTime(plainTime(layer.handoffTime));
    this.startMs = zonedMs(this.anchor, layer.timeZone);
    this.endMs =
      layer.end === null
        ? Number.POSITIVE_INFINITY
        : zonedMs(Temporal.PlainDateTime.from(layer.end), layer.timeZone);
    this.#nominal = nominalMs(layer.shiftLength);
  }

  /** Hand-off k as placed in the zone (k ≥ 0). */
  handoff(k: number): number {
    const cached = this.#cache.get(k);
    if (cached !== undefined) return cached;
    const { count, unit } = this.layer.shiftLength;
    const local =
      unit === 'h'
        ? this.anchor.add({ hours: k * count })
        : this.anchor.add({ days: k * count * (unit === 'w' ? 7 : 1) });
    const ms = zonedMs(local, this.layer.timeZone);
    if (this.#cache.size > 4096) this.#cache.clear();
    this.#cache.set(k, ms);
    return ms;
  }

  userOf(k: number): string {
    return this.layer.users[k % this.layer.users.length]!;
  }

  /** The index of the shift holding `t` (ignoring the layer's end), or -1 before the first. */
  indexAt(t: number): number {
    if (t < this.startMs) return -1;
    let k = Math.max(0, Math.floor((t - this.startMs) / this.#nominal));
    while (k > 0 && this.handoff(k) > t) k -= 1;
    while (this.handoff(k + 1) <= t) k += 1;
    return k;
  }

  /** The shift holding `t`, cut at the layer's end; null outside the layer. */
  shiftAt(t: number): Shift | null {
    if (t >= this.endMs) return null;
    const k = this.indexAt(t);
    if (k < 0) return null;
    return {
      index: k,
      user: this.userOf(k),
      start: this.handoff(k),
      end: Math.min(this.handoff(k + 1), this.endMs),
    };
  }

  /**
   * The shifts overlapping `range`, whole (not cut to the range), in order and without overlap.
   * Empty shifts (a 1h shift in the skipped hour) are left out.
   */
  shiftsOverlapping(range: Interval): Shift[] {
    const out: Shift[] = [];
    const from = Math.max(range.start, this.startMs);
    const to = Math.min(range.end, this.endMs);
    if (from >= to) return out;
    let k = this.indexAt(from);
    let start = this.handoff(k);
    while (start < to) {
      // Hand-offs never go backwards, even in a zone whose gap is longer than a shift.
      const end = Math.max(start, this.handoff(k + 1));
      const cut = Math.min(end, this.endMs);
      if (cut > start) out.push({ index: k, user: this.userOf(k), start, end: cut });
      k += 1;
      start = end;
    }
    return out;
  }
}

function restrictionWindowsOn(r: Restriction, day: Temporal.PlainDate, timeZone: string): Interval | null {
  if (r.type === 'daily') {
    if (r.days.length > 0 && !r.days.includes(day.dayOfWeek as never)) return null;
    const from = parseLocalTime(r.from)!;
    const to = parseLocalTime(r.to)!;
    const endDay = to <= from ? day.add({ days: 1 }) : day;
    return {
      start: zonedMs(day.toPlainDateTime(plainTime(r.from)), timeZone),
      end: zonedMs(endDay.toPlainDateTime(plainTime(r.to)), timeZone),
    };
  }
  if (day.dayOfWeek !== r.fromDay) return null;
  let days = (r.toDay - r.fromDay + 7) % 7;
  if (days === 0 && parseLocalTime(r.to)! <= parseLocalTime(r.from)!) days = 7;
  return {
    start: zonedMs(day.toPlainDateTime(plainTime(r.from)), timeZone),
    end: zonedMs(day.add({ days }).toPlainDateTime(plainTime(r.to)), timeZone),
  };
}

/** Sorted, merged, non-empty intervals. */
export function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}

/**
 * The union of a layer's restriction windows that overlap `range`, cut to it, in order. Windows
 * are wall-clock times like hand-offs: 09:00–17:00 is 8 h on most days and still 09:00–17:00 on
 * the days the clocks change (a window holding the change is an hour shorter or longer).
 */
export function restrictionWindows(
  restrictions: readonly Restriction[],
  timeZone: string,
  range: Interval,
): Interval[] {
  if (range.end <= range.start) return [];
  const windows: Interval[] = [];
  // A weekly window starts at most 7 days (a daily one 1 day) before the range it reaches into.
  let day = localDate(range.start, timeZone).subtract({ days: 8 });
  const last = localDate(range.end, timeZone).add({ days: 1 });
  while (Temporal.PlainDate.compare(day, last) <= 0) {
    for (const r of restrictions) {
      const w = restrictionWindowsOn(r, day, timeZone);
      if (w && w.end > range.start && w.start < range.end)
        windows.push({ start: Math.max(w.start, range.start), end: Math.min(w.end, range.end) });
    }
    day = day.add({ days: 1 });
  }
  return mergeIntervals(windows);
}

/** Is `t` inside one of the windows (for point questions; a range uses restrictionWindows)? */
export function insideRestrictions(
  restrictions: readonly Restriction[],
  timeZone: string,
  t: number,
): boolean {
  if (restrictions.length === 0) return true;
  return restrictionWindows(restrictions, timeZone, { start: t, end: t + 1 }).length > 0;
}
