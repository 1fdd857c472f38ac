// A rule's aggregates compiled once into small accumulators over a compact state: one slot per aggregate in each
// group, sized to what it holds (a distinct set of one value is that value, not a Set), its strings interned.
import type { Aggregate } from '../ir/types.js';
import { isMissing, toEpochMs, toNumber, type Row } from '../events/model.js';
import { assertNever } from '../util/assert-never.js';

/** One group's state: its event count and one slot per aggregate (see Accumulator). */
export interface Slots {
  count: number;
  slots: unknown[];
}

/** The compiled aggregates of one aggregation: add an event to a group's slots; read the results. */
export interface Accumulator {
  newSlots(): Slots;
  add(s: Slots, e: Row): void;
  /** The value of aggregate `i` (an output column). */
  finish(s: Slots, i: number): unknown;
}

/**
 * Equal strings are kept once: group state holds the same few vendor names and hosts a million times. The table
 * starts over when it holds `limit` strings, so that a stream of unique values (a million source addresses) costs
 * a small table, not a second copy of them all; a value that recurs is back in the table at its next sighting.
 */
export function interner(limit = 1 << 16): (s: string) => string {
  let seen = new Map<string, string>();
  return (s) => {
    const known = seen.get(s);
    if (known !== undefined) return known;
    if (seen.size >= limit) seen = new Map();
    seen.set(s, s);
    return s;
  };
}

/**
 * The identity of a value in distinct counts and value sets: numbers and numeric strings are the same number ("22"
 * and 22), anything else is its text. A numeric string always becomes a number, so the two kinds never collide.
 */
function distinctKey(v: unknown, intern: (s: string) => string): number | string {
  const n = toNumber(v);
  return n !== undefined ? n : intern(String(v));
}

/** A distinct set: nothing, one key, or a Set of keys. */
type Distinct = undefined | number | string | Set<number | string>;
function addDistinct(d: Distinct, k: number | string): Distinct {
  if (d === undefined) return k;
  if (typeof d !== 'object') return d === k ? d : new Set([d, k]);
  d.add(k);
  return d;
}
function distinctSize(d: Distinct): number {
  return d === undefined ? 0 : typeof d === 'object' ? d.size : 1;
}

/** A value set: nothing, one value (with its key), or a Map key → value. The last value of a key is kept. */
type Values = undefined | { k: number | string; v: unknown } | Map<number | string, unknown>;
function addValue(s: Values, k: number | string, v: unknown): Values {
  if (s === undefined) return { k, v };
  if (!(s instanceof Map)) {
    if (s.k === k) {
      s.v = v;
      return s;
    }
    return new Map([[s.k, s.v], [k, v]]);
  }
  s.set(k, v);
  return s;
}
function valuesOf(s: Values): unknown[] {
  return s === undefined ? [] : s instanceof Map ? [...s.values()] : [s.v];
}

export function compileAggregates(aggregates: Aggregate[], timeField: string, intern: (s: string) => string): Accumulator {
  const keep = (v: unknown) => (typeof v === 'string' ? intern(v) : v);
  const adders = aggregates.map((a, i): ((slots: unknown[], v: unknown) => void) | undefined => {
    if (!a.field) return undefined;
    switch (a.fn) {
      case 'distinct_count':
        return (s, v) => void (s[i] = addDistinct(s[i] as Distinct, distinctKey(v, intern)));
      case 'values':
        return (s, v) => void (s[i] = addValue(s[i] as Values, distinctKey(v, intern), keep(v)));
      case 'min':
      case 'max': {
        const num = a.field === timeField ? toEpochMs : toNumber;
        const min = a.fn === 'min';
        return (s, v) => {
          const n = num(v);
          if (n === undefined) return;
          const cur = s[i] as number | undefined;
          if (cur === undefined || (min ? n < cur : n > cur)) s[i] = n;
        };
      }
      case 'any':
        return (s, v) => void (s[i] === undefined && (s[i] = keep(v)));
      case 'count':
        return undefined; // counted once per event, whatever the field holds
      default:
        return assertNever(a.fn, 'aggregate function');
    }
  });
  const reads = adders.flatMap((add, i) => (add ? [{ field: aggregates[i]!.field!, add }] : []));
  return {
    newSlots: () => ({ count: 0, slots: new Array(aggregates.length) }),
    add(g, e) {
      g.count++;
      for (const { field, add } of reads) {
        const v = e[field];
        if (!isMissing(v)) add(g.slots, v);
      }
    },
    finish(g, i) {
      const a = aggregates[i]!;
      const slot = g.slots[i];
      switch (a.fn) {
        case 'count':
          return g.count;
        case 'distinct_count':
          return distinctSize(slot as Distinct);
        case 'values': {
          // The first `limit` values in text order (UTF-16 code units), numbers too: what Splunk's values() keeps,
          // and so what every backend keeps (docs/semantics.md, "values"). Numbers stay numbers.
          const vals = valuesOf(slot as Values).map((v) => toNumber(v) ?? String(v));
          return vals.sort((x, y) => (String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0)).slice(0, a.limit);
        }
        case 'min':
        case 'max':
        case 'any':
          return slot ?? null;
        default:
          return assertNever(a.fn, 'aggregate function');
      }
    },
  };
}
