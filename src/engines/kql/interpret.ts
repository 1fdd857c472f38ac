import { toEpochMs } from '../../events/model.js';
import { hasTerm } from '../../events/terms.js';
import { loadKusto } from '../../kql-check/kusto.js';
import { isEmpty, scalarFunction } from './functions.js';
import { parserFilter } from './parser-parameters.js';
import { KDateTime, KqlRuntimeError, KTimespan, compare, parseTimespanLiteral, valueKey, type KValue } from './values.js';

// A KQL interpreter for the subset detc emits (docs/engines.md). It does not parse KQL itself: it walks the syntax
// tree of Microsoft's Kusto.Language parser, so what it executes is what Sentinel would parse. Anything outside
// the subset is a KqlRuntimeError naming the construct, never a silent skip.

/* eslint-disable @typescript-eslint/no-explicit-any */
type Node = any;
export type KRow = Record<string, KValue>;
type Rows = AsyncIterable<KRow>;

export interface KqlTables {
  /** Rows of a table by name, or undefined for an unknown table. */
  (name: string): Rows | undefined;
}

const AGGREGATES = new Set(['make_list', 'count', 'countif', 'dcount', 'dcountif', 'make_set', 'make_set_if', 'min', 'max', 'take_any', 'take_anyif', 'sum']);

function kindOf(n: Node): string {
  return String(n?.constructor?.$$name ?? '').replace('Kusto.Language.Syntax.', '');
}

function list(l: Node): Node[] {
  const out: Node[] = [];
  if (!l) return out;
  for (let i = 0; i < l.Count; i++) {
    const e = l.getItem(i);
    out.push(e.Element !== undefined ? e.Element : e);
  }
  return out;
}

function text(n: Node): string {
  return String(n.ToString()).trim();
}

/** Sentinel watchlists by alias, as `_GetWatchlist()` returns them (SearchKey, WatchlistItem, ...). */
export type Watchlists = (alias: string) => KRow[] | undefined;

/** A scalar expression compiled once: evaluated per row (and, in summarize, over the group's aggregate results). */
type Scalar = (row: KRow, aggregates?: KValue[]) => KValue;
/** A streaming operator compiled once (where, extend, project): the row it passes on, or undefined to drop it. */
type Step = (row: KRow) => KRow | undefined;
/**
 * A tabular expression as the interpreter runs it: a row source and the streaming steps applied to each row in one
 * loop, so a chain of where/extend/project costs one pass and no generator per operator.
 */
interface Stream {
  source: Rows;
  steps: Step[];
}

export class KqlInterpreter {
  /** Values of `let name = toscalar(...)` statements. */
  private readonly lets = new Map<string, KValue>();

  constructor(private readonly now: number, private readonly watchlists: Watchlists = () => undefined) {}

  /**
   * Parses and runs a query (`let x = toscalar(...);` statements, then one tabular expression); returns its rows.
   * Each operator and expression is compiled into a closure once, before any row flows: no row walks the syntax tree.
   */
  async run(query: string, tables: KqlTables): Promise<KRow[]> {
    const K = loadKusto();
    const code = K.KustoCode.Parse(query);
    const diags = code.GetDiagnostics();
    if (diags.Count > 0) throw new KqlRuntimeError(`syntax error: ${diags.getItem(0).Message}`);
    const statements = list(code.Syntax.Statements);
    const last = statements.pop();
    if (!last || kindOf(last) !== 'ExpressionStatement') throw new KqlRuntimeError('the query must end with a tabular expression');
    for (const s of statements) await this.let(s, tables);
    const out: KRow[] = [];
    for await (const r of this.rows(this.tabular(last.Expression, tables))) out.push(r);
    return out;
  }

  /** `let name = toscalar(<tabular>);`: the first column of the first row, computed once. */
  private async let(s: Node, tables: KqlTables) {
    const e = s.Expression;
    if (kindOf(s) !== 'LetStatement' || kindOf(e) !== 'ToScalarExpression') {
      throw new KqlRuntimeError(`'${text(s).slice(0, 60)}': the supported let statements are let name = toscalar(...)`);
    }
    let value: KValue = null;
    for await (const r of this.rows(this.tabular(e.Expression, tables))) {
      value = Object.values(r)[0] ?? null;
      break;
    }
    this.lets.set(String(s.Name.SimpleName), value);
  }

  /** The rows of a stream: its source with every step applied. */
  private rows(s: Stream): Rows {
    if (!s.steps.length) return s.source;
    const { source, steps } = s;
    return (async function* () {
      next: for await (const r of source) {
        let row: KRow | undefined = r;
        for (const step of steps) {
          row = step(row);
          if (!row) continue next;
        }
        yield row;
      }
    })();
  }

  private tabular(n: Node, tables: KqlTables): Stream {
    const from = (source: Rows): Stream => ({ source, steps: [] });
    switch (kindOf(n)) {
      case 'NameReference': {
        const rows = tables(n.SimpleName);
        if (!rows) throw new KqlRuntimeError(`unknown table '${n.SimpleName}'`);
        return from(rows);
      }
      case 'ParenthesizedExpression':
        return this.tabular(n.Expression, tables);
      case 'UnionOperator':
        return from(this.union(list(n.Expressions), tables));
      case 'PipeExpression':
        return this.operator(n.Operator, this.tabular(n.Expression, tables), tables);
      case 'FunctionCallExpression': {
        const args = list(n.ArgumentList.Expressions);
        // A workspace function that stands for a table (ASIM's _Im_NetworkSession(...)); its filtering parameters
        // drop rows as the parser does (parser-parameters.ts). Arguments are constants: evaluated once, on no row.
        const fnRows = tables(String(n.Name.SimpleName));
        if (fnRows) {
          const keep = parserFilter(String(n.Name.SimpleName), args.map((a) => (kindOf(a) === 'SimpleNamedExpression'
            ? { name: String(a.Name.SimpleName), value: this.compile(a.Expression)({}) }
            : { value: this.compile(a)({}) })));
          return keep ? { source: fnRows, steps: [(r) => (keep(r) ? r : undefined)] } : from(fnRows);
        }
        if (String(n.Name.SimpleName) !== '_GetWatchlist' || args.length !== 1 || kindOf(args[0]) !== 'LiteralExpression') break;
        const alias = String(literal(args[0]));
        const rows = this.watchlists(alias);
        if (!rows) throw new KqlRuntimeError(`_GetWatchlist('${alias}'): no such watchlist`);
        return from((async function* () {
          yield* rows;
        })());
      }
    }
    throw new KqlRuntimeError(`'${text(n).slice(0, 40)}' (${kindOf(n)}) is not a supported tabular expression`);
  }

  private async *union(parts: Node[], tables: KqlTables): Rows {
    for (const p of parts) yield* this.rows(this.tabular(p, tables));
  }

  private operator(op: Node, input: Stream, tables: KqlTables): Stream {
    const then = (step: Step): Stream => ({ source: input.source, steps: [...input.steps, step] });
    const after = (source: Rows): Stream => ({ source, steps: [] });
    switch (kindOf(op)) {
      case 'FilterOperator': {
        const test = this.compile(op.Condition);
        return then((r) => (test(r) === true ? r : undefined));
      }
      case 'ExtendOperator':
        return then(this.extend(list(op.Expressions), true));
      case 'ProjectOperator':
        return then(this.extend(list(op.Expressions), false));
      case 'SummarizeOperator':
        return after(this.summarize(op, this.rows(input)));
      case 'SortOperator':
        return after(this.sort(list(op.Expressions), this.rows(input)));
      case 'UnionOperator':
        return after(this.union(list(op.Expressions), tables));
      case 'JoinOperator':
        return after(this.join(op, this.rows(input), tables));
      default:
        throw new KqlRuntimeError(`operator '${String(op.GetFirstToken().Text)}' is outside the supported KQL subset (docs/engines.md)`);
    }
  }

  /**
   * `join kind=leftanti (right) on ...`: the left rows whose key the right side does not have.
   * `join kind=inner (right) on ...`: every pair of matching rows, left columns first; a right column whose name the
   * left side already has is renamed with a numeric suffix (SourceIP1), as Kusto does.
   * Keys are `Col` (same name on both sides) or `$left.A == $right.B`.
   */
  private async *join(op: Node, input: Rows, tables: KqlTables): Rows {
    const params = list(op.Parameters).map((p) => [String(p.Name.ToString()).trim(), String(p.Expression.ToString()).trim()]);
    const kind = params.length === 1 && params[0]![0] === 'kind' ? params[0]![1] : undefined;
    if (kind !== 'leftanti' && kind !== 'inner') {
      throw new KqlRuntimeError(`join ${params.map((p) => p.join('=')).join(' ')}: only join kind=leftanti and kind=inner are in the supported subset`);
    }
    const on = list(op.ConditionClause?.Expressions).map((e) => {
      if (kindOf(e) === 'NameReference') return { left: String(e.SimpleName), right: String(e.SimpleName) };
      const m = /^\$left\.([A-Za-z_][A-Za-z0-9_]*)\s*==\s*\$right\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(text(e));
      if (!m) throw new KqlRuntimeError(`join on '${text(e)}': only Col or $left.A == $right.B are supported`);
      return { left: m[1]!, right: m[2]! };
    });
    const right = this.tabular(op.Expression, tables);
    // detc filters null keys before every join it emits, so how Kusto pairs them never matters; a null is refused.
    const key = (r: KRow, side: 'left' | 'right') => {
      const vals = on.map((c) => r[c[side]] ?? null);
      const missing = on.find((c, i) => vals[i] === null);
      if (missing) throw new KqlRuntimeError(`join: the ${side} side has a null '${missing[side]}'; null join keys are outside the supported subset (filter them first)`);
      return vals.map(valueKey).join('\u0000');
    };
    if (kind === 'leftanti') {
      const seen = new Set<string>();
      for await (const r of this.rows(right)) seen.add(key(r, 'right'));
      for await (const l of input) if (!seen.has(key(l, 'left'))) yield l;
      return;
    }
    // Inner: index the left side and stream the right one. detc puts the smaller side on the left, as Kusto
    // advises, so memory follows the probes rather than every session. Row order is not part of a join's result.
    const left = new Map<string, KRow[]>();
    for await (const l of input) {
      const k = key(l, 'left');
      const bucket = left.get(k) ?? [];
      bucket.push(l);
      left.set(k, bucket);
    }
    for await (const r of this.rows(right)) {
      for (const l of left.get(key(r, 'right')) ?? []) {
        // for...in: the columns a row inherits from its table's empty-column prototype are columns too.
        const out: KRow = {};
        for (const name in l) out[name] = l[name]!;
        for (const name in r) {
          let target = name;
          for (let n = 1; target in out; n++) target = `${name}${n}`;
          out[target] = r[name]!;
        }
        yield out;
      }
    }
  }

  /** extend (`keep`: every input column stays) or project; each expression is evaluated on the input row. */
  private extend(exprs: Node[], keep: boolean): Step {
    const named = exprs.map((e) => this.named(e)).map(([name, expr]) => [name, this.compile(expr)] as const);
    return (r) => {
      // extend keeps every column, including those a row inherits from its table's empty-column prototype.
      const out: KRow = keep ? Object.assign(Object.create(Object.getPrototypeOf(r) as object) as KRow, r) : {};
      for (const [name, f] of named) out[name] = f(r);
      return out;
    };
  }

  /** `Name = expr` → [Name, expr]; a bare column reference keeps its name. */
  private named(e: Node): [string, Node] {
    if (kindOf(e) === 'SimpleNamedExpression') return [String(e.Name.SimpleName ?? text(e.Name)), e.Expression];
    if (kindOf(e) === 'NameReference') return [e.SimpleName, e];
    if (kindOf(e) === 'FunctionCallExpression' && e.Name.SimpleName === 'bin') {
      const first = list(e.ArgumentList.Expressions)[0];
      if (kindOf(first) === 'NameReference') return [first.SimpleName, e];
    }
    throw new KqlRuntimeError(`expression '${text(e)}' needs a name (Name = ...) in the supported subset`);
  }

  private async *sort(exprs: Node[], input: Rows): Rows {
    const keys = exprs.map((e) => {
      const ordered = kindOf(e) === 'OrderedExpression';
      const expr = ordered ? e.Expression : e;
      const dir = ordered && e.Ordering?.AscOrDescKeyword ? String(e.Ordering.AscOrDescKeyword.Text) : 'desc';
      if (ordered && e.Ordering?.NullsClause) throw new KqlRuntimeError('sort ... nulls first|last is outside the supported subset');
      return { value: this.compile(expr), desc: dir === 'desc' };
    });
    const rows: KRow[] = [];
    for await (const r of input) rows.push(r);
    const decorated = rows.map((r, i) => ({ r, i, k: keys.map((k) => k.value(r)) }));
    decorated.sort((a, b) => {
      for (let j = 0; j < keys.length; j++) {
        const x = a.k[j]!;
        const y = b.k[j]!;
        // Kusto: nulls first in ascending order, last in descending order.
        if (x === null || y === null) {
          if (x === y) continue;
          return (x === null ? -1 : 1) * (keys[j]!.desc ? -1 : 1);
        }
        const c = compare(x, y);
        if (c) return keys[j]!.desc ? -c : c;
      }
      return a.i - b.i;
    });
    for (const d of decorated) yield d.r;
  }

  private async *summarize(op: Node, input: Rows): Rows {
    if (list(op.Parameters).length) throw new KqlRuntimeError('summarize parameters (hints) are outside the supported subset');
    // arg_max(By, Col, ...) / arg_min: the columns of the row with the largest (smallest) By, named after the arguments.
    const argExtremes = list(op.Aggregates).filter((e) => kindOf(e) === 'FunctionCallExpression' && ['arg_max', 'arg_min'].includes(String(e.Name.SimpleName))).map((e) => {
      const args = list(e.ArgumentList.Expressions);
      if (args.length < 2 || args.some((a) => kindOf(a) !== 'NameReference')) throw new KqlRuntimeError(`'${text(e)}': the supported form is arg_max(Column, Column, ...)`);
      return { max: String(e.Name.SimpleName) === 'arg_max', columns: args.map((a) => String(a.SimpleName)), node: e };
    });
    // Each aggregate column: its aggregate calls (each with compiled arguments and a state factory) and the
    // expression over their results (`dcount(x) + 1` reads result 0), all compiled before the first row.
    const aggs = list(op.Aggregates).filter((e) => !argExtremes.some((x) => x.node === e)).map((e) => {
      if (kindOf(e) !== 'SimpleNamedExpression') throw new KqlRuntimeError(`aggregate '${text(e)}' needs a name`);
      const calls: Node[] = [];
      collectAggregates(e.Expression, calls);
      if (!calls.length) throw new KqlRuntimeError(`'${text(e)}' has no aggregate function`);
      return {
        name: String(e.Name.SimpleName),
        calls: calls.map((c) => ({ node: c, args: list(c.ArgumentList.Expressions).map((x) => this.compile(x)) })),
        value: this.compile(e.Expression, new Map(calls.map((c, i) => [c, i]))),
      };
    });
    const by = op.ByClause ? list(op.ByClause.Expressions).map((e) => this.named(e)).map(([name, e]) => ({ name, value: this.compile(e) })) : [];
    const fresh = () => ({ states: aggs.map((a) => a.calls.map((c) => newAccumulator(c.node))), extremes: argExtremes.map((): KValue[] | undefined => undefined) });
    const groups = new Map<string, { keys: KValue[] } & ReturnType<typeof fresh>>();
    for await (const r of input) {
      const keys = by.map((k) => k.value(r));
      const id = keys.map(valueKey).join('\u0000');
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { keys, ...fresh() }));
      for (let i = 0; i < aggs.length; i++) {
        const calls = aggs[i]!.calls;
        for (let j = 0; j < calls.length; j++) g.states[i]![j]!.add(calls[j]!.args.map((f) => f(r)));
      }
      argExtremes.forEach((x, i) => {
        const values = x.columns.map((c) => r[c] ?? null);
        const best = g!.extremes[i];
        // Null By values never win; the first row wins a tie.
        if (values[0] === null) return;
        if (!best || best[0] === null || (x.max ? compare(values[0]!, best[0]!) > 0 : compare(values[0]!, best[0]!) < 0)) g!.extremes[i] = values;
      });
    }
    // Without `by`, summarize yields one row even over no input (count() = 0, make_list() = []).
    if (!by.length && !groups.size) groups.set('', { keys: [], ...fresh() });
    for (const g of groups.values()) {
      const row: KRow = {};
      by.forEach((k, i) => (row[k.name] = g.keys[i]!));
      argExtremes.forEach((x, i) => x.columns.forEach((c, j) => (row[c] = g.extremes[i]?.[j] ?? null)));
      aggs.forEach((a, i) => (row[a.name] = a.value(row, g.states[i]!.map((s) => s.result()))));
      yield row;
    }
  }

  /**
   * Compiles a scalar expression into a closure, once. `aggregates` maps the aggregate calls of a summarize column
   * to the index of their result. Names resolve per row to a column, else to a let (as Kusto scopes them).
   */
  private compile(n: Node, aggregates?: Map<Node, number>): Scalar {
    const sub = (x: Node) => this.compile(x, aggregates);
    switch (kindOf(n)) {
      case 'NameReference': {
        const name = n.SimpleName as string;
        const lets = this.lets;
        return (row) => {
          if (name in row) return row[name]!;
          if (lets.has(name)) return lets.get(name)!;
          throw new KqlRuntimeError(`unknown column '${name}'`);
        };
      }
      case 'LiteralExpression': {
        const v = literal(n);
        return () => v;
      }
      case 'DynamicExpression': {
        const t = n.LiteralValueInfo?.ValueText;
        const v = t === undefined || t === null ? null : (JSON.parse(String(t)) as KValue);
        return () => v;
      }
      case 'ParenthesizedExpression':
        return sub(n.Expression);
      case 'PrefixUnaryExpression': {
        const f = sub(n.Expression);
        const op = String(n.Operator.Text);
        if (op === '+') return f;
        if (op !== '-') throw new KqlRuntimeError(`unary '${op}' is outside the supported subset`);
        return (row, agg) => {
          const v = f(row, agg);
          if (typeof v === 'number') return -v;
          throw new KqlRuntimeError(`unary '-' on a non-number is outside the supported subset`);
        };
      }
      case 'FunctionCallExpression': {
        const index = aggregates?.get(n);
        if (index !== undefined) return (_row, agg) => agg![index]!;
        const name = String(n.Name.SimpleName);
        if (AGGREGATES.has(name)) throw new KqlRuntimeError(`aggregate ${name}() outside summarize`);
        const f = scalarFunction(name);
        const args = list(n.ArgumentList.Expressions).map(sub);
        const now = this.now;
        return (row, agg) => f(args.map((a) => a(row, agg)), now);
      }
      case 'InExpression': {
        const left = sub(n.Left);
        const op = String(n.Operator.Text);
        const ci = op.endsWith('~');
        const negate = op.startsWith('!');
        const parts = list(n.Right.Expressions);
        if (parts.every((e) => kindOf(e) === 'LiteralExpression' && typeof literal(e) === 'string')) {
          // A list of string literals: one set lookup per row (a string equals only strings).
          const set = new Set(parts.map((e) => (ci ? String(literal(e)).toLowerCase() : String(literal(e)))));
          return (row, agg) => {
            const l = left(row, agg);
            const hit = typeof l === 'string' && set.has(ci ? l.toLowerCase() : l);
            return negate ? !hit : hit;
          };
        }
        const values = parts.map(sub);
        return (row, agg) => {
          const l = left(row, agg);
          // A dynamic array among the values (a let-bound list) stands for its elements.
          const hit = values.some((f) => {
            const v = f(row, agg);
            return Array.isArray(v) ? v.some((x) => equals(l, x, ci)) : equals(l, v, ci);
          });
          return negate ? !hit : hit;
        };
      }
      case 'HasAnyExpression': {
        const left = sub(n.Left);
        const values = list(n.Right.Expressions).map(sub);
        return (row, agg) => {
          const l = str(left(row, agg));
          return values.some((f) => hasTerm(l, str(f(row, agg)), false));
        };
      }
      case 'BinaryExpression':
        return this.binary(n, aggregates);
      default:
        throw new KqlRuntimeError(`'${text(n).slice(0, 40)}' (${kindOf(n)}) is outside the supported KQL subset`);
    }
  }

  private binary(n: Node, aggregates?: Map<Node, number>): Scalar {
    const op = String(n.Operator.Text);
    const L = this.compile(n.Left, aggregates);
    const R = this.compile(n.Right, aggregates);
    // Both sides as text (null as ""), for the string operators.
    const text2 = (f: (l: string, r: string) => boolean): Scalar => (row, agg) => f(str(L(row, agg)), str(R(row, agg)));
    switch (op) {
      case 'and':
        return (row, agg) => {
          const l = L(row, agg);
          if (l === false) return false;
          const r = R(row, agg);
          if (r === false) return false;
          return l === null || r === null ? null : true;
        };
      case 'or':
        return (row, agg) => {
          const l = L(row, agg);
          if (l === true) return true;
          const r = R(row, agg);
          if (r === true) return true;
          return l === null || r === null ? null : false;
        };
      case '==':
      case '!=': {
        const negate = op === '!=';
        return (row, agg) => {
          const l = L(row, agg);
          const r = R(row, agg);
          return l === null || r === null ? null : equals(l, r, false) !== negate;
        };
      }
      case '=~': return text2((l, r) => equals(l, r, true));
      case '!~': return text2((l, r) => !equals(l, r, true));
      case '<': case '<=': case '>': case '>=': {
        const test = op === '<' ? (c: number) => c < 0 : op === '<=' ? (c: number) => c <= 0 : op === '>' ? (c: number) => c > 0 : (c: number) => c >= 0;
        return (row, agg) => {
          const l = L(row, agg);
          const r = R(row, agg);
          return l === null || r === null ? null : test(compare(l, r));
        };
      }
      case '+': case '-': case '*': case '/': case '%':
        return (row, agg) => arithmetic(op, L(row, agg), R(row, agg));
      case 'has': return text2((l, r) => hasTerm(l, r, false));
      case 'has_cs': return text2((l, r) => hasTerm(l, r, true));
      case '!has': return text2((l, r) => !hasTerm(l, r, false));
      case 'contains': return text2((l, r) => l.toLowerCase().includes(r.toLowerCase()));
      case 'contains_cs': return text2((l, r) => l.includes(r));
      case '!contains': return text2((l, r) => !l.toLowerCase().includes(r.toLowerCase()));
      case 'startswith': return text2((l, r) => l.toLowerCase().startsWith(r.toLowerCase()));
      case 'startswith_cs': return text2((l, r) => l.startsWith(r));
      case 'endswith': return text2((l, r) => l.toLowerCase().endsWith(r.toLowerCase()));
      case 'endswith_cs': return text2((l, r) => l.endsWith(r));
      default:
        throw new KqlRuntimeError(`operator '${op}' is outside the supported KQL subset (docs/engines.md)`);
    }
  }
}

function str(v: KValue): string {
  if (v === null) return '';
  if (v instanceof KDateTime) return new Date(v.ms).toISOString();
  return String(v);
}

function equals(a: KValue, b: KValue, ci: boolean): boolean {
  if (a === null || b === null) return false;
  if (typeof a === 'string' && typeof b === 'string') return ci ? a.toLowerCase() === b.toLowerCase() : a === b;
  return compare(a, b) === 0 && typeof a === typeof b;
}

function arithmetic(op: string, l: KValue, r: KValue): KValue {
  if (l === null || r === null) return null;
  if (l instanceof KDateTime && r instanceof KDateTime && op === '-') return new KTimespan(l.ms - r.ms);
  if (l instanceof KDateTime && r instanceof KTimespan) return new KDateTime(op === '+' ? l.ms + r.ms : l.ms - r.ms);
  if (l instanceof KTimespan && r instanceof KTimespan) {
    if (op === '/') return l.ms / r.ms;
    if (op === '+') return new KTimespan(l.ms + r.ms);
    if (op === '-') return new KTimespan(l.ms - r.ms);
  }
  if (typeof l === 'number' && typeof r === 'number') {
    switch (op) {
      case '+': return l + r;
      case '-': return l - r;
      case '*': return l * r;
      case '/': return r === 0 ? null : l / r;
      case '%': return r === 0 ? null : l % r;
    }
  }
  throw new KqlRuntimeError(`'${op}' on these operand types is outside the supported subset`);
}

function literal(n: Node): KValue {
  const info = n.LiteralValueInfo;
  const v = info?.Value;
  const t = info?.ValueText;
  const typeName = v?.constructor?.$$name as string | undefined;
  if (v === null || v === undefined) return typeof t === 'string' && text(n).startsWith('"') ? t : null;
  if (typeof v === 'string') return v;
  if (typeName === 'System.TimeSpan') return new KTimespan(parseTimespanLiteral(String(t)));
  if (typeName === 'System.Boolean') return String(v) === 'True';
  // A datetime literal without a zone is UTC in Kusto; Date.parse would read it in the machine's zone.
  if (typeName === 'System.DateTime') return new KDateTime(toEpochMs(String(t)) ?? NaN);
  if (typeName === 'System.Int64' || typeName === 'System.Int32' || typeName === 'System.Double') return Number(String(v));
  throw new KqlRuntimeError(`literal '${text(n)}' is outside the supported subset`);
}

function collectAggregates(n: Node, out: Node[]) {
  if (!n || n.IsToken) return;
  if (kindOf(n) === 'FunctionCallExpression' && AGGREGATES.has(String(n.Name.SimpleName))) {
    out.push(n);
    return;
  }
  for (let i = 0; i < n.ChildCount; i++) collectAggregates(n.GetChild(i), out);
}

interface Accumulator {
  add(args: KValue[]): void;
  result(): KValue;
}

function newAccumulator(call: Node): Accumulator {
  const name = String(call.Name.SimpleName);
  switch (name) {
    case 'count': {
      let n = 0;
      return { add: () => n++, result: () => n };
    }
    case 'countif': {
      let n = 0;
      return { add: ([p]) => void (p === true && n++), result: () => n };
    }
    case 'sum': {
      let s: number | null = null;
      return { add: ([x]) => void (typeof x === 'number' && (s = (s ?? 0) + x)), result: () => s };
    }
    case 'dcount':
    case 'dcountif': {
      // Exact distinct count. Kusto's dcount is HyperLogLog; at the cardinalities of detection thresholds the
      // default accuracy gives the exact figure (docs/semantics.md); an exact count keeps the engine deterministic.
      const seen = new Set<string>();
      return {
        add: ([x, p]) => {
          if (name === 'dcountif' && p !== true) return;
          if (x !== null) seen.add(valueKey(x!));
        },
        result: () => seen.size,
      };
    }
    case 'make_list': {
      const all: KValue[] = [];
      return { add: ([x]) => void (x !== null && x !== undefined && all.push(x)), result: () => all };
    }
    case 'make_set':
    case 'make_set_if': {
      const seen = new Map<string, KValue>();
      return {
        add: ([x, p]) => {
          if (name === 'make_set_if' && p !== true) return;
          if (x !== null && x !== undefined) seen.set(valueKey(x), x);
        },
        result: () => [...seen.values()],
      };
    }
    case 'min':
    case 'max': {
      let best: KValue = null;
      return {
        add: ([x]) => {
          if (x === null || isEmpty(x!)) return;
          if (best === null || (name === 'min' ? compare(x!, best) < 0 : compare(x!, best) > 0)) best = x!;
        },
        result: () => best,
      };
    }
    case 'take_any':
    case 'take_anyif': {
      let v: KValue | undefined;
      return {
        add: ([x, p]) => {
          if (v !== undefined) return;
          if (name === 'take_anyif' && p !== true) return;
          v = x!;
        },
        result: () => (v === undefined ? null : v),
      };
    }
    default:
      throw new KqlRuntimeError(`aggregate ${name}() is outside the supported subset`);
  }
}
