// A group's set of distinct scalar values (dcount, make_set), sized to what it holds: nothing while empty, the
// value itself while it holds one, a short array up to SMALL values, a Set beyond. Most groups of a
// high-cardinality stream hold one or two values, so they cost no Set each.
import type { KValue } from './values.js';

const SMALL = 16;

/** The state of a distinct set: undefined (empty), one scalar, a short array, or a Set. */
export type Distinct = undefined | string | number | boolean | (string | number | boolean)[] | Set<string | number | boolean>;

/** Adds a scalar (never null, never an array) and returns the set's new state. */
export function addDistinct(s: Distinct, v: string | number | boolean): Distinct {
  if (s === undefined) return v;
  if (typeof s !== 'object') return s === v ? s : [s, v];
  if (Array.isArray(s)) {
    if (s.includes(v)) return s;
    if (s.length < SMALL) {
      s.push(v);
      return s;
    }
    const set = new Set(s);
    set.add(v);
    return set;
  }
  s.add(v);
  return s;
}

/** Whether the set would gain `v` (a new value, to intern before it is added). */
export function hasDistinct(s: Distinct, v: string | number | boolean): boolean {
  if (s === undefined) return false;
  if (typeof s !== 'object') return s === v;
  return Array.isArray(s) ? s.includes(v) : s.has(v);
}

export function distinctSize(s: Distinct): number {
  if (s === undefined) return 0;
  if (typeof s !== 'object') return 1;
  return Array.isArray(s) ? s.length : s.size;
}

/** The values in the order they were first added. */
export function distinctValues(s: Distinct): KValue[] {
  if (s === undefined) return [];
  if (typeof s !== 'object') return [s];
  return Array.isArray(s) ? s.slice() : [...s];
}
