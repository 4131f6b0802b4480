/**
 * Getting usage into a regular grid: CSV parsing, bucketing raw samples (max per step, because
 * capacity cares about peaks), validation, and gap filling before a model is fitted.
 */
import { CapacityInputError } from './errors.js';
import type { Series } from './types.js';

export interface Sample {
  t: number;
  v: number;
}

/** More buckets than this is a mistake (a year of one-second steps), not a capacity series. */
export const MAX_BUCKETS = 2_000_000;

/** Usage above this (an exabyte in bytes) is a unit mistake, and squared errors would overflow the fit. */
export const MAX_USAGE_VALUE = 1e18;

function checkValue(v: unknown, field: string, line?: number): number {
  const where = line === undefined ? field : `line ${line}: ${field.replace(/^.*\./, '')}`;
  if (typeof v !== 'number' || Number.isNaN(v))
    throw new CapacityInputError(field, `${where} is not a number.`, line);
  if (!Number.isFinite(v)) throw new CapacityInputError(field, `${where} must be finite, not ${v}.`, line);
  if (v < 0)
    throw new CapacityInputError(field, `${where} is negative (${v}); usage cannot be below 0.`, line);
  if (v > MAX_USAGE_VALUE)
    throw new CapacityInputError(field, `${where} is above 1e18 (${v}); use a larger unit.`, line);
  return v;
}

export function checkStep(stepMs: number): void {
  if (!(Number.isInteger(stepMs) && stepMs > 0)) {
    throw new CapacityInputError(
      'stepMs',
      `stepMs must be a positive whole number of milliseconds, not ${stepMs}.`,
    );
  }
}

/** Throws CapacityInputError unless the series is regular, non-empty and every value is a finite number ≥ 0 or null. */
export function validateSeries(series: Series): void {
  if (!Number.isFinite(series.start)) {
    throw new CapacityInputError('start', `start must be a timestamp in ms, not ${series.start}.`);
  }
  checkStep(series.stepMs);
  if (!Array.isArray(series.values) || series.values.length === 0) {
    throw new CapacityInputError('values', 'The series is empty: at least one value is needed.');
  }
  let known = 0;
  for (let i = 0; i < series.values.length; i++) {
    const v = series.values[i];
    if (v === null) continue;
    checkValue(v, `values[${i}]`);
    known++;
  }
  if (known === 0) throw new CapacityInputError('values', 'Every value in the series is a gap (null).');
}

/**
 * Buckets samples onto a grid of `stepMs` aligned to the epoch, keeping the maximum per step;
 * steps without a sample become null. Samples must be in time order (equal times are fine).
 */
export function seriesFromSamples(samples: Sample[], stepMs: number): Series {
  checkStep(stepMs);
  if (samples.length === 0) throw new CapacityInputError('samples', 'No samples: at least one is needed.');
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (typeof s.t !== 'number' || !Number.isFinite(s.t)) {
      throw new CapacityInputError(`samples[${i}].t`, `samples[${i}].t is not a timestamp: ${s.t}.`);
    }
    if (s.t < previous) {
      throw new CapacityInputError(
        `samples[${i}].t`,
        `samples[${i}].t (${new Date(s.t).toISOString()}) is earlier than the sample before it: samples must be in time order.`,
      );
    }
    previous = s.t;
    checkValue(s.v, `samples[${i}].v`);
  }
  const start = Math.floor(samples[0]!.t / stepMs) * stepMs;
  const length = Math.floor((samples[samples.length - 1]!.t - start) / stepMs) + 1;
  if (length > MAX_BUCKETS) {
    throw new CapacityInputError(
      'stepMs',
      `The samples span ${length} steps of ${stepMs} ms (more than ${MAX_BUCKETS}): use a larger step.`,
    );
  }
  const values: (number | null)[] = new Array(length).fill(null);
  for (const s of samples) {
    const k = Math.floor((s.t - start) / stepMs);
    const old = values[k];
    if (old === null || old === undefined || s.v > old) values[k] = s.v;
  }
  return { start, stepMs, values };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Unix seconds below 1e11 (year 5138), milliseconds above; ISO 8601 otherwise. NaN when neither. */
function parseTimestamp(raw: string): number {
  if (NUMBER.test(raw)) {
    const n = Number(raw);
    return Math.abs(n) < 1e11 ? n * 1000 : n;
  }
  if (!ISO_DATE.test(raw)) return Number.NaN;
  // A bare date or a date-time without offset is read as UTC, so results never depend on the host's zone.
  const normalised = raw.replace(' ', 'T');
  const withZone =
    /[T]\d{2}:\d{2}/.test(normalised) && !/(Z|[+-]\d{2}:?\d{2})$/.test(normalised)
      ? `${normalised}Z`
      : normalised;
  return Date.parse(withZone);
}

/**
 * Parses `timestamp,value` rows: ISO 8601 or unix seconds/milliseconds, an optional header line,
 * blank lines and `#` comments ignored. Errors name the line and the field.
 */
export function parseCsvSeries(text: string): Sample[] {
  const lines = text.split(/\r?\n/);
  const out: Sample[] = [];
  let firstData = true;
  let previousLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(/[,;\t]/).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    if (cells.length < 2) {
      throw new CapacityInputError(
        'timestamp',
        `line ${lineNo}: expected "timestamp,value", found ${JSON.stringify(line.slice(0, 60))}.`,
        lineNo,
      );
    }
    const [rawT, rawV] = cells as [string, string];
    const t = parseTimestamp(rawT);
    if (firstData && Number.isNaN(t) && !NUMBER.test(rawV)) {
      firstData = false; // a header such as "timestamp,value"
      continue;
    }
    firstData = false;
    if (Number.isNaN(t)) {
      throw new CapacityInputError(
        'timestamp',
        `line ${lineNo}: timestamp ${JSON.stringify(rawT)} is neither ISO 8601 nor unix seconds/milliseconds.`,
        lineNo,
      );
    }
    if (!NUMBER.test(rawV)) {
      throw new CapacityInputError(
        'value',
        `line ${lineNo}: value ${JSON.stringify(rawV)} is not a number.`,
        lineNo,
      );
    }
    const v = Number(rawV);
    checkValue(v, 'value', lineNo);
    const last = out[out.length - 1];
    if (last && t < last.t) {
      throw new CapacityInputError(
        'timestamp',
        `line ${lineNo}: timestamp ${rawT} is earlier than the one on line ${previousLine}: rows must be in time order.`,
        lineNo,
      );
    }
    out.push({ t, v });
    previousLine = lineNo;
  }
  if (out.length === 0)
    throw new CapacityInputError('timestamp', 'The CSV has no data rows ("timestamp,value").');
  return out;
}

export interface Prepared {
  /** Gap-free values, leading and trailing gaps trimmed. */
  y: Float64Array;
  /** Time of y[0]. */
  start: number;
  stepMs: number;
  notes: string[];
}

/** Trims leading/trailing gaps and fills inner gaps by linear interpolation, saying so. */
export function prepareSeries(series: Series): Prepared {
  validateSeries(series);
  const v = series.values;
  let first = 0;
  while (v[first] === null) first++;
  let last = v.length - 1;
  while (v[last] === null) last--;
  const n = last - first + 1;
  const y = new Float64Array(n);
  const notes: string[] = [];
  let gaps = 0;
  let missing = 0;
  let prevIndex = 0;
  for (let i = 0; i < n; i++) {
    const value = v[first + i];
    if (value === null || value === undefined) continue;
    if (i - prevIndex > 1) {
      gaps++;
      const a = y[prevIndex]!;
      const span = i - prevIndex;
      for (let k = prevIndex + 1; k < i; k++) y[k] = a + ((value - a) * (k - prevIndex)) / span;
      missing += span - 1;
    }
    y[i] = value;
    prevIndex = i;
  }
  if (gaps > 0) {
    notes.push(
      `${missing} missing point${missing === 1 ? '' : 's'} in ${gaps} gap${gaps === 1 ? '' : 's'} filled by linear interpolation before fitting.`,
    );
  }
  if (first > 0 || last < v.length - 1) {
    notes.push(`${first + (v.length - 1 - last)} leading/trailing missing point(s) ignored.`);
  }
  return { y, start: series.start + first * series.stepMs, stepMs: series.stepMs, notes };
}
