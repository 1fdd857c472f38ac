import { describe, expect, it } from 'vitest';
import { TupleIndex, hashTuple, sameKey } from '../../src/engines/tuple-index.js';

/** An index over tuples kept in an array, as the aggregations keep theirs in their group tables. */
function index(hash: (keys: unknown[]) => number, capacity?: number) {
  const tuples: unknown[][] = [];
  const same = (g: number, keys: unknown[]) => tuples[g]!.length === keys.length && tuples[g]!.every((v, k) => sameKey(v, keys[k]));
  const idx = new TupleIndex<unknown[]>(same, capacity);
  return {
    groupOf(keys: unknown[]): number {
      const h = hash(keys);
      let g = idx.find(h, keys);
      if (g < 0) {
        g = tuples.push([...keys]) - 1;
        idx.add(h, g);
      }
      return g;
    },
    size: () => tuples.length,
  };
}

describe('tuple index (SPL stats and tstats, KQL summarize)', () => {
  it('equal tuples hash alike: numbers by value (0 and -0, every NaN), texts by their characters', () => {
    expect(hashTuple(['a', 0])).toBe(hashTuple(['a', -0]));
    expect(hashTuple([Number.NaN, 'x'])).toBe(hashTuple([0 / 0, 'x']));
    expect(hashTuple([1.5, 1e300])).toBe(hashTuple([3 / 2, 1e300]));
    expect(hashTuple([`${'ab'}c`])).toBe(hashTuple(['abc']));
    // Not a requirement, but the table relies on tuples spreading: a position's values are not summed up.
    expect(new Set([hashTuple(['ab', 'c']), hashTuple(['a', 'bc']), hashTuple(['abc', '']), hashTuple([1, 2]), hashTuple([2, 1])]).size).toBe(5);
  });

  it('KQL values hash too: null and undefined alike, booleans apart from each other and from 0 and 1', () => {
    expect(hashTuple(['a', null])).toBe(hashTuple(['a', undefined]));
    expect(hashTuple([true, 'x'])).toBe(hashTuple([true, 'x']));
    expect(new Set([hashTuple([true]), hashTuple([false]), hashTuple([null]), hashTuple([0]), hashTuple([1])]).size).toBe(5);
  });

  it('null, booleans and numbers of one hash still make their own groups', () => {
    const ix = index(hashTuple);
    expect([null, false, true, 0, 1, '', null, true, 0].map((v) => ix.groupOf(['k', v]))).toEqual([0, 1, 2, 3, 4, 5, 0, 2, 3]);
  });

  it.each([undefined, 2, 16])('finds each tuple\'s group across growth, numbering groups in first-seen order (capacity %s)', (capacity) => {
    const ix = index(hashTuple, capacity);
    const tuples = Array.from({ length: 5000 }, (_, i) => [`10.0.${i % 97}.${i % 251}`, i % 3 === 0 ? 300 * i : `${i % 5}`]);
    const first = new Map<string, number>();
    for (const t of tuples) {
      const key = JSON.stringify(t);
      if (!first.has(key)) first.set(key, first.size);
      expect(ix.groupOf(t)).toBe(first.get(key));
    }
    for (const t of tuples) expect(ix.groupOf(t)).toBe(first.get(JSON.stringify(t)));
    expect(ix.size()).toBe(first.size);
  });

  it('tuples of one hash stay apart: equality decides, the hash only narrows', () => {
    const ix = index(() => 42);
    const groups = Array.from({ length: 3000 }, (_, i) => ix.groupOf([`s${i}`, i]));
    expect(groups).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    for (let i = 2999; i >= 0; i -= 7) expect(ix.groupOf([`s${i}`, i])).toBe(i);
    expect(ix.groupOf(['s5', 6])).toBe(3000);
    expect(ix.groupOf([Number.NaN])).toBe(3001);
    expect(ix.groupOf([Number.NaN])).toBe(3001);
  });
});
