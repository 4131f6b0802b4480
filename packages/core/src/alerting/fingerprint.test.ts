import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint } from './fingerprint.js';

const hex = (n: bigint) => n.toString(16).padStart(16, '0');

/** The textbook definition with BigInt, to check the 16-bit-lane implementation against. */
function reference(labels: Record<string, string>, order: 'utf8' | 'utf16' = 'utf8'): string {
  const enc = new TextEncoder();
  const names = Object.keys(labels)
    .map((n) => ({ n, b: enc.encode(n) }))
    .sort((x, y) =>
      order === 'utf8' ? Buffer.compare(Buffer.from(x.b), Buffer.from(y.b)) : x.n < y.n ? -1 : 1,
    );
  let h = 0xcbf29ce484222325n;
  const add = (byte: number) => {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  };
  for (const { n, b } of names) {
    for (const x of b) add(x);
    add(0xff);
    for (const x of enc.encode(labels[n]!)) add(x);
    add(0xff);
  }
  return hex(h);
}

describe('fingerprint (Alertmanager / prometheus/common labelSetToFingerprint)', () => {
  // prometheus/common model/signature_test.go: TestMetricToFingerprint and the benchmarks' values.
  it.each([
    [{}, 14695981039346656037n],
    [{ name: 'garland, briggs', fear: 'love is not enough' }, 5799056148416392346n],
    [{ 'first-label': 'first-label-value' }, 5146282821936882169n],
    [{ 'first-label': 'first-label-value', 'second-label': 'second-label-value' }, 3195800080984914717n],
    [
      {
        'first-label': 'first-label-value',
        'second-label': 'second-label-value',
        'third-label': 'third-label-value',
      },
      13843036195897128121n,
    ],
  ])('%j has the fingerprint prometheus/common tests for', (labels, expected) => {
    expect(fingerprint(labels)).toBe(hex(expected));
  });

  it('matches the fingerprints a real Alertmanager sent in its webhook (shared vectors)', () => {
    // ../shared/vectors beside the repository (CI has it too).
    const file = new URL(
      '../../../../../shared/vectors/alertmanager/goalert-captured-webhook-v4-firing.json',
      import.meta.url,
    );
    const payload = JSON.parse(readFileSync(fileURLToPath(file), 'utf8')) as {
      alerts: { labels: Record<string, string>; fingerprint: string }[];
    };
    expect(payload.alerts.map((a) => a.fingerprint)).toEqual(['791cec13fcba0368', '8df98227bdd81384']);
    for (const alert of payload.alerts) expect(fingerprint(alert.labels)).toBe(alert.fingerprint);
  });

  it('does not depend on the order labels are given in', () => {
    expect(fingerprint({ b: '2', a: '1' })).toBe(fingerprint({ a: '1', b: '2' }));
    expect(fingerprint({ a: '1', b: '2' })).not.toBe(fingerprint({ a: '2', b: '1' }));
  });

  it('sorts names bytewise over UTF-8 as Go does, and hashes UTF-8 bytes', () => {
    // In UTF-16 code units U+1F600 (D83D…) sorts before U+FF5E; in UTF-8 (F0… vs EF…) after it.
    const labels = { '\u{1F600}': 'a', '\uFF5E': 'b', é: 'c', z: 'd' };
    expect(fingerprint(labels)).toBe(reference(labels));
    expect(fingerprint(labels)).not.toBe(reference(labels, 'utf16'));
  });

  it('hashes a lone surrogate as U+FFFD, as TextEncoder and Go do', () => {
    expect(fingerprint({ a: '\uD800x', '\uDC00': 'y' })).toBe(fingerprint({ a: '\uFFFDx', '\uFFFD': 'y' }));
    expect(fingerprint({ a: '\uD800x' })).toBe(reference({ a: '\uD800x' }));
  });

  it('equals the BigInt definition for any label set', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })),
          fc.string({ unit: 'binary' }),
        ),
        (labels) => {
          expect(fingerprint(labels)).toBe(reference(labels));
        },
      ),
      { numRuns: 500 },
    );
  });
});
