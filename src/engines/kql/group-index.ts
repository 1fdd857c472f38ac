// summarize's groups: found by their key values without building a key per row. A group is a number, its position
// in first-row order; its key values are kept by column (group-columns.ts), a number-valued key unboxed. Groups are
// hashed on one key (in a table per time window when a key is one) and chained on the others. A chain that grows
// long becomes a table of its own when one key is left to tell its groups apart (a scanner's probes: one source,
// many destinations), else it switches the index to one text key per group, as a key of dynamic content does.
import { NumberColumn } from './group-columns.js';
import { isNumberValued, valueKey, type KValue, type StaticType } from './values.js';

const LONG_CHAIN = 16;

/** One key's values by group: unboxed while every value is a number or null (a number-valued key), else as they are. */
class KeyColumn {
  private numbers: NumberColumn | undefined;
  private values: KValue[] | undefined;

  constructor(numeric: boolean) {
    if (numeric) this.numbers = new NumberColumn();
    else this.values = [];
  }

  push(v: KValue): void {
    if (this.numbers && v !== null && typeof v !== 'number') this.box();
    if (this.numbers) this.numbers.push(v as number | null);
    else this.values!.push(v);
  }

  get(g: number): KValue {
    return this.numbers ? this.numbers.get(g) : this.values![g]!;
  }

  /** Whether group `g`'s value is `v`: ===, and NaN equal to NaN (every NaN one group, as in the hashed key's Map). */
  is(g: number, v: KValue): boolean {
    const n = this.numbers;
    if (!n) {
      const a = this.values![g];
      return a === v || (a !== a && v !== v);
    }
    if (v === null) return n.known[g] === 0;
    const a = n.values[g]!;
    return n.known[g] === 1 && (a === v || (a !== a && v !== v));
  }

  /** A value that is not a number arrived (outside the static type): keep every value as it is from now on. */
  private box() {
    const n = this.numbers!;
    this.values = [];
    for (let i = 0; i < n.length; i++) this.values.push(n.get(i));
    this.numbers = undefined;
  }
}

/** A hashed key's entry: the head of its chain of groups, or a table of its groups by the one other key. */
type Slot = number | Map<unknown, number>;

export class GroupIndex {
  /** The number of groups; group `g` is the g-th to get its first row (the output order). */
  count = 0;
  private readonly cols: KeyColumn[];
  /** The key hashed (the first one that is not `outer`); the others are compared along its chains. */
  private readonly hashed: number;
  private readonly rest: number[];
  /**
   * Groups by their hashed key: one table, or one per value of the outer key. A value is the head of a chain of
   * groups, or, for a chain grown long with one key left, the table of those groups by that key.
   */
  private readonly byHashed = new Map<unknown, Slot>();
  private readonly byOuter = new Map<unknown, Map<unknown, Slot>>();
  private lastOuter: unknown = undefined;
  private lastTable: Map<unknown, Slot> | undefined;
  /** The next group in a chain of groups sharing their hashed key (and outer key), or -1. */
  private next = new Int32Array(64);
  private byText: Map<string, number> | undefined;

  /**
   * `keyTypes`: the static type of each key. `textKeys`: compare keys by their text key (dynamic content).
   * `outer`: a key of few values that come in runs (a time window), whose value picks a table of its own: the rows
   * of one window then look up a table of that window's groups, small and recently used, instead of one table of
   * every group.
   */
  constructor(private readonly keyTypes: readonly StaticType[], textKeys: boolean, private readonly outer = -1) {
    this.cols = keyTypes.map((t) => new KeyColumn(isNumberValued(t)));
    if (keyTypes.length < 2) this.outer = -1;
    this.hashed = this.outer === 0 ? 1 : 0;
    this.rest = keyTypes.map((_, i) => i).filter((i) => i !== this.hashed && i !== this.outer);
    if (textKeys) this.byText = new Map();
  }

  /** The group of these key values (read at once: `values` is the caller's scratch array), made if new. */
  get(values: readonly KValue[]): number {
    const n = this.keyTypes.length;
    if (n === 0) return this.count ? 0 : this.make(values);
    if (this.byText) {
      const id = textKey(values, n);
      let g = this.byText.get(id);
      if (g === undefined) this.byText.set(id, (g = this.make(values)));
      return g;
    }
    const table = this.outer < 0 ? this.byHashed : this.tableOf(values[this.outer]!);
    const k = values[this.hashed];
    const slot = table.get(k);
    const rest = this.rest;
    if (!rest.length) {
      if (slot !== undefined) return slot as number;
      const g = this.make(values);
      table.set(k, g);
      return g;
    }
    if (typeof slot === 'object') {
      // A long chain's own table: the one key left finds the group (Map keys compare as the chains do, for the
      // values a key holds: numbers, texts, booleans and null).
      const v = values[rest[0]!];
      let g = slot.get(v);
      if (g === undefined) slot.set(v, (g = this.make(values)));
      return g;
    }
    const head = slot;
    let depth = 0;
    for (let g = head ?? -1; g !== -1; g = this.next[g]!, depth++) {
      let same = true;
      for (let j = 0; j < rest.length; j++) {
        const i = rest[j]!;
        if (!this.cols[i]!.is(g, values[i]!)) {
          same = false;
          break;
        }
      }
      if (same) return g;
    }
    const g = this.make(values);
    this.next[g] = head ?? -1;
    table.set(k, g);
    if (depth >= LONG_CHAIN) {
      if (rest.length === 1) table.set(k, this.chainTable(g, rest[0]!));
      else this.toText();
    }
    return g;
  }

  /** The groups of the chain starting at `head`, by key `i`. */
  private chainTable(head: number, i: number): Map<unknown, number> {
    const t = new Map<unknown, number>();
    for (let g = head; g !== -1; g = this.next[g]!) t.set(this.key(g, i), g);
    return t;
  }

  /** The table of one outer key value; rows come in runs of one window, so the last one is kept at hand. */
  private tableOf(o: KValue): Map<unknown, Slot> {
    if (o === this.lastOuter && this.lastTable) return this.lastTable;
    let t = this.byOuter.get(o);
    if (!t) this.byOuter.set(o, (t = new Map()));
    this.lastOuter = o;
    this.lastTable = t;
    return t;
  }

  /** Key `i` of group `g`. */
  key(g: number, i: number): KValue {
    return this.cols[i]!.get(g);
  }

  /** The one group of a summarize without keys, made if it has no rows (it still has its one row). */
  empty(): void {
    if (!this.count) this.make([]);
  }

  private make(values: readonly KValue[]): number {
    const g = this.count++;
    for (let i = 0; i < this.cols.length; i++) this.cols[i]!.push(values[i]!);
    if (g === this.next.length) {
      const next = new Int32Array(g * 2);
      next.set(this.next);
      this.next = next;
    }
    this.next[g] = -1;
    return g;
  }

  private toText() {
    const byText = new Map<string, number>();
    const keys: KValue[] = new Array(this.cols.length);
    for (let g = 0; g < this.count; g++) {
      for (let i = 0; i < keys.length; i++) keys[i] = this.key(g, i);
      byText.set(textKey(keys, keys.length), g);
    }
    this.byText = byText;
    this.byHashed.clear();
    this.byOuter.clear();
    this.lastTable = undefined;
  }
}

function textKey(values: readonly KValue[], n: number): string {
  let id = valueKey(values[0]);
  for (let i = 1; i < n; i++) id += `\u0000${valueKey(values[i])}`;
  return id;
}
