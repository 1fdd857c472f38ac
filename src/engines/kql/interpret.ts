import { hasTerm } from '../../events/terms.js';
import { loadKusto } from '../../kql-check/kusto.js';
import { callScalar, isEmpty } from './functions.js';
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

export class KqlInterpreter {
  /** Values of `let name = toscalar(...)` statements. */
  private readonly lets = new Map<string, KValue>();

  constructor(private readonly now: number, private readonly watchlists: Watchlists = () => undefined) {}

  /** Parses and runs a query (`let x = toscalar(...);` statements, then one tabular expression); returns its rows. */
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
    for await (const r of this.tabular(last.Expression, tables)) out.push(r);
    return out;
  }

  /** `let name = toscalar(<tabular>);`: the first column of the first row, computed once. */
  private async let(s: Node, tables: KqlTables) {
    const e = s.Expression;
    if (kindOf(s) !== 'LetStatement' || kindOf(e) !== 'ToScalarExpression') {
      throw new KqlRuntimeError(`'${text(s).slice(0, 60)}': the supported let statements are let name = toscalar(...)`);
    }
    let value: KValue = null;
    for await (const r of this.tabular(e.Expression, tables)) {
      value = Object.values(r)[0] ?? null;
      break;
    }
    this.lets.set(String(s.Name.SimpleName), value);
  }

  private tabular(n: Node, tables: KqlTables): Rows {
    switch (kindOf(n)) {
      case 'NameReference': {
        const rows = tables(n.SimpleName);
        if (!rows) throw new KqlRuntimeError(`unknown table '${n.SimpleName}'`);
        return rows;
      }
      case 'ParenthesizedExpression':
        return this.tabular(n.Expression, tables);
      case 'UnionOperator':
        return this.union(list(n.Expressions), tables);
      case 'PipeExpression':
        return this.operator(n.Operator, this.tabular(n.Expression, tables), tables);
      case 'FunctionCallExpression': {
        const args = list(n.ArgumentList.Expressions);
        // A parameterless call of a workspace function that stands for a table (ASIM's _Im_NetworkSession()).
        if (!args.length && tables(String(n.Name.SimpleName))) return tables(String(n.Name.SimpleName))!;
        if (String(n.Name.SimpleName) !== '_GetWatchlist' || args.length !== 1 || kindOf(args[0]) !== 'LiteralExpression') break;
        const alias = String(literal(args[0]));
        const rows = this.watchlists(alias);
        if (!rows) throw new KqlRuntimeError(`_GetWatchlist('${alias}'): no such watchlist`);
        return (async function* () {
          yield* rows;
        })();
      }
    }
    throw new KqlRuntimeError(`'${text(n).slice(0, 40)}' (${kindOf(n)}) is not a supported tabular expression`);
  }

  private async *union(parts: Node[], tables: KqlTables): Rows {
    for (const p of parts) yield* this.tabular(p, tables);
  }

  private operator(op: Node, input: Rows, tables: KqlTables): Rows {
    switch (kindOf(op)) {
      case 'FilterOperator':
        return this.where(op.Condition, input);
      case 'ExtendOperator':
        return this.extend(list(op.Expressions), input, true);
      case 'ProjectOperator':
        return this.extend(list(op.Expressions), input, false);
      case 'SummarizeOperator':
        return this.summarize(op, input);
      case 'SortOperator':
        return this.sort(list(op.Expressions), input);
      case 'UnionOperator':
        return this.union(list(op.Expressions), tables);
      case 'JoinOperator':
        return this.join(op, input, tables);
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
    // detc filters null keys before every join it emits, so how Kusto pairs them never matters; a null is refused.
    const key = (r: KRow, side: 'left' | 'right') => {
      const vals = on.map((c) => r[c[side]] ?? null);
      const missing = on.find((c, i) => vals[i] === null);
      if (missing) throw new KqlRuntimeError(`join: the ${side} side has a null '${missing[side]}'; null join keys are outside the supported subset (filter them first)`);
      return vals.map(valueKey).join('\u0000');
    };
    if (kind === 'leftanti') {
      const seen = new Set<string>();
      for await (const r of this.tabular(op.Expression, tables)) seen.add(key(r, 'right'));
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
    for await (const r of this.tabular(op.Expression, tables)) {
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

  private async *where(cond: Node, input: Rows): Rows {
    for await (const r of input) if (this.scalar(cond, r) === true) yield r;
  }

  private async *extend(exprs: Node[], input: Rows, keep: boolean): Rows {
    const named = exprs.map((e) => this.named(e));
    for await (const r of input) {
      // extend keeps every column, including those a row inherits from its table's empty-column prototype.
      const out: KRow = keep ? Object.assign(Object.create(Object.getPrototypeOf(r) as object) as KRow, r) : {};
      for (const [name, expr] of named) out[name] = this.scalar(expr, r);
      yield out;
    }
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
      return { expr, desc: dir === 'desc' };
    });
    const rows: KRow[] = [];
    for await (const r of input) rows.push(r);
    const decorated = rows.map((r, i) => ({ r, i, k: keys.map((k) => this.scalar(k.expr, r)) }));
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
    const aggs = list(op.Aggregates).filter((e) => !argExtremes.some((x) => x.node === e)).map((e) => {
      if (kindOf(e) !== 'SimpleNamedExpression') throw new KqlRuntimeError(`aggregate '${text(e)}' needs a name`);
      const calls: Node[] = [];
      collectAggregates(e.Expression, calls);
      if (!calls.length) throw new KqlRuntimeError(`'${text(e)}' has no aggregate function`);
      return { name: String(e.Name.SimpleName), expr: e.Expression, calls };
    });
    const by = op.ByClause ? list(op.ByClause.Expressions).map((e) => this.named(e)) : [];
    const groups = new Map<string, { keys: KValue[]; states: Accumulator[][]; extremes: (KValue[] | undefined)[] }>();
    for await (const r of input) {
      const keys = by.map(([, e]) => this.scalar(e, r));
      const id = keys.map(valueKey).join('\u0000');
      let g = groups.get(id);
      if (!g) {
        g = { keys, states: aggs.map((a) => a.calls.map((c) => newAccumulator(c))), extremes: argExtremes.map(() => undefined) };
        groups.set(id, g);
      }
      aggs.forEach((a, i) => a.calls.forEach((c, j) => g!.states[i]![j]!.add(list(c.ArgumentList.Expressions).map((x) => this.scalar(x, r)))));
      argExtremes.forEach((x, i) => {
        const values = x.columns.map((c) => r[c] ?? null);
        const best = g!.extremes[i];
        // Null By values never win; the first row wins a tie.
        if (values[0] === null) return;
        if (!best || best[0] === null || (x.max ? compare(values[0]!, best[0]!) > 0 : compare(values[0]!, best[0]!) < 0)) g!.extremes[i] = values;
      });
    }
    // Without `by`, summarize yields one row even over no input (count() = 0, make_list() = []).
    if (!by.length && !groups.size) groups.set('', { keys: [], states: aggs.map((a) => a.calls.map((c) => newAccumulator(c))), extremes: argExtremes.map(() => undefined) });
    for (const g of groups.values()) {
      const row: KRow = {};
      by.forEach(([name], i) => (row[name] = g.keys[i]!));
      argExtremes.forEach((x, i) => x.columns.forEach((c, j) => (row[c] = g.extremes[i]?.[j] ?? null)));
      aggs.forEach((a, i) => {
        const results = new Map<Node, KValue>(a.calls.map((c, j) => [c, g.states[i]![j]!.result()]));
        row[a.name] = this.scalar(a.expr, row, results);
      });
      yield row;
    }
  }

  scalar(n: Node, row: KRow, aggResults?: Map<Node, KValue>): KValue {
    switch (kindOf(n)) {
      case 'NameReference': {
        const name = n.SimpleName as string;
        if (name in row) return row[name]!;
        if (this.lets.has(name)) return this.lets.get(name)!;
        throw new KqlRuntimeError(`unknown column '${name}'`);
      }
      case 'LiteralExpression':
        return literal(n);
      case 'DynamicExpression': {
        const t = n.LiteralValueInfo?.ValueText;
        return t === undefined || t === null ? null : (JSON.parse(String(t)) as KValue);
      }
      case 'ParenthesizedExpression':
        return this.scalar(n.Expression, row, aggResults);
      case 'PrefixUnaryExpression': {
        const v = this.scalar(n.Expression, row, aggResults);
        const op = String(n.Operator.Text);
        if (op === '-' && typeof v === 'number') return -v;
        if (op === '+') return v;
        throw new KqlRuntimeError(`unary '${op}' is outside the supported subset`);
      }
      case 'FunctionCallExpression': {
        if (aggResults?.has(n)) return aggResults.get(n)!;
        const name = String(n.Name.SimpleName);
        if (AGGREGATES.has(name)) throw new KqlRuntimeError(`aggregate ${name}() outside summarize`);
        return callScalar(name, list(n.ArgumentList.Expressions).map((a) => this.scalar(a, row, aggResults)), this.now);
      }
      case 'InExpression': {
        const left = this.scalar(n.Left, row, aggResults);
        const op = String(n.Operator.Text);
        // A dynamic array among the values (a let-bound list) stands for its elements.
        const values = list(n.Right.Expressions).flatMap((e) => {
          const v = this.scalar(e, row, aggResults);
          return Array.isArray(v) ? v : [v];
        });
        const ci = op.endsWith('~');
        const hit = values.some((v) => equals(left, v, ci));
        return op.startsWith('!') ? !hit : hit;
      }
      case 'HasAnyExpression': {
        const left = this.scalar(n.Left, row, aggResults);
        const values = list(n.Right.Expressions).map((e) => this.scalar(e, row, aggResults));
        return values.some((v) => hasTerm(str(left), str(v), false));
      }
      case 'BinaryExpression':
        return this.binary(n, row, aggResults);
      default:
        throw new KqlRuntimeError(`'${text(n).slice(0, 40)}' (${kindOf(n)}) is outside the supported KQL subset`);
    }
  }

  private binary(n: Node, row: KRow, aggResults?: Map<Node, KValue>): KValue {
    const op = String(n.Operator.Text);
    const l = this.scalar(n.Left, row, aggResults);
    if (op === 'and') {
      if (l === false) return false;
      const r = this.scalar(n.Right, row, aggResults);
      if (r === false) return false;
      return l === null || r === null ? null : true;
    }
    if (op === 'or') {
      if (l === true) return true;
      const r = this.scalar(n.Right, row, aggResults);
      if (r === true) return true;
      return l === null || r === null ? null : false;
    }
    const r = this.scalar(n.Right, row, aggResults);
    switch (op) {
      case '==': return l === null || r === null ? null : equals(l, r, false);
      case '!=': return l === null || r === null ? null : !equals(l, r, false);
      case '=~': return equals(str(l), str(r), true);
      case '!~': return !equals(str(l), str(r), true);
      case '<': case '<=': case '>': case '>=': {
        if (l === null || r === null) return null;
        const c = compare(l, r);
        return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
      }
      case '+': case '-': case '*': case '/': case '%':
        return arithmetic(op, l, r);
      case 'has': return hasTerm(str(l), str(r), false);
      case 'has_cs': return hasTerm(str(l), str(r), true);
      case '!has': return !hasTerm(str(l), str(r), false);
      case 'contains': return str(l).toLowerCase().includes(str(r).toLowerCase());
      case 'contains_cs': return str(l).includes(str(r));
      case '!contains': return !str(l).toLowerCase().includes(str(r).toLowerCase());
      case 'startswith': return str(l).toLowerCase().startsWith(str(r).toLowerCase());
      case 'startswith_cs': return str(l).startsWith(str(r));
      case 'endswith': return str(l).toLowerCase().endsWith(str(r).toLowerCase());
      case 'endswith_cs': return str(l).endsWith(str(r));
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
  if (typeName === 'System.DateTime') return new KDateTime(Date.parse(String(t)));
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
