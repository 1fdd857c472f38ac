// summarize's aggregate functions, chosen when the query is compiled. An aggregate call reads one *channel*: a
// state per group kept in the group's array at the channel's position, updated per row by a closure. Calls that
// need the same state share one channel (dcountif(x, p) is the size of make_set_if(x, p)'s set; count() twice is
// one count), so a group holds each state once.
import { generated } from './codegen.js';
import { addDistinct, distinctSize, distinctValues, hasDistinct, type Distinct } from './distinct.js';
import { countChannel, numberChannel, valueChannel, type Channel } from './group-columns.js';
import type { Row } from './layout.js';
import { compileScalar, type Scope } from './scalar.js';
import { kindOf, list, text, type Node } from './syntax.js';
import { KqlRuntimeError, T, arrayOf, compare, isEmpty, isNumberValued, valueKey, type KValue, type StaticType } from './values.js';

export type { Channel } from './group-columns.js';

/** An aggregate call: the channel it reads and its result from that channel's final state. */
export interface AggregateCall {
  channel: number;
  result(state: unknown): KValue;
  type: StaticType;
}

/** The channels of one summarize, deduplicated by what they compute. */
export class Channels {
  readonly list: Channel[] = [];
  private readonly byKey = new Map<string, number>();
  /** Strings kept in group states, stored once (the same host or vendor in thousands of groups). */
  private readonly strings = new Map<string, string>();

  channel(key: string, make: () => Channel): number {
    let i = this.byKey.get(key);
    if (i === undefined) {
      i = this.list.push(make()) - 1;
      this.byKey.set(key, i);
    }
    return i;
  }

  /**
   * The interning of one channel's values. A channel whose values rarely repeat across groups (a destination per
   * group of a high-cardinality stream) stops interning after a trial: each lookup would cost a hash of a text
   * stored once anyway. Interning never changes a value, only which copy of equal texts is kept.
   */
  interner(): (v: KValue) => KValue {
    const strings = this.strings;
    let lookups = 0;
    let hits = 0;
    let on = true;
    return (v) => {
      if (!on || typeof v !== 'string') return v;
      const s = strings.get(v);
      if (++lookups === INTERN_TRIAL) on = hits * 4 >= lookups;
      if (s !== undefined) {
        hits++;
        return s;
      }
      // Bounded: past this many distinct texts, interning stops paying for its own table.
      if (strings.size < 1 << 17) strings.set(v, v);
      return v;
    };
  }
}

/** The lookups after which a channel whose values were found interned less than a quarter of the time stops. */
const INTERN_TRIAL = 4096;

/** Compiles one aggregate call over the input rows of `scope`. */
export function compileAggregate(call: Node, scope: Scope, channels: Channels): AggregateCall {
  const name = String(call.Name.SimpleName);
  const argNodes = list(call.ArgumentList.Expressions);
  // Each argument (a value, a predicate) as one generated function: it runs once per row of the summarize.
  const args = argNodes.map((a) => {
    const c = compileScalar(a, scope);
    return { ...c, f: generated(c.f) };
  });
  const key = (kind: string, n: number) => `${kind}(${argNodes.slice(0, n).map(text).join(', ')})`;
  const want = (n: number) => {
    if (args.length !== n) throw new KqlRuntimeError(`${name}() takes ${n} argument${n === 1 ? '' : 's'}`);
  };
  const pred = (i: number): ((r: Row) => boolean) => {
    const p = args[i]!.f;
    return (r) => p(r) === true;
  };
  switch (name) {
    case 'count': {
      want(0);
      return { channel: channels.channel('count()', () => countChannel(undefined)), result: (s) => s as number, type: T.long };
    }
    case 'countif': {
      want(1);
      const p = pred(0);
      return { channel: channels.channel(key('countif', 1), () => countChannel(p)), result: (s) => s as number, type: T.long };
    }
    case 'sum': {
      want(1);
      const x = args[0]!.f;
      const channel = channels.channel(key('sum', 1), () => numberChannel(x, (v, s) => s + v));
      return { channel, result: (s) => s as number | null, type: args[0]!.type };
    }
    case 'dcount':
    case 'dcountif':
    case 'make_set':
    case 'make_set_if': {
      const conditional = name.endsWith('if');
      // dcount(x, accuracy) takes an accuracy level: the count is exact whatever the level (docs/semantics.md).
      if (name === 'dcount' ? args.length < 1 || args.length > 2 : args.length !== (conditional ? 2 : 1)) throw new KqlRuntimeError(`${name}() takes ${conditional ? 2 : 1} arguments`);
      const channel = channels.channel(key('distinct', conditional ? 2 : 1), () => distinctChannel(args[0]!.f, args[0]!.type, conditional ? pred(1) : undefined, channels.interner()));
      const dynamic = args[0]!.type.type === 'dynamic';
      if (name.startsWith('dcount')) {
        // Exact distinct count. Kusto's dcount is HyperLogLog; at the cardinalities of detection thresholds the
        // default accuracy gives the exact figure (docs/semantics.md); an exact count keeps the engine deterministic.
        return { channel, result: (s) => (dynamic ? (s ? (s as Map<string, KValue>).size : 0) : distinctSize(s as Distinct)), type: T.long };
      }
      return { channel, result: (s) => (dynamic ? (s ? [...(s as Map<string, KValue>).values()] : []) : distinctValues(s as Distinct)), type: arrayOf(args[0]!.type) };
    }
    case 'make_list': {
      want(1);
      const x = args[0]!.f;
      const intern = channels.interner();
      const channel = channels.channel(key('list', 1), () => valueChannel(undefined, (s, r) => {
        const v = x(r);
        if (v === null || v === undefined) return s;
        const l = (s as KValue[] | undefined) ?? [];
        l.push(intern(v));
        return l;
      }));
      return { channel, result: (s) => (s as KValue[] | undefined)?.slice() ?? [], type: arrayOf(args[0]!.type) };
    }
    case 'min':
    case 'max': {
      want(1);
      const channel = channels.channel(key(name, 1), () => extremeChannel(args[0]!.f, args[0]!.type, name === 'min', channels.interner()));
      return { channel, result: (s) => s as KValue, type: args[0]!.type };
    }
    case 'take_any':
    case 'take_anyif': {
      const conditional = name === 'take_anyif';
      want(conditional ? 2 : 1);
      const x = args[0]!.f;
      const p = conditional ? pred(1) : undefined;
      const intern = channels.interner();
      const channel = channels.channel(key(name, conditional ? 2 : 1), () => valueChannel(undefined, (s, r) => (s !== undefined || (p && !p(r)) ? s : intern(x(r)))));
      return { channel, result: (s) => (s === undefined ? null : (s as KValue)), type: args[0]!.type };
    }
    default:
      throw new KqlRuntimeError(`aggregate ${name}() is outside the supported subset`);
  }
}

function distinctChannel(x: (r: Row) => KValue, type: StaticType, p: ((r: Row) => boolean) | undefined, intern: (v: KValue) => KValue): Channel {
  if (type.type === 'dynamic') {
    // Dynamic content (arrays, bags): keyed by its text, the first value kept.
    return valueChannel(undefined, (s, r) => {
      if (p && !p(r)) return s;
      const v = x(r);
      if (v === null || v === undefined) return s;
      const m = (s as Map<string, KValue> | undefined) ?? new Map<string, KValue>();
      const k = valueKey(v);
      if (!m.has(k)) m.set(k, v);
      return m;
    });
  }
  return valueChannel(undefined, (s, r) => {
    if (p && !p(r)) return s;
    const v = x(r) as string | number | boolean | null;
    if (v === null) return s;
    const d = s as Distinct;
    return hasDistinct(d, v) ? d : addDistinct(d, intern(v) as string | number | boolean);
  });
}

/** min/max: nulls and empty strings never count; numbers, datetimes and timespans compare as numbers. */
function extremeChannel(x: (r: Row) => KValue, type: StaticType, min: boolean, intern: (v: KValue) => KValue): Channel {
  if (isNumberValued(type)) return numberChannel(x, min ? (v, s) => (v < s ? v : undefined) : (v, s) => (v > s ? v : undefined));
  return valueChannel(null, (s, r) => {
    const v = x(r);
    if (isEmpty(v)) return s;
    if (s === null) return intern(v);
    const c = compare(v, s as KValue);
    return (min ? c < 0 : c > 0) ? intern(v) : s;
  });
}

/** `arg_max(By, Col, ...)` / arg_min: the columns of the row with the largest (smallest) By. */
export interface ArgExtreme {
  node: Node;
  max: boolean;
  columns: string[];
}

export function argExtremes(aggregates: Node[]): ArgExtreme[] {
  return aggregates
    .filter((e) => kindOf(e) === 'FunctionCallExpression' && ['arg_max', 'arg_min'].includes(String(e.Name.SimpleName)))
    .map((e) => {
      const args = list(e.ArgumentList.Expressions);
      if (args.length < 2 || args.some((a) => kindOf(a) !== 'NameReference')) throw new KqlRuntimeError(`'${text(e)}': the supported form is arg_max(Column, Column, ...)`);
      return { node: e, max: String(e.Name.SimpleName) === 'arg_max', columns: args.map((a) => String(a.SimpleName)) };
    });
}

/** The channel of an arg_max/arg_min: the chosen row's values of its columns (slots of the input row). */
export function argExtremeChannel(x: ArgExtreme, slots: number[]): Channel {
  const n = slots.length;
  return valueChannel(undefined, (s, r) => {
    const by = r[slots[0]!]!;
    // Null By values never win; the first row wins a tie.
    if (by === null) return s;
    const best = s as KValue[] | undefined;
    if (best && best[0] !== null && !(x.max ? compare(by, best[0]!) > 0 : compare(by, best[0]!) < 0)) return s;
    const values: KValue[] = new Array(n);
    for (let i = 0; i < n; i++) values[i] = r[slots[i]!]!;
    return values;
  });
}

