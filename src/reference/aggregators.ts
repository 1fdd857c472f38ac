// A rule's aggregates compiled once into small accumulators over a compact state: one slot per state in each group,
// sized to what it holds (a distinct set of one value is that value, not a Set), its strings interned. Aggregates
// that need the same state share it: `values(f)` is the distinct set of `distinct_count(f)` in text order.
import type { Aggregate } from '../ir/types.js';
import { isMissing, toNumber, type Row } from '../events/model.js';
import { assertNever } from '../util/assert-never.js';
import { interner } from '../util/interner.js';

/** One group's state: its event count and one slot per state (see Accumulator). */
export interface Slots {
  count: number;
  slots: unknown[];
}

/** The compiled aggregates of one aggregation: add an event to a group's slots; read the results. */
export interface Accumulator {
  /** Slots a group needs (`new Array(size)`). */
  readonly size: number;
  newSlots(): Slots;
  /** Adds event `e` of time `t` (ms, read once by the reader): the time field is never parsed again here. */
  add(s: Slots, e: Row, t: number): void;
  /** The value of aggregate `i` (an output column). */
  finish(s: Slots, i: number): unknown;
}

/**
 * The identity of a value in distinct counts and value sets: numbers and numeric strings are the same number ("22"
 * and 22), anything else is its text. A numeric string always becomes a number, so the two kinds never collide.
 * It is also the value a value set shows (a number, or the text), so a value set keeps the keys alone.
 */
function distinctKey(v: unknown, intern: (s: string) => string): number | string {
  const n = toNumber(v);
  return n !== undefined ? n : intern(String(v));
}

/** A distinct set: nothing, one key, or a Set of keys (in first-seen order). */
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
function distinctKeys(d: Distinct): (number | string)[] {
  return d === undefined ? [] : typeof d === 'object' ? [...d] : [d];
}

/** What a slot holds. `distinct` serves distinct_count and values; `time` extremes take the event's time. */
type StateKind = 'distinct' | 'min' | 'max' | 'any';

/** One slot of a group: the field it reads and how an event's value updates it. */
interface State {
  kind: StateKind;
  field: string;
  update: (slots: unknown[], v: unknown, t: number) => void;
}

/** `timeField`: the source's time field, whose extremes are the events' times. Each slot interns its own texts. */
export function compileAggregates(aggregates: Aggregate[], timeField: string): Accumulator {
  const states: State[] = [];
  // Each aggregate's slot, or -1 for count (counted once per event, whatever the field holds).
  const slotOf = aggregates.map((a): number => {
    if (!a.field) return -1;
    const kind = stateKind(a);
    if (kind === undefined) return -1;
    const known = states.findIndex((s) => s.kind === kind && s.field === a.field);
    if (known >= 0) return known;
    states.push({ kind, field: a.field, update: updater(kind, states.length, a.field === timeField, interner()) });
    return states.length - 1;
  });
  const n = states.length;
  const fields = states.map((s) => s.field);
  const updates = states.map((s) => s.update);
  return {
    size: n,
    newSlots: () => ({ count: 0, slots: new Array(n) }),
    add(g, e, t) {
      g.count++;
      const slots = g.slots;
      for (let j = 0; j < n; j++) {
        const v = e[fields[j]!];
        if (!isMissing(v)) updates[j]!(slots, v, t);
      }
    },
    finish(g, i) {
      const a = aggregates[i]!;
      const slot = slotOf[i]! >= 0 ? g.slots[slotOf[i]!] : undefined;
      switch (a.fn) {
        case 'count':
          return g.count;
        case 'distinct_count':
          return distinctSize(slot as Distinct);
        case 'values':
          // The first `limit` values in text order (UTF-16 code units), numbers too: what Splunk's values() keeps,
          // and so what every backend keeps (docs/semantics.md, "values"). Numbers stay numbers.
          return distinctKeys(slot as Distinct).sort((x, y) => (String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0)).slice(0, a.limit);
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

function stateKind(a: Aggregate): StateKind | undefined {
  switch (a.fn) {
    case 'distinct_count':
    case 'values':
      return 'distinct';
    case 'min':
    case 'max':
    case 'any':
      return a.fn;
    case 'count':
      return undefined;
    default:
      return assertNever(a.fn, 'aggregate function');
  }
}

/** How slot `j` takes a value; the time field's extremes take the event's time, which is that field read once. */
function updater(kind: StateKind, j: number, isTime: boolean, intern: (s: string) => string): State['update'] {
  switch (kind) {
    case 'distinct':
      return (s, v) => void (s[j] = addDistinct(s[j] as Distinct, distinctKey(v, intern)));
    case 'min':
    case 'max': {
      const min = kind === 'min';
      return (s, v, t) => {
        const n = isTime ? t : toNumber(v);
        if (n === undefined) return;
        const cur = s[j] as number | undefined;
        if (cur === undefined || (min ? n < cur : n > cur)) s[j] = n;
      };
    }
    case 'any':
      return (s, v) => void (s[j] === undefined && (s[j] = typeof v === 'string' ? intern(v) : v));
    default:
      return assertNever(kind, 'aggregate state');
  }
}
