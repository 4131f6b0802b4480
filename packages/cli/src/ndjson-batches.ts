/**
 * Cuts an NDJSON byte stream into batches of whole lines without decoding it: each batch holds
 * at most `maxLines` lines and, unless one line alone is larger, at most `maxBytes` bytes, and
 * knows the line number and byte offset it starts at — so the server's line numbers map back to
 * the file, and a batch's Idempotency-Key can name its place in it.
 */

export interface NdjsonBatch {
  data: Buffer;
  /** 1-based line number of the batch's first line in the whole input. */
  firstLine: number;
  /** Lines in the batch, blank ones included (the server numbers them the same way). */
  lines: number;
  /** Byte offset of the batch in the whole input. */
  offset: number;
}

const NEWLINE = 10;

export async function* ndjsonBatches(
  source: AsyncIterable<string | Uint8Array>,
  maxLines: number,
  maxBytes: number,
): AsyncGenerator<NdjsonBatch> {
  // Bytes of the current batch held from earlier chunks: its complete lines (`bytes` of them),
  // then possibly the start of a line whose newline has not come yet.
  let parts: Buffer[] = [];
  let partBytes = 0;
  let lines = 0;
  let bytes = 0;
  let firstLine = 1;
  let offset = 0;

  /** Ends the batch after its `bytes` complete lines; what follows them starts the next one. */
  const take = (chunk: Buffer, end: number): NdjsonBatch => {
    const all = Buffer.concat([...parts, chunk.subarray(0, end)]);
    const batch = { data: all.subarray(0, bytes), firstLine, lines, offset };
    const rest = all.subarray(bytes);
    firstLine += lines;
    offset += bytes;
    lines = 0;
    bytes = 0;
    parts = rest.length > 0 ? [rest] : [];
    partBytes = rest.length;
    return batch;
  };

  for await (const raw of source) {
    let chunk =
      typeof raw === 'string' ? Buffer.from(raw) : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    let lineStart = 0; // where the next line starts in `chunk`; 0 while a line carried over is open
    for (;;) {
      const newline = chunk.indexOf(NEWLINE, lineStart);
      if (newline === -1) break;
      const length = lineStart === 0 ? partBytes - bytes + newline + 1 : newline + 1 - lineStart;
      if (lines > 0 && bytes + length > maxBytes) {
        const batch = take(chunk, lineStart);
        chunk = chunk.subarray(lineStart);
        lineStart = 0;
        yield batch;
        continue; // the same line again, now first in a new batch
      }
      lines++;
      bytes += length;
      lineStart = newline + 1;
      if (lines >= maxLines) {
        const batch = take(chunk, lineStart);
        chunk = chunk.subarray(lineStart);
        lineStart = 0;
        yield batch;
      }
    }
    if (chunk.length > 0) {
      parts.push(chunk);
      partBytes += chunk.length;
    }
  }
  const empty = Buffer.alloc(0);
  if (partBytes > bytes) {
    // The last line has no newline.
    if (lines > 0 && partBytes > maxBytes) yield take(empty, 0);
    lines++;
    bytes = partBytes;
  }
  if (lines > 0) yield take(empty, 0);
}
