import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowMaker, rowOfValues, shapedRowOfValues } from '../../src/engines/spl/row-shape.js';
import type { SEvent } from '../../src/engines/spl/values.js';

// A generating command that makes its own rows (tstats) makes them straight in the search's shape: that row must be
// the one the search would have copied from the command's own row, key order included.

describe('SPL row shapes', () => {
  it('a shaped row holds exactly the search fields in their order: a field the values lack is undefined, a name the search never reads is left out', () => {
    const row = shapedRowOfValues(['a', 'b', 'n'], ['n', 'x', 'a'])(['A', 'B', 3]);
    expect(Object.keys(row)).toEqual(['n', 'x', 'a']);
    expect(row).toEqual({ n: 3, x: undefined, a: 'A' });
    expect('b' in row).toBe(false);
  });

  it('repeated names: a later value wins; a value named __proto__ never becomes the row\'s prototype', () => {
    const make = shapedRowOfValues(['a', 'a', '__proto__'], ['a', '__proto__']);
    const row = make(['first', undefined, { polluted: true }]);
    expect(row.a).toBe('first');
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect((row as Record<string, unknown>).polluted).toBeUndefined();
    expect(make(['first', 'second', 'p']).a).toBe('second');
  });

  it('a field named __proto__ is an own field of the one shape: exactly the fields asked for, in their order', () => {
    const event: SEvent = { extra: 1, a: 'A' };
    Object.defineProperty(event, '__proto__', { value: ['p'], writable: true, enumerable: true, configurable: true });
    const copied = rowMaker(['__proto__', 'a', 'b'])(event);
    expect(Object.keys(copied)).toEqual(['__proto__', 'a', 'b']);
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(copied, '__proto__')?.value).toEqual(['p']);
    // An event without the field: absent, never the event's prototype read through `e.__proto__`.
    expect(Object.getOwnPropertyDescriptor(rowMaker(['__proto__'])({ a: 'A' }), '__proto__')?.value).toBeUndefined();

    const made = rowOfValues(['__proto__', 'n'])([undefined, 1]);
    expect(Object.keys(made)).toEqual(['__proto__', 'n']);
    const shaped = shapedRowOfValues(['__proto__', 'n'], ['n', 'x', '__proto__'])([['v'], 2]);
    expect(Object.keys(shaped)).toEqual(['n', 'x', '__proto__']);
    expect(Object.getPrototypeOf(shaped)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(shaped, '__proto__')?.value).toEqual(['v']);
  });

  it('is the copy of the own row for any names, fields and values', () => {
    const name = fc.constantFrom('a', 'b', 'c', '_time', 'x.y', '__proto__', 'constructor"');
    const value = fc.oneof(fc.constant(undefined), fc.string(), fc.integer());
    fc.assert(
      fc.property(fc.array(name, { maxLength: 6 }), fc.uniqueArray(name, { maxLength: 6 }), fc.array(value, { minLength: 6, maxLength: 6 }), (names, fields, values) => {
        const shaped = shapedRowOfValues(names, fields)(values);
        const copied = rowMaker(fields)(rowOfValues(names)(values));
        expect(shaped).toEqual(copied);
        expect(Object.keys(shaped)).toEqual(Object.keys(copied));
      }),
    );
  });
});
