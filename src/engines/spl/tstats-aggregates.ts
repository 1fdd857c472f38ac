// tstats' functions as states kept in each group's array, updated by functions made once per query: no object or
// closure per group, and a value read from an event is not copied into an array when it is one value (the usual
// case). dc() and values() keep one text until a second distinct one comes: most groups of a high-cardinality
// stream see one event.
import { SplRuntimeError, asNumber, asString, eachValue, splunkCompare, type SValue } from './values.js';

export type TstatsFn = 'count' | 'dc' | 'values' | 'min' | 'max' | 'sum' | 'avg' | 'latest' | 'earliest';

/**
 * One function over one field: its first state, how an event's value changes it, and its result. `v` is the field's
 * value as the event holds it (null when missing); each function reads it as Splunk's functions do (eachValue in
 * values.ts, as stats), with a direct path for the one string or number most events hold.
 */
export interface TstatsOp {
  readonly init: unknown;
  /** The new state after an event whose field holds `v`, at `time` (read only by latest and earliest). */
  add(state: unknown, v: SValue, time: number): unknown;
  result(state: unknown): SValue;
}

/** A field's values as Splunk's functions read them: none when missing or empty, one per value of a multivalue. */
export function valuesOf(v: SValue | undefined): string | string[] | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (!Array.isArray(v)) return asString(v);
  const xs = v.filter((x) => x !== null && x !== '').map(asString);
  return xs.length ? xs : undefined;
}

type Distinct = undefined | string | Set<string>;

function addDistinct(s: Distinct, x: string): Distinct {
  if (s === undefined) return x;
  if (typeof s === 'string') return s === x ? s : new Set([s, x]);
  s.add(x);
  return s;
}

function distinctOf(s: Distinct): string[] {
  return s === undefined ? [] : typeof s === 'string' ? [s] : [...s];
}

/** sum() and avg(): [sum, count of numeric values], made at the first numeric value. */
type Sum = [number, number];

function addNumber(acc: Sum | undefined, k: number): Sum {
  acc ??= [0, 0];
  acc[0] += k;
  acc[1]++;
  return acc;
}

/** A value as text counts when it is a number. */
function addNumeric(acc: Sum | undefined, x: string): Sum | undefined {
  const k = asNumber(x);
  return k === undefined ? acc : addNumber(acc, k);
}

/** A finite number's text reads back as that number: min, max and sum skip the round trip through text. */
function finite(v: SValue): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function tstatsOp(fn: TstatsFn, counted: boolean): TstatsOp {
  switch (fn) {
    case 'count':
      // A bare count counts events; count(f) the events that have a value of f.
      return {
        init: 0,
        add: counted ? (n, v) => (valuesOf(v) !== undefined ? (n as number) + 1 : n) : (n) => (n as number) + 1,
        result: (n) => n as number,
      };
    case 'dc':
    case 'values':
      // Distinct by text, as stats: "22" and "022" are two values; values() sorts them lexicographically.
      return {
        init: undefined,
        add: (s, v) => (typeof v === 'string' ? (v === '' ? s : addDistinct(s as Distinct, v)) : eachValue(v, s as Distinct, addDistinct, undefined)),
        result: (s) => {
          const xs = distinctOf(s as Distinct);
          return fn === 'dc' ? xs.length : xs.length ? xs.sort() : null;
        },
      };
    case 'min':
    case 'max': {
      const better = (x: string, best: SValue) => best === null || (fn === 'min' ? splunkCompare(x, best) < 0 : splunkCompare(x, best) > 0);
      const one = (best: SValue, x: string): SValue => (better(x, best) ? asNumber(x) ?? x : best);
      const min = fn === 'min';
      return {
        init: null,
        add: (s, v) => {
          // A number against a numeric best (or none) compares as numbers, as its text would.
          if (finite(v) && (s === null || typeof s === 'number')) return s === null || (min ? v < s : v > s) ? v + 0 : s;
          return eachValue(v, s as SValue, one, undefined);
        },
        result: (s) => s as SValue,
      };
    }
    case 'sum':
    case 'avg':
      return {
        init: undefined,
        add: (s, v) => (finite(v) ? addNumber(s as Sum | undefined, v) : eachValue(v, s as Sum | undefined, addNumeric, undefined)),
        result: (s) => {
          const acc = s as Sum | undefined;
          return acc === undefined ? null : fn === 'sum' ? acc[0] : acc[0] / acc[1];
        },
      };
    case 'latest':
    case 'earliest':
      // The value of the latest (earliest) event that has one; the first such event on a tie.
      return {
        init: undefined,
        add: (s, v, time) => {
          const xs = valuesOf(v);
          if (xs === undefined) return s;
          const at = s as [number, SValue] | undefined;
          if (at !== undefined && !(fn === 'latest' ? time > at[0] : time < at[0])) return s;
          return [time, typeof xs === 'string' ? xs : xs.length === 1 ? xs[0]! : xs];
        },
        result: (s) => (s === undefined ? null : (s as [number, SValue])[1]),
      };
    default: {
      const never: never = fn;
      throw new SplRuntimeError(`tstats function ${String(never)}() is outside the supported subset`);
    }
  }
}
