// A correlation's groups: one per window and group-by tuple, found without building a text key per event. With
// one group-by field holding a string, number or boolean (the usual case) the index is a map per window keyed by
// the value itself (a number and its text stay apart, as JSON keeps them apart); otherwise the tuple's JSON is the key. value_count's distinct
// values start as one text and become a set only at the second distinct value: most groups of a high-cardinality
// stream see one event.

export interface CorrelationGroup {
  readonly window: number;
  readonly keys: readonly unknown[];
  count: number;
  /** The distinct values of value_count's field: none, one, or a set of two or more. */
  values: undefined | string | Set<string>;
}

export class CorrelationGroups {
  /** Every group, in the order its first event came (the alerts' order). */
  readonly all: CorrelationGroup[] = [];
  /** Per window: groups by their one primitive value, and groups by the JSON of their tuple. */
  private readonly byWindow = new Map<number, { byValue: Map<unknown, CorrelationGroup>; byJson: Map<string, CorrelationGroup> }>();

  constructor(private readonly width: number) {}

  /** The group of `window` and these group-by values (`keys` is the caller's scratch array: copied when kept). */
  get(window: number, keys: readonly unknown[]): CorrelationGroup {
    let w = this.byWindow.get(window);
    if (!w) this.byWindow.set(window, (w = { byValue: new Map(), byJson: new Map() }));
    const k = keys[0];
    const primitive = this.width === 1 && (typeof k === 'string' || typeof k === 'number' || typeof k === 'boolean');
    const id = primitive ? k : JSON.stringify(keys.slice(0, this.width));
    let g = primitive ? w.byValue.get(id) : w.byJson.get(id as string);
    if (!g) {
      g = { window, keys: keys.slice(0, this.width), count: 0, values: undefined };
      if (primitive) w.byValue.set(id, g);
      else w.byJson.set(id as string, g);
      this.all.push(g);
    }
    return g;
  }
}

export function addValue(g: CorrelationGroup, v: string): void {
  const vs = g.values;
  if (vs === undefined) g.values = v;
  else if (typeof vs === 'string') {
    if (vs !== v) g.values = new Set([vs, v]);
  } else vs.add(v);
}

export function valueCount(g: CorrelationGroup): number {
  const vs = g.values;
  return vs === undefined ? 0 : typeof vs === 'string' ? 1 : vs.size;
}
