/**
 * The demo's traffic simulator, as pure functions: per minute and per SLI stream, how many requests
 * came in and how many were good (or, for threshold SLIs, the measured value). Every number is a
 * function of (seed, stream, minute) alone — no state, no clock — so the backfill, the live feed and
 * a restart hours later all produce the same series, and tests can check any minute directly.
 *
 * Shape: a daily curve (quiet at 03:00 UTC, busiest mid-afternoon), weekends at 70 %, ±8 % noise,
 * baseline errors at a fraction of each SLO's budget, rare short blips that spend a little budget,
 * and scripted faults (a time range in which a stream's good ratio or value is forced).
 */

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;

/** A stream of (good, total) counts: availability, latency under a threshold, delivery success. */
export interface RatioStream {
  stream: string;
  kind: 'ratio';
  /** Requests per minute at the daily peak on a weekday. */
  peakPerMinute: number;
  /** The usual share of bad requests, e.g. 0.0003; it rises at night when traffic is thin. */
  badRatio: number;
}

/** A stream of one value per minute (a latency percentile in ms, a lag in s) for threshold SLIs. */
export interface ValueStream {
  stream: string;
  kind: 'value';
  /** The value at a quiet time; it rises with load by `loadEffect` at the peak. */
  base: number;
  loadEffect: number;
  /** Standard deviation of the minute-to-minute noise. */
  noise: number;
}

export type StreamSpec = RatioStream | ValueStream;

/** A scripted degradation: in [start, end) the stream's good ratio (or its value) is forced. */
export interface Fault {
  stream: string;
  start: number;
  end: number;
  /** Ratio streams: the share of good requests during the fault. */
  goodRatio?: number;
  /** Value streams: the value during the fault. */
  value?: number;
}

export type MinuteSample =
  | { stream: string; minute: number; good: number; total: number }
  | { stream: string; minute: number; value: number };

/** 32-bit FNV-1a of a string; mixes stream names into the hash below. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A uniform number in [0, 1) determined by its inputs (a splitmix-style integer hash). */
export function uniform(seed: number, stream: string, minuteIndex: number, salt = 0): number {
  let h = (fnv1a(stream) ^ Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(salt + 1, 0x85ebca6b)) >>> 0;
  h = (h + Math.imul(minuteIndex | 0, 0xc2b2ae35) + Math.floor(minuteIndex / 2 ** 32)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x21f0aaad);
  h ^= h >>> 15;
  h = Math.imul(h, 0x735a2d97);
  h ^= h >>> 15;
  return (h >>> 0) / 2 ** 32;
}

/** A standard normal number from two uniforms (Box–Muller). */
function normal(seed: number, stream: string, minuteIndex: number, salt: number): number {
  const u = Math.max(uniform(seed, stream, minuteIndex, salt), 1e-12);
  const v = uniform(seed, stream, minuteIndex, salt + 1);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Load relative to the weekday peak, in (0, 1]: a daily cosine with its low at 03:00 UTC and its
 * high at 15:00 (night at 25 % of the peak), times 0.7 on Saturdays and Sundays.
 */
export function seasonality(minute: number): number {
  const minuteIndex = Math.floor(minute / MINUTE_MS);
  const ofDay = ((minuteIndex % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
  const daily = 0.625 - 0.375 * Math.cos((2 * Math.PI * (ofDay - 180)) / DAY_MINUTES);
  const weekday = new Date(minuteIndex * MINUTE_MS).getUTCDay();
  const weekly = weekday === 0 || weekday === 6 ? 0.7 : 1;
  return daily * weekly;
}

/** Minutes of a blip: about one per stream every two days, 5–20 minutes of 6–12× the usual errors. */
function blipFactor(seed: number, stream: string, minuteIndex: number): number {
  const hour = Math.floor(minuteIndex / 60);
  if (uniform(seed, stream, hour, 101) >= 1 / 48) return 1;
  const startsAt = Math.floor(uniform(seed, stream, hour, 102) * 40);
  const length = 5 + Math.floor(uniform(seed, stream, hour, 103) * 16);
  const at = minuteIndex - hour * 60;
  if (at < startsAt || at >= startsAt + length) return 1;
  return 6 + 6 * uniform(seed, stream, hour, 104);
}

function activeFault(faults: readonly Fault[], stream: string, minute: number): Fault | undefined {
  return faults.find((f) => f.stream === stream && minute >= f.start && minute < f.end);
}

/** One stream's traffic in the minute starting at `minute` (epoch ms, floored to the minute). */
export function sampleMinute(
  spec: StreamSpec,
  minute: number,
  seed: number,
  faults: readonly Fault[] = [],
): MinuteSample {
  const start = Math.floor(minute / MINUTE_MS) * MINUTE_MS;
  const index = start / MINUTE_MS;
  const load = seasonality(start);
  const fault = activeFault(faults, spec.stream, start);
  if (spec.kind === 'value') {
    const value =
      fault?.value ?? spec.base + spec.loadEffect * load + spec.noise * normal(seed, spec.stream, index, 1);
    return { stream: spec.stream, minute: start, value: Math.max(0, Math.round(value * 10) / 10) };
  }
  const noise = 1 + 0.08 * normal(seed, spec.stream, index, 1);
  const total = Math.max(1, Math.round(spec.peakPerMinute * load * Math.max(0.5, noise)));
  let goodRatio: number;
  if (fault?.goodRatio !== undefined) goodRatio = fault.goodRatio;
  else {
    // Errors are a little more frequent at night (batch jobs, cold caches), and jitter per minute.
    const night = 1 + 0.6 * (1 - load);
    const jitter = 0.5 + uniform(seed, spec.stream, index, 3);
    goodRatio = 1 - Math.min(1, spec.badRatio * night * jitter * blipFactor(seed, spec.stream, index));
  }
  const good = Math.min(total, Math.round(total * goodRatio));
  return { stream: spec.stream, minute: start, good, total };
}

/** Every stream's samples for each minute in [from, to), minute by minute (time order). */
export function* samplesBetween(
  specs: readonly StreamSpec[],
  from: number,
  to: number,
  seed: number,
  faults: readonly Fault[] = [],
): Generator<MinuteSample> {
  const first = Math.ceil(from / MINUTE_MS) * MINUTE_MS;
  for (let minute = first; minute < to; minute += MINUTE_MS)
    for (const spec of specs) yield sampleMinute(spec, minute, seed, faults);
}

/**
 * The part of a minute's traffic that arrived in [from, to) within that minute, for a live feed
 * that sends a minute in several steps: counts in proportion to the time covered (fractions are
 * fine for ingest), a value as it is (a gauge: the last write of a minute wins).
 */
export function slice(sample: MinuteSample, from: number, to: number): MinuteSample | null {
  const lo = Math.max(from, sample.minute);
  const hi = Math.min(to, sample.minute + MINUTE_MS);
  if (hi <= lo) return null;
  if ('value' in sample) return sample;
  const share = (hi - lo) / MINUTE_MS;
  const round = (n: number) => Math.round(n * 1000) / 1000;
  const total = round(sample.total * share);
  return { ...sample, total, good: Math.min(total, round(sample.good * share)) };
}

/** An ingest record (one NDJSON line) for a sample, stamped at `ts` (default the minute's start). */
export function ingestRecord(sample: MinuteSample, ts = sample.minute): string {
  return 'value' in sample
    ? `{"stream":"${sample.stream}","ts":${ts},"value":${sample.value}}`
    : `{"stream":"${sample.stream}","ts":${ts},"good":${sample.good},"total":${sample.total}}`;
}

/** `90s`, `3m`, `2h`, `30d`, `0s` → milliseconds; null when unreadable. Negative not allowed. */
export function parseDemoDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) return null;
  const unit = { ms: 1, s: 1000, m: MINUTE_MS, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms'];
  return Math.round(Number(m[1]) * unit);
}
