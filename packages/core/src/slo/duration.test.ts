import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedDurationMs, formatDuration, parseDuration } from './duration.js';

describe('OpenSLO duration shorthand', () => {
  it('reads the examples of the spec, case-sensitively', () => {
    expect(parseDuration('12h')).toEqual({ count: 12, unit: 'h' });
    expect(parseDuration('4w')).toEqual({ count: 4, unit: 'w' });
    expect(parseDuration('1M')).toEqual({ count: 1, unit: 'M' });
    expect(parseDuration('1m')).toEqual({ count: 1, unit: 'm' });
    expect(parseDuration('1Q')).toEqual({ count: 1, unit: 'Q' });
    expect(parseDuration('365d')).toEqual({ count: 365, unit: 'd' });
    expect(parseDuration('1Y')).toEqual({ count: 1, unit: 'Y' });
  });

  it('refuses what the shorthand does not allow', () => {
    for (const bad of ['', '0d', '-1d', '1.5h', '1 h', '1D', '1s', 'd', '01d', '1hh']) {
      expect(parseDuration(bad), bad).toBeNull();
    }
  });

  it('gives fixed units a length and calendar units none', () => {
    expect(fixedDurationMs({ count: 30, unit: 'd' })).toBe(30 * 86_400_000);
    expect(fixedDurationMs({ count: 5, unit: 'm' })).toBe(300_000);
    expect(fixedDurationMs({ count: 1, unit: 'M' })).toBeNull();
  });

  it('formats what it parses back to the same text', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom('m', 'h', 'd', 'w', 'M', 'Q', 'Y'),
        (n, u) => {
          const text = `${n}${u}`;
          expect(formatDuration(parseDuration(text)!)).toBe(text);
        },
      ),
    );
  });
});
