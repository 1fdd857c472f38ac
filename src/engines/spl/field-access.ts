import type { SEvent, SValue } from './values.js';

// A field read compiled for one field name. A closure over the name shares one property-load site among all
// fields (a megamorphic lookup on every read); a function generated per name has its own site, which sees the
// one row shape of a search (plan.ts) and so stays a direct load. The name is written as a JSON string literal:
// data, never code.

const readers = new Map<string, (row: SEvent) => SValue>();

/** The value of a field of a row, null when the row lacks it. */
export function fieldReader(name: string): (row: SEvent) => SValue {
  let read = readers.get(name);
  if (!read) {
    // A literal `__proto__` key would read the prototype: that one name is read as an own property only.
    read = name === '__proto__'
      ? (row) => (Object.hasOwn(row, name) ? row[name] ?? null : null)
      : (new Function(`return function read(row) { const v = row[${JSON.stringify(name)}]; return v === undefined ? null : v; };`)() as (row: SEvent) => SValue);
    readers.set(name, read);
  }
  return read;
}

const writers = new Map<string, (row: SEvent, v: SValue | undefined) => void>();

/** The write of a field of a row, generated per name as fieldReader's read (undefined: the field is absent). */
export function fieldWriter(name: string): (row: SEvent, v: SValue | undefined) => void {
  let write = writers.get(name);
  if (!write) {
    // `row['__proto__'] = v` sets the prototype whether the name is written in or held in a variable: kept as is.
    write = name === '__proto__'
      ? (row, v) => void (row[name] = v)
      : (new Function(`return function write(row, v) { row[${JSON.stringify(name)}] = v; };`)() as (row: SEvent, v: SValue | undefined) => void);
    writers.set(name, write);
  }
  return write;
}
