/**
 * On-call schedules, modelled on PagerDuty's schedule layers (with GoAlert's and Opsgenie's
 * rotations as cross-checks): a schedule is an ordered list of layers, the first the lowest; where
 * two layers both have someone on call, the later (higher) layer wins, and where a layer has
 * nobody (outside its restrictions, before its start, after its end) the layers below show
 * through. Overrides sit above every layer.
 *
 * Times: every instant is epoch milliseconds; every wall-clock time (hand-off, restriction
 * windows, start and end) is read in the layer's IANA time zone. See rotation.ts for the
 * daylight-saving rule.
 */

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof WEEKDAY_NAMES)[number];

export type ShiftUnit = 'h' | 'd' | 'w';

/** A shift length: `12h`, `1d`, `1w`. */
export interface ShiftLength {
  count: number;
  unit: ShiftUnit;
}

/** `HH:MM`, 24-hour wall-clock time. */
export type LocalTime = string;

/**
 * A window every day (or on the `days` given): from `from` to `to` local time; `to` at or before
 * `from` runs past midnight into the next day (22:00–06:00).
 */
export interface DailyRestriction {
  type: 'daily';
  /** Days on which a window starts; empty = every day. */
  days: Weekday[];
  from: LocalTime;
  to: LocalTime;
}

/** A window once a week: from `fromDay from` to the next `toDay to` (mon 09:00 → fri 17:00). */
export interface WeeklyRestriction {
  type: 'weekly';
  fromDay: Weekday;
  from: LocalTime;
  toDay: Weekday;
  to: LocalTime;
}

export type Restriction = DailyRestriction | WeeklyRestriction;

export interface Layer {
  /** Unique within the schedule. */
  name: string;
  /** The rotation, in order; a name may appear more than once. */
  users: string[];
  shiftLength: ShiftLength;
  /** Wall-clock time of every hand-off (for hour shifts: of the first one, the others follow it). */
  handoffTime: LocalTime;
  /** Local date `YYYY-MM-DD` of the first shift; it starts at `handoffTime` that day. */
  start: string;
  /** Local date-time `YYYY-MM-DDTHH:MM` at which the layer stops; null = never. */
  end: string | null;
  timeZone: string;
  /** On call only inside these windows (their union); none = always. */
  restrictions: Restriction[];
}

export interface Schedule {
  name: string;
  /** The schedule's own zone (display, iCal); layers default to it. */
  timeZone: string;
  /** Lowest first: a later layer wins over an earlier one. */
  layers: Layer[];
}

/** A person on call instead of the layers, for [start, end). Later overrides win over earlier ones. */
export interface Override {
  id: string;
  user: string;
  start: number;
  end: number;
}

/** [start, end) in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

/** Which rule put someone on call: a layer's shift, an override, or nothing (a gap). */
export type EntrySource =
  | {
      type: 'layer';
      layer: string;
      /** Position of the layer in the schedule, 0 = lowest. */
      layerIndex: number;
      /** The shift's index in its layer's rotation (0 = the first shift from `start`). */
      shift: number;
      /** The whole shift, before restrictions, higher layers and overrides cut it. */
      shiftStart: number;
      shiftEnd: number;
    }
  | { type: 'override'; id: string }
  | { type: 'none' };

/** One piece of the final schedule; `user` null = nobody on call. */
export interface FinalEntry {
  start: number;
  end: number;
  user: string | null;
  source: EntrySource;
}
