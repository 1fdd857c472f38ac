import { assertNever } from '../../util/assert-never.js';
import { fieldReader, writeField } from './field-access.js';
import { interner } from '../../util/interner.js';
import { GroupTable } from './group-table.js';
import { TupleIndex, hashTuple } from '../tuple-index.js';
import type { Stage, Step } from './plan.js';
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
  type SEvent,
  type SValue,
  type Sum,
} from './values.js';

// stats and eventstats: aggregate functions over groups. The query's functions are turned once into collectors
// (one per function kind and field: dc(f) and values(f) share one set of f), and a group is a number in a
// GroupTable (group-table.ts) holding its key values, then one state per collector, each as small as what it
// holds: a count is a number, a set of one value is that string, a few values an array, more a Set. The texts a
// group keeps are interned (each row brings its own copy of "443" or a vendor name). Memory grows with the groups
// and their distinct values, not the rows.

export type StatsFunction = 'count' | 'dc' | 'values' | 'list' | 'min' | 'max' | 'first' | 'last' | 'sum' | 'avg';

const STATS_FUNCTIONS: readonly StatsFunction[] = ['count', 'dc', 'values', 'list', 'min', 'max', 'first', 'last', 'sum', 'avg'];

export interface Aggregate {
  fn: StatsFunction;
  field?: string;
  as: string;
}

/** `<fn>(f) [AS name] ... [BY f ...]`; `command` names the command in errors. */
export function parseStats(rest: string, command: string): { aggs: Aggregate[]; by: string[] } {
  const byMatch = /\s+by\s+([\s\S]+)$/i.exec(rest);
  const aggText = byMatch ? rest.slice(0, byMatch.index) : rest;
  const by = byMatch ? byMatch[1]!.split(/[\s,]+/).filter(Boolean) : [];
  const aggs: Aggregate[] = [];
  const re = /\s*([a-z_]+)(?:\(([^)]*)\))?(?:\s+AS\s+([A-Za-z_][A-Za-z0-9_]*))?\s*,?/giy;
  let m: RegExpExecArray | null;
  let last = 0;
  while (last < aggText.length && (m = re.exec(aggText))) {
    if (m[0].trim() === '') break;
    last = re.lastIndex;
    const fn = m[1]!.toLowerCase();
    const field = m[2]?.trim() || undefined;
    if (!(STATS_FUNCTIONS as readonly string[]).includes(fn)) throw new SplRuntimeError(`${command} function ${fn}() is outside the supported subset`);
    aggs.push({ fn: fn as StatsFunction, field, as: m[3] ?? (field ? `${fn}(${field})` : fn) });
  }
  if (aggText.slice(last).trim()) throw new SplRuntimeError(`cannot parse ${command} near '${aggText.slice(last).trim()}'`);
  return { aggs, by };
}

// --- Collectors: what a group keeps per function kind and field. ---

type CollectorKind = 'rows' | 'present' | 'set' | 'list' | 'min' | 'max' | 'first' | 'last' | 'sum';

function collectorKind(fn: StatsFunction, field: string | undefined): CollectorKind {
  switch (fn) {
    case 'count': return field === undefined ? 'rows' : 'present';
    case 'dc': case 'values': return 'set';
    case 'sum': case 'avg': return 'sum';
    case 'list': case 'min': case 'max': case 'first': case 'last': return fn;
    default: return assertNever(fn, 'stats function');
  }
}

/**
 * dc() and values() compare values as strings ("1", "1.0" and "01" are distinct; Search Reference, "How field
 * values are processed"). A set starts as nothing, then one string, then a short array, then a Set.
 */
type StringSet = undefined | string | string[] | Set<string>;
const SMALL_SET = 16;

function setAdd(s: StringSet, x: string, intern: Intern): StringSet {
  if (s === undefined) return intern(x);
  if (typeof s === 'string') return s === x ? s : [s, intern(x)];
  if (Array.isArray(s)) {
    if (s.includes(x)) return s;
    if (s.length < SMALL_SET) {
      s.push(intern(x));
      return s;
    }
    const set = new Set(s);
    set.add(intern(x));
    return set;
  }
  if (!s.has(x)) s.add(intern(x));
  return s;
}

/**
 * One copy of each text kept in group state, per aggregation (util/interner.ts). Texts are interned when a group
 * first keeps them, not on every row.
 */
type Intern = (x: string) => string;

function setSize(s: StringSet): number {
  return s === undefined ? 0 : typeof s === 'string' ? 1 : Array.isArray(s) ? s.length : s.size;
}

function setValues(s: StringSet): string[] {
  return s === undefined ? [] : typeof s === 'string' ? [s] : [...s];
}

const addToSet = (s: StringSet, x: string, intern: Intern): StringSet => setAdd(s, x, intern);
const addToList = (s: string[] | undefined, x: string, intern: Intern): string[] | undefined => {
  if (s === undefined) return [intern(x)];
  if (s.length < 100) s.push(intern(x));
  return s;
};

/** One collector's update of a group's slot with a row's value of its field. */
function collect(kind: CollectorKind, state: unknown, v: SValue | undefined, intern: Intern): unknown {
  switch (kind) {
    case 'rows':
      return (state as number) + 1;
    case 'present':
      return eachValue(v, 0, addPresent, intern) > 0 ? (state as number) + 1 : state;
    case 'set':
      return eachValue(v, state as StringSet, addToSet, intern);
    case 'list':
      return eachValue(v, state as string[] | undefined, addToList, intern);
    case 'min':
      if (finite(v) && (state === null || typeof state === 'number')) return state === null || v < state ? v + 0 : state;
      return eachValue(v, state as SValue, addMin, intern);
    case 'max':
      if (finite(v) && (state === null || typeof state === 'number')) return state === null || v > state ? v + 0 : state;
      return eachValue(v, state as SValue, addMax, intern);
    case 'first':
      return state === null ? valuesAsOne(v, intern) : state;
    case 'last':
      return valuesAsOne(v, intern) ?? state;
    case 'sum':
      return finite(v) ? addNumber(state as Sum | undefined, v) : eachValue(v, state as Sum | undefined, addSum, intern);
    default:
      return assertNever(kind, 'collector');
  }
}

function initial(kind: CollectorKind): unknown {
  switch (kind) {
    case 'rows': case 'present': return 0;
    case 'set': case 'list': case 'sum': return undefined;
    case 'min': case 'max': case 'first': case 'last': return null;
    default: return assertNever(kind, 'collector');
  }
}

function result(fn: StatsFunction, state: unknown): SValue {
  switch (fn) {
    case 'count': return state as number;
    case 'dc': return setSize(state as StringSet);
    case 'values': {
      const xs = setValues(state as StringSet);
      return xs.length ? xs.sort() : null;
    }
    case 'list': return (state as string[] | undefined) ?? null;
    case 'min': case 'max': case 'first': case 'last': return state as SValue;
    case 'sum': return state === undefined ? null : (state as Sum).s;
    case 'avg': return state === undefined ? null : (state as Sum).s / (state as Sum).n;
    default: return assertNever(fn, 'stats function');
  }
}

// --- Groups ---

/** A group's number in the aggregation's GroupTable: its first row's values of the BY fields, then one state per collector. */
export type Group = number;

/** One level of the group index: a BY field's values (arrays by their JSON text). */
interface Level {
  values: Map<string | number | boolean, Level | Group>;
  arrays?: Map<string, Level | Group>;
}

/**
 * Whether a tuple holds only texts and finite numbers, for which equality is `===` (as a Map's keys: "5" is not 5,
 * -0 is 0).
 */
function plainTuple(keys: readonly SValue[]): boolean {
  for (let i = 0; i < keys.length; i++) {
    const v = keys[i];
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) return false;
  }
  return true;
}

/** The aggregation of one stats or eventstats command, planned once: its collectors, outputs and group index. */
export class Aggregation {
  private readonly groups: GroupTable;
  private readonly kinds: CollectorKind[] = [];
  /** Each collector's field, as a reader (field-access.ts); undefined for count without a field. */
  private readonly fields: (((row: SEvent) => SValue) | undefined)[] = [];
  private readonly byFields: ((row: SEvent) => SValue)[];
  private readonly outputs: { fn: StatsFunction; as: string; slot: number }[] = [];
  /**
   * The groups whose BY values are all texts and finite numbers (nearly always), by a hash of the tuple
   * (tuple-index.ts); the others (multivalue, boolean, NaN or infinite BY values) in a tree of maps, one level per
   * BY field. A tuple always goes the same way, so the two never hold one tuple twice.
   */
  private readonly index = new TupleIndex<readonly SValue[]>((g, keys) => this.groups.hasKeys(g, keys));
  private readonly root: Level = { values: new Map() };
  private readonly keys: SValue[];
  private readonly intern: Intern = interner();

  constructor(aggs: Aggregate[], readonly by: string[]) {
    const slotOf = new Map<string, number>();
    for (const a of aggs) {
      const kind = collectorKind(a.fn, a.field);
      const id = `${kind}\u0000${a.field ?? ''}`;
      let slot = slotOf.get(id);
      if (slot === undefined) {
        slotOf.set(id, (slot = this.kinds.length));
        this.kinds.push(kind);
        this.fields.push(a.field === undefined ? undefined : fieldReader(a.field));
      }
      this.outputs.push({ fn: a.fn, as: a.as, slot });
    }
    this.keys = new Array<SValue>(by.length);
    this.byFields = by.map(fieldReader);
    this.groups = new GroupTable(by.length + this.kinds.length);
  }

  /** The group of a row (created on its first row), or undefined when a BY field is null or empty (dropped). */
  groupOf(row: SEvent): Group | undefined {
    const by = this.byFields;
    const keys = this.keys;
    for (let i = 0; i < by.length; i++) {
      const v = by[i]!(row);
      if (v === null || v === '') return undefined;
      keys[i] = v;
    }
    if (plainTuple(keys)) {
      const h = hashTuple(keys);
      let g = this.index.find(h, keys);
      if (g < 0) this.index.add(h, (g = this.newGroup(keys)));
      return g;
    }
    let level: Level = this.root;
    for (let i = 0; ; i++) {
      const v = i < keys.length ? keys[i]! : '';
      const last = i >= keys.length - 1;
      let map: Map<string | number | boolean, Level | Group>;
      let k: string | number | boolean;
      if (Array.isArray(v)) {
        map = level.arrays ??= new Map();
        k = JSON.stringify(v);
      } else {
        map = level.values;
        // The key text of a value is its JSON: NaN and the infinities are all `null`, one group.
        k = typeof v === 'number' && !Number.isFinite(v) ? NaN : (v as string | number | boolean);
      }
      const found = map.get(k);
      if (last) {
        if (found !== undefined) return found as Group;
        const g = this.newGroup(keys);
        map.set(k, g);
        return g;
      }
      if (found !== undefined) level = found as Level;
      else map.set(k, (level = { values: new Map() }));
    }
  }

  /** A new group of these key values and empty states. */
  private newGroup(keys: readonly SValue[]): Group {
    const { groups, kinds } = this;
    const g = groups.add();
    for (let j = 0; j < keys.length; j++) groups.set(g, j, keys[j]);
    for (let j = 0; j < kinds.length; j++) groups.set(g, keys.length + j, initial(kinds[j]!));
    return g;
  }

  /** Adds a row to its group; returns the group (undefined when the row has none). */
  add(row: SEvent): Group | undefined {
    const g = this.groupOf(row);
    if (g === undefined) return undefined;
    const { kinds, fields, groups } = this;
    const base = this.by.length;
    for (let i = 0; i < kinds.length; i++) {
      const f = fields[i];
      groups.set(g, base + i, collect(kinds[i]!, groups.get(g, base + i), f === undefined ? undefined : f(row), this.intern));
    }
    return g;
  }

  /** Lets go of the state of the groups numbered below `g`, once emitted (GroupTable.releaseBelow). */
  releaseBelow(g: Group): void {
    this.groups.releaseBelow(g);
  }

  /** The number of groups, numbered from 0 in the order they first appeared. */
  get size(): number {
    return this.groups.size;
  }

  /** Makes the group of a stats without BY over no rows, of empty aggregates (counted in size). */
  emptyGroup(): Group {
    return this.newGroup([]);
  }

  /** The aggregates of a group, in the order of the command's functions (null: no result). */
  results(g: Group): SValue[] {
    return this.outputs.map((o) => result(o.fn, this.groups.get(g, this.by.length + o.slot)));
  }

  /**
   * Writes a group's `results` into a row as its fields (a null result leaves the field as it is): generated once
   * with the names written in, each write as field-access.ts writes a field.
   */
  resultsWriter(): (row: SEvent, results: readonly SValue[]) => void {
    const body = this.outputs.map((o, k) => `v = vs[${k}]; if (v !== null) ${writeField('row', o.as, 'v')};`).join(' ');
    return new Function(`return function write(row, vs) { let v; ${body} };`)() as (row: SEvent, results: readonly SValue[]) => void;
  }

  /**
   * A stats output row (the BY fields, then the aggregates; null results left out), made by code generated once with
   * the field names written in (field-access.ts); with `only`, the row of just those of its fields (what a filter
   * reads: see filterEarly in plan.ts), its values as in the whole row.
   */
  rowMaker(only?: ReadonlySet<string>): (g: Group) => SEvent {
    const kept = (name: string) => !only || only.has(name);
    const base = this.by.length;
    const body: string[] = [];
    this.by.forEach((name, i) => {
      if (kept(name)) body.push(`${writeField('out', name, `t.get(g, ${i})`)};`);
    });
    const results: ((state: unknown) => SValue)[] = [];
    for (const o of this.outputs) {
      if (!kept(o.as)) continue;
      const k = results.push((state) => result(o.fn, state)) - 1;
      body.push(`v = r[${k}](t.get(g, ${base + o.slot})); if (v !== null) ${writeField('out', o.as, 'v')};`);
    }
    return new Function('t', 'r', `return function row(g) { const out = {}; let v; ${body.join(' ')} return out; };`)(this.groups, results) as (g: Group) => SEvent;
  }
}

// --- The commands ---

/** The fields an aggregation reads and writes, for the search's row shape. */
function mention(aggs: Aggregate[], by: string[], fields: Set<string>): void {
  for (const a of aggs) {
    if (a.field !== undefined) fields.add(a.field);
    fields.add(a.as);
  }
  for (const f of by) fields.add(f);
}

/** stats: one row per group at the end of the input (BY fields null or empty drop the row). */
export function statsStage(rest: string, fields: Set<string>): Stage {
  const { aggs, by } = parseStats(rest, 'stats');
  mention(aggs, by, fields);
  const agg = new Aggregation(aggs, by);
  let early: { filter: Step; reads: ReadonlySet<string> } | undefined;
  return {
    kind: 'sink',
    sink: (next) => ({
      push: (row) => void agg.add(row),
      end() {
        // Without BY, one row even over no rows: its one group, of empty aggregates.
        if (!by.length && agg.size === 0) agg.emptyGroup();
        const row = agg.rowMaker();
        // A group the later filter drops is tested on the fields the filter reads, and its row is not made.
        const probe = early && agg.rowMaker(early.reads);
        const filter = early?.filter;
        for (let g = 0; g < agg.size; g++) {
          if (!probe || filter!(probe(g)) !== undefined) next.push(row(g));
          // The groups emitted are let go as the rest are (the commands after stats may hold rows: sort).
          if ((g & 4095) === 4095) agg.releaseBelow(g + 1);
        }
        next.end();
      },
    }),
    filterEarly(filter, reads) {
      early = { filter, reads };
    },
  };
}

/** eventstats: the stats of each event's group added to every event (events are held until the input ends). */
export function eventstatsStage(rest: string, fields: Set<string>): Stage {
  const { aggs, by } = parseStats(rest, 'eventstats');
  mention(aggs, by, fields);
  const agg = new Aggregation(aggs, by);
  const rows: SEvent[] = [];
  const groups: (Group | undefined)[] = [];
  return {
    kind: 'sink',
    sink: (next) => ({
      push(row) {
        rows.push(row);
        groups.push(agg.add(row));
      },
      end() {
        // Each group's aggregates are worked out once, then written into its events.
        const results = new Map<Group, SValue[]>();
        const write = agg.resultsWriter();
        for (let i = 0; i < rows.length; i++) {
          const g = groups[i];
          const row = rows[i]!;
          if (g !== undefined) {
            let r = results.get(g);
            if (!r) results.set(g, (r = agg.results(g)));
            write(row, r);
          }
          next.push(row);
        }
        next.end();
      },
    }),
  };
}
