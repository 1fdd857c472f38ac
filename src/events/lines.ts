import { createReadStream } from 'node:fs';
import { firstNonUtf8 } from '../util/utf8.js';

/** A line and its 1-based number; `notUtf8` is the first byte of the line that is not UTF-8, if any. */
export interface Line {
  line: string;
  n: number;
  notUtf8?: number;
}

/**
 * Lines of a file (or of a stream: standard input), streamed (never the whole file in memory), with 1-based line
 * numbers. Split on bytes, so a line whose bytes are not UTF-8 is told (Node would turn them into U+FFFD silently).
 */
export async function* readLines(file: string | NodeJS.ReadableStream): AsyncGenerator<Line> {
  const input = typeof file === 'string' ? createReadStream(file) : file;
  let rest: Buffer = Buffer.alloc(0);
  let n = 0;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf: Buffer = rest.length ? Buffer.concat([rest, Buffer.from(chunk)]) : Buffer.from(chunk);
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      yield decodeLine(buf.subarray(start, nl), ++n);
      start = nl + 1;
    }
    rest = buf.subarray(start);
  }
  if (rest.length) yield decodeLine(rest, ++n);
}

function decodeLine(bytes: Buffer, n: number): Line {
  const body = bytes.length && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, -1) : bytes;
  const line = body.toString('utf8');
  // The lenient decoding is fast; only a line showing U+FFFD is checked strictly (it may hold a real U+FFFD).
  const bad = line.includes('\uFFFD') ? firstNonUtf8(body) : -1;
  return bad < 0 ? { line, n } : { line, n, notUtf8: body[bad]! };
}

/** Lines of an in-memory text (fixtures given inline). */
export async function* textLines(text: string): AsyncGenerator<Line> {
  let n = 0;
  for (const line of text.split(/\r?\n/)) {
    n++;
    yield { line, n };
  }
}

export class EventFormatError extends Error {
  constructor(readonly file: string, readonly line: number, readonly reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'EventFormatError';
  }
}

/**
 * A run of consecutive lines of one input, decoded in one piece: `first` is the number of `lines[0]`. When
 * `notUtf8` is set, line `first + lines.length` holds that byte, which is not UTF-8, and the input stops there (the
 * lines before it are still given, so an earlier error in them is reported first, as line by line).
 */
export interface LineBatch {
  lines: string[];
  first: number;
  /** Bytes of input consumed up to the end of this batch (for progress). */
  bytes: number;
  notUtf8?: number;
}

/**
 * The lines of a byte stream in batches, one per chunk read (about a megabyte): each chunk up to its last line
 * break is decoded with one call and split, instead of one decode and one async step per line. Same lines, numbers
 * and UTF-8 refusal as readLines.
 */
export async function* lineBatches(input: AsyncIterable<Buffer | string>, firstLine = 1): AsyncGenerator<LineBatch> {
  let rest: Buffer = Buffer.alloc(0);
  let n = firstLine;
  let bytes = 0;
  for await (const chunk of input) {
    const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += data.length;
    const buf = rest.length ? Buffer.concat([rest, data]) : data;
    const end = buf.lastIndexOf(0x0a);
    if (end < 0) {
      rest = buf;
      continue;
    }
    const batch = decodeBatch(buf.subarray(0, end), n, bytes - (buf.length - end - 1));
    yield batch;
    if (batch.notUtf8 !== undefined) return;
    n += batch.lines.length;
    rest = buf.subarray(end + 1);
  }
  if (rest.length) yield decodeBatch(rest, n, bytes);
}

/** Lines of `bytes` (its line breaks inside, none at the end), numbered from `first`. */
function decodeBatch(bytes: Buffer, first: number, consumed: number): LineBatch {
  const text = bytes.toString('utf8');
  // The lenient decoding is fast; only a chunk showing U+FFFD is checked line by line (it may hold a real U+FFFD).
  if (!text.includes('\uFFFD')) return { lines: text.includes('\r') ? text.split('\n').map(withoutCr) : text.split('\n'), first, bytes: consumed };
  const lines: string[] = [];
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    const line = decodeLine(bytes.subarray(start, nl < 0 ? bytes.length : nl), first + lines.length);
    if (line.notUtf8 !== undefined) return { lines, first, bytes: consumed, notUtf8: line.notUtf8 };
    lines.push(line.line);
    if (nl < 0) return { lines, first, bytes: consumed };
    start = nl + 1;
  }
}

function withoutCr(line: string): string {
  return line.length && line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}
