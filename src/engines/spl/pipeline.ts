import { assertNever } from '../../util/assert-never.js';
import { lookupCommand, type Lookups } from './lookup.js';
import { filterEarly, runPlan, step, type EventSource, type Plan, type Stage } from './plan.js';
import { rowMaker } from './row-shape.js';
import { compileSearch } from './search-expr.js';
import { sortStage } from './sort.js';
import { eventstatsStage, statsStage } from './stats.js';
import { binStep, dropFieldsStep, evalStage, fieldList, renameStep, tableStep, whereStage } from './streaming.js';
import { appendStage, joinStage, parseJoin } from './subsearch.js';
import { tstatsCommand } from './tstats.js';
import { SplRuntimeError, type SEvent } from './values.js';

// An SPL interpreter for the subset detc emits (docs/engines.md): | datamodel ... flat, eval, where, search,
// bin/bucket, stats, eventstats, rename, sort, table, fields, append [...], join [...], and `macros` from
// macros.conf. Anything else is an SplRuntimeError naming the command. A search is compiled once into a plan
// (plan.ts) and then run: no text is parsed and no expression is built per event.

type Stream = AsyncIterable<SEvent>;
/** The events of a data model's dataset, as rows or as batches of items carrying a row (plan.ts). */
export type DatamodelSource = (model: string, dataset: string) => EventSource;

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

/** Compiles a search (errors in its text are thrown here) and runs it when read: its result rows. */
export function runPipeline(spl: string, source: DatamodelSource, lookups: Lookups = () => undefined, now?: number): Stream {
  const plan = compilePipeline(spl, { source, lookups, now });
  return (async function* () {
    yield* await runPlan(plan);
  })();
}

/** What compiling a search needs: its events, its lookups and the search time. */
interface SearchContext {
  source: DatamodelSource;
  lookups: Lookups;
  now: number | undefined;
}

/** Parses a whole search once into its plan: a generating command, then one stage per command. */
export function compilePipeline(spl: string, ctx: SearchContext): Plan {
  const commands = splitPipeline(spl);
  let rows: Generating | undefined;
  const stages: Stage[] = [];
  // Every field a command reads or writes, up to the first command that keeps only named fields (stats, table,
  // fields): fields named nowhere before it cannot reach the output, and the rows after it are new rows, so the
  // search's copy of an event carries only the fields named up to there.
  const fields = new Set<string>();
  let kept: string[] | undefined;
  // Per stage: the fields its command names, and whether it keeps only named fields.
  const named: Set<string>[] = [];
  const keeps: boolean[] = [];
  for (const [i, text] of commands.entries()) {
    const cmd = parseCommand(withNow(text, ctx.now));
    if (i === 0) {
      rows = generatingCommand(cmd, ctx);
      if (rows) continue;
      // A command of the subset that needs input (one outside it is refused as such by commandStage).
      commandStage(cmd, ctx, new Set());
      throw new SplRuntimeError(`'${cmd.name}' needs input: the search must start with a generating command`);
    }
    const own = new Set<string>();
    stages.push(commandStage(cmd, ctx, own));
    for (const f of own) fields.add(f);
    const keepsNamed = cmd.name === 'stats' || cmd.name === 'table' || (cmd.name === 'fields' && !cmd.rest.startsWith('-'));
    named.push(own);
    keeps.push(keepsNamed);
    if (!kept && keepsNamed) kept = [...fields];
  }
  if (!rows) throw new SplRuntimeError('empty search');
  // A stage that adds fields to rows (join) needs to keep only those named from the next stage up to the next
  // command that keeps only named fields; without such a command every field may reach the output.
  stages.forEach((s, i) => {
    if (s.kind !== 'sink' || !s.keepFields) return;
    const end = keeps.indexOf(true, i + 1);
    if (end < 0) return;
    const later = new Set<string>();
    for (let j = i + 1; j <= end; j++) for (const f of named[j]!) later.add(f);
    s.keepFields(later);
  });
  filterEarly(stages);
  const shape = kept;
  switch (rows.kind) {
    case 'events':
      return { rows: rows.rows, stages, row: shape ? rowMaker(shape) : (e) => ({ ...e }) };
    case 'own':
      return { rows: () => rows.rows(shape), stages, row: undefined };
    default:
      return assertNever(rows, 'generating command');
  }
}

interface Command {
  name: string;
  rest: string;
  text: string;
}

function parseCommand(text: string): Command {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(text);
  if (!m) throw new SplRuntimeError(`empty command`);
  return { name: m[1]!.toLowerCase(), rest: m[2]!.trim(), text };
}

/** now() is the search's start time, one constant for the whole search: it is written in before parsing. */
function withNow(cmd: string, now: number | undefined): string {
  if (!/\bnow\(\)/.test(cmd)) return cmd;
  if (now === undefined) throw new SplRuntimeError('now() needs the search time');
  // Outside quoted strings only.
  return cmd.split(/("(?:[^"\\]|\\.)*")/).map((part, i) => (i % 2 ? part : part.replace(/\bnow\(\)/g, String(now / 1000)))).join('');
}

/**
 * Where a search's rows come from: the caller's events, which the search copies into its own rows, or rows the
 * command makes itself, new, in the shape it is given (the fields the search's rows carry; undefined: its own).
 */
type Generating =
  | { kind: 'events'; rows: () => EventSource }
  | { kind: 'own'; rows: (shape: readonly string[] | undefined) => EventSource };

/** The first command of a search, which produces the rows; undefined when it is no generating command. */
function generatingCommand({ name, rest, text }: Command, ctx: SearchContext): Generating | undefined {
  switch (name) {
    case 'datamodel': {
      const [model, dataset, mode] = rest.split(/\s+/);
      if (!model || !dataset || mode !== 'flat') throw new SplRuntimeError(`only '| datamodel <model> <dataset> flat' is supported, got: ${text}`);
      return { kind: 'events', rows: () => ctx.source(model, dataset) };
    }
    case 'tstats':
      // tstats reads the data model's events and yields its own summary rows (tstats.ts).
      return { kind: 'own', rows: (shape) => tstatsCommand(rest, ctx.source, shape) };
    default:
      return undefined;
  }
}

/** Every command after the first: one case per command. */
function commandStage({ name, rest, text }: Command, ctx: SearchContext, fields: Set<string>): Stage {
  switch (name) {
    case 'datamodel':
      throw new SplRuntimeError(`'datamodel' is a generating command: it must start the search, got: ${text}`);
    case 'tstats':
      throw new SplRuntimeError(`tstats is a generating command: it must start its search, got: ${text}`);
    case 'search': {
      const keep = compileSearch(rest, fields);
      return step((row) => (keep(row) ? row : undefined));
    }
    case 'where':
      return whereStage(rest, fields);
    case 'eval':
      return evalStage(rest, fields);
    case 'lookup':
      return step(lookupCommand(rest, ctx.lookups, fields));
    case 'bin':
    case 'bucket':
      return step(binStep(rest, fields));
    case 'stats':
      return statsStage(rest, fields);
    case 'eventstats':
      return eventstatsStage(rest, fields);
    case 'rename':
      return step(renameStep(rest, fields));
    case 'sort':
      return sortStage(rest, fields);
    case 'table':
      return step(tableStep(fieldList(rest), fields));
    case 'fields':
      if (rest.startsWith('-')) return step(dropFieldsStep(fieldList(rest.slice(1)), fields));
      return step(tableStep(fieldList(rest.replace(/^\+\s*/, '')), fields));
    case 'append': {
      const sub = /^\[([\s\S]*)\]$/.exec(rest);
      if (!sub) throw new SplRuntimeError(`append needs a [subsearch]: ${text}`);
      return appendStage(compilePipeline(sub[1]!.trim(), ctx));
    }
    case 'join': {
      const { options, fields: joinFields, subsearch } = parseJoin(rest, closingBracket);
      return joinStage(options, joinFields, compilePipeline(subsearch, ctx), fields);
    }
    default:
      throw new SplRuntimeError(`command '${name}' is outside the supported SPL subset (docs/engines.md)`);
  }
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
