import { describe, expect, it } from 'vitest';
import { fieldReader, fieldWriter } from '../../src/engines/spl/field-access.js';
import { runPipeline } from '../../src/engines/spl/pipeline.js';
import { rowOfValues } from '../../src/engines/spl/row-shape.js';
import type { SEvent } from '../../src/engines/spl/values.js';

// Every command reads and writes a field by one policy (field-access.ts): a field is an own property of the row.
// `__proto__` is the name where a plain property access differs (it reads and sets the row's prototype), so these
// cases pin that a field of that name is data in eval, rename, where, stats, table and lookup alike.

async function run(spl: string, rows: SEvent[]): Promise<SEvent[]> {
  const out: SEvent[] = [];
  const source = () => (async function* () { yield* rows; })();
  const lookups = (name: string) => (name === 'zones' ? { rows: [{ k: 'x', zone: 'inside' }], caseSensitive: true } : undefined);
  for await (const r of runPipeline(spl, source, lookups)) out.push(r);
  return out;
}

const own = (row: SEvent | undefined) => (row && Object.hasOwn(row, '__proto__') ? row['__proto__'] : 'absent');

describe('SPL fields named __proto__ are data', () => {
  it('eval writes it and where reads it back', async () => {
    const out = await run('| datamodel M D flat | eval __proto__="x" | where __proto__="x" | stats count', [{ a: '1' }, { a: '2' }]);
    expect(out).toEqual([{ count: 2 }]);
  });

  it('rename reads it as an own field only: a row without it renames nothing', async () => {
    const out = await run('| datamodel M D flat | rename __proto__ AS b | table a b', [{ a: '1' }]);
    expect(out).toEqual([{ a: '1' }]);
    expect(Object.keys(out[0]!)).toEqual(['a']);
  });

  it('a multivalue renamed to it stays its value and never becomes the row\'s prototype', async () => {
    const out = await run('| datamodel M D flat | rename m AS __proto__', [{ a: '1', m: ['p', 'q'] }]);
    expect(Object.getPrototypeOf(out[0])).toBe(Object.prototype);
    expect(own(out[0])).toEqual(['p', 'q']);
    expect(Object.keys(out[0]!).sort()).toEqual(['__proto__', 'a']);
  });

  it('stats BY it and table of it keep its values', async () => {
    const rows = [{ k: 'x' }, { k: 'y' }, { k: 'x' }];
    const grouped = await run('| datamodel M D flat | eval __proto__=k | stats count BY __proto__', rows);
    expect(grouped.map((r) => [own(r), r.count])).toEqual([['x', 2], ['y', 1]]);
    const table = await run('| datamodel M D flat | eval __proto__=k | table __proto__', rows);
    expect(table.map(own)).toEqual(['x', 'y', 'x']);
  });

  it('eventstats writes its results under that name', async () => {
    const out = await run('| datamodel M D flat | eventstats count AS __proto__ BY k | table k __proto__', [{ k: 'x' }, { k: 'y' }, { k: 'x' }]);
    expect(out.map((r) => [r.k, own(r)])).toEqual([['x', 2], ['y', 1], ['x', 2]]);
  });

  it('lookup writes its output field under that name', async () => {
    const out = await run('| datamodel M D flat | lookup zones k OUTPUT zone AS __proto__ | table __proto__', [{ k: 'x' }, { k: 'z' }]);
    expect(out.map(own)).toEqual(['inside', 'absent']);
  });

  it('the reader and writer made per name follow the same policy', () => {
    const row: SEvent = {};
    expect(fieldReader('__proto__')(row)).toBeNull();
    fieldWriter('__proto__')(row, ['a']);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(fieldReader('__proto__')(row)).toEqual(['a']);
    fieldWriter('x')(row, 'y');
    expect(fieldReader('x')(row)).toBe('y');
  });

  it('a row made from values (tstats) holds it as its own field', () => {
    const row = rowOfValues(['__proto__', 'n'])([['a', 'b'], 1]);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(own(row)).toEqual(['a', 'b']);
    expect(row.n).toBe(1);
  });
});
