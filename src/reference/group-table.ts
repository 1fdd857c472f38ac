// The open groups of an aggregation, found per event by window and key values without making a key string per
// event: a rule grouped by one field (most are) looks its value up as it is, in a table per window. Groups with
// several key fields, or a key that is not a plain string, finite number or boolean, are found by the JSON text of
// their keys, as before. The two never meet: JSON text of such values is never that of a plain value.

/** A value that is its own Map key with the meaning of JSON text equality (no NaN, no infinities, no objects). */
function plain(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

export class GroupTable<G> {
  /** Every group, in the order it was opened (the order of the alerts before their sort). */
  readonly all: G[] = [];
  private readonly byValue = new Map<number, Map<unknown, G>>();
  private readonly byText = new Map<string, G>();
  /** The table of the window looked up last: events come mostly in time order, so mostly it is the next one's. */
  private lastWindow = Number.NaN;
  private last: Map<unknown, G> | undefined;

  private windowTable(window: number): Map<unknown, G> | undefined {
    if (window !== this.lastWindow) {
      this.lastWindow = window;
      this.last = this.byValue.get(window);
    }
    return this.last;
  }

  /** The group of one key value in `window`. */
  one(window: number, k: unknown): G | undefined {
    if (!plain(k)) return this.byText.get(window + JSON.stringify([k]));
    return this.windowTable(window)?.get(k);
  }

  addOne(window: number, k: unknown, g: G): G {
    if (!plain(k)) this.byText.set(window + JSON.stringify([k]), g);
    else {
      let m = this.windowTable(window);
      if (!m) {
        this.byValue.set(window, (m = new Map()));
        this.last = m;
      }
      m.set(k, g);
    }
    this.all.push(g);
    return g;
  }

  /** The group of several key values in `window`. */
  many(window: number, keys: unknown[]): G | undefined {
    return this.byText.get(window + JSON.stringify(keys));
  }

  addMany(window: number, keys: unknown[], g: G): G {
    this.byText.set(window + JSON.stringify(keys), g);
    this.all.push(g);
    return g;
  }
}
