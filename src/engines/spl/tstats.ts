import { parseDuration } from '../../load/duration.js';
import { interner } from '../../util/interner.js';
import { compileSearch } from './search-expr.js';
import { fieldReader } from './field-access.js';
import { GroupTable } from './group-table.js';
import { TupleIndex, hashTuple } from '../tuple-index.js';
import { eachRow, type EventSource } from './plan.js';
import { rowOfValues, shapedRowOfValues } from './row-shape.js';
import { tstatsOp, type TstatsOp } from './tstats-aggregates.js';
import { SplRuntimeError, asNumber, asString, valuesAsOne, type SEvent, type SValue } from './values.js';

// `| tstats` over a CIM data model, with Splunk's meaning (Search Reference, tstats):
//
//   tstats [summariesonly=<bool>] [allow_old_summaries=<bool>] [fillnull_value=<string>] [prestats=false]
//          <fn>(<field>) [AS <name>] ... FROM datamodel=<model>.<dataset> [WHERE <search>] [BY <field> ... [span=<n><s|m|h|d>]]
//
// Fields are the dataset's, prefixed (`All_Traffic.src_ip`), and `_time`. WHERE is search-command syntax
// (case-insensitive values, `*` wildcards, CIDR ranges, `f IN (a, b)`, OR binding tighter than AND). BY groups like
// stats: one row per combination of the by-fields' values (a multivalue field gives a row per value), `_time` in
// buckets of `span` aligned to the epoch; an event lacking a by-field is left out unless fillnull_value is set, which
// stands in for the missing value. dc() is exact (estdc() is the approximate one, not emitted).
//
// summariesonly and allow_old_summaries choose where Splunk reads (accelerated summaries only, or summaries and raw
// events; summaries built for an older data-model definition): the engine's events are the data model's events, all
// of them "summarized", so neither changes a result here. That is the production difference to know about:
// summariesonly=true misses events not yet summarized (docs/semantics.md).

export type DataModelSource = (model: string, dataset: string) => EventSource;

/** The functions of tstats that the engine computes. */
const FUNCTIONS = ['count', 'dc', 'values', 'min', 'max', 'sum', 'avg', 'latest', 'earliest'] as const;
type Fn = (typeof FUNCTIONS)[number];

interface TstatsAgg {
  fn: Fn;
  /** The event field read (dataset prefix dropped), or undefined for a bare count. */
  field?: string;
  as: string;
}

export interface TstatsQuery {
  model: string;
  dataset: string;
  aggs: TstatsAgg[];
  /** Filter on the data model's events (fields prefixed), or undefined. */
  where?: (e: SEvent) => boolean;
  /** By-fields as written (prefixed) and the event field each reads. */
  by: { name: string; field: string }[];
  spanSeconds?: number;
  fillnull?: string;
}

interface Word {
  text: string;
  start: number;
  end: number;
}

/** Top-level words: runs of non-space text, with quoted strings and parentheses kept whole. */
function words(text: string): Word[] {
  const out: Word[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) { i++; continue; }
    const start = i;
    let depth = 0;
    while (i < text.length && (depth > 0 || !/\s/.test(text[i]!))) {
      const c = text[i]!;
      if (c === '"') {
        i++;
        while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
        if (i >= text.length) throw new SplRuntimeError(`tstats: unterminated string: ${text.slice(start)}`);
      } else if (c === '(') depth++;
      else if (c === ')') depth--;
      i++;
    }
    out.push({ text: text.slice(start, i), start, end: i });
  }
  return out;
}

const unquote = (s: string) => (s.startsWith('"') && s.endsWith('"') && s.length >= 2 ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s);
const isWord = (w: Word | undefined, kw: string) => w?.text.toLowerCase() === kw;

/** Parses the text after `tstats` (macros already expanded). */
export function parseTstats(text: string): TstatsQuery {
  const ws = words(text);
  let i = 0;
  let fillnull: string | undefined;
  for (; i < ws.length; i++) {
    const opt = /^([a-z_]+)=(.*)$/i.exec(ws[i]!.text);
    if (!opt) break;
    const [key, value] = [opt[1]!.toLowerCase(), unquote(opt[2]!)];
    switch (key) {
      case 'summariesonly':
      case 'allow_old_summaries':
        if (!/^(true|false|t|f|1|0)$/i.test(value)) throw new SplRuntimeError(`tstats ${key}=${value}: expected true or false`);
        break; // where Splunk reads from; every event of the engine is summarized (see above)
      case 'fillnull_value':
        fillnull = value;
        break;
      case 'prestats':
        if (!/^(false|f|0)$/i.test(value)) throw new SplRuntimeError('tstats prestats=true is outside the supported subset');
        break;
      default:
        throw new SplRuntimeError(`tstats option ${key}= is outside the supported subset (summariesonly, allow_old_summaries, fillnull_value, prestats=false)`);
    }
  }
  const rawAggs: { fn: Fn; arg?: string; as: string }[] = [];
  for (; i < ws.length && !isWord(ws[i], 'from'); i++) {
    const m = /^([a-z_]+)(?:\(([^()]*)\))?$/i.exec(ws[i]!.text);
    const fn = m?.[1]!.toLowerCase() as Fn | undefined;
    if (!m || !fn || !FUNCTIONS.includes(fn)) throw new SplRuntimeError(`tstats function '${ws[i]!.text}' is outside the supported subset (${FUNCTIONS.join(', ')})`);
    const arg = m[2]?.trim() || undefined;
    if (!arg && fn !== 'count') throw new SplRuntimeError(`tstats ${fn}() needs a field`);
    let as = arg ? `${fn}(${arg})` : fn;
    if (isWord(ws[i + 1], 'as')) {
      as = unquote(ws[i + 2]?.text ?? '');
      if (!as) throw new SplRuntimeError(`tstats: AS without a name after ${ws[i]!.text}`);
      i += 2;
    }
    rawAggs.push({ fn, arg, as });
  }
  if (!rawAggs.length) throw new SplRuntimeError('tstats needs a statistical function before FROM');
  const from = /^datamodel=([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(ws[i + 1]?.text ?? '');
  if (!isWord(ws[i], 'from') || !from) throw new SplRuntimeError(`tstats needs 'FROM datamodel=<model>.<dataset>': tstats ${text}`);
  const [model, dataset] = [from[1]!, from[2]!];
  i += 2;
  const field = (written: string): string => {
    if (written === '_time') return written;
    if (!written.startsWith(`${dataset}.`) || written.length === dataset.length + 1) {
      throw new SplRuntimeError(`tstats field '${written}': expected ${dataset}.<field> or _time`);
    }
    return written.slice(dataset.length + 1);
  };
  const aggs = rawAggs.map((a) => ({ fn: a.fn, as: a.as, ...(a.arg ? { field: field(a.arg) } : {}) }));
  let where: TstatsQuery['where'];
  if (isWord(ws[i], 'where')) {
    const byAt = ws.findIndex((w, k) => k > i && isWord(w, 'by'));
    const end = byAt < 0 ? text.length : ws[byAt]!.start;
    where = compileWhere(text.slice(ws[i]!.end, end), field);
    i = byAt < 0 ? ws.length : byAt;
  }
  const by: TstatsQuery['by'] = [];
  let spanSeconds: number | undefined;
  if (isWord(ws[i], 'by')) {
    for (i++; i < ws.length; i++) {
      const span = /^span=(.*)$/i.exec(ws[i]!.text);
      if (span) {
        spanSeconds = parseDuration(span[1]!);
        if (spanSeconds === undefined) throw new SplRuntimeError(`tstats span=${span[1]}: expected <n><s|m|h|d>`);
        continue;
      }
      by.push({ name: ws[i]!.text, field: field(ws[i]!.text) });
    }
    if (!by.length) throw new SplRuntimeError('tstats BY needs a field');
  }
  if (i < ws.length) throw new SplRuntimeError(`tstats: unexpected '${ws[i]!.text}'`);
  const timeBy = by.some((b) => b.field === '_time');
  if (timeBy !== (spanSeconds !== undefined)) throw new SplRuntimeError('tstats: span= goes with _time among the BY fields (and _time needs a span)');
  return { model, dataset, aggs, where, by, spanSeconds, fillnull };
}

/**
 * The WHERE search over an event: `f IN (a, b)` is the search command's `(f=a OR f=b)`; every field named must be
 * the dataset's (prefixed) or `_time`, and is read from the event without the prefix.
 */
function compileWhere(text: string, field: (w: string) => string): (e: SEvent) => boolean {
  const QUOTED = '"(?:[^"\\\\]|\\\\.)*"';
  const FIELD = '[^\\s()"=!<>]+';
  const re = new RegExp(`${QUOTED}|(${FIELD})\\s+IN\\s*\\(((?:\\s*(?:${QUOTED}|[^\\s,()"]+)\\s*,?)*)\\)|(${FIELD})(?=!=|<=|>=|=|<|>)`, 'gi');
  const rewritten = text.replace(re, (all: string, inField?: string, list?: string, cmpField?: string) => {
    if (inField !== undefined) {
      const name = field(inField);
      const values = [...list!.matchAll(new RegExp(`${QUOTED}|[^\\s,()"]+`, 'g'))].map((v) => v[0]);
      if (!values.length) throw new SplRuntimeError(`tstats: ${inField} IN () has no values`);
      return `(${values.map((v) => `${name}=${v}`).join(' OR ')})`;
    }
    if (cmpField !== undefined) return field(cmpField);
    return all;
  });
  return compileSearch(rewritten);
}

/** A group's number in the table's GroupTable (group-table.ts). */
type GroupId = number;

/** The number of rows handed on per batch once the events are read. */
const ROWS_PER_BATCH = 4096;

/**
 * A parsed tstats, planned once: field readers for its by-fields and functions, and its groups (a GroupTable): each
 * one's by-values, then one state per function.
 */
class TstatsTable {
  private readonly ops: TstatsOp[];
  private readonly reads: ((e: SEvent) => SValue)[];
  private readonly byReads: (((e: SEvent) => SValue) | undefined)[];
  /** The groups by their tuple of by-values (tuple-index.ts): no key text is built per event. */
  private index = new TupleIndex<readonly SValue[]>((g, keys) => this.groups.hasKeys(g, keys));
  /** The groups, numbered in the order they first appeared. */
  private groups: GroupTable;
  private readonly keys: SValue[];
  /** Per by-field, one copy of each text a group keeps (every event brings its own "PAN-OS"): util/interner.ts. */
  private readonly intern: ((s: string) => string)[];
  /** A row from a group's by-values and results, in the search's shape when it has one (row-shape.ts). */
  private readonly row: (values: readonly unknown[]) => SEvent;
  /** Whether a function reads the event's time (latest, earliest). */
  private readonly timed: boolean;

  /** `shape`: the fields of the search's rows (see runTstats), or undefined for tstats' own fields. */
  constructor(private readonly q: TstatsQuery, shape: readonly string[] | undefined) {
    this.ops = q.aggs.map((a) => tstatsOp(a.fn, a.field !== undefined));
    this.reads = q.aggs.map((a) => (a.field === undefined ? () => null : fieldReader(a.field)));
    this.byReads = q.by.map((b) => (b.field === '_time' ? undefined : fieldReader(b.field)));
    this.keys = new Array<SValue>(q.by.length);
    this.intern = q.by.map(() => interner(1 << 14));
    this.groups = new GroupTable(q.by.length + q.aggs.length);
    const names = [...q.by.map((b) => b.name), ...q.aggs.map((a) => a.as)];
    this.row = shape ? shapedRowOfValues(names, shape) : rowOfValues(names);
    this.timed = q.aggs.some((a) => a.fn === 'latest' || a.fn === 'earliest');
  }

  /** Adds an event to its group(s): an arrow, handed as the per-event callback. */
  readonly add = (e: SEvent): void => {
    const q = this.q;
    if (q.where && !q.where(e)) return;
    const read = this.singleByValues(e);
    if (read === this.byReads.length) this.accumulate(this.keys, e);
    else if (read >= 0) for (const keys of this.byValues(e, read)) this.accumulate(keys, e);
  };

  /**
   * The by-values of an event into `keys` while each by-field holds at most one value: how many were read (all of
   * them, or fewer when the next is a multivalue field: see byValues), or -1 when one is missing (the event is left
   * out).
   */
  private singleByValues(e: SEvent): number {
    const { q, keys, byReads } = this;
    for (let i = 0; i < byReads.length; i++) {
      const read = byReads[i];
      if (read === undefined) {
        const t = e._time;
        const n = typeof t === 'number' ? t : asNumber(t ?? null);
        if (n === undefined) return -1;
        keys[i] = Math.floor(n / q.spanSeconds!) * q.spanSeconds!;
        continue;
      }
      const v = read(e);
      if (typeof v === 'string' && v !== '') keys[i] = v;
      else if (Array.isArray(v)) return i;
      else if (v === null || v === '') {
        if (q.fillnull === undefined) return -1;
        keys[i] = q.fillnull;
      } else keys[i] = asString(v);
    }
    return byReads.length;
  }

  /**
   * Every combination of an event's by-values (a multivalue field gives one per value) when the by-field numbered
   * `from` is a multivalue; the values before it are those singleByValues read into `keys`. None when a by-field has
   * no value.
   */
  private byValues(e: SEvent, from: number): SValue[][] {
    const { q, byReads } = this;
    let combos: SValue[][] = [this.keys.slice(0, from)];
    for (let i = from; i < byReads.length; i++) {
      const read = byReads[i];
      let vs: SValue[];
      if (read === undefined) {
        const t = asNumber(e._time ?? null);
        vs = t === undefined ? [] : [Math.floor(t / q.spanSeconds!) * q.spanSeconds!];
      } else {
        const v = valuesAsOne(read(e));
        vs = v === null ? [] : Array.isArray(v) ? v : [v];
        if (!vs.length && q.fillnull !== undefined) vs = [q.fillnull];
      }
      if (!vs.length) return [];
      combos = combos.flatMap((c) => vs.map((v) => [...c, v]));
    }
    return combos;
  }

  private accumulate(keys: SValue[], e: SEvent): void {
    const { ops, reads } = this;
    const g = this.groupOf(keys);
    const groups = this.groups;
    const base = keys.length;
    const time = this.timed ? asNumber(e._time ?? null) ?? 0 : 0;
    for (let k = 0; k < ops.length; k++) groups.set(g, base + k, ops[k]!.add(groups.get(g, base + k), reads[k]!(e), time));
  }

  /** The group of a tuple of by-values, made on its first event. */
  private groupOf(keys: SValue[]): GroupId {
    if (!keys.length) return this.groups.size ? 0 : this.newGroup(keys);
    const h = hashTuple(keys);
    let g = this.index.find(h, keys);
    if (g < 0) this.index.add(h, (g = this.newGroup(keys)));
    return g;
  }

  private newGroup(keys: SValue[]): GroupId {
    const { ops, groups } = this;
    const g = groups.add();
    const base = keys.length;
    for (let k = 0; k < base; k++) groups.set(g, k, this.keep(k, keys[k]!));
    for (let k = 0; k < ops.length; k++) groups.set(g, base + k, ops[k]!.init);
    return g;
  }

  /** The one copy of a by-value kept in new groups. */
  private keep(k: number, v: SValue): SValue {
    return typeof v === 'string' ? this.intern[k]!(v) : v;
  }

  /** The rows, one per group in the order groups first appeared, in batches; the groups are let go with the last. */
  *rows(): Generator<SEvent[]> {
    const { q, ops } = this;
    // Without BY, one row even over no events (as stats).
    if (!q.by.length && !this.groups.size) this.newGroup([]);
    const groups = this.groups;
    const size = groups.size;
    this.groups = new GroupTable(groups.width);
    this.index = new TupleIndex<readonly SValue[]>((g, keys) => this.groups.hasKeys(g, keys));
    const base = q.by.length;
    // One group's values in the row's field order (by-values, then results), refilled for each row.
    const values = new Array<unknown>(groups.width);
    for (let start = 0; start < size; start += ROWS_PER_BATCH) {
      const end = Math.min(size, start + ROWS_PER_BATCH);
      const out: SEvent[] = [];
      for (let i = start; i < end; i++) {
        for (let k = 0; k < base; k++) values[k] = groups.get(i, k);
        for (let k = 0; k < ops.length; k++) {
          const v = ops[k]!.result(groups.get(i, base + k));
          values[base + k] = v === null ? undefined : v;
        }
        out.push(this.row(values));
      }
      groups.releaseBelow(end);
      yield out;
    }
  }
}

/**
 * Runs a parsed tstats over the data model's events: one row per group, in the order groups first appear. The rows
 * are new, so they are made in the search's shape (`shape`, the fields its rows carry: see Plan.row) when it has
 * one, not made once and copied again.
 */
export function runTstats(q: TstatsQuery, source: DataModelSource, shape?: readonly string[]): EventSource {
  async function* batches(): AsyncGenerator<SEvent[]> {
    const table = new TstatsTable(q, shape);
    await eachRow(source(q.model, q.dataset), table.add);
    yield* table.rows();
  }
  return { batches: batches(), row: (r) => r as SEvent };
}

/** `| tstats ...`: a generating command (the first of its search) whose rows are its own (see runTstats). */
export function tstatsCommand(text: string, source: DataModelSource, shape?: readonly string[]): EventSource {
  return runTstats(parseTstats(text), source, shape);
}
