import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ndjsonBatches } from './ndjson-batches.js';

async function cut(chunks: (string | Uint8Array)[], maxLines: number, maxBytes: number) {
  const out = [];
  const source = (async function* () {
    yield* chunks;
  })();
  for await (const b of ndjsonBatches(source, maxLines, maxBytes))
    out.push({ text: b.data.toString('utf8'), firstLine: b.firstLine, lines: b.lines, offset: b.offset });
  return out;
}

describe('ndjsonBatches', () => {
  it('cuts by line count, keeping line numbers and byte offsets, and a last line without newline', async () => {
    expect(await cut(['a\nbb\n', 'c', 'c\n\nd'], 2, 1000)).toEqual([
      { text: 'a\nbb\n', firstLine: 1, lines: 2, offset: 0 },
      { text: 'cc\n\n', firstLine: 3, lines: 2, offset: 5 },
      { text: 'd', firstLine: 5, lines: 1, offset: 9 },
    ]);
  });

  it('cuts by bytes too; a single line larger than the limit travels alone', async () => {
    expect(await cut(['aaaa\nbb\ncccccccc\nd\n'], 100, 7)).toEqual([
      { text: 'aaaa\n', firstLine: 1, lines: 1, offset: 0 },
      { text: 'bb\n', firstLine: 2, lines: 1, offset: 5 },
      { text: 'cccccccc\n', firstLine: 3, lines: 1, offset: 8 },
      { text: 'd\n', firstLine: 4, lines: 1, offset: 17 },
    ]);
  });

  it('gives nothing for empty input, and multi-byte characters split across chunks stay whole', async () => {
    expect(await cut([], 10, 100)).toEqual([]);
    const bytes = Buffer.from('{"stream":"é"}\n{"stream":"ü"}\n');
    const split = [bytes.subarray(0, 12), bytes.subarray(12, 13), bytes.subarray(13)];
    expect((await cut(split, 1, 100)).map((b) => b.text)).toEqual(['{"stream":"é"}\n', '{"stream":"ü"}\n']);
  });

  it('puts every byte in exactly one batch, in order, within the limits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.stringMatching(/^[a-z ]{0,12}$/), { maxLength: 40 }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 40 }),
        async (lines, trailingNewline, sizes, maxLines, maxBytes) => {
          const text = lines.join('\n') + (trailingNewline && lines.length > 0 ? '\n' : '');
          const chunks: string[] = [];
          for (let i = 0, k = 0; i < text.length; k++) {
            const size = sizes[k % sizes.length]!;
            chunks.push(text.slice(i, i + size));
            i += size;
          }
          const batches = await cut(chunks, maxLines, maxBytes);
          expect(batches.map((b) => b.text).join('')).toBe(text);
          let line = 1;
          let offset = 0;
          for (const b of batches) {
            expect([b.firstLine, b.offset]).toEqual([line, offset]);
            expect(b.lines).toBeLessThanOrEqual(maxLines);
            expect(b.lines === 1 || Buffer.byteLength(b.text) <= maxBytes).toBe(true);
            expect(b.lines).toBe(b.text.split('\n').length - (b.text.endsWith('\n') ? 1 : 0));
            line += b.lines;
            offset += Buffer.byteLength(b.text);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
