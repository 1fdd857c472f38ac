import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Lines of a file (or of a stream: standard input), streamed (never the whole file in memory), with 1-based line numbers. */
export async function* readLines(file: string | NodeJS.ReadableStream): AsyncGenerator<{ line: string; n: number }> {
  const input = typeof file === 'string' ? createReadStream(file, { encoding: 'utf8' }) : file.setEncoding('utf8');
  const rl = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    n++;
    yield { line, n };
  }
}

/** Lines of an in-memory text (fixtures given inline). */
export async function* textLines(text: string): AsyncGenerator<{ line: string; n: number }> {
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
