import { describe, expect, it } from 'vitest';
import { formatQuantity } from './quantity.js';

describe('formatQuantity', () => {
  it.each`
    value              | unit       | text
    ${2199023255552}   | ${'bytes'} | ${'2 TiB'}
    ${1.5 * 1024 ** 3} | ${'bytes'} | ${'1.5 GiB'}
    ${512}             | ${'bytes'} | ${'512 bytes'}
    ${3470}            | ${'req/s'} | ${'3,470 req/s'}
    ${12.3456}         | ${'cores'} | ${'12.3 cores'}
    ${0.123456}        | ${'cores'} | ${'0.123 cores'}
    ${0}               | ${'conns'} | ${'0 conns'}
  `('$value $unit → $text', ({ value, unit, text }) => {
    expect(formatQuantity(value, unit)).toBe(text);
  });
});
