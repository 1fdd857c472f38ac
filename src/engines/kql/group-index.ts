// summarize's groups: found by a hash of their whole tuple of key values (engines/tuple-index.ts, shared with the
// SPL engine's stats), without building a key text per row. A group is a number, its position in first-row order;
// its key values are kept by column (group-columns.ts), a number-valued key unboxed. A dynamic key is hashed and
// compared by its text key (valueKey: type-aware, so 1 and "1" differ, and arrays by content), kept beside its value.
import { TupleIndex, hashTuple, sameKey } from '../tuple-index.js';
import { NumberColumn } from './group-columns.js';
import { isNumberValued, valueKey, type KValue, type StaticType } from './values.js';

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

  /** Whether group `g`'s value is `v`: ===, and NaN equal to NaN (every NaN one group, as hashTuple hashes it). */
  is(g: number, v: KValue): boolean {
    const n = this.numbers;
    if (!n) {
      const a = this.values![g];
      return sameKey(a, v);
    }
    if (v === null) return n.known[g] === 0;
    const a = n.values[g]!;
    return n.known[g] === 1 && sameKey(a, v);
  }

  /** A value that is not a number arrived (outside the static type): keep every value as it is from now on. */
  private box() {
    const n = this.numbers!;
    this.values = [];
    for (let i = 0; i < n.length; i++) this.values.push(n.get(i));
    this.numbers = undefined;
  }
}

export class GroupIndex {
  /** The number of groups; group `g` is the g-th to get its first row (the output order). */
  count = 0;
  private readonly cols: KeyColumn[];
  /** Per key, for a dynamic one, each group's text key (what its tuple is hashed and compared by); else undefined. */
  private readonly texts: (string[] | undefined)[];
  private readonly dynamic: boolean;
  /** The tuple hashed and compared: the row's key values, a dynamic one as its text key. */
  private readonly probe: KValue[];
  private readonly same = (g: number, keys: readonly KValue[]) => this.holds(g, keys);
  /** The groups' index: one, or one per value of the outer key. */
  private readonly index: TupleIndex<readonly KValue[]> | undefined;
  private readonly byOuter = new Map<unknown, TupleIndex<readonly KValue[]>>();
  private lastOuter: unknown = undefined;
  private lastIndex: TupleIndex<readonly KValue[]> | undefined;

  /**
   * `keyTypes`: the static type of each key. `outer`: a key of few values that come in runs (a time window), whose
   * value picks an index of its own: the rows of one window then look up a table of that window's groups, small
   * and recently used, instead of one table of every group.
   */
  constructor(keyTypes: readonly StaticType[], private readonly outer = -1) {
    this.cols = keyTypes.map((t) => new KeyColumn(isNumberValued(t)));
    this.texts = keyTypes.map((t) => (t.type === 'dynamic' ? [] : undefined));
    this.dynamic = this.texts.some((t) => t !== undefined);
    this.probe = new Array<KValue>(keyTypes.length);
    if (keyTypes.length < 2 || this.texts[outer]) this.outer = -1;
    if (this.outer < 0) this.index = new TupleIndex(this.same);
  }

  /** The group of these key values (read at once: `values` is the caller's scratch array), made if new. */
  get(values: readonly KValue[]): number {
    const n = this.cols.length;
    if (n === 0) return this.count ? 0 : this.make(values, values);
    let keys = values;
    if (this.dynamic) {
      const { probe, texts } = this;
      for (let i = 0; i < n; i++) probe[i] = texts[i] ? valueKey(values[i]) : values[i]!;
      keys = probe;
    }
    const index = this.index ?? this.indexOf(values[this.outer]!);
    const h = hashTuple(keys);
    let g = index.find(h, keys);
    if (g < 0) index.add(h, (g = this.make(values, keys)));
    return g;
  }

  /** The index of one outer key value; rows come in runs of one window, so the last one is kept at hand. */
  private indexOf(o: KValue): TupleIndex<readonly KValue[]> {
    // NaN never equals itself: every NaN finds the index of the one NaN key (Map keys are SameValueZero).
    if (o === this.lastOuter && this.lastIndex) return this.lastIndex;
    let ix = this.byOuter.get(o);
    // Small at first: a window key over a long read period makes thousands of windows, most of few groups.
    if (!ix) this.byOuter.set(o, (ix = new TupleIndex(this.same, 16)));
    this.lastOuter = o;
    this.lastIndex = ix;
    return ix;
  }

  /** Whether group `g`'s tuple is `keys` (a dynamic key as its text key). */
  private holds(g: number, keys: readonly KValue[]): boolean {
    const { cols, texts } = this;
    for (let i = 0; i < keys.length; i++) {
      const t = texts[i];
      if (t ? t[g] !== keys[i] : !cols[i]!.is(g, keys[i]!)) return false;
    }
    return true;
  }

  /** Key `i` of group `g`. */
  key(g: number, i: number): KValue {
    return this.cols[i]!.get(g);
  }

  /** The one group of a summarize without keys, made if it has no rows (it still has its one row). */
  empty(): void {
    if (!this.count) this.make([], []);
  }

  /** A new group of the row's `values`, its tuple `keys` (values, or with dynamic keys as their text keys). */
  private make(values: readonly KValue[], keys: readonly KValue[]): number {
    for (let i = 0; i < this.cols.length; i++) {
      this.cols[i]!.push(values[i]!);
      this.texts[i]?.push(keys[i] as string);
    }
    return this.count++;
  }
}
