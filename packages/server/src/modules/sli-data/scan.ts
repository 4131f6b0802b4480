/**
 * A scanner for the common shapes of an ingest line, `{"stream":"…","ts":…,"good":…,"total":…}`
 * and `{"stream":"…","ts":…,"value":…}`,
 * that reads the values straight from the body text: no object, no string per key, no garbage
 * for 50,000 lines. It accepts only a strict subset of JSON — an object of the known keys whose
 * values are strings without escapes or JSON numbers — and says `false` for anything else
 * (escapes, null, nested values, unknown keys, bad syntax), which then goes to JSON.parse. So it
 * never accepts what JSON.parse would refuse, and reads what it accepts exactly as JSON.parse would.
 */
import type { RecordFields } from './records.js';

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const OPEN = 123;
const CLOSE = 125;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const E_LOWER = 101;
const E_UPPER = 69;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

function skipSpace(text: string, p: number, end: number): number {
  while (p < end && isSpace(text.charCodeAt(p))) p++;
  return p;
}

/** Which known key `text[start, end)` spells, or '' for none. */
function keyAt(text: string, start: number, end: number): keyof RecordFields | '' {
  switch (end - start) {
    case 2:
      return text.charCodeAt(start) === 116 && text.charCodeAt(start + 1) === 115 ? 'ts' : '';
    case 3:
      return text.startsWith('bad', start) ? 'bad' : '';
    case 4:
      return text.startsWith('good', start) ? 'good' : '';
    case 5:
      return text.startsWith('total', start) ? 'total' : text.startsWith('value', start) ? 'value' : '';
    case 6:
      return text.startsWith('stream', start) ? 'stream' : '';
    default:
      return '';
  }
}

/** End of a string whose opening quote is at `p - 1`, or -1 when it has an escape or a control character. */
function stringEnd(text: string, p: number, end: number): number {
  for (; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c === QUOTE) return p;
    if (c === BACKSLASH || c < 32) return -1;
  }
  return -1;
}

function skipDigits(text: string, p: number, end: number): number {
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c < ZERO || c > NINE) break;
    p++;
  }
  return p;
}

let numberEnd = 0;

/**
 * A JSON number starting at `p` (grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?), or NaN when
 * there is none; its end goes to `numberEnd`. Plain integers are summed digit by digit.
 */
function readNumber(text: string, p: number, end: number): number {
  const start = p;
  let simple = true;
  if (text.charCodeAt(p) === MINUS) {
    simple = false;
    p++;
  }
  const first = text.charCodeAt(p);
  if (first === ZERO) p++;
  else if (first > ZERO && first <= NINE) p = skipDigits(text, p, end);
  else return Number.NaN;
  if (p < end && text.charCodeAt(p) === DOT) {
    simple = false;
    const digits = ++p;
    p = skipDigits(text, p, end);
    if (p === digits) return Number.NaN;
  }
  const e = text.charCodeAt(p);
  if (p < end && (e === E_LOWER || e === E_UPPER)) {
    simple = false;
    p++;
    const sign = text.charCodeAt(p);
    if (sign === PLUS || sign === MINUS) p++;
    const digits = p;
    p = skipDigits(text, p, end);
    if (p === digits) return Number.NaN;
  }
  numberEnd = p;
  if (!simple || p - start > 15) return Number(text.slice(start, p));
  let n = 0;
  for (let i = start; i < p; i++) n = n * 10 + (text.charCodeAt(i) - ZERO);
  return n;
}

/**
 * Reads the record in `text[start, end)` into `out` (absent fields become undefined) and
 * returns true, or returns false when the line is not of the simple shape.
 */
export function scanRecord(text: string, start: number, end: number, out: RecordFields): boolean {
  out.stream = undefined;
  out.ts = undefined;
  out.good = undefined;
  out.bad = undefined;
  out.total = undefined;
  out.value = undefined;
  let p = skipSpace(text, start, end);
  if (p >= end || text.charCodeAt(p) !== OPEN) return false;
  p = skipSpace(text, p + 1, end);
  if (text.charCodeAt(p) === CLOSE) return false; // `{}`: let the general path report it
  for (;;) {
    if (p >= end || text.charCodeAt(p) !== QUOTE) return false;
    const keyEnd = stringEnd(text, p + 1, end);
    if (keyEnd === -1) return false;
    const key = keyAt(text, p + 1, keyEnd);
    if (key === '') return false;
    p = skipSpace(text, keyEnd + 1, end);
    if (p >= end || text.charCodeAt(p) !== COLON) return false;
    p = skipSpace(text, p + 1, end);
    if (p >= end) return false;
    if (text.charCodeAt(p) === QUOTE) {
      const valueEnd = stringEnd(text, p + 1, end);
      if (valueEnd === -1) return false;
      out[key] = text.slice(p + 1, valueEnd);
      p = valueEnd + 1;
    } else {
      const value = readNumber(text, p, end);
      if (Number.isNaN(value)) return false;
      out[key] = value;
      p = numberEnd;
    }
    p = skipSpace(text, p, end);
    if (p >= end) return false;
    const c = text.charCodeAt(p);
    if (c === COMMA) {
      p = skipSpace(text, p + 1, end);
      continue;
    }
    if (c !== CLOSE) return false;
    return skipSpace(text, p + 1, end) === end;
  }
}
