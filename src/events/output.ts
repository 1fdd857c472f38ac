// Output rows: what a rule's alert row is, whichever engine computed it (column order, times as ISO 8601).
import type { Branch } from '../ir/types.js';
import { isMissing, toEpochMs, type Row } from './model.js';

/** An event rule's row: the output columns read from the event (times in ms, missing values as null). */
export function projectEvent(branch: Branch, e: Row, timeField: string): Row {
  const row: Row = {};
  for (const o of branch.output) {
    if (!o.field) continue;
    const v = e[o.field];
    row[o.name] = o.field === timeField ? toEpochMs(v) ?? null : isMissing(v) ? null : v;
  }
  return row;
}

/** Output columns in order; timestamp columns as ISO 8601 strings. */
export function output(branch: Branch, r: Row): Row {
  const out: Row = {};
  for (const o of branch.output) {
    const v = r[o.name];
    out[o.name] = o.type === 'timestamp' && typeof v === 'number' ? new Date(v).toISOString() : v ?? null;
  }
  return out;
}
