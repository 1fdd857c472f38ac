// tstats' functions as states kept in each group's array, updated by functions made once per query: no object or
// closure per group, and a value read from an event is not copied into an array when it is one value (the usual
// case). dc() and values() keep one text until a second distinct one comes: most groups of a high-cardinality
// stream see one event.
import {
  SplRuntimeError,
  addMax,
  addMin,
  addNumber,
  addPresent,
  addSum,
  eachValue,
  finite,
  valuesAsOne,
  type SValue,
  type Sum,
} from './values.js';

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

export function tstatsOp(fn: TstatsFn, counted: boolean): TstatsOp {
  switch (fn) {
    case 'count':
      // A bare count counts events; count(f) the events that have a value of f.
      return {
        init: 0,
        add: counted ? (n, v) => (eachValue(v, 0, addPresent, undefined) > 0 ? (n as number) + 1 : n) : (n) => (n as number) + 1,
        result: (n) => n as number,
      };
    case 'dc':
    case 'values':
      // Distinct by text, as stats: "22" and "022" are two values; values() sorts them lexicographically.
      return {
        init: undefined,
        add: (s, v) => eachValue(v, s as Distinct, addDistinct, undefined),
        result: (s) => {
          const xs = distinctOf(s as Distinct);
          return fn === 'dc' ? xs.length : xs.length ? xs.sort() : null;
        },
      };
    case 'min':
    case 'max': {
      const min = fn === 'min';
      const one = min ? addMin : addMax;
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
        add: (s, v) => (finite(v) ? addNumber(s as Sum | undefined, v) : eachValue(v, s as Sum | undefined, addSum, undefined)),
        result: (s) => {
          const acc = s as Sum | undefined;
          return acc === undefined ? null : fn === 'sum' ? acc.s : acc.s / acc.n;
        },
      };
    case 'latest':
    case 'earliest':
      // The value of the latest (earliest) event that has one; the first such event on a tie.
      return {
        init: undefined,
        add: (s, v, time) => {
          const at = s as [number, SValue] | undefined;
          if (at !== undefined && !(fn === 'latest' ? time > at[0] : time < at[0])) return s;
          const x = valuesAsOne(v);
          return x === null ? s : [time, x];
        },
        result: (s) => (s === undefined ? null : (s as [number, SValue])[1]),
      };
    default: {
      const never: never = fn;
      throw new SplRuntimeError(`tstats function ${String(never)}() is outside the supported subset`);
    }
  }
}
