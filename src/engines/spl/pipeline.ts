import { parseDuration } from '../../load/duration.js';
import { ExprParser, tokenizeExpr, type Expr } from './eval-expr.js';
import { lookupCommand, type Lookups } from './lookup.js';
import { compileSearch } from './search-expr.js';
import { tstatsCommand } from './tstats.js';
import { SplRuntimeError, asNumber, asString, splunkCompare, type SEvent, type SValue } from './values.js';

// An SPL interpreter for the subset detc emits (docs/engines.md): | datamodel ... flat, eval, where, search,
// bin/bucket, stats, eventstats, rename, sort, table, fields, append [...], join [...], and `macros` from
// macros.conf. Anything else is an SplRuntimeError naming the command.

type Stream = AsyncIterable<SEvent>;
export type DatamodelSource = (model: string, dataset: string) => Stream;

/**
 * Replaces `name` macro calls with their definitions (no arguments), repeatedly (macros may use macros). As in
 * Splunk ("Macros inside of quoted values are not expanded", Knowledge Manager Manual, search macros), a call inside
 * a double-quoted string stays text; a backslash escapes the next character inside a string.
 */
export function expandMacros(spl: string, macros: Map<string, string>): string {
  let out = spl;
  for (let depth = 0; depth < 20; depth++) {
    let changed = false;
    let next = '';
    for (let i = 0; i < out.length; i++) {
      const c = out[i]!;
      if (c === '"') {
        // A quoted string is copied as it is, macro calls inside included (unterminated: to the end).
        const end = stringEnd(out, i);
        next += out.slice(i, end < 0 ? out.length : end + 1);
        i = end < 0 ? out.length : end;
        continue;
      }
      const call = c === '`' ? /^`([A-Za-z0-9_]+)`/.exec(out.slice(i)) : null;
      if (call) {
        const def = macros.get(call[1]!);
        if (def === undefined) throw new SplRuntimeError(`unknown macro \`${call[1]}\` (not in macros.conf)`);
        next += def;
        i += call[0].length - 1;
        changed = true;
        continue;
      }
      next += c;
    }
    out = next;
    if (!changed) return out;
  }
  throw new SplRuntimeError('macro expansion does not terminate');
}

/** Splits a pipeline at top-level `|` (outside quotes, parentheses and [subsearches]); a leading `|` is dropped. */
export function splitPipeline(spl: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < spl.length; i++) {
    const c = spl[i]!;
    if (c === '"') {
      const end = stringEnd(spl, i);
      if (end < 0) throw new SplRuntimeError('unbalanced quotes or brackets in the search');
      cur += spl.slice(i, end + 1);
      i = end;
      continue;
    }
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '|' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (depth !== 0) throw new SplRuntimeError('unbalanced quotes or brackets in the search');
  parts.push(cur.trim());
  return parts.filter((p, i) => p !== '' || i > 0);
}

export function runPipeline(spl: string, source: DatamodelSource, lookups: Lookups = () => undefined, now?: number): Stream {
  const commands = splitPipeline(spl);
  let stream: Stream | undefined;
  for (const cmd of commands) stream = applyCommand(withNow(cmd, now), stream, source, lookups, now);
  if (!stream) throw new SplRuntimeError('empty search');
  return stream;
}

/** now() is the search's start time, one constant for the whole search: it is written in before parsing. */
function withNow(cmd: string, now: number | undefined): string {
  if (!/\bnow\(\)/.test(cmd)) return cmd;
  if (now === undefined) throw new SplRuntimeError('now() needs the search time');
  // Outside quoted strings only.
  return cmd.split(/("(?:[^"\\]|\\.)*")/).map((part, i) => (i % 2 ? part : part.replace(/\bnow\(\)/g, String(now / 1000)))).join('');
}

function applyCommand(cmd: string, input: Stream | undefined, source: DatamodelSource, lookups: Lookups, now: number | undefined): Stream {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(cmd);
  if (!m) throw new SplRuntimeError(`empty command`);
  const name = m[1]!.toLowerCase();
  const rest = m[2]!.trim();
  const need = () => {
    if (!input) throw new SplRuntimeError(`'${name}' needs input: the search must start with a generating command`);
    return input;
  };
  switch (name) {
    case 'datamodel': {
      const [model, dataset, mode] = rest.split(/\s+/);
      if (!model || !dataset || mode !== 'flat') throw new SplRuntimeError(`only '| datamodel <model> <dataset> flat' is supported, got: ${cmd}`);
      return source(model, dataset);
    }
    case 'tstats':
      if (input) throw new SplRuntimeError('tstats is a generating command: it must start its search');
      return tstatsCommand(rest, source);
    case 'search':
      return filter(need(), compileSearch(rest));
    case 'where': {
      const e = ExprParser.parse(rest);
      return filter(need(), (ev) => e(ev) === true);
    }
    case 'eval':
      return evalCommand(need(), parseAssignments(rest));
    case 'lookup':
      return map(need(), lookupCommand(rest, lookups));
    case 'bin':
    case 'bucket':
      return bin(need(), rest);
    case 'stats':
      return stats(need(), rest);
    case 'eventstats':
      return eventstats(need(), rest);
    case 'rename':
      return rename(need(), rest);
    case 'sort':
      return sort(need(), rest);
    case 'table':
      return table(need(), fieldList(rest));
    case 'fields': {
      if (rest.startsWith('-')) {
        const drop = fieldList(rest.slice(1));
        return map(need(), (e) => Object.fromEntries(Object.entries(e).filter(([k]) => !drop.includes(k))));
      }
      return table(need(), fieldList(rest.replace(/^\+\s*/, '')));
    }
    case 'append': {
      const sub = /^\[([\s\S]*)\]$/.exec(rest);
      if (!sub) throw new SplRuntimeError(`append needs a [subsearch]: ${cmd}`);
      const other = runPipeline(sub[1]!.trim(), source, lookups, now);
      return concat(need(), other);
    }
    case 'join': {
      const { options, fields, subsearch } = parseJoin(rest);
      return join(need(), options, fields, () => runPipeline(subsearch, source, lookups, now));
    }
    default:
      throw new SplRuntimeError(`command '${name}' is outside the supported SPL subset (docs/engines.md)`);
  }
}

async function* filter(input: Stream, keep: (e: SEvent) => boolean): Stream {
  for await (const e of input) if (keep(e)) yield e;
}
async function* map(input: Stream, f: (e: SEvent) => SEvent): Stream {
  for await (const e of input) yield f(e);
}
async function* concat(a: Stream, b: Stream): Stream {
  yield* a;
  yield* b;
}

interface JoinOptions {
  /** Subsearch rows joined per main row, in subsearch order; Infinity for max=0. */
  max: number;
  /** Subsearch values replace the main row's values of the same fields. */
  overwrite: boolean;
}

/**
 * `join [type=inner] [max=N] [overwrite=true|false] <field>[, ]... [subsearch]`. The subsearch is the bracketed
 * text at the end (it may hold nested subsearches); the options and fields come before it.
 */
function parseJoin(rest: string): { options: JoinOptions; fields: string[]; subsearch: string } {
  const open = rest.indexOf('[');
  const close = open < 0 ? -1 : closingBracket(rest, open);
  if (close < 0 || rest.slice(close + 1).trim()) throw new SplRuntimeError(`join needs one [subsearch] at its end: join ${rest}`);
  const subsearch = rest.slice(open + 1, close).trim();
  const options: JoinOptions = { max: 1, overwrite: true };
  const fields: string[] = [];
  for (const tok of fieldList(rest.slice(0, open))) {
    const opt = /^([A-Za-z_]+)=(\S*)$/.exec(tok);
    if (!opt) {
      if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(tok)) throw new SplRuntimeError(`join field '${tok}' is outside the supported subset`);
      fields.push(tok);
      continue;
    }
    const key = opt[1]!;
    const value = opt[2]!;
    switch (key.toLowerCase()) {
      case 'type':
        if (value.toLowerCase() !== 'inner') throw new SplRuntimeError(`join type=${value} is outside the supported subset (only type=inner)`);
        break;
      case 'max':
        if (!/^\d+$/.test(value)) throw new SplRuntimeError(`join max=${value}: expected a whole number (0 = no limit)`);
        options.max = Number(value) || Infinity;
        break;
      case 'overwrite':
        if (!/^(true|false|t|f|1|0)$/i.test(value)) throw new SplRuntimeError(`join overwrite=${value}: expected true or false`);
        options.overwrite = /^(true|t|1)$/i.test(value);
        break;
      default:
        throw new SplRuntimeError(`join option ${key}= is outside the supported subset (type=inner, max, overwrite)`);
    }
  }
  if (!fields.length) throw new SplRuntimeError(`join without a field list is outside the supported subset: join ${rest}`);
  return { options, fields, subsearch };
}

/** The index of the `]` closing the `[` at `open` (brackets in quoted strings do not count), or -1. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      i = stringEnd(text, i);
      if (i < 0) return -1;
    } else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return -1;
}

/** The text of a join field's value, or undefined when the row lacks it (null or empty: never joins). */
function joinValue(e: SEvent, f: string): string | undefined {
  const v = e[f];
  return v === undefined || v === null || v === '' ? undefined : asString(v);
}

/**
 * Splunk's join: each main row joins with the subsearch rows whose values of every join field equal its own (as
 * text); at most `max` of them, in subsearch order; no match drops the row (type=inner). The subsearch is read
 * fully first.
 */
async function* join(input: Stream, options: JoinOptions, fields: string[], subsearch: () => Stream): Stream {
  const index = new Map<string, SEvent[]>();
  const keyOf = (e: SEvent) => {
    const vs = fields.map((f) => joinValue(e, f));
    return vs.some((v) => v === undefined) ? undefined : JSON.stringify(vs);
  };
  for await (const r of subsearch()) {
    const k = keyOf(r);
    if (k === undefined) continue;
    const rows = index.get(k);
    if (rows) rows.push(r);
    else index.set(k, [r]);
  }
  for await (const e of input) {
    const k = keyOf(e);
    const matches = k === undefined ? undefined : index.get(k);
    if (!matches) continue;
    for (const r of matches.slice(0, options.max)) yield options.overwrite ? { ...e, ...r } : { ...r, ...e };
  }
}

function parseAssignments(text: string): [string, Expr][] {
  const toks = tokenizeExpr(text);
  const out: [string, Expr][] = [];
  let i = 0;
  while (i < toks.length) {
    const name = toks[i];
    const eq = toks[i + 1];
    if (name?.t !== 'id' || eq?.t !== 'op' || eq.v !== '=') throw new SplRuntimeError(`eval expects field=expression: ${text}`);
    const { expr, next } = ExprParser.parsePrefix(toks, i + 2, text);
    out.push([name.v, expr]);
    i = next;
    if (i < toks.length) {
      if (toks[i]!.t !== ',') throw new SplRuntimeError(`unexpected '${toks[i]!.v}' in eval: ${text}`);
      i++;
    }
  }
  return out;
}

async function* evalCommand(input: Stream, assignments: [string, Expr][]): Stream {
  for await (const e of input) {
    const out = { ...e };
    // Each assignment sees the results of the previous ones (Splunk evaluates them left to right).
    for (const [name, expr] of assignments) {
      const v = expr(out);
      if (v === null) delete out[name];
      else out[name] = typeof v === 'boolean' ? (v ? 'True' : 'False') : v;
    }
    yield out;
  }
}

async function* bin(input: Stream, rest: string): Stream {
  // bin [span=<n><unit>] <field> [span=...] [AS <newfield>]
  const m = /^(?:span=(\d+)(s|m|h|d)\s+)?([A-Za-z_][A-Za-z0-9_.]*)(?:\s+span=(\d+)(s|m|h|d))?(?:\s+AS\s+([A-Za-z_][A-Za-z0-9_.]*))?$/i.exec(rest.trim());
  if (!m || (!m[1] && !m[4])) throw new SplRuntimeError(`only 'bin span=<n><s|m|h|d> <field> [AS <new>]' is supported, got: bin ${rest}`);
  const field = m[3]!;
  const span = parseDuration(m[1] ? `${m[1]}${m[2]}` : `${m[4]}${m[5]}`)!;
  const target = m[6] ?? field;
  for await (const e of input) {
    const n = asNumber(e[field] ?? null);
    yield n === undefined ? e : { ...e, [target]: Math.floor(n / span) * span };
  }
}

function fieldList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

function rename(input: Stream, rest: string): Stream {
  const pairs = rest.split(',').map((p) => {
    const m = /^\s*(\S+)\s+AS\s+(\S+)\s*$/i.exec(p);
    if (!m) throw new SplRuntimeError(`rename expects 'a AS b, ...': ${rest}`);
    return [m[1]!.replace(/^"|"$/g, ''), m[2]!.replace(/^"|"$/g, '')] as const;
  });
  return map(input, (e) => {
    const out = { ...e };
    for (const [a, b] of pairs) {
      if (!(a in out)) continue;
      out[b] = out[a]!;
      delete out[a];
    }
    return out;
  });
}

async function* table(input: Stream, fields: string[]): Stream {
  for await (const e of input) {
    const out: SEvent = {};
    for (const f of fields) if (f in e) out[f] = e[f]!;
    yield out;
  }
}

async function* sort(input: Stream, rest: string): Stream {
  const toks = rest.trim().split(/\s+/).filter(Boolean);
  let limit = 10000; // Splunk's default when no count is given.
  if (toks[0] && /^\d+$/.test(toks[0])) limit = Number(toks.shift()) || Infinity;
  const keys: { field: string; desc: boolean }[] = [];
  for (let i = 0; i < toks.length; i++) {
    let t = toks[i]!.replace(/,$/, '');
    let desc = false;
    if (t === '-' || t === '+') {
      desc = t === '-';
      t = toks[++i]!.replace(/,$/, '');
    } else if (t.startsWith('-') || t.startsWith('+')) {
      desc = t.startsWith('-');
      t = t.slice(1);
    }
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(t)) throw new SplRuntimeError(`sort by '${t}' is outside the supported subset`);
    keys.push({ field: t, desc });
  }
  const rows: SEvent[] = [];
  for await (const e of input) rows.push(e);
  const idx = rows.map((r, i) => ({ r, i }));
  idx.sort((a, b) => {
    for (const k of keys) {
      const x = a.r[k.field] ?? null;
      const y = b.r[k.field] ?? null;
      if (x === null || y === null) {
        if (x === y) continue;
        return x === null ? 1 : -1; // missing values sort last either way
      }
      const c = splunkCompare(x, y);
      if (c) return k.desc ? -c : c;
    }
    return a.i - b.i;
  });
  for (const { r } of idx.slice(0, limit)) yield r;
}

interface Agg {
  fn: string;
  field?: string;
  as: string;
}

function parseStats(rest: string): { aggs: Agg[]; by: string[] } {
  const byMatch = /\s+by\s+([\s\S]+)$/i.exec(rest);
  const aggText = byMatch ? rest.slice(0, byMatch.index) : rest;
  const by = byMatch ? fieldList(byMatch[1]!) : [];
  const aggs: Agg[] = [];
  const re = /\s*([a-z_]+)(?:\(([^)]*)\))?(?:\s+AS\s+([A-Za-z_][A-Za-z0-9_]*))?\s*,?/giy;
  let m: RegExpExecArray | null;
  let last = 0;
  while (last < aggText.length && (m = re.exec(aggText))) {
    if (m[0].trim() === '') break;
    last = re.lastIndex;
    const fn = m[1]!.toLowerCase();
    const field = m[2]?.trim() || undefined;
    aggs.push({ fn, field, as: m[3] ?? (field ? `${fn}(${field})` : fn) });
  }
  if (aggText.slice(last).trim()) throw new SplRuntimeError(`cannot parse stats near '${aggText.slice(last).trim()}'`);
  return { aggs, by };
}

/** The functions of stats and eventstats. */
const STATS_FUNCTIONS = ['count', 'dc', 'values', 'list', 'min', 'max', 'first', 'last', 'sum', 'avg'];

/** The group of an event for stats and eventstats BY fields; undefined when a BY field is null or empty (dropped). */
function groupOf(by: string[], e: SEvent): { keys: SValue[]; id: string } | undefined {
  const keys = by.map((f) => e[f] ?? null);
  return keys.some((k) => k === null || k === '') ? undefined : { keys, id: JSON.stringify(keys) };
}

/** eventstats: the stats of each event's group added to every event (events are held until the input ends). */
async function* eventstats(input: Stream, rest: string): Stream {
  const { aggs, by } = parseStats(rest);
  for (const a of aggs) if (!STATS_FUNCTIONS.includes(a.fn)) throw new SplRuntimeError(`eventstats function ${a.fn}() is outside the supported subset`);
  const events: SEvent[] = [];
  const groups = new Map<string, Acc[]>();
  const keyOf = (e: SEvent) => groupOf(by, e)?.id;
  for await (const e of input) {
    events.push(e);
    const id = keyOf(e);
    if (id === undefined) continue;
    let acc = groups.get(id);
    if (!acc) groups.set(id, (acc = aggs.map((a) => newAcc(a))));
    aggs.forEach((a, i) => acc![i]!.add(a.field ? e[a.field] ?? null : null));
  }
  for (const e of events) {
    const id = keyOf(e);
    const acc = id === undefined ? undefined : groups.get(id);
    if (!acc) {
      yield e;
      continue;
    }
    const out: SEvent = { ...e };
    aggs.forEach((a, i) => {
      const v = acc[i]!.result();
      if (v !== null) out[a.as] = v;
    });
    yield out;
  }
}

async function* stats(input: Stream, rest: string): Stream {
  const { aggs, by } = parseStats(rest);
  for (const a of aggs) if (!STATS_FUNCTIONS.includes(a.fn)) throw new SplRuntimeError(`stats function ${a.fn}() is outside the supported subset`);
  const groups = new Map<string, { keys: SValue[]; acc: Acc[] }>();
  for await (const e of input) {
    // stats ... by f drops events where f is null.
    const group = groupOf(by, e);
    if (!group) continue;
    const { keys, id } = group;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { keys, acc: aggs.map((a) => newAcc(a)) }));
    for (let i = 0; i < aggs.length; i++) g.acc[i]!.add(aggs[i]!.field ? e[aggs[i]!.field!] ?? null : null);
  }
  if (!by.length && groups.size === 0) groups.set('[]', { keys: [], acc: aggs.map((a) => newAcc(a)) });
  for (const g of groups.values()) {
    const row: SEvent = {};
    by.forEach((f, i) => (row[f] = g.keys[i]!));
    aggs.forEach((a, i) => {
      const v = g.acc[i]!.result();
      if (v !== null) row[a.as] = v;
    });
    yield row;
  }
}

interface Acc {
  add(v: SValue): void;
  result(): SValue;
}

function values(v: SValue): string[] {
  if (v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).filter((x) => x !== null && x !== '').map(asString);
}

function newAcc(a: Agg): Acc {
  switch (a.fn) {
    case 'count': {
      let n = 0;
      return { add: (v) => void ((a.field === undefined || values(v).length) && n++), result: () => n };
    }
    case 'dc':
    case 'values': {
      // dc() and values() compare values as strings ("1", "1.0" and "01" are distinct); values() sorts them
      // lexicographically (Search Reference, "How field values are processed").
      const seen = new Set<string>();
      return {
        add: (v) => values(v).forEach((x) => seen.add(x)),
        result: () => (a.fn === 'dc' ? seen.size : seen.size ? [...seen].sort() : null),
      };
    }
    case 'list': {
      const xs: string[] = [];
      return { add: (v) => xs.push(...values(v).slice(0, 100 - xs.length)), result: () => (xs.length ? xs : null) };
    }
    case 'min':
    case 'max': {
      let best: SValue = null;
      return {
        add: (v) => values(v).forEach((x) => {
          if (best === null || (a.fn === 'min' ? splunkCompare(x, best) < 0 : splunkCompare(x, best) > 0)) best = asNumber(x) ?? x;
        }),
        result: () => best,
      };
    }
    case 'first':
    case 'last': {
      let got: SValue = null;
      return {
        add: (v) => {
          const xs = values(v);
          if (!xs.length) return;
          if (a.fn === 'last' || got === null) got = xs.length === 1 ? xs[0]! : xs;
        },
        result: () => got,
      };
    }
    case 'sum':
    case 'avg': {
      let s = 0;
      let n = 0;
      return {
        add: (v) => values(v).forEach((x) => {
          const k = asNumber(x);
          if (k !== undefined) { s += k; n++; }
        }),
        result: () => (n === 0 ? null : a.fn === 'sum' ? s : s / n),
      };
    }
    default:
      throw new SplRuntimeError(`stats function ${a.fn}() is outside the supported subset`);
  }
}

/**
 * The index of the `"` that closes the string opening at `start`, or -1 when it is not closed. Inside a string a
 * backslash escapes the next character. Every scanner of SPL text (macro expansion, pipes, subsearch brackets)
 * reads strings by this one rule.
 */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return -1;
}
