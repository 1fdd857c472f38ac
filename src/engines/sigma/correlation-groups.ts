// A correlation's groups: one per window and group-by tuple, found without building a text key per event and held
// as columns (group numbers index plain arrays) rather than an object per group, since on a high-cardinality
// stream nearly every event opens a group. With one group-by field holding a string, number or boolean (the usual
// case) the index is a map per window keyed by the value itself (a number and its text stay apart, as JSON keeps
// them apart); otherwise the tuple's JSON is the key. Correlations with the same group-by fields and timespan share
// one table (ip-block-scan's two value_counts group by src_ip in 5m windows), each counting in its own Tally.

/** The distinct values of a value_count field: their text, as a Sigma consumer compares them. */
const text = (v: unknown): string => String(v);

/** What one correlation counts per group of a shared table: events, and value_count's distinct values. */
export class Tally {
  /** Events per group (0 for a group opened by another correlation of the table). */
  readonly counts: number[] = [];
  /** This correlation's groups in the order of their first event (the alerts' order). */
  readonly order: number[] = [];
  /** The first value per group, as the event held it; compared as text only when another one comes. */
  private readonly firsts: unknown[] = [];
  /** The groups with two or more distinct values: their texts. Most groups of a high-cardinality stream see one. */
  private readonly sets = new Map<number, Set<string>>();

  /** Makes room for a group the table opened. */
  grow(): void {
    this.counts.push(0);
    this.firsts.push(undefined);
  }

  /** One more event in group `g`. */
  count(g: number): void {
    const n = this.counts[g]!;
    this.counts[g] = n + 1;
    if (n === 0) this.order.push(g);
  }

  /** A value (neither absent nor null) of value_count's field seen in group `g`. */
  addValue(g: number, v: unknown): void {
    const first = this.firsts[g];
    if (first === undefined) this.firsts[g] = v;
    else if (v !== first) {
      const set = this.sets.get(g);
      if (set) set.add(text(v));
      else {
        const a = text(first);
        const b = text(v);
        if (a !== b) this.sets.set(g, new Set([a, b]));
      }
    }
  }

  /** How many distinct values group `g` saw. */
  distinct(g: number): number {
    return this.sets.get(g)?.size ?? (this.firsts[g] === undefined ? 0 : 1);
  }
}

/** Per window: groups by their one primitive value, and groups by the JSON of their tuple. */
interface WindowIndex {
  byValue: Map<unknown, number>;
  byJson: Map<string, number>;
}

export class CorrelationGroups {
  /** Each group's window start (ms). */
  readonly windows: number[] = [];
  /** One Tally per correlation reading this table. */
  readonly tallies: Tally[];
  /** The group-by values, `width` per group. */
  private readonly keyColumn: unknown[] = [];
  private readonly byWindow = new Map<number, WindowIndex>();
  /** The window of the last event (streams come in time order: most lookups stay in one window). */
  private lastWindow = NaN;
  private last: WindowIndex | undefined;

  constructor(
    private readonly width: number,
    tallies = 1,
  ) {
    this.tallies = Array.from({ length: tallies }, () => new Tally());
  }

  /** Adds a correlation to the table before its first group opens; returns its Tally's index. */
  addTally(): number {
    if (this.size) throw new Error('a correlation joins a group table before its first event');
    return this.tallies.push(new Tally()) - 1;
  }

  /** How many groups the table holds. */
  get size(): number {
    return this.windows.length;
  }

  /** The number of the group of `window` and these group-by values (`keys` is the caller's scratch array: copied). */
  find(window: number, keys: readonly unknown[]): number {
    let w = this.last;
    if (window !== this.lastWindow || w === undefined) {
      w = this.byWindow.get(window);
      if (!w) this.byWindow.set(window, (w = { byValue: new Map(), byJson: new Map() }));
      this.lastWindow = window;
      this.last = w;
    }
    const k = keys[0];
    if (this.width === 1 && (typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean')) {
      const g = w.byValue.get(k);
      if (g !== undefined) return g;
      const n = this.open(window, keys);
      w.byValue.set(k, n);
      return n;
    }
    const id = JSON.stringify(keys.length === this.width ? keys : keys.slice(0, this.width));
    const g = w.byJson.get(id);
    if (g !== undefined) return g;
    const n = this.open(window, keys);
    w.byJson.set(id, n);
    return n;
  }

  /** The group-by values of group `g`. */
  keysOf(g: number): unknown[] {
    return this.keyColumn.slice(g * this.width, (g + 1) * this.width);
  }

  private open(window: number, keys: readonly unknown[]): number {
    const n = this.windows.length;
    this.windows.push(window);
    for (let i = 0; i < this.width; i++) this.keyColumn.push(keys[i]);
    for (const t of this.tallies) t.grow();
    return n;
  }
}
