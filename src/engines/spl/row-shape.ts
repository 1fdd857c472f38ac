import { fieldWriter, literalKey, readField, writeField } from './field-access.js';
import type { SEvent, SValue } from './values.js';

// Rows of one shape: each maker is generated once per search as an object literal with fixed keys, so every row it
// makes has one hidden class and the fused steps read and write fields of that class. Field names are written as
// keys and reads of field-access.ts (data, never code; `__proto__` an own field too). Names that repeat fall back to
// a loop: an object literal keeps a repeated key's last value, even an absent one.

/** Whether an object literal with these keys would hold each of them once. */
function literalSafe(names: readonly string[]): boolean {
  return new Set(names).size === names.length;
}

/** A copy of an event with exactly these fields (undefined where the event lacks one). */
export function rowMaker(fields: readonly string[]): (e: SEvent) => SEvent {
  if (!literalSafe(fields)) return (e) => ({ ...e });
  const body = `return {${fields.map((f) => `${literalKey(f)}: ${readField('e', f)}`).join(', ')}};`;
  return new Function('e', body) as (e: SEvent) => SEvent;
}

/**
 * A row of these fields from their values in order (undefined: absent, as a search's rows hold it). Names that
 * repeat: a later field with a value wins.
 */
export function rowOfValues(names: readonly string[]): (values: readonly unknown[]) => SEvent {
  if (!literalSafe(names)) {
    return (values) => {
      const row: SEvent = {};
      for (let k = 0; k < names.length; k++) if (values[k] !== undefined) fieldWriter(names[k]!)(row, values[k] as SValue);
      return row;
    };
  }
  const body = `return {${names.map((n, k) => `${literalKey(n)}: g[${k}]`).join(', ')}};`;
  return new Function('g', body) as (values: readonly unknown[]) => SEvent;
}

/**
 * A row in a search's shape (`fields`, as rowMaker copies an event into) straight from values named `names`: the row
 * rowMaker(fields) would copy from rowOfValues(names)'s row, made without that intermediate row. A field that no
 * name gives is undefined.
 */
export function shapedRowOfValues(names: readonly string[], fields: readonly string[]): (values: readonly unknown[]) => SEvent {
  if (!literalSafe(names) || !literalSafe(fields)) {
    const row = rowOfValues(names);
    const copy = rowMaker(fields);
    return (values) => copy(row(values));
  }
  const at = new Map(names.map((n, k) => [n, k]));
  const value = (f: string) => {
    const k = at.get(f);
    return k === undefined ? 'undefined' : `g[${k}]`;
  };
  const body = `return {${fields.map((f) => `${literalKey(f)}: ${value(f)}`).join(', ')}};`;
  return new Function('g', body) as (values: readonly unknown[]) => SEvent;
}

/**
 * A new row of these fields of a row, in this order, leaving out those it lacks (`table`, and the subsearch rows a
 * join keeps): generated once, each field read and written as field-access.ts does.
 */
export function pickFields(fields: readonly string[]): (row: SEvent) => SEvent {
  const body = fields.map((f) => `v = ${readField('row', f)}; if (v !== undefined) ${writeField('out', f, 'v')};`).join(' ');
  return new Function(`return function pick(row) { const out = {}; let v; ${body} return out; };`)() as (row: SEvent) => SEvent;
}
