import { readFileSync } from 'node:fs';
import { facts } from './diagnostic-facts.js';
import { diagnosticAt, type Diagnostic } from './diagnostics.js';

/**
 * A detc source file's text, decoded strictly as UTF-8. Node's lenient decoding turns a Latin-1 byte into U+FFFD,
 * which then lands in every output (ARM, conf) with exit 0; here it is an error at the byte's line and column.
 * `file` is the name diagnostics use.
 */
export function readUtf8(abs: string, file: string): { text: string; diagnostic?: undefined } | { text?: undefined; diagnostic: Diagnostic } {
  const bytes = readFileSync(abs);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { diagnostic: firstInvalidByte(bytes, file) };
  }
}

function firstInvalidByte(bytes: Buffer, file: string): Diagnostic {
  let line = 1;
  let start = 0;
  for (;;) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl;
    const lineBytes = bytes.subarray(start, end);
    // A line that decodes on its own is valid (UTF-8 sequences never span a newline byte).
    if (!decodes(lineBytes, false)) {
      // The shortest prefix that cannot begin valid text ends inside the bad sequence; that sequence starts after
      // the longest complete valid prefix before it. Columns count characters.
      let i = 1;
      while (i <= lineBytes.length && decodes(lineBytes.subarray(0, i), true)) i++;
      let bad = Math.min(i, lineBytes.length) - 1;
      while (bad > 0 && !decodes(lineBytes.subarray(0, bad), false)) bad--;
      const col = new TextDecoder('utf-8').decode(lineBytes.subarray(0, bad)).length + 1;
      return diagnosticAt({ file, line, col }, facts.notUtf8(lineBytes[bad]!));
    }
    if (nl < 0) return diagnosticAt({ file, line: 1, col: 1 }, facts.notUtf8(bytes[0] ?? 0));
    start = nl + 1;
    line++;
  }
}

function decodes(bytes: Uint8Array, stream: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream });
    return true;
  } catch {
    return false;
  }
}
