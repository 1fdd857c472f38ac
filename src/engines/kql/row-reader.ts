// Reading a table's items into rows: the columns a query reads, each decoded into its slot. The reader is generated
// once per read as straight-line code, so every property load names one column (a monomorphic load per column)
// instead of one loop site looking up every name.
import type { Row } from './layout.js';
import type { KValue } from './values.js';

export interface ReadColumn {
  /** The item's property holding the column, or null when no item has it (the decoder then reads undefined). */
  field: string | null;
  slot: number;
  decode: (v: unknown) => KValue;
}

export type RowReader = (rec: Record<string, unknown>, row: Row) => void;

export function rowReader(columns: readonly ReadColumn[]): RowReader {
  // A name is quoted with JSON.stringify, so any column name is a string literal here, never code.
  const body = columns.map((c, i) => `row[${c.slot}] = d[${i}](${c.field === null ? 'undefined' : `rec[${JSON.stringify(c.field)}]`});`).join('\n');
  const make = new Function('d', `'use strict';\nreturn function readRow(rec, row) {\n${body}\n};`) as (d: ReadColumn['decode'][]) => RowReader;
  return make(columns.map((c) => c.decode));
}
