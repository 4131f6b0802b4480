/** Record validation and aggregation, and the fast line scanner against JSON.parse. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptWindow,
  aggregateArray,
  aggregateNdjson,
  MAX_LISTED_REJECTIONS,
  parseTimestamp,
  type RecordFields,
} from './records.js';
import { scanRecord } from './scan.js';

const NOW = Date.UTC(2026, 2, 1, 12, 0, 30); // 2026-03-01T12:00:30Z
const MINUTE = NOW - (NOW % 60_000);
const window = acceptWindow(NOW, 30);
const at = (minutesAgo: number, second = 0) => MINUTE - minutesAgo * 60_000 + second * 1000;

function sums(ndjson: string) {
  const batch = aggregateNdjson(ndjson, window);
  const out: Record<string, [number, number]> = {};
  for (const [stream, buckets] of batch.streams)
    for (const [minute, b] of buckets)
      out[`${stream}@${new Date(minute * 60_000).toISOString()}`] = [b.good, b.total];
  return { batch, out };
}

describe('parseTimestamp', () => {
  it('reads RFC 3339 date-times with a zone exactly as Date.parse does', () => {
    for (const s of [
      '2026-02-28T23:59:00Z',
      '2026-02-28t23:59:00z',
      '2026-02-28 23:59:00Z',
      '2026-02-28T23:59:00.123456789+05:30',
      '2026-02-28T23:59:00.1-01:00',
      '2024-02-29T00:00:00Z',
      '1999-12-31T23:59:59.999Z',
      '0050-03-01T00:00:00Z',
    ])
      expect([s, parseTimestamp(s)]).toEqual([s, Date.parse(s.toUpperCase())]);
  });

  it('refuses impossible dates, local times and other forms', () => {
    for (const s of [
      '2026-02-30T00:00:00Z',
      '2025-02-29T00:00:00Z',
      '2026-02-28T24:00:00Z',
      '2026-02-28T23:59:60Z',
      '2026-02-28T23:59:00',
      '2026-02-28T23:59:00+0530',
      '2026-02-28T23:59:00.Z',
      '2026-02-28T23:59:00Zx',
      '2026-2-28T23:59:00Z',
      '2026-02-28T23:59Z',
      'Sat, 28 Feb 2026 23:59:00 GMT',
    ])
      expect([s, parseTimestamp(s)]).toEqual([s, Number.NaN]);
  });
});

describe('aggregateNdjson', () => {
  it('sums good and total per stream and minute; bad counts as total − bad', () => {
    const { batch, out } = sums(
      [
        `{"stream":"checkout","ts":${at(2, 5)},"good":98,"total":100}`,
        `{"stream":"checkout","ts":"${new Date(at(2, 59)).toISOString()}","bad":3,"total":50}`,
        `{ "total": 10, "good": 10, "ts": ${at(1)}, "stream": "checkout" }`,
        `{"stream":"search/latency","ts":${at(2, 30)},"good":0.5,"total":1.5}`,
      ].join('\n'),
    );
    expect(out).toEqual({
      'checkout@2026-03-01T11:58:00.000Z': [98 + 47, 150],
      'checkout@2026-03-01T11:59:00.000Z': [10, 10],
      'search/latency@2026-03-01T11:58:00.000Z': [0.5, 1.5],
    });
    expect([batch.accepted, batch.rejected]).toEqual([4, 0]);
  });

  it('numbers lines from 1, skipping blank ones but counting them; CRLF and a BOM are fine', () => {
    const ok = `{"stream":"a","ts":${at(1)},"good":1,"total":1}`;
    const batch = aggregateNdjson(`\uFEFF${ok}\r\n\r\n  \n${ok}\r\n{"stream":"a"}\n`, window);
    expect(batch.accepted).toBe(2);
    expect(batch.errors).toEqual([
      { line: 5, code: 'INVALID_TIMESTAMP', reason: 'ts is required', field: 'ts' },
    ]);
  });

  it('rejects each kind of bad record with its code and field, and keeps the good ones', () => {
    const lines = [
      `{"stream":"a","ts":${at(1)},"good":1,"total":1}`,
      'not json',
      '[1, 2]',
      `{"stream":"a","ts":${at(1)},"good":1,"total":1,"labels":{}}`,
      `{"stream":"Checkout","ts":${at(1)},"good":1,"total":1}`,
      `{"stream":7,"ts":${at(1)},"good":1,"total":1}`,
      `{"stream":"a","ts":"yesterday","good":1,"total":1}`,
      `{"stream":"a","ts":${NOW + 6 * 60_000},"good":1,"total":1}`,
      `{"stream":"a","ts":${NOW - 31 * 86_400_000},"good":1,"total":1}`,
      `{"stream":"a","ts":${Math.floor(NOW / 1000)},"good":1,"total":1}`,
      `{"stream":"a","ts":${at(1)},"good":-1,"total":1}`,
      `{"stream":"a","ts":${at(1)},"good":"1","total":1}`,
      `{"stream":"a","ts":${at(1)},"good":1,"total":1e400}`,
      `{"stream":"a","ts":${at(1)},"good":null,"total":1}`,
      `{"stream":"a","ts":${at(1)},"total":1}`,
      `{"stream":"a","ts":${at(1)},"good":1,"bad":0,"total":1}`,
      `{"stream":"a","ts":${at(1)},"good":2,"total":1}`,
      `{"stream":"a","ts":${at(1)},"bad":2,"total":1}`,
    ];
    const batch = aggregateNdjson(lines.join('\n'), window);
    expect(batch.accepted).toBe(1);
    expect(batch.rejected).toBe(lines.length - 1);
    expect(batch.errors.map((e) => [e.line, e.code, e.field])).toEqual([
      [2, 'INVALID_JSON', undefined],
      [3, 'NOT_AN_OBJECT', undefined],
      [4, 'UNKNOWN_FIELD', 'labels'],
      [5, 'INVALID_STREAM', 'stream'],
      [6, 'INVALID_STREAM', 'stream'],
      [7, 'INVALID_TIMESTAMP', 'ts'],
      [8, 'IN_FUTURE', 'ts'],
      [9, 'TOO_OLD', 'ts'],
      [10, 'TOO_OLD', 'ts'],
      [11, 'INVALID_COUNT', 'good'],
      [12, 'INVALID_COUNT', 'good'],
      [13, 'INVALID_COUNT', 'total'],
      [14, 'INVALID_COUNT', 'good'],
      [15, 'GOOD_OR_BAD_REQUIRED', 'good'],
      [16, 'GOOD_OR_BAD_REQUIRED', 'bad'],
      [17, 'COUNT_EXCEEDS_TOTAL', 'good'],
      [18, 'COUNT_EXCEEDS_TOTAL', 'bad'],
    ]);
    expect(batch.errors[8]?.reason).toMatch(/epoch seconds/);
    expect(batch.errors.every((e) => e.reason.length > 0)).toBe(true);
  });

  it('keeps one value per stream and minute, the last one; never counts and a value together', () => {
    const lines = [
      `{"stream":"lat","ts":${at(2)},"value":250}`,
      `{"stream":"lat","ts":${at(2, 30)},"value":180.5}`, // same minute: replaces 250
      `{"stream":"lat","ts":"${new Date(at(1)).toISOString()}","value":-3}`,
      `{"stream":"lat","ts":${at(1)},"value":1,"total":1}`,
      `{"stream":"lat","ts":${at(1)},"good":1,"value":1}`,
      `{"stream":"lat","ts":${at(1)},"value":"fast"}`,
      `{"stream":"lat","ts":${at(1)},"value":null}`,
      `{"stream":"lat","ts":${at(1)},"value":1e400}`,
      `{"stream":"lat","ts":${at(1)}}`,
      `{"stream":"ratio","ts":${at(1)},"good":1,"total":2}`,
    ];
    const batch = aggregateNdjson(lines.join('\n'), window);
    expect([batch.accepted, batch.rejected, batch.streamCount]).toEqual([4, 6, 2]);
    const minute = (ms: number) => Math.floor(ms / 60_000);
    expect([...batch.values.get('lat')!]).toEqual([
      [minute(at(2)), 180.5],
      [minute(at(1)), -3],
    ]);
    expect(batch.errors.map((e) => [e.line, e.code, e.field])).toEqual([
      [4, 'VALUE_WITH_COUNTS', 'value'],
      [5, 'VALUE_WITH_COUNTS', 'value'],
      [6, 'INVALID_VALUE', 'value'],
      [7, 'INVALID_VALUE', 'value'],
      [8, 'INVALID_VALUE', 'value'],
      [9, 'INVALID_COUNT', 'total'],
    ]);
    expect(batch.errors[0]?.reason).toMatch(/value or counts, not both: remove total or value/);
    expect(batch.errors[5]?.reason).toBe('give counts (good or bad, with total) or a value');
    // The same through JSON.parse (a JSON array), named by index.
    const array = aggregateArray([{ stream: 'lat', ts: at(1), value: 7, bad: 0 }], window);
    expect(array.errors).toEqual([
      { index: 0, field: 'value', code: 'VALUE_WITH_COUNTS', reason: expect.stringContaining('remove bad') },
    ]);
  });

  it('accepts up to 5 minutes ahead and back to the start of the retention period', () => {
    const batch = aggregateNdjson(
      [
        `{"stream":"a","ts":${NOW + 5 * 60_000},"good":1,"total":1}`,
        `{"stream":"a","ts":${window.oldestMinute * 60_000},"good":1,"total":1}`,
        `{"stream":"a","ts":${window.oldestMinute * 60_000 - 1},"good":1,"total":1}`,
      ].join('\n'),
      window,
    );
    expect(batch.accepted).toBe(2);
    expect(batch.errors.map((e) => e.code)).toEqual(['TOO_OLD']);
  });

  it(`lists at most ${MAX_LISTED_REJECTIONS} rejections but counts them all`, () => {
    const batch = aggregateNdjson('x\n'.repeat(MAX_LISTED_REJECTIONS + 5), window);
    expect(batch.rejected).toBe(MAX_LISTED_REJECTIONS + 5);
    expect(batch.errors).toHaveLength(MAX_LISTED_REJECTIONS);
    expect(batch.errorsTruncated).toBe(true);
  });
});

describe('aggregateArray', () => {
  it('names rejected records by their 0-based index', () => {
    const batch = aggregateArray(
      [{ stream: 'a', ts: at(1), good: 1, total: 2 }, 'x', { stream: 'a', ts: at(1), bad: 1, total: 2 }, {}],
      window,
    );
    expect(batch.accepted).toBe(2);
    expect(batch.streams.get('a')?.get(MINUTE / 60_000 - 1)).toEqual({ good: 2, total: 4 });
    expect(batch.errors.map((e) => [e.index, e.code])).toEqual([
      [1, 'NOT_AN_OBJECT'],
      [3, 'INVALID_STREAM'],
    ]);
  });
});

describe('scanRecord', () => {
  const read = (line: string) => {
    const out: RecordFields = { stream: 'x', ts: 'x', good: 'x', bad: 'x', total: 'x', value: 'x' };
    return scanRecord(line, 0, line.length, out) ? out : undefined;
  };

  it('reads the usual shapes without JSON.parse', () => {
    expect(read('{"stream":"a/b","ts":1772366400000,"good":99,"total":100}')).toEqual({
      stream: 'a/b',
      ts: 1772366400000,
      good: 99,
      bad: undefined,
      total: 100,
    });
    expect(
      read(' { "stream" : "a" , "ts" : "2026-03-01T00:00:00Z" , "bad" : 1.5e1 , "total" : -0.25 } \r'),
    ).toEqual({
      stream: 'a',
      ts: '2026-03-01T00:00:00Z',
      good: undefined,
      bad: 15,
      total: -0.25,
    });
  });

  it('reads value records too', () => {
    expect(read('{"stream":"lat","ts":1772366400000,"value":212.5}')).toEqual({
      stream: 'lat',
      ts: 1772366400000,
      good: undefined,
      bad: undefined,
      total: undefined,
      value: 212.5,
    });
  });

  it('leaves anything else to JSON.parse', () => {
    for (const line of [
      '{}',
      '{"stream":"a\\u0062"}',
      '{"stream":null}',
      '{"stream":"a","x":1}',
      '{"stream":"a",}',
      '{"ts":01}',
      '{"ts":1.}',
      '{"ts":1e}',
      '{"ts":-}',
      '{"ts":1} x',
      '{"ts":1',
      "{'ts':1}",
      '{"ts":+1}',
      '{"ts":.5}',
    ])
      expect([line, read(line)]).toEqual([line, undefined]);
  });

  const known = ['stream', 'ts', 'good', 'bad', 'total', 'value'] as const;
  const value = fc.oneof(
    { arbitrary: fc.string({ unit: 'grapheme-ascii' }), weight: 3 },
    { arbitrary: fc.string(), weight: 1 },
    { arbitrary: fc.double({ noNaN: true }), weight: 3 },
    { arbitrary: fc.integer(), weight: 3 },
    { arbitrary: fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), weight: 1 },
    { arbitrary: fc.constantFrom(null, true, [], {}), weight: 1 },
  );
  const key = fc.oneof(
    { arbitrary: fc.constantFrom(...known), weight: 8 },
    { arbitrary: fc.string(), weight: 1 },
  );
  const record = fc.dictionary(key, value, { maxKeys: 6 });
  const text = record.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? Number(v) : v)));
  // Mutations of valid lines: characters dropped, doubled or replaced by JSON punctuation.
  const mutated = fc
    .tuple(text, fc.nat(), fc.constantFrom('', '"', ',', '}', '{', ':', ' ', '0', '.', 'e', '-', '\\'))
    .map(([line, i, c]) => {
      const at = line.length === 0 ? 0 : i % line.length;
      return line.slice(0, at) + c + line.slice(at + 1);
    });

  it('accepts only what JSON.parse accepts, and reads it exactly as JSON.parse does', () => {
    let scannedLines = 0;
    fc.assert(
      fc.property(fc.oneof(text, mutated), (line) => {
        const scanned = read(line);
        if (scanned === undefined) return;
        scannedLines++;
        const parsed = JSON.parse(line) as Record<string, unknown>;
        expect(Object.keys(parsed).every((k) => (known as readonly string[]).includes(k))).toBe(true);
        for (const k of known) expect(scanned[k]).toStrictEqual(parsed[k]);
      }),
      { numRuns: 20_000 },
    );
    expect(scannedLines).toBeGreaterThan(2_000); // the scanner's own path was exercised
  });
});
