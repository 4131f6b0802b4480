/**
 * A bucket series: per-minute sums of a few channels — good and total events, or for the
 * timeslice methods good units, slices with data and slices without — answering the sum over
 * any minute range [from, to) with two lookups, whatever its length. Every SLO number is a
 * ratio of such sums, never an average of ratios.
 *
 * Memory. Thirty days of one-minute Float64 (good, total) buckets are 43 200 × 16 B = 691 KB
 * per SLO, 6.9 GB for 10 000 SLOs. A series keeps instead
 *  - hour prefix sums over its whole span: (hours + 1) × channels × 8 B, 11.5 KB for 30 days
 *    of two channels;
 *  - minute resolution only in a few hour blocks, 61 within-hour prefix sums per channel each
 *    (976 B for two channels): the newest hour, and the hours where a window edge falls during
 *    the next `horizon` minutes (`edgeRanges`: the trailing edge of each window length, fixed
 *    edges such as a calendar period's start).
 * cum(m) = hour prefix at m's hour + the block's within-hour sum at m's minute, and
 * sum(from, to) = cum(to) − cum(from). Nothing is approximated: every stored number is a sum of
 * bucket values, exact in Float64 for integers below 2^53. For the seven burn-rate windows, the
 * 7-day forecast look-back and a 30-day window with a one-hour horizon a series holds 12–16
 * blocks, about 25–28 KB per SLO (bench/slo-math.mjs measures it).
 *
 * Exactness needs the minutes of the hour where an edge falls. An edge inside an hour that holds
 * data but no block throws MinutesNotRetainedError naming the hour; the evaluator asks ahead with
 * `missingHours(edgeRanges(…))`, reads those hours' minutes from the bucket store and installs
 * them with `setHourMinutes` — a few hours per SLO per horizon. An hour without data needs none.
 */
import { HeadroomError, InputError } from '../errors.js';
import type { MinuteMask } from './minute-mask.js';
import { isMasked } from './minute-mask.js';
import type { MinuteRange } from './time-window.js';

/** Within-hour prefix sums at minute offsets 0‥60. */
const BLOCK = 61;
const MAX_CHANNELS = 8;

/** Bucket records: parallel arrays, any order; records of the same minute add up. */
export interface MinuteBuckets {
  /** Minute index of each record (epoch ms ÷ 60 000, an integer). */
  minutes: ArrayLike<number>;
  /** One array of values per channel (finite, ≥ 0), parallel to `minutes`. */
  channels: readonly ArrayLike<number>[];
}

export class MinutesNotRetainedError extends HeadroomError {
  readonly hour: number;

  constructor(hour: number) {
    super(
      'MINUTES_NOT_RETAINED',
      500,
      `The minute buckets of hour ${hour} (minutes ${hour * 60}–${hour * 60 + 59}) are not held; load them with setHourMinutes.`,
    );
    this.hour = hour;
  }
}

export interface BuildOptions {
  /** The span held: records outside [fromMinute, toMinute) are left out. */
  fromMinute: number;
  toMinute: number;
  /** Minutes where window edges will fall (`edgeRanges`), or 'all' for minute resolution everywhere. */
  keep: readonly MinuteRange[] | 'all';
  /** Minutes under budget corrections: their buckets count for nothing. */
  mask?: MinuteMask;
}

function badInput(message: string): InputError {
  return new InputError(message, undefined, 'INVALID_BUCKETS');
}

function checkValue(v: number): void {
  if (!(v >= 0 && v < Number.POSITIVE_INFINITY))
    throw badInput(`Bucket values must be finite and ≥ 0, not ${v}.`);
}

function checkMinute(m: number): void {
  if (!Number.isSafeInteger(m)) throw badInput(`A minute index must be an integer, not ${m}.`);
}

/**
 * The minutes where window edges fall while `now` moves over the next `horizonMinutes`: the
 * leading edge, the trailing edge of each window length, and fixed edges (a calendar period's
 * start). `nowMinute` is the `to` of windows ending now (`minuteAfter(now)`).
 */
export function edgeRanges(
  nowMinute: number,
  windowMinutes: readonly number[],
  horizonMinutes: number,
  fixedEdges: readonly number[] = [],
): MinuteRange[] {
  const ranges: MinuteRange[] = [{ from: nowMinute, to: nowMinute + horizonMinutes + 1 }];
  for (const w of windowMinutes) ranges.push({ from: nowMinute - w, to: nowMinute - w + horizonMinutes + 1 });
  for (const e of fixedEdges) ranges.push({ from: e, to: e + 1 });
  return ranges;
}

export class BucketSeries {
  readonly channels: number;
  #firstHour: number;
  #hours: number;
  /** hourCum[i × C + c]: channel c summed over the hours before firstHour + i (i = 0‥hours). */
  #hourCum: Float64Array;
  readonly #slots = new Map<number, number>();
  /** blockCum[(slot × 61 + k) × C + c]: channel c summed over the block hour's minutes before k. */
  #blockCum: Float64Array;
  readonly #free: number[] = [];
  #slotsUsed = 0;

  /** An empty series spanning [fromMinute, toMinute), rounded out to whole hours. */
  constructor(channels: number, fromMinute: number, toMinute: number) {
    if (!Number.isInteger(channels) || channels < 1 || channels > MAX_CHANNELS) {
      throw badInput(`A series has 1 to ${MAX_CHANNELS} channels, not ${channels}.`);
    }
    checkMinute(fromMinute);
    checkMinute(toMinute);
    if (toMinute <= fromMinute) throw badInput('A series needs toMinute > fromMinute.');
    this.channels = channels;
    this.#firstHour = Math.floor(fromMinute / 60);
    this.#hours = Math.floor((toMinute - 1) / 60) - this.#firstHour + 1;
    this.#hourCum = new Float64Array((this.#hours + 1) * channels);
    this.#blockCum = new Float64Array(4 * BLOCK * channels);
  }

  /** Builds a series from bucket records in one pass. */
  static build(buckets: MinuteBuckets, options: BuildOptions): BucketSeries {
    const C = buckets.channels.length;
    const series = new BucketSeries(C, options.fromMinute, options.toMinute);
    const first = series.#firstHour;
    const H = series.#hours;
    const slotOf = new Int32Array(H).fill(-1);
    const keepHour = (i: number) => {
      if (i >= 0 && i < H && slotOf[i] === -1) slotOf[i] = series.#allocBlock(first + i);
    };
    if (options.keep === 'all') for (let i = 0; i < H; i++) keepHour(i);
    else {
      for (const r of options.keep) {
        if (r.to <= r.from) continue;
        const lo = Math.max(Math.floor(r.from / 60) - first, 0);
        const hi = Math.min(Math.floor((r.to - 1) / 60) - first, H - 1);
        for (let i = lo; i <= hi; i++) keepHour(i);
      }
    }
    keepHour(H - 1);

    const hourCum = series.#hourCum;
    const blockCum = series.#blockCum;
    const { minutes, channels } = buckets;
    const mask = options.mask !== undefined && options.mask.ranges.length > 0 ? options.mask : undefined;
    for (let r = 0; r < minutes.length; r++) {
      const m = minutes[r]!;
      checkMinute(m);
      if (m < options.fromMinute || m >= options.toMinute) continue;
      if (mask !== undefined && isMasked(mask, m)) continue;
      const h = Math.floor(m / 60);
      const i = h - first;
      const slot = slotOf[i]!;
      const blockAt = (slot * BLOCK + (m - h * 60) + 1) * C;
      for (let c = 0; c < C; c++) {
        const v = channels[c]![r]!;
        checkValue(v);
        hourCum[(i + 1) * C + c]! += v;
        if (slot >= 0) blockCum[blockAt + c]! += v;
      }
    }
    for (let j = C; j < (H + 1) * C; j++) hourCum[j]! += hourCum[j - C]!;
    for (const slot of series.#slots.values()) {
      const base = slot * BLOCK * C;
      for (let j = base + C; j < base + BLOCK * C; j++) blockCum[j]! += blockCum[j - C]!;
    }
    return series;
  }

  /**
   * A series from hour sums alone (the store's hour roll-ups): `hours[i]` is an epoch hour and
   * `channels[c][i]` its sum. No hour holds minutes yet: install the ones window edges need
   * (`missingHours`, then `setHourMinutes`), the newest hour included.
   */
  static fromHours(
    sums: { hours: ArrayLike<number>; channels: readonly ArrayLike<number>[] },
    fromMinute: number,
    toMinute: number,
  ): BucketSeries {
    const C = sums.channels.length;
    const series = new BucketSeries(C, fromMinute, toMinute);
    const first = series.#firstHour;
    const H = series.#hours;
    const hourCum = series.#hourCum;
    for (let r = 0; r < sums.hours.length; r++) {
      const h = sums.hours[r]!;
      checkMinute(h);
      const i = h - first;
      if (i < 0 || i >= H) continue;
      for (let c = 0; c < C; c++) {
        const v = sums.channels[c]![r]!;
        checkValue(v);
        hourCum[(i + 1) * C + c]! += v;
      }
    }
    for (let j = C; j < (H + 1) * C; j++) hourCum[j]! += hourCum[j - C]!;
    return series;
  }

  /** Extends the span to end at `toMinute` or later (time moving on); new hours are empty. */
  extendTo(toMinute: number): void {
    checkMinute(toMinute);
    const hours = Math.floor((toMinute - 1) / 60) - this.#firstHour + 1;
    if (hours > this.#hours) this.#extendTo(hours);
  }

  /** First minute of the span (an hour boundary). */
  get fromMinute(): number {
    return this.#firstHour * 60;
  }

  /** End of the span (an hour boundary); data added later extends it. */
  get toMinute(): number {
    return (this.#firstHour + this.#hours) * 60;
  }

  /** Hours held at minute resolution. */
  get blockHours(): number[] {
    return [...this.#slots.keys()].sort((a, b) => a - b);
  }

  /** Bytes of the typed arrays behind the series (allocated capacity). */
  get byteSize(): number {
    return this.#hourCum.byteLength + this.#blockCum.byteLength;
  }

  #allocBlock(hour: number): number {
    let slot = this.#free.pop();
    if (slot === undefined) {
      slot = this.#slotsUsed++;
      const needed = this.#slotsUsed * BLOCK * this.channels;
      if (needed > this.#blockCum.length) {
        const grown = new Float64Array(Math.max(needed, this.#blockCum.length * 2));
        grown.set(this.#blockCum);
        this.#blockCum = grown;
      }
    }
    this.#blockCum.fill(0, slot * BLOCK * this.channels, (slot + 1) * BLOCK * this.channels);
    this.#slots.set(hour, slot);
    return slot;
  }

  #hourHasData(i: number): boolean {
    const C = this.channels;
    for (let c = 0; c < C; c++) if (this.#hourCum[(i + 1) * C + c] !== this.#hourCum[i * C + c]) return true;
    return false;
  }

  /** Adds `sign × cum(m)` for every channel to `out`. */
  #addCum(m: number, out: Float64Array | number[], sign: number): void {
    const C = this.channels;
    const hourCum = this.#hourCum;
    const h = Math.floor(m / 60);
    let i = h - this.#firstHour;
    let k = m - h * 60;
    if (i < 0) {
      i = 0;
      k = 0;
    } else if (i >= this.#hours) {
      i = this.#hours;
      k = 0;
    }
    const at = i * C;
    if (k === 0) {
      for (let c = 0; c < C; c++) out[c]! += sign * hourCum[at + c]!;
      return;
    }
    const slot = this.#slots.get(h);
    if (slot === undefined) {
      if (this.#hourHasData(i)) throw new MinutesNotRetainedError(h);
      for (let c = 0; c < C; c++) out[c]! += sign * hourCum[at + c]!;
      return;
    }
    const blockAt = (slot * BLOCK + k) * C;
    for (let c = 0; c < C; c++) out[c]! += sign * (hourCum[at + c]! + this.#blockCum[blockAt + c]!);
  }

  /** Writes the sum of each channel over minutes [from, to) to out[0‥channels). */
  sumInto<T extends Float64Array | number[]>(from: number, to: number, out: T): T {
    for (let c = 0; c < this.channels; c++) out[c] = 0;
    if (to <= from) return out;
    this.#addCum(to, out, 1);
    this.#addCum(from, out, -1);
    return out;
  }

  /** The sum of one channel over minutes [from, to). */
  sum(from: number, to: number, channel = 0): number {
    return this.sumInto(from, to, new Float64Array(this.channels))[channel]!;
  }

  /** True when window edges at `minute` can be answered exactly. */
  retains(minute: number): boolean {
    const h = Math.floor(minute / 60);
    const i = h - this.#firstHour;
    return minute % 60 === 0 || i < 0 || i >= this.#hours || this.#slots.has(h) || !this.#hourHasData(i);
  }

  /** True when `set` can write minutes of `hour`: it holds them, or it is the newest hour and still empty. */
  canSetMinutes(hour: number): boolean {
    if (this.#slots.has(hour)) return true;
    const i = hour - this.#firstHour;
    return i === this.#hours - 1 && !this.#hourHasData(i);
  }

  /** Hours in `ranges` that hold data but no minutes: load them with setHourMinutes. */
  missingHours(ranges: readonly MinuteRange[]): number[] {
    const missing = new Set<number>();
    for (const r of ranges) {
      if (r.to <= r.from) continue;
      for (let h = Math.floor(r.from / 60); h <= Math.floor((r.to - 1) / 60); h++) {
        const i = h - this.#firstHour;
        if (i >= 0 && i < this.#hours && !this.#slots.has(h) && this.#hourHasData(i)) missing.add(h);
      }
    }
    return [...missing].sort((a, b) => a - b);
  }

  /**
   * Adds one minute's values (data arriving after the build, late data too). The newest hour
   * keeps its minutes; an older hour without a block gets its hour sums updated only.
   * Returns false when the minute is before the span (too old to count).
   */
  add(minute: number, values: ArrayLike<number>): boolean {
    return this.#write(minute, values, false);
  }

  /**
   * Sets one minute's values instead of adding to them — for a slice record whose slice is
   * still filling (its good units can fall back from 1 to 0). The minute's hour must hold its
   * minutes (the newest hour does), else MinutesNotRetainedError. False before the span.
   */
  set(minute: number, values: ArrayLike<number>): boolean {
    return this.#write(minute, values, true);
  }

  #write(minute: number, values: ArrayLike<number>, replace: boolean): boolean {
    checkMinute(minute);
    const C = this.channels;
    for (let c = 0; c < C; c++) checkValue(values[c] ?? 0);
    const h = Math.floor(minute / 60);
    if (h < this.#firstHour) return false;
    if (h >= this.#firstHour + this.#hours) this.#extendTo(h - this.#firstHour + 1);
    const i = h - this.#firstHour;
    const H = this.#hours;
    let slot = this.#slots.get(h);
    if (slot === undefined && i === H - 1 && !this.#hourHasData(i)) slot = this.#allocBlock(h);
    if (slot === undefined && replace) throw new MinutesNotRetainedError(h);
    const hourCum = this.#hourCum;
    const blockCum = this.#blockCum;
    const k0 = minute - h * 60;
    for (let c = 0; c < C; c++) {
      let v = values[c] ?? 0;
      if (replace) v -= blockCum[(slot! * BLOCK + k0 + 1) * C + c]! - blockCum[(slot! * BLOCK + k0) * C + c]!;
      if (v === 0) continue;
      for (let j = i + 1; j <= H; j++) hourCum[j * C + c]! += v;
      if (slot !== undefined) {
        for (let k = k0 + 1; k <= 60; k++) blockCum[(slot * BLOCK + k) * C + c]! += v;
      }
    }
    return true;
  }

  #extendTo(hours: number): void {
    const C = this.channels;
    const needed = (hours + 1) * C;
    if (needed > this.#hourCum.length) {
      const grown = new Float64Array(Math.max(needed, this.#hourCum.length * 2));
      grown.set(this.#hourCum.subarray(0, (this.#hours + 1) * C));
      this.#hourCum = grown;
    }
    const last = this.#hours * C;
    for (let j = last + C; j < needed; j++) this.#hourCum[j] = this.#hourCum[last + ((j - last) % C)]!;
    this.#hours = hours;
  }

  /**
   * Installs the minutes of one hour (from the bucket store): `minutes[c][k]` is channel c at
   * minute hour × 60 + k. The hour's sums follow the minutes given, so late data is taken in.
   */
  setHourMinutes(hour: number, minutes: readonly ArrayLike<number>[], mask?: MinuteMask): void {
    const C = this.channels;
    const i = hour - this.#firstHour;
    if (!Number.isInteger(hour) || i < 0 || i >= this.#hours) {
      throw badInput(`Hour ${hour} is outside the series' span.`);
    }
    const slot = this.#slots.get(hour) ?? this.#allocBlock(hour);
    const blockCum = this.#blockCum;
    const base = slot * BLOCK * C;
    for (let k = 0; k < 60; k++) {
      const masked = mask !== undefined && isMasked(mask, hour * 60 + k);
      for (let c = 0; c < C; c++) {
        const v = masked ? 0 : (minutes[c]?.[k] ?? 0);
        checkValue(v);
        blockCum[base + (k + 1) * C + c] = blockCum[base + k * C + c]! + v;
      }
    }
    for (let c = 0; c < C; c++) {
      const delta =
        blockCum[base + 60 * C + c]! - (this.#hourCum[(i + 1) * C + c]! - this.#hourCum[i * C + c]!);
      if (delta !== 0) for (let j = i + 1; j <= this.#hours; j++) this.#hourCum[j * C + c]! += delta;
    }
  }

  /** Frees the blocks of hours outside `keep`, except the newest hour's. */
  dropBlocks(keep: readonly MinuteRange[]): void {
    const newest = this.#firstHour + this.#hours - 1;
    for (const [hour, slot] of this.#slots) {
      if (hour === newest) continue;
      const needed = keep.some(
        (r) => r.to > r.from && hour >= Math.floor(r.from / 60) && hour <= Math.floor((r.to - 1) / 60),
      );
      if (!needed) {
        this.#slots.delete(hour);
        this.#free.push(slot);
      }
    }
  }

  /** Forgets the whole hours before `minute`; sums reaching back before the span count from its start. */
  compact(minute: number): void {
    const C = this.channels;
    const drop = Math.min(Math.floor(minute / 60) - this.#firstHour, this.#hours - 1);
    if (drop <= 0) return;
    this.#hourCum.copyWithin(0, drop * C, (this.#hours + 1) * C);
    this.#firstHour += drop;
    this.#hours -= drop;
    for (const [hour, slot] of this.#slots) {
      if (hour < this.#firstHour) {
        this.#slots.delete(hour);
        this.#free.push(slot);
      }
    }
  }
}
