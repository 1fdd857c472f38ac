import { describe, expect, it } from 'vitest';
import { KqlInterpreter, type KqlTable } from '../../src/engines/kql/interpret.js';
import { valueKey } from '../../src/engines/kql/values.js';
import { hashTuple } from '../../src/engines/tuple-index.js';
import { NOW } from '../helpers/events.js';

// Which rows summarize puts in one group, pinned at the query level so that it holds whatever finds the groups:
// keys compare as KQL values of their column's type (texts case-sensitively, numbers by value, null apart from 0
// and ""), a dynamic key by its content and type (1 and "1" apart), and each group keeps its first row's values.
const k = new KqlInterpreter(NOW);

function table(columns: Record<string, string>, rows: Record<string, unknown>[]): KqlTable {
  return { columns: Object.entries(columns).map(([name, type]) => ({ name, type })), read: () => rows };
}
const run = (q: string, columns: Record<string, string>, rows: Record<string, unknown>[]) =>
  k.run(q, (name) => (name === 'T' ? table(columns, rows) : undefined));

describe('summarize groups', () => {
  it('a text key is case-sensitive, and a missing text is "" (strings are never null)', async () => {
    const rows = [{ s: 'A' }, { s: 'a' }, { s: 'A' }, { s: '' }, { s: null }, {}];
    expect(await run('T | summarize n = count() by s', { s: 'string' }, rows)).toEqual([{ s: 'A', n: 2 }, { s: 'a', n: 1 }, { s: '', n: 3 }]);
  });

  it('a number key holds null apart from 0, in the first position and after another key', async () => {
    const rows = [{ s: 'x', v: 0 }, { s: 'x', v: null }, { s: 'x', v: 0 }, { s: 'x', v: null }, { s: 'y', v: 0 }];
    expect(await run('T | summarize n = count() by v', { s: 'string', v: 'long' }, rows)).toEqual([{ v: 0, n: 3 }, { v: null, n: 2 }]);
    expect(await run('T | summarize n = count() by s, v', { s: 'string', v: 'long' }, rows)).toEqual([
      { s: 'x', v: 0, n: 2 }, { s: 'x', v: null, n: 2 }, { s: 'y', v: 0, n: 1 },
    ]);
  });

  it('a bool key has three groups: true, false and null', async () => {
    const rows = [{ b: true }, { b: false }, { b: null }, { b: true }, { b: 'false' }];
    expect(await run('T | summarize n = count() by b', { b: 'bool' }, rows)).toEqual([{ b: true, n: 2 }, { b: false, n: 2 }, { b: null, n: 1 }]);
  });

  it('-0 and 0 are one group, keyed by the value of its first row', async () => {
    const q = 'T | summarize n = count() by s, r';
    const minusFirst = await run(q, { s: 'string', r: 'real' }, [{ s: 'a', r: -0 }, { s: 'a', r: 0 }]);
    expect(minusFirst).toEqual([{ s: 'a', r: -0, n: 2 }]);
    expect(Object.is(minusFirst[0]!.r, -0)).toBe(true);
    const zeroFirst = await run(q, { s: 'string', r: 'real' }, [{ s: 'a', r: 0 }, { s: 'a', r: -0 }]);
    expect(Object.is(zeroFirst[0]!.r, 0)).toBe(true);
    expect(await run('T | summarize n = count() by r', { r: 'real' }, [{ r: -0 }, { r: 0 }])).toHaveLength(1);
  });

  it('the values of a tuple keep their boundaries: ("ab", "c") is not ("a", "bc")', async () => {
    const rows = [{ a: 'ab', b: 'c' }, { a: 'a', b: 'bc' }, { a: 'ab', b: 'c' }, { a: 'a\u0000', b: 'b' }, { a: 'a', b: '\u0000b' }];
    const out = await run('T | summarize n = count() by a, b', { a: 'string', b: 'string' }, rows);
    expect(out.map((r) => r.n)).toEqual([2, 1, 1, 1]);
    const dyn = await run('T | summarize n = count() by a, b', { a: 'string', b: 'dynamic' }, rows);
    expect(dyn.map((r) => r.n)).toEqual([2, 1, 1, 1]);
  });

  it('a dynamic key groups by content and type: 1 and "1" apart, arrays by their elements in order, null one group', async () => {
    const rows = [{ d: 1 }, { d: '1' }, { d: 1 }, { d: [1] }, { d: ['1'] }, { d: { a: 1 } }, { d: { a: 1 } }, { d: null }, {}, { d: [1] }, { d: true }, { d: 'true' }];
    expect(await run('T | summarize n = count() by d', { d: 'dynamic' }, rows)).toEqual([
      { d: 1, n: 2 }, { d: '1', n: 1 }, { d: [1], n: 2 }, { d: ['1'], n: 1 }, { d: { a: 1 }, n: 2 }, { d: null, n: 2 }, { d: true, n: 1 }, { d: 'true', n: 1 },
    ]);
  });

  it('a dynamic key beside a text key and a time window: each position compared by its own type', async () => {
    const t0 = '2026-11-23T10:00:00.000Z';
    const t1 = '2026-11-23T10:06:00.000Z';
    const rows = [
      { s: 'x', d: 1, t: t0 }, { s: 'x', d: '1', t: t0 }, { s: 'X', d: 1, t: t0 }, { s: 'x', d: 1, t: t1 }, { s: 'x', d: [1, 2], t: t0 },
      { s: 'x', d: [2, 1], t: t0 }, { s: 'x', d: 1, t: t0 }, { s: 'x', d: [1, 2], t: t0 }, { s: 'x', d: null, t: null }, { s: 'x', d: null, t: null },
    ];
    const out = await run('T | summarize n = count() by s, d, w = bin(t, 5m)', { s: 'string', d: 'dynamic', t: 'datetime' }, rows);
    expect(out).toEqual([
      { s: 'x', d: 1, w: t0, n: 2 }, { s: 'x', d: '1', w: t0, n: 1 }, { s: 'X', d: 1, w: t0, n: 1 }, { s: 'x', d: 1, w: '2026-11-23T10:05:00.000Z', n: 1 },
      { s: 'x', d: [1, 2], w: t0, n: 2 }, { s: 'x', d: [2, 1], w: t0, n: 1 }, { s: 'x', d: null, w: null, n: 2 },
    ]);
  });

  it('many groups under one first key and one window stay apart and exact (a scanner: one source, many ports and hosts)', async () => {
    const rows = Array.from({ length: 4000 }, (_, i) => ({ s: i % 5 ? 'scanner' : `c${i % 3}`, h: `10.0.0.${i % 41}`, p: i % 97, t: '2026-11-23T10:00:00.000Z' }));
    const out = await run('T | summarize n = count() by s, h, p, w = bin(t, 5m)', { s: 'string', h: 'string', p: 'long', t: 'datetime' }, rows);
    const expected = new Map<string, number>();
    for (const r of rows) {
      const id = `${r.s}|${r.h}|${r.p}`;
      expected.set(id, (expected.get(id) ?? 0) + 1);
    }
    expect(out.map((r) => `${r.s}|${r.h}|${r.p}`)).toEqual([...expected.keys()]);
    expect(out.map((r) => r.n)).toEqual([...expected.values()]);
  });
});

describe('summarize groups of NaN', () => {
  it('every NaN is one group, in the first position and after another key (as a dynamic NaN is)', async () => {
    // r * 1e308 * 10 overflows to infinity for r = 1; infinity minus itself is NaN.
    const q = (by: string) => `T | extend x = r * 1e308 * 10 - r * 1e308 * 10 | summarize n = count() by ${by}`;
    const rows = [{ s: 'a', r: 1 }, { s: 'a', r: 1 }, { s: 'a', r: 0 }, { s: 'a', r: 1 }];
    const cols = { s: 'string', r: 'real' };
    expect(await run(q('x'), cols, rows)).toEqual([{ x: Number.NaN, n: 3 }, { x: 0, n: 1 }]);
    expect(await run(q('s, x'), cols, rows)).toEqual([{ s: 'a', x: Number.NaN, n: 3 }, { s: 'a', x: 0, n: 1 }]);
    expect(await run(q('s, x, w = bin(datetime(2026-11-23T10:01:00Z), 5m)'), cols, rows)).toHaveLength(2);
  });
});

/** The first two numbers i < j whose tuples `make(i)`, `make(j)` hash alike (searched, so it holds for any hash). */
function collision(make: (i: number) => unknown[]): [number, number] {
  const seen = new Map<number, number>();
  for (let i = 0; i < 4_000_000; i++) {
    const h = hashTuple(make(i));
    const j = seen.get(h);
    if (j !== undefined) return [j, i];
    seen.set(h, i);
  }
  throw new Error('no two tuples of one hash found');
}

describe('summarize groups whose tuples hash alike', () => {
  // The hash only narrows the search: groups are told apart by comparing every key, the last one and a dynamic
  // one (by its text key) included.
  it('two texts of one hash in the last key are two groups', async () => {
    const ip = (n: number) => `10.${n >> 16}.${(n >> 8) & 255}.${n & 255}`;
    const [i, j] = collision((n) => ['k', ip(n)]);
    const rows = [{ s: 'k', v: ip(i) }, { s: 'k', v: ip(j) }, { s: 'k', v: ip(i) }];
    expect(await run('T | summarize n = count() by s, v', { s: 'string', v: 'string' }, rows)).toEqual([
      { s: 'k', v: ip(i), n: 2 }, { s: 'k', v: ip(j), n: 1 },
    ]);
  });

  it('two dynamic arrays whose text keys hash alike are two groups', async () => {
    const [i, j] = collision((n) => ['k', valueKey([n])]);
    const rows = [{ s: 'k', d: [i] }, { s: 'k', d: [j] }, { s: 'k', d: [j] }];
    expect(await run('T | summarize n = count() by s, d', { s: 'string', d: 'dynamic' }, rows)).toEqual([
      { s: 'k', d: [i], n: 1 }, { s: 'k', d: [j], n: 2 },
    ]);
  });
});
