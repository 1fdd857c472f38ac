import { describe, expect, it } from 'vitest';
import { flatten } from '../../src/events/flatten.js';

describe('flatten: the items of a stream of batches', () => {
  it('gives every item in order, skipping empty batches, and ends', async () => {
    async function* batches() {
      yield [1, 2];
      yield [];
      yield [3];
      yield [4, 5, 6];
    }
    const out: number[] = [];
    for await (const x of flatten(batches())) out.push(x);
    expect(out).toEqual([1, 2, 3, 4, 5, 6]);
    const it = flatten(batches())[Symbol.asyncIterator]();
    for (let i = 0; i < 6; i++) await it.next();
    expect(await it.next()).toEqual({ value: undefined, done: true });
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it('passes on an error of the batches, and closes them when the consumer stops early', async () => {
    let closed = false;
    async function* failing() {
      yield [1];
      throw new Error('line 2: not JSON');
    }
    async function* endless() {
      try {
        for (let i = 0; ; i++) yield [i, i];
      } finally {
        closed = true;
      }
    }
    await expect((async () => { for await (const _ of flatten(failing())) void _; })()).rejects.toThrow('line 2: not JSON');
    for await (const x of flatten(endless())) if (x === 3) break;
    expect(closed).toBe(true);
  });
});
