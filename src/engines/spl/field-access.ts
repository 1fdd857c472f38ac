import type { SEvent, SValue } from './values.js';

// How the search reads and writes a field of a row: one policy, written here once as JavaScript source with the
// name written in (a JSON string literal: data, never code). Steps generated per search (eval, rename, where, ...)
// splice this source into their own function, so that each read and write has a property site of its own that sees
// the one row shape of the search; a name held in a variable would be a lookup by name on every row. fieldReader and
// fieldWriter are the same source made into a function per name, for code that is not generated.
//
// A field is an own property of the row, `__proto__` included: a plain `row["__proto__"]` would read the row's
// prototype and an assignment to it would set that prototype (an array value then lends the row its elements), so
// that one name is read as an own property only and written by defining one.

/** Source of an expression: the field `name` of the row in variable `row`, undefined when the row lacks it. */
export function readField(row: string, name: string): string {
  const key = JSON.stringify(name);
  return name === '__proto__' ? `(Object.hasOwn(${row}, ${key}) ? ${row}[${key}] : undefined)` : `${row}[${key}]`;
}

/** Source of a statement: `value` (source; undefined: the field is absent) written into the field `name` of `row`. */
export function writeField(row: string, name: string, value: string): string {
  const key = JSON.stringify(name);
  return name === '__proto__'
    ? `Object.defineProperty(${row}, ${key}, { value: ${value}, writable: true, enumerable: true, configurable: true })`
    : `${row}[${key}] = ${value}`;
}

/**
 * Source of the key naming the field `name` in an object literal: a computed key for `__proto__` (`{["__proto__"]:
 * v}` defines an own field, where `{"__proto__": v}` would set the object's prototype), the JSON string otherwise.
 */
export function literalKey(name: string): string {
  const key = JSON.stringify(name);
  return name === '__proto__' ? `[${key}]` : key;
}

const readers = new Map<string, (row: SEvent) => SValue>();

/** The value of a field of a row, null when the row lacks it. */
export function fieldReader(name: string): (row: SEvent) => SValue {
  let read = readers.get(name);
  if (!read) {
    read = new Function(`return function read(row) { const v = ${readField('row', name)}; return v === undefined ? null : v; };`)() as (row: SEvent) => SValue;
    readers.set(name, read);
  }
  return read;
}

const writers = new Map<string, (row: SEvent, v: SValue | undefined) => void>();

/** The write of a field of a row (undefined: the field is absent). */
export function fieldWriter(name: string): (row: SEvent, v: SValue | undefined) => void {
  let write = writers.get(name);
  if (!write) {
    write = new Function(`return function write(row, v) { ${writeField('row', name, 'v')}; };`)() as (row: SEvent, v: SValue | undefined) => void;
    writers.set(name, write);
  }
  return write;
}
