import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonPicker, type JsonPicker } from '../../src/events/json-pick.js';
import { eventDecoder, type NativeFormat } from '../../src/events/formats.js';
import { EventFormatError } from '../../src/events/lines.js';
import type { Row } from '../../src/events/model.js';

const WANTED = ['SourceIP', 'DestinationPort', 'TimeGenerated', 'constructor', 'Odd "key"'];
const KEYS = [...WANTED, 'DeviceAction', 'Protocol', '__proto__', 'é', '1', 'a\\b', ''];

/** A line read as the decoder reads it: the picker's fields, else JSON.parse's object (then learned from). */
function readLine(pick: JsonPicker, line: string): { picked?: Row; parsed?: unknown; error?: string } {
  const picked = pick.read(line);
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (e) {
    return { picked, error: (e as Error).message };
  }
  if (!picked && parsed && typeof parsed === 'object' && !Array.isArray(parsed)) pick.learn(parsed as Row);
  return { picked, parsed };
}

/** A string as JSON text, some characters written as \u escapes (which JSON.stringify would not write). */
function jsonString(s: string, escapeAt: number[]): string {
  const body = JSON.stringify(s).slice(1, -1);
  if (!escapeAt.length || !s.length) return `"${body}"`;
  const chars = [...s].map((c, i) => (escapeAt.includes(i) && c.length === 1 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : JSON.stringify(c).slice(1, -1)));
  return `"${chars.join('')}"`;
}

const blank = fc.constantFrom('', '', '', ' ', '\t', '\r\n', '  ');
const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-0, 1e21, 5e-324, 2 ** 53 + 1)).map((n) => (Number.isFinite(n) ? JSON.stringify(n) : '0'));
const numberText = fc.oneof(number, fc.constantFrom('-0', '1e400', '-1E-400', '0.5e+2', '10.000', '01', '1.', '.5', '-', '1e', '+1', 'NaN'));
const nasty = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'binary-ascii' }), fc.constantFrom('\u2028', '\uD800', '\uDC00x', 'a"b', 'back\\slash', '\u0000', '\u001f', '\u007f', '"', '{}', '[', ''));
const valueText = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(nasty, fc.array(fc.nat(4), { maxLength: 2 })).map(([s, at]) => jsonString(s, at)) },
  { weight: 3, arbitrary: numberText },
  { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null', 'tru', 'nul') },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.constantFrom('{"a":[1,{"b":"}"}]}', '[1,2', '{"x":1}}', '[]', '{}') },
);
/** A value as exports write them: a string without escapes, a number, a literal. */
const plainValue = fc.oneof(fc.string().map((x) => JSON.stringify(x)).filter((v) => !v.includes('\\')), number, fc.constantFrom('true', 'false', 'null'));
/** Mostly null (the line as the export writes it), sometimes a variation. */
const rarely = <T>(a: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: a });
const keyText = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...KEYS).map((k) => JSON.stringify(k)) }, { weight: 1, arbitrary: fc.constantFrom('"Source\\u0049P"', '"Protocol', 'Protocol') });
const member = fc.tuple(keyText, valueText, blank, blank);
/** Lines mostly in one key order (as an export writes them), some in another, some mutated. */
const lines = fc.tuple(
  fc.uniqueArray(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 8 }),
  fc.array(
    fc.record({
      values: fc.array(fc.oneof({ weight: 12, arbitrary: plainValue }, { weight: 1, arbitrary: valueText }), { minLength: 8, maxLength: 8 }),
      other: rarely(fc.array(member, { maxLength: 6 })),
      mutate: rarely(fc.tuple(fc.nat(), fc.constantFrom('"', '\\', ',', ':', '{', '}', ']', ' ', '0', 'a', '-', '.', 'e', '\u0001'))),
      around: fc.tuple(blank, blank),
    }),
    { minLength: 1, maxLength: 30 },
  ),
).map(([order, rows]) =>
  rows.map(({ values, other, mutate, around }) => {
    const members = other ?? order.map((k, i): [string, string, string, string] => [JSON.stringify(k), values[i]!, '', '']);
    let line = `${around[0]}{${members.map(([k, v, b1, b2]) => `${b1}${k}${b2}:${b2}${v}${b1}`).join(',')}}${around[1]}`;
    if (mutate) {
      const at = mutate[0] % (line.length + 1);
      line = line.slice(0, at) + mutate[1] + line.slice(at + 1);
    }
    return line;
  }),
);

describe('jsonPicker: a few keys of JSON lines, exactly as JSON.parse reads them', () => {
  it('gives JSON.parse\'s values for the wanted keys, or gives the line back to JSON.parse', () => {
    let hits = 0;
    fc.assert(
      fc.property(lines, (ls) => {
        const pick = jsonPicker(WANTED)!;
        for (const line of ls) {
          const r = readLine(pick, line);
          if (!r.picked) continue;
          hits++;
          // Picked: the line is a JSON object, and the picked fields are its wanted fields, own and equal.
          expect(r.error, line).toBeUndefined();
          expect(r.parsed !== null && typeof r.parsed === 'object' && !Array.isArray(r.parsed), line).toBe(true);
          const parsed = r.parsed as Row;
          expect(Object.keys(r.picked).sort(), line).toEqual(WANTED.filter((k) => Object.hasOwn(parsed, k)).sort());
          for (const k of WANTED) if (Object.hasOwn(parsed, k)) expect(Object.is(r.picked[k], parsed[k]), `${line} ${k}`).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
    // The fast path was taken, not only the fallback.
    expect(hits).toBeGreaterThan(100);
  });

  it('learns another key order when the lines change to it, and takes no key it cannot assign as JSON.parse does', () => {
    const pick = jsonPicker(['a', 'b'])!;
    const read = (line: string) => readLine(pick, line).picked;
    expect(read('{"a":1,"b":"x","c":true}')).toBeUndefined(); // nothing learned yet
    expect(read('{"a":2,"b":"y","c":false}')).toEqual({ a: 2, b: 'y' });
    expect(read('{"a":2,"a":3,"b":"y","c":false}')).toBeUndefined(); // a duplicate: JSON.parse (the last wins)
    // 64 lines read by JSON.parse since the last order was learned, more than the lines matched: the next is learned.
    for (let i = 0; i < 63; i++) expect(read(`{"c":null,"b":"z","a":${i}}`)).toBeUndefined();
    expect(read('{"c":null,"b":"z","a":-0.5e1}')).toEqual({ b: 'z', a: -5 });
    expect(jsonPicker(['__proto__'])).toBeUndefined();
  });

  it('errors name the line as before: an invalid line is JSON.parse\'s to judge', () => {
    const format: NativeFormat = { layout: 'json-lines', converter: () => (o) => ({ time: o.T, src_ip: o.S }), reads: () => ['T', 'S'] };
    const decode = eventDecoder('x', 'network_connection', 'x.jsonl', { x: format });
    const good = '{"T":"2026-11-23T11:30:00Z","S":"198.51.100.1"}';
    expect(decode.batch({ lines: [good, good, good], first: 1, bytes: 0 }).rows).toEqual(Array(3).fill({ time: '2026-11-23T11:30:00Z', src_ip: '198.51.100.1' }));
    let error: unknown;
    try {
      decode.batch({ lines: [good, '{"T":"2026-11-23T11:30:00Z","S":"198.51.100.1",}'], first: 4, bytes: 0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EventFormatError);
    expect((error as Error).message).toMatch(/^x\.jsonl:5: not a JSON object: /);
  });
});
