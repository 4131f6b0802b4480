/**
 * Alertmanager's alert identity: `model.LabelSet.Fingerprint()` from prometheus/common
 * (`labelSetToFingerprint`), FNV-1a 64 over the label names sorted bytewise, each name and value
 * followed by the separator byte 0xff, all as UTF-8. Printed as Alertmanager prints it: 16
 * lower-case hex digits. The same label set from Headroom's evaluator, from Alertmanager or from
 * the generic endpoint is therefore one alert.
 */

export type LabelSet = Readonly<Record<string, string>>;

const SEPARATOR = 0xff;
const utf8 = new TextEncoder();

/** Go's sort.Strings order: bytewise over UTF-8 (not JavaScript's UTF-16 code-unit order). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Names without a character past U+007F, whose UTF-16 order is their byte order. */
const isAscii = (s: string) => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
};

/**
 * FNV-1a 64 in four 16-bit lanes (h0 lowest), so no BigInt is needed: the prime is
 * 2^40 + 0x1b3, and 2^40 is bit 8 of lane 2.
 */
class Fnv1a64 {
  h0 = 0x2325;
  h1 = 0x8422;
  h2 = 0x9ce4;
  h3 = 0xcbf2;

  add(byte: number): void {
    const t0 = (this.h0 ^ byte) * 0x1b3;
    let t1 = this.h1 * 0x1b3;
    let t2 = this.h2 * 0x1b3 + ((this.h0 ^ byte) << 8);
    const t3 = this.h3 * 0x1b3 + (this.h1 << 8);
    t1 += t0 >>> 16;
    t2 += t1 >>> 16;
    this.h0 = t0 & 0xffff;
    this.h1 = t1 & 0xffff;
    this.h2 = t2 & 0xffff;
    this.h3 = (t3 + (t2 >>> 16)) & 0xffff;
  }

  hex(): string {
    return [this.h3, this.h2, this.h1, this.h0].map((h) => h.toString(16).padStart(4, '0')).join('');
  }
}

/**
 * Adds the UTF-8 bytes of `text` without allocating. A lone surrogate becomes U+FFFD, as
 * TextEncoder (and Go's JSON decoder, which Alertmanager's labels came through) make it.
 */
function addUtf8(hash: Fnv1a64, text: string): void {
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      hash.add(c);
      continue;
    }
    if (c < 0x800) {
      hash.add(0xc0 | (c >> 6));
      hash.add(0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = text.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        hash.add(0xf0 | (c >> 18));
        hash.add(0x80 | ((c >> 12) & 0x3f));
        hash.add(0x80 | ((c >> 6) & 0x3f));
        hash.add(0x80 | (c & 0x3f));
        continue;
      }
      c = 0xfffd;
    }
    hash.add(0xe0 | (c >> 12));
    hash.add(0x80 | ((c >> 6) & 0x3f));
    hash.add(0x80 | (c & 0x3f));
  }
}

/** Alertmanager's fingerprint of a label set, e.g. `791cec13fcba0368`. The empty set gives `cbf29ce484222325`. */
export function fingerprint(labels: LabelSet): string {
  const hash = new Fnv1a64();
  const names = Object.keys(labels);
  if (names.every(isAscii))
    names.sort(); // ASCII: code-unit order is byte order
  else {
    const bytes = new Map(names.map((n) => [n, utf8.encode(n)]));
    names.sort((a, b) => compareBytes(bytes.get(a)!, bytes.get(b)!));
  }
  for (const name of names) {
    addUtf8(hash, name);
    hash.add(SEPARATOR);
    addUtf8(hash, labels[name]!);
    hash.add(SEPARATOR);
  }
  return hash.hex();
}

export const FINGERPRINT_PATTERN = /^[0-9a-f]{16}$/;
