/**
 * Validation of ingest records and their aggregation per (stream, minute), without a schema
 * validator: a batch of 50,000 records is checked field by field and summed into a few thousand
 * buckets before the database sees it. A record holds counts (good or bad, and total) or one
 * value (threshold and raw SLIs); values are gauges, so the last one for a minute wins. NDJSON lines go through a scanner first (./scan.ts), which
 * reads the usual flat record without building an object; anything else takes JSON.parse.
 */
import {
  type IngestRejection,
  type IngestRejectionCode,
  STREAM_NAME_PATTERN,
} from '@headroom/core/api/ingest';
import { scanRecord } from './scan.js';

/** At most this many rejected records are listed in a reply; `rejected` always counts all. */
export const MAX_LISTED_REJECTIONS = 1000;
/** How far ahead of the server's clock a record may be (clock skew between senders and server). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

const STREAM = new RegExp(STREAM_NAME_PATTERN);
const FIELDS = new Set(['stream', 'ts', 'good', 'bad', 'total', 'value']);
export interface Bucket {
  good: number;
  total: number;
}

/** The minutes a batch may write: not older than the retention period, not in the future. */
export interface AcceptWindow {
  /** Oldest accepted epoch minute. */
  oldestMinute: number;
  /** Newest accepted time, epoch ms. */
  newestMs: number;
  retentionDays: number;
}

export function acceptWindow(now: number, retentionDays: number): AcceptWindow {
  return {
    oldestMinute: Math.floor((now - retentionDays * 86_400_000) / 60_000),
    newestMs: now + FUTURE_TOLERANCE_MS,
    retentionDays,
  };
}

function digits(text: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Epoch ms of an RFC 3339 date-time (`2026-03-01T12:00:05.250Z`, `…+02:00`; `t`, `z` and a
 * space for `T` too), or NaN. A time zone is required, so a timestamp never depends on the
 * server's. Read by hand: Date.parse accepts 30 February and other forms, and is slower.
 */
export function parseTimestamp(text: string): number {
  const length = text.length;
  if (length < 20 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return Number.NaN;
  const t = text.charCodeAt(10);
  if (!(t === 84 || t === 116 || t === 32) || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58)
    return Number.NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return Number.NaN;
  let p = 19;
  let ms = 0;
  if (text.charCodeAt(p) === 46) {
    const from = ++p;
    for (let scale = 100; p < length; p++, scale /= 10) {
      const d = text.charCodeAt(p) - 48;
      if (d < 0 || d > 9) break;
      if (scale >= 1) ms += d * scale; // milliseconds; finer digits are truncated, as Date.parse does
    }
    if (p === from) return Number.NaN;
  }
  let offset = 0;
  const z = text.charCodeAt(p);
  if (z === 90 || z === 122) p++;
  else if ((z === 43 || z === 45) && text.charCodeAt(p + 3) === 58) {
    const oh = digits(text, p + 1, 2);
    const om = digits(text, p + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return Number.NaN;
    offset = (z === 43 ? 1 : -1) * (oh * 60 + om) * 60_000;
    p += 6;
  } else return Number.NaN;
  if (p !== length) return Number.NaN;
  // Date.UTC reads years 0–99 as 1900–1999: shift by 400 years (the calendar's whole cycle).
  if (year < 100)
    return Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - offset - 12_622_780_800_000;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - offset;
}

/** Where a record sits in the body: a 1-based NDJSON line or a 0-based JSON array index. */
type Position = 'line' | 'index';

/** The values of one record as read; `undefined` when the field is absent. */
export interface RecordFields {
  stream: unknown;
  ts: unknown;
  good: unknown;
  bad: unknown;
  total: unknown;
  value: unknown;
}

export class BatchAggregator {
  /** stream → minute → sums; only accepted records reach it. */
  readonly streams = new Map<string, Map<number, Bucket>>();
  /** stream → minute → value of value records; a later record for the same minute replaces it. */
  readonly values = new Map<string, Map<number, number>>();
  accepted = 0;
  rejected = 0;
  readonly errors: IngestRejection[] = [];

  constructor(
    private readonly window: AcceptWindow,
    private readonly position: Position,
  ) {}

  get errorsTruncated(): boolean {
    return this.rejected > this.errors.length;
  }

  reject(at: number, code: IngestRejectionCode, reason: string, field?: string): void {
    this.rejected++;
    if (this.errors.length >= MAX_LISTED_REJECTIONS) return;
    const error: IngestRejection =
      this.position === 'line' ? { line: at, code, reason } : { index: at, code, reason };
    if (field !== undefined) error.field = field;
    this.errors.push(error);
  }

  /** Validates one record's values and adds it to its bucket, or records why not. */
  add(at: number, r: RecordFields): void {
    const { stream } = r;
    if (typeof stream !== 'string') {
      this.reject(
        at,
        'INVALID_STREAM',
        stream === undefined ? 'stream is required' : 'stream must be a string',
        'stream',
      );
      return;
    }
    let buckets = this.streams.get(stream);
    if (buckets === undefined && !this.values.has(stream) && !STREAM.test(stream)) {
      this.reject(
        at,
        'INVALID_STREAM',
        `stream '${stream.slice(0, 300)}' is not a stream name (lower-case letters, digits, and - . _ / inside; at most 253)`,
        'stream',
      );
      return;
    }

    const ms = typeof r.ts === 'number' ? r.ts : typeof r.ts === 'string' ? parseTimestamp(r.ts) : Number.NaN;
    if (!Number.isFinite(ms)) {
      this.reject(
        at,
        'INVALID_TIMESTAMP',
        r.ts === undefined
          ? 'ts is required'
          : 'ts must be an RFC 3339 timestamp with a time zone (2026-03-01T12:00:00Z) or epoch milliseconds',
        'ts',
      );
      return;
    }
    if (ms > this.window.newestMs) {
      this.reject(at, 'IN_FUTURE', `ts ${iso(ms)} is more than 5 minutes ahead of the server's clock`, 'ts');
      return;
    }
    const minute = Math.floor(ms / 60_000);
    if (minute < this.window.oldestMinute) {
      const hint =
        typeof r.ts === 'number' && ms >= 1e8 && ms < 1e11
          ? '; it looks like epoch seconds: send milliseconds'
          : '';
      this.reject(
        at,
        'TOO_OLD',
        `ts ${iso(ms)} is older than the retention period of ${this.window.retentionDays} days${hint}`,
        'ts',
      );
      return;
    }

    const { total, good, bad } = r;
    if (r.value !== undefined) {
      this.addValue(at, stream, minute, r);
      return;
    }
    if (!isCount(total)) {
      const nothing = total === undefined && good === undefined && bad === undefined;
      const reason = nothing
        ? 'give counts (good or bad, with total) or a value'
        : countProblem('total', total);
      this.reject(at, 'INVALID_COUNT', reason, 'total');
      return;
    }
    if ((good === undefined) === (bad === undefined)) {
      this.reject(
        at,
        'GOOD_OR_BAD_REQUIRED',
        good === undefined ? 'give good or bad (with total)' : 'give good or bad, not both',
        good === undefined ? 'good' : 'bad',
      );
      return;
    }
    const field = good === undefined ? 'bad' : 'good';
    const count = good === undefined ? bad : good;
    if (!isCount(count)) {
      this.reject(at, 'INVALID_COUNT', countProblem(field, count), field);
      return;
    }
    if (count > total) {
      this.reject(at, 'COUNT_EXCEEDS_TOTAL', `${field} (${count}) is greater than total (${total})`, field);
      return;
    }

    if (buckets === undefined) {
      buckets = new Map();
      this.streams.set(stream, buckets);
    }
    const bucket = buckets.get(minute);
    const goodCount = good === undefined ? total - count : count;
    if (bucket === undefined) buckets.set(minute, { good: goodCount, total });
    else {
      bucket.good += goodCount;
      bucket.total += total;
    }
    this.accepted++;
  }

  /** A value record: one number for its stream and minute, never with counts. */
  private addValue(at: number, stream: string, minute: number, r: RecordFields): void {
    const counts = (['good', 'bad', 'total'] as const).filter((f) => r[f] !== undefined);
    if (counts.length > 0) {
      this.reject(
        at,
        'VALUE_WITH_COUNTS',
        `a record has a value or counts, not both: remove ${counts.join(' and ')} or value`,
        'value',
      );
      return;
    }
    const { value } = r;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.reject(at, 'INVALID_VALUE', 'value must be a finite number', 'value');
      return;
    }
    let values = this.values.get(stream);
    if (values === undefined) {
      values = new Map();
      this.values.set(stream, values);
    }
    values.set(minute, value);
    this.accepted++;
  }

  /** Distinct streams the accepted records touched (counts and values together). */
  get streamCount(): number {
    let n = this.streams.size;
    for (const stream of this.values.keys()) if (!this.streams.has(stream)) n++;
    return n;
  }

  /** A value from JSON.parse: must be a plain object of known fields. */
  addParsed(at: number, value: unknown): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.reject(at, 'NOT_AN_OBJECT', 'a record must be a JSON object');
      return;
    }
    for (const key in value) {
      if (!FIELDS.has(key)) {
        this.reject(
          at,
          'UNKNOWN_FIELD',
          `unknown field '${key.slice(0, 100)}' (fields: stream, ts, and good or bad with total, or value)`,
          key.slice(0, 100),
        );
        return;
      }
    }
    this.add(at, value as RecordFields);
  }
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && Number.isFinite(value);
}

function countProblem(field: string, value: unknown): string {
  if (value === undefined) return `${field} is required`;
  if (typeof value !== 'number') return `${field} must be a number`;
  return `${field} must be a finite number of at least 0`;
}

function iso(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

const BLANK = /^[ \t\r]*$/;

/** Records of an NDJSON body, one per line; blank lines are skipped (and still counted as lines). */
export function aggregateNdjson(text: string, window: AcceptWindow): BatchAggregator {
  const batch = new BatchAggregator(window, 'line');
  const fields: RecordFields = {
    stream: undefined,
    ts: undefined,
    good: undefined,
    bad: undefined,
    total: undefined,
    value: undefined,
  };
  const length = text.length;
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let line = 1; start < length; line++) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = length;
    if (scanRecord(text, start, end, fields)) batch.add(line, fields);
    else {
      const source = text.slice(start, end);
      if (!BLANK.test(source)) {
        let value: unknown;
        try {
          value = JSON.parse(source);
        } catch (error) {
          batch.reject(line, 'INVALID_JSON', `not valid JSON (${(error as Error).message})`);
          start = end + 1;
          continue;
        }
        batch.addParsed(line, value);
      }
    }
    start = end + 1;
  }
  return batch;
}

/** Records of a JSON array (already parsed once by the caller). */
export function aggregateArray(records: unknown[], window: AcceptWindow): BatchAggregator {
  const batch = new BatchAggregator(window, 'index');
  for (let i = 0; i < records.length; i++) batch.addParsed(i, records[i]);
  return batch;
}
