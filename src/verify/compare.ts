import { sameValue, type Row } from '../events/model.js';

/** True when `row` has every column of `want` with the same value. */
export function rowMatches(row: Row, want: Row): boolean {
  return Object.entries(want).every(([k, v]) => sameValue(row[k], v));
}

/**
 * Matches expected alerts to actual rows one to one (any order). Returns a description of the mismatch, or
 * undefined when every expected alert has its row and no row is left over.
 */
export function matchExpected(rows: Row[], expect: Row[]): string | undefined {
  const free = rows.map((_, i) => i);
  const missing: Row[] = [];
  for (const w of expect) {
    const i = free.findIndex((j) => rowMatches(rows[j]!, w));
    if (i < 0) missing.push(w);
    else free.splice(i, 1);
  }
  if (!missing.length && !free.length) return undefined;
  const parts: string[] = [];
  if (missing.length) parts.push(`expected but not raised: ${missing.map((m) => JSON.stringify(m)).join('; ')}`);
  if (free.length) parts.push(`raised but not expected: ${free.map((j) => JSON.stringify(rows[j])).join('; ')}`);
  return parts.join('\n');
}
