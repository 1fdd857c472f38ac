// summarize's groups: found by their key values without building a key per row. A group is one array: its key
// values, then one state per aggregate channel, then a link to the next group sharing its first key. Groups are
// hashed on the first key and chained on the others (a source's few windows); a chain that grows long, or a key of
// dynamic content, switches the index to one text key per group.
import { valueKey, type KValue } from './values.js';

export type Group = unknown[];

const LONG_CHAIN = 16;

export class GroupIndex {
  /** Every group, in the order its first row came (the output order). */
  readonly groups: Group[] = [];
  private readonly byFirst = new Map<unknown, Group>();
  private byText: Map<string, Group> | undefined;
  private readonly link: number;

  /**
   * `keys`: the number of key values; `states`: the initial state of each channel (immutable values: a number,
   * null or undefined). `textKeys`: compare keys by their text key (a key holding dynamic content).
   */
  constructor(private readonly keys: number, private readonly states: readonly unknown[], textKeys: boolean) {
    this.link = keys + states.length;
    if (textKeys) this.byText = new Map();
  }

  /** The group of these key values (read at once: `values` is the caller's scratch array), made if new. */
  get(values: readonly KValue[]): Group {
    const n = this.keys;
    if (n === 0) return this.groups[0] ?? this.make(values);
    if (this.byText) {
      const id = textKey(values, n);
      let g = this.byText.get(id);
      if (!g) this.byText.set(id, (g = this.make(values)));
      return g;
    }
    const head = this.byFirst.get(values[0]);
    if (n === 1) {
      if (head) return head;
      const g = this.make(values);
      this.byFirst.set(values[0], g);
      return g;
    }
    let depth = 0;
    for (let g = head; g !== undefined; g = g[this.link] as Group | undefined, depth++) {
      let same = true;
      for (let i = 1; i < n; i++) {
        if (g[i] !== values[i]) {
          same = false;
          break;
        }
      }
      if (same) return g;
    }
    const g = this.make(values);
    g[this.link] = head;
    this.byFirst.set(values[0], g);
    if (depth >= LONG_CHAIN) this.toText();
    return g;
  }

  /** A group with no rows (summarize without `by` over no input still has its one row). */
  empty(): Group {
    return this.groups[0] ?? this.make([]);
  }

  private make(values: readonly KValue[]): Group {
    const g: Group = new Array(this.link + 1);
    for (let i = 0; i < this.keys; i++) g[i] = values[i];
    for (let i = 0; i < this.states.length; i++) g[this.keys + i] = this.states[i];
    g[this.link] = undefined;
    this.groups.push(g);
    return g;
  }

  private toText() {
    this.byText = new Map();
    for (const g of this.groups) {
      g[this.link] = undefined;
      this.byText.set(textKey(g as KValue[], this.keys), g);
    }
    this.byFirst.clear();
  }
}

function textKey(values: readonly KValue[], n: number): string {
  let id = valueKey(values[0]);
  for (let i = 1; i < n; i++) id += `\u0000${valueKey(values[i])}`;
  return id;
}
