/**
 * Minutes excluded from every SLO sum — the buckets under a budget correction count neither
 * for nor against the budget. A mask is a sorted list of disjoint minute ranges.
 */
import type { MinuteRange, TimeRange } from './time-window.js';
import { MINUTE_MS } from './time-window.js';

export interface MinuteMask {
  /** Sorted by `from`, disjoint and not touching. */
  readonly ranges: readonly MinuteRange[];
}

export const EMPTY_MASK: MinuteMask = Object.freeze({ ranges: Object.freeze([]) as readonly MinuteRange[] });

/** Merges any ranges (overlapping, touching, unsorted, empty) into a mask. */
export function maskFromRanges(ranges: Iterable<MinuteRange>): MinuteMask {
  const sorted = [...ranges].filter((r) => r.to > r.from).sort((a, b) => a.from - b.from);
  const merged: MinuteRange[] = [];
  for (const r of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && r.from <= last.to) last.to = Math.max(last.to, r.to);
    else merged.push({ from: r.from, to: r.to });
  }
  return { ranges: merged };
}

/**
 * The minutes that correction intervals touch: a minute is excluded when any part of it lies
 * inside an interval (a maintenance from 02:00:30 excludes the whole minute 02:00).
 */
export function maskFromIntervals(intervals: Iterable<TimeRange>): MinuteMask {
  const ranges: MinuteRange[] = [];
  for (const i of intervals) {
    if (i.end > i.start)
      ranges.push({ from: Math.floor(i.start / MINUTE_MS), to: Math.ceil(i.end / MINUTE_MS) });
  }
  return maskFromRanges(ranges);
}

/** Index of the last range with from ≤ minute, or −1. */
function rangeAtOrBefore(mask: MinuteMask, minute: number): number {
  let lo = 0;
  let hi = mask.ranges.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (mask.ranges[mid]!.from <= minute) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export function isMasked(mask: MinuteMask, minute: number): boolean {
  const i = rangeAtOrBefore(mask, minute);
  return i >= 0 && minute < mask.ranges[i]!.to;
}

/** How many minutes of [from, to) the mask excludes. */
export function maskedMinutes(mask: MinuteMask, from: number, to: number): number {
  let count = 0;
  for (let i = Math.max(0, rangeAtOrBefore(mask, from)); i < mask.ranges.length; i++) {
    const r = mask.ranges[i]!;
    if (r.from >= to) break;
    count += Math.max(0, Math.min(r.to, to) - Math.max(r.from, from));
  }
  return count;
}
