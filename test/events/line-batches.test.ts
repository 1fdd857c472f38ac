import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lineBatches, readLines, type Line } from '../../src/events/lines.js';
import { toEpochMs } from '../../src/events/model.js';

/** Lines as lineBatches gives them, flattened to readLines' shape (a bad byte as the line it is on). */
async function fromBatches(chunks: Buffer[]): Promise<Line[]> {
  const out: Line[] = [];
  for await (const b of lineBatches(Readable.from(chunks))) {
    b.lines.forEach((line, i) => out.push({ line, n: b.first + i }));
    if (b.notUtf8 !== undefined) out.push({ line: '', n: b.first + b.lines.length, notUtf8: b.notUtf8 });
  }
  return out;
}

async function fromLines(chunks: Buffer[]): Promise<Line[]> {
  const out: Line[] = [];
  for await (const l of readLines(Readable.from(chunks))) {
    if (l.notUtf8 !== undefined) {
      out.push({ line: '', n: l.n, notUtf8: l.notUtf8 });
      break; // the reader of events stops at such a line
    }
    out.push(l);
  }
  return out;
}

describe('lines in batches', () => {
  it('gives the lines and numbers of the line-by-line reader, whatever the chunks (CRLF, U+FFFD, bad bytes)', async () => {
    let x = 99;
    const rnd = (m: number) => ((x = (x * 1103515245 + 12345) >>> 0) >>> 8) % m;
    const pieces = ['a', 'é', '\n', '\r\n', '\uFFFD', '{"k":1}', ' ', '\r'].map((s) => Buffer.from(s));
    for (let round = 0; round < 300; round++) {
      const parts: Buffer[] = [];
      for (let i = 0, len = rnd(40); i < len; i++) parts.push(pieces[rnd(pieces.length)]!);
      if (rnd(4) === 0) parts.splice(rnd(parts.length + 1), 0, Buffer.from([0xff]));
      const bytes = Buffer.concat(parts);
      // Cut anywhere, also inside a multi-byte character.
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; ) {
        const n = 1 + rnd(8);
        chunks.push(bytes.subarray(at, at + n));
        at += n;
      }
      expect(await fromBatches(chunks), JSON.stringify(bytes.toString('latin1'))).toEqual(await fromLines(chunks));
    }
  });
});

describe('event times', () => {
  it('the fast reading of 2026-11-23T11:30:00(.123)Z is the general one', () => {
    expect(toEpochMs('2026-11-23T11:30:00Z')).toBe(Date.parse('2026-11-23T11:30:00Z'));
    expect(toEpochMs('2026-11-23T11:30:00.123Z')).toBe(Date.parse('2026-11-23T11:30:00.123Z'));
    expect(toEpochMs('2024-02-29T23:59:59.999Z')).toBe(Date.parse('2024-02-29T23:59:59.999Z'));
    for (const bad of ['2026-02-29T00:00:00Z', '2026-04-31T00:00:00.000Z', '2026-11-23T24:00:00Z', '2026-11-23T11:60:00Z', '2026-13-01T00:00:00Z', '2026-11-23T11:30:0xZ', '2026-00-10T00:00:00Z']) {
      expect(toEpochMs(bad), bad).toBeUndefined();
    }
  });
});
