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
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'EventFormatError';
  }
}
