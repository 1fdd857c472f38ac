// summarize's per-group state, held by column: a group is a number (its position in first-row order), and each key
// and each aggregate channel keeps one column of values indexed by it. A number (a count, a min or max time, a time
// window) sits unboxed in a Float64Array, so a million groups are a few flat arrays rather than a million small
// arrays and boxed numbers that the garbage collector copies and marks one by one.
import type { Row } from './layout.js';
import type { KValue } from './values.js';

/** Numbers or null, unboxed: a Float64Array of values and a byte per value telling whether it is set. */
export class NumberColumn {
  values = new Float64Array(64);
  known = new Uint8Array(64);
  length = 0;

  push(v: number | null): void {
    if (this.length === this.values.length) this.grow();
    this.set(this.length++, v);
  }

  set(i: number, v: number | null): void {
    if (v === null) this.known[i] = 0;
    else {
      this.values[i] = v;
      this.known[i] = 1;
    }
  }

  get(i: number): number | null {
    return this.known[i] === 1 ? this.values[i]! : null;
  }

  private grow() {
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    const known = new Uint8Array(values.length);
    known.set(this.known);
    this.values = values;
    this.known = known;
  }
}

/**
 * One channel's states for the groups of one summarize run. A group's state is made by its first row: groups are
 * numbered in first-row order and every row reaches every channel, so group `g`'s first row always finds `g` states
 * made before it. A group that got no row (summarize without keys over no rows) reads the initial state.
 */
export interface Store {
  add(g: number, row: Row): void;
  /** The state an aggregate call's `result` reads: a number, null while unset, or the channel's own value. */
  state(g: number): unknown;
}

/** A per-group state and how a row updates it: a fresh store per run of the summarize. */
export interface Channel {
  store(): Store;
}

/** A channel whose state is any value (a distinct set, a list, a string extreme): kept in a plain array. */
export function valueChannel(init: unknown, add: (state: unknown, row: Row) => unknown): Channel {
  return {
    store() {
      const states: unknown[] = [];
      return {
        add: (g, row) => {
          states[g] = add(g < states.length ? states[g] : init, row);
        },
        state: (g) => (g < states.length ? states[g] : init),
      };
    },
  };
}

/** count() (every row) or countif(p) (rows whose `p` is true). */
export function countChannel(p: ((row: Row) => boolean) | undefined): Channel {
  return {
    store() {
      const n = new NumberColumn();
      return {
        add: p
          ? (g, row) => {
              if (g === n.length) n.push(0);
              if (p(row)) n.values[g]!++;
            }
          : (g) => {
              if (g === n.length) n.push(0);
              n.values[g]!++;
            },
        state: (g) => (g < n.length ? n.values[g]! : 0),
      };
    },
  };
}

/**
 * A number that starts unset (null) and takes a row's number when `better(value, current)` holds or when it is
 * still unset: sum, min and max of number-valued expressions. A null value from the row changes nothing.
 */
export function numberChannel(x: (row: Row) => KValue, better: (v: number, current: number) => number | undefined): Channel {
  return {
    store() {
      const col = new NumberColumn();
      return {
        add: (g, row) => {
          if (g === col.length) col.push(null);
          const v = x(row);
          if (typeof v !== 'number') return;
          if (col.known[g] === 0) col.set(g, v);
          else {
            const next = better(v, col.values[g]!);
            if (next !== undefined) col.values[g] = next;
          }
        },
        state: (g) => (g < col.length ? col.get(g) : null),
      };
    },
  };
}
