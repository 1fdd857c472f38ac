import { readFileSync } from 'node:fs';
import { facts } from './diagnostic-facts.js';
import { diagnosticAt, type Diagnostic } from './diagnostics.js';
import { firstNonUtf8 } from '../util/utf8.js';

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
    const lineBytes = bytes.subarray(start, nl < 0 ? bytes.length : nl);
    // UTF-8 sequences never span a newline byte, so the first bad line holds the first bad byte. Columns count characters.
    const bad = firstNonUtf8(lineBytes);
    if (bad >= 0) return diagnosticAt({ file, line, col: lineBytes.subarray(0, bad).toString('utf8').length + 1 }, facts.notUtf8(lineBytes[bad]!));
    if (nl < 0) return diagnosticAt({ file, line: 1, col: 1 }, facts.notUtf8(bytes[0] ?? 0));
    start = nl + 1;
    line++;
  }
}
