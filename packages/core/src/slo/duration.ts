/**
 * OpenSLO's duration shorthand: a positive integer and a case-sensitive unit,
 * `m` minutes, `h` hours, `d` days, `w` weeks, `M` months, `Q` quarters, `Y` years.
 * m/h/d/w have a fixed length; M/Q/Y are calendar units whose length depends on where
 * they start (and on the time zone), so they have no fixed millisecond value.
 */
export type DurationUnit = 'm' | 'h' | 'd' | 'w' | 'M' | 'Q' | 'Y';

export interface Duration {
  count: number;
  unit: DurationUnit;
}

const FIXED_MS: Partial<Record<DurationUnit, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

const SHORTHAND = /^([1-9][0-9]*)([mhdwMQY])$/;

/** Parses `30d`, `1M`, `5m`…; returns null for anything else (callers report the field). */
export function parseDuration(text: string): Duration | null {
  const match = SHORTHAND.exec(text.trim());
  if (!match) return null;
  const count = Number(match[1]);
  if (!Number.isSafeInteger(count)) return null;
  return { count, unit: match[2] as DurationUnit };
}

export function formatDuration(duration: Duration): string {
  return `${duration.count}${duration.unit}`;
}

/** Milliseconds of a fixed-length duration, or null for calendar units (M, Q, Y). */
export function fixedDurationMs(duration: Duration): number | null {
  const unit = FIXED_MS[duration.unit];
  return unit === undefined ? null : duration.count * unit;
}

export function isCalendarUnit(unit: DurationUnit): boolean {
  return unit === 'M' || unit === 'Q' || unit === 'Y';
}
