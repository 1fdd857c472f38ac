// A KQL interpreter for the subset detc emits (docs/engines.md). It does not parse KQL itself: it walks the syntax
// tree of Microsoft's Kusto.Language parser, so what it executes is what Sentinel would parse. Anything outside
// the subset is a KqlRuntimeError naming the construct, never a silent skip.
//
// Compile once, execute many: the tree is turned into a plan before any row flows — each operator a closure that
// pushes rows (arrays of slots, see layout.ts) to the next, each expression a closure over slots — and the rows
// then stream through it. Only summarize (its groups), sort (its rows) and a join (its smaller side) hold state.
import { generated } from './codegen.js';
import { Channels, argExtremeChannel, argExtremes, compileAggregate, type AggregateCall } from './aggregates.js';
import type { Store } from './group-columns.js';
import { groupAdder } from './group-adder.js';
import { GroupIndex } from './group-index.js';
import { JoinIndex, type JoinKey } from './join-index.js';
import { Frame, Layout, computedCol, lazyCol, type Col, type Row } from './layout.js';
import { readShared, streaming, tablePlan, unionPlan, type KqlTables, type Plan, type ResultRow, type SharedSummary, type Sink, type Watchlists } from './plan.js';
import { parserFilter, type ParserArgument } from './parser-parameters.js';
import { AGGREGATES, compileScalar, type Scope } from './scalar.js';
import { kindOf, list, text, type Node } from './syntax.js';
import { queryTree } from './syntax-tree.js';
import { KqlRuntimeError, compare, outputOf, type KValue, type StaticType } from './values.js';

export type { KqlTable, KqlTables, ResultRow, Watchlists } from './plan.js';

export class KqlInterpreter {
  /** Values of `let name = toscalar(...)` statements. */
  private readonly lets = new Map<string, { value: KValue; type: StaticType }>();
  /** The summaries of the expression being compiled that read straight from a table. */
  private shared: SharedSummary[] = [];

  /** `cacheDir`: detc's content cache, where the syntax tree of a query text is kept (syntax-tree.ts), or none. */
  constructor(private readonly now: number, private readonly watchlists: Watchlists = () => undefined, private readonly cacheDir?: string) {}

  /** Parses and runs a query (`let x = toscalar(...);` statements, then one tabular expression); returns its rows. */
  async run(query: string, tables: KqlTables): Promise<ResultRow[]> {
    const statements = list(queryTree(query, this.cacheDir).Statements);
    const last = statements.pop();
    if (!last || kindOf(last) !== 'ExpressionStatement') throw new KqlRuntimeError('the query must end with a tabular expression');
    for (const s of statements) await this.let(s, tables);
    this.shared = [];
    const plan = this.tabular(last.Expression, tables);
    await readShared(this.shared);
    // The result's columns are read at once (each row becomes a plain object when pushed): no row is kept.
    const out = plan.layout.cols.map((c) => ({ name: c.name, slot: c.slot(), type: c.type }));
    const rows: ResultRow[] = [];
    await plan.open((r) => {
      const o: ResultRow = {};
      for (const c of out) o[c.name] = outputOf(r[c.slot] ?? null, c.type);
      rows.push(o);
    });
    return rows;
  }

  /** `let name = toscalar(<tabular>);`: the first column of the first row, computed once. */
  private async let(s: Node, tables: KqlTables) {
    const e = s.Expression;
    if (kindOf(s) !== 'LetStatement' || kindOf(e) !== 'ToScalarExpression') {
      throw new KqlRuntimeError(`'${text(s).slice(0, 60)}': the supported let statements are let name = toscalar(...)`);
    }
    const plan = this.tabular(e.Expression, tables);
    const first = plan.layout.cols[0];
    const slot = first?.slot();
    let value: KValue = null;
    let seen = false;
    await plan.open((r) => {
      if (seen || slot === undefined) return;
      seen = true;
      value = r[slot] ?? null;
    });
    this.lets.set(String(s.Name.SimpleName), { value, type: first?.type ?? { type: 'dynamic' } });
  }

  private scope(layout?: Layout): Scope {
    return { now: this.now, lets: this.lets, layout };
  }

  private tabular(n: Node, tables: KqlTables): Plan {
    switch (kindOf(n)) {
      case 'NameReference': {
        const table = tables(String(n.SimpleName));
        if (!table) throw new KqlRuntimeError(`unknown table '${n.SimpleName}'`);
        return tablePlan(table);
      }
      case 'ParenthesizedExpression':
        return this.tabular(n.Expression, tables);
      case 'UnionOperator':
        return unionPlan(list(n.Expressions).map((p) => this.tabular(p, tables)));
      case 'PipeExpression':
        return this.operator(n.Operator, this.tabular(n.Expression, tables), tables);
      case 'FunctionCallExpression': {
        const name = String(n.Name.SimpleName);
        if (name === '_GetWatchlist') return this.watchlist(n);
        const fn = this.workspaceFunction(n, tables);
        if (fn) return fn;
        break;
      }
    }
    throw new KqlRuntimeError(`'${text(n).slice(0, 40)}' (${kindOf(n)}) is not a supported tabular expression`);
  }

  /**
   * A call of a workspace function that stands for a table (ASIM's _Im_NetworkSession(...)): its rows are the
   * table's, shaped by the function's declared schema, less those its filtering parameters drop as the parser does
   * (parser-parameters.ts). The arguments are constants, evaluated once here.
   */
  private workspaceFunction(n: Node, tables: KqlTables): Plan | undefined {
    const name = String(n.Name.SimpleName);
    const table = tables(name);
    if (!table) return undefined;
    const plan = tablePlan(table);
    const keep = parserFilter(name, list(n.ArgumentList.Expressions).map((a) => this.constantArgument(a)), plan.layout);
    if (!keep) return plan;
    return streaming(plan, plan.layout, (sink) => (r) => {
      if (keep(r)) sink(r);
    });
  }

  /** A call's argument (`name=value` or positional) whose value is known before any row. */
  private constantArgument(a: Node): ParserArgument {
    const isNamed = kindOf(a) === 'SimpleNamedExpression';
    const c = compileScalar(isNamed ? a.Expression : a, this.scope());
    if (!c.constant) throw new KqlRuntimeError(`'${text(a).slice(0, 40)}': a workspace function's arguments must be constants`);
    return { ...(isNamed ? { name: String(a.Name.SimpleName) } : {}), value: c.constant.value, type: c.type };
  }

  /** `_GetWatchlist('alias')`: the rows of the watchlist's CSV. */
  private watchlist(n: Node): Plan {
    const args = list(n.ArgumentList.Expressions);
    if (args.length !== 1 || kindOf(args[0]) !== 'LiteralExpression') throw new KqlRuntimeError(`'${text(n).slice(0, 40)}': the supported form is _GetWatchlist('alias')`);
    const alias = String(compileScalar(args[0], this.scope()).constant!.value);
    const table = this.watchlists(alias);
    if (!table) throw new KqlRuntimeError(`_GetWatchlist('${alias}'): no such watchlist`);
    return tablePlan(table);
  }

  private operator(op: Node, input: Plan, tables: KqlTables): Plan {
    switch (kindOf(op)) {
      case 'FilterOperator':
        return this.where(op, input);
      case 'ExtendOperator':
        return this.extend(list(op.Expressions), input, true);
      case 'ProjectOperator':
        return this.extend(list(op.Expressions), input, false);
      case 'SummarizeOperator':
        return this.summarize(op, input);
      case 'SortOperator':
        return this.sort(list(op.Expressions), input);
      case 'UnionOperator':
        // `T | union (U)`: the piped rows, then each part's.
        return unionPlan([input, ...list(op.Expressions).map((p) => this.tabular(p, tables))]);
      case 'JoinOperator':
        return this.join(op, input, tables);
      default:
        throw new KqlRuntimeError(`operator '${String(op.GetFirstToken().Text)}' is outside the supported KQL subset (docs/engines.md)`);
    }
  }

  private where(op: Node, input: Plan): Plan {
    // The slots the condition reads, for a summarize that can compute them before the rest of its columns.
    const reads = new Set<number>();
    const layout = new Layout(input.layout.frame, input.layout.cols.map((c) => ({ name: c.name, type: c.type, slot: () => {
      const s = c.slot();
      reads.add(s);
      return s;
    } })));
    const test = generated(compileScalar(op.Condition, this.scope(layout)).f);
    if (input.filtered) return input.filtered(test, reads);
    return streaming(input, input.layout, (sink) => (r) => {
      if (test(r) === true) sink(r);
    });
  }

  /**
   * extend (`keep`: every input column stays) or project. Each expression is evaluated on the input row and
   * written to a new slot of the same row; a bare column of a project is the input column renamed, not copied.
   */
  private extend(exprs: Node[], input: Plan, keep: boolean): Plan {
    const scope = this.scope(input.layout);
    const frame = input.layout.frame;
    const cols: Col[] = [];
    const computed: { slot: number; f: (r: Row) => KValue }[] = [];
    for (const e of exprs) {
      const [name, expr] = named(e);
      const source = !keep && kindOf(expr) === 'NameReference' ? input.layout.find(String(expr.SimpleName)) : undefined;
      if (source) {
        cols.push({ name, type: source.type, slot: () => source.slot() });
        continue;
      }
      const c = compileScalar(expr, scope);
      const col = computedCol(frame, name, c.type);
      cols.push(col);
      computed.push({ slot: col.slot(), f: generated(c.f) });
    }
    const layout = keep ? input.layout.extended(cols) : new Layout(frame, cols);
    if (!computed.length) return streaming(input, layout, (sink) => sink);
    const n = computed.length;
    const slots = computed.map((c) => c.slot);
    const fs = computed.map((c) => c.f);
    return streaming(input, layout, (sink) => (r) => {
      for (let i = 0; i < n; i++) r[slots[i]!] = fs[i]!(r);
      sink(r);
    });
  }

  private sort(exprs: Node[], input: Plan): Plan {
    const scope = this.scope(input.layout);
    const keys = exprs.map((e) => {
      const ordered = kindOf(e) === 'OrderedExpression';
      const expr = ordered ? e.Expression : e;
      const dir = ordered && e.Ordering?.AscOrDescKeyword ? String(e.Ordering.AscOrDescKeyword.Text) : 'desc';
      if (ordered && e.Ordering?.NullsClause) throw new KqlRuntimeError('sort ... nulls first|last is outside the supported subset');
      return { value: compileScalar(expr, scope).f, desc: dir === 'desc' };
    });
    input.layout.frame.retains = true;
    return {
      layout: input.layout,
      async open(sink) {
        const decorated: { r: Row; i: number; k: KValue[] }[] = [];
        await input.open((r) => {
          decorated.push({ r, i: decorated.length, k: keys.map((k) => k.value(r)) });
        });
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
        for (const d of decorated) sink(d.r);
      },
    };
  }

  private summarize(op: Node, input: Plan): Plan {
    if (list(op.Parameters).length) throw new KqlRuntimeError('summarize parameters (hints) are outside the supported subset');
    const scope = this.scope(input.layout);
    const aggregates = list(op.Aggregates);
    const extremes = argExtremes(aggregates);
    const channels = new Channels();
    // Each aggregate column: its aggregate calls, compiled onto channels, and the expression over their results
    // (`dcount(x) + 1` reads result 0), compiled with those results as its row.
    const columns = aggregates.filter((e) => !extremes.some((x) => x.node === e)).map((e) => {
      if (kindOf(e) !== 'SimpleNamedExpression') throw new KqlRuntimeError(`aggregate '${text(e)}' needs a name`);
      const callNodes: Node[] = [];
      collectAggregates(e.Expression, callNodes);
      if (!callNodes.length) throw new KqlRuntimeError(`'${text(e)}' has no aggregate function`);
      const calls = callNodes.map((c) => compileAggregate(c, scope, channels));
      const value = compileScalar(e.Expression, { ...this.scope(), aggregates: new Map(callNodes.map((c, i) => [c, { index: i, type: calls[i]!.type }])) });
      return { name: String(e.Name.SimpleName), calls, value };
    });
    const extremeChannels = extremes.map((x) => {
      const cols = x.columns.map((c) => {
        const col = input.layout.find(c);
        if (!col) throw new KqlRuntimeError(`unknown column '${c}'`);
        return col;
      });
      return { cols, channel: channels.channel(`arg:${text(x.node)}`, () => argExtremeChannel(x, cols.map((c) => c.slot()))) };
    });
    const by = op.ByClause ? list(op.ByClause.Expressions).map((e) => named(e)).map(([name, e]) => ({ name, value: compileScalar(e, scope), window: isTimeBin(e) })) : [];

    // The output rows: the by columns, the arg_max/arg_min columns, then the aggregate columns.
    const frame = new Frame();
    const byCols = by.map((k) => computedCol(frame, k.name, k.value.type));
    const extremeCols = extremeChannels.map((x) => x.cols.map((c) => computedCol(frame, c.name, c.type)));
    const aggCols = columns.map((a) => computedCol(frame, a.name, a.value.type));
    const layout = new Layout(frame, [...byCols, ...extremeCols.flat(), ...aggCols]);

    const nKeys = by.length;
    const keyFs = by.map((k) => generated(k.value.f));
    const keyTypes = by.map((k) => k.value.type);
    // A time window among several keys: its groups are looked up in an index per window (group-index.ts).
    const windowKey = by.findIndex((k) => k.window && k.value.type.type === 'datetime');
    const accumulate = (): Groups => {
      const index = new GroupIndex(keyTypes, windowKey);
      const stores = channels.list.map((c) => c.store());
      return { index, stores, add: groupAdder(keyFs, index, stores) };
    };
    // Groups computed ahead, in a read shared with other summaries of the same table.
    let ahead: Groups | undefined;
    const chain = input.chain;
    if (chain) {
      this.shared.push({
        table: chain.table,
        start() {
          const a = accumulate();
          return { push: chain.attach(a.add), done: () => void (ahead = a) };
        },
      });
    }
    const groups = async (): Promise<Groups> => {
      let a = ahead;
      ahead = undefined;
      if (!a) {
        a = accumulate();
        await input.open(a.add);
      }
      // Without `by`, summarize yields one row even over no input (count() = 0, make_list() = []).
      if (!nKeys) a.index.empty();
      return a;
    };
    /**
     * Emits a row per group. With `test` (a `where` right after the summarize), the columns it reads (`first`) are
     * computed first and the others only for the groups it keeps: a high-cardinality stream makes many groups that
     * the threshold drops, and their value sets are never sorted or sliced.
     */
    const emit = ({ index, stores }: Groups, sink: Sink, test?: (r: Row) => KValue, first?: ReadonlySet<number>) => {
      const slotsOfBy = byCols.map((c) => c.slot());
      // Per column: its slot, its calls, and a scratch array for their results (read at once by its expression).
      const outputs = columns.map((a, i) => ({ slot: aggCols[i]!.slot(), calls: a.calls, value: a.value.f, results: new Array<KValue>(a.calls.length) }));
      const before = test ? outputs.filter((o) => first!.has(o.slot)) : [];
      const after = test ? outputs.filter((o) => !first!.has(o.slot)) : outputs;
      const extremeSlots = extremeChannels.map((x, i) => ({ channel: x.channel, slots: extremeCols[i]!.map((c) => c.slot()) }));
      const fill = (g: number, row: Row, list: typeof outputs) => {
        for (const o of list) {
          for (let j = 0; j < o.calls.length; j++) {
            const c: AggregateCall = o.calls[j]!;
            o.results[j] = c.result(stores[c.channel]!.state(g));
          }
          row[o.slot] = o.value(o.results);
        }
      };
      // A group the test drops leaves its row to the next group: a row is new only after one was pushed on.
      let row: Row = new Array(frame.width);
      for (let g = 0; g < index.count; g++) {
        for (let i = 0; i < nKeys; i++) row[slotsOfBy[i]!] = index.key(g, i);
        for (const x of extremeSlots) {
          const best = stores[x.channel]!.state(g) as KValue[] | undefined;
          for (let j = 0; j < x.slots.length; j++) row[x.slots[j]!] = best?.[j] ?? null;
        }
        if (test) {
          fill(g, row, before);
          if (test(row) !== true) continue;
        }
        fill(g, row, after);
        sink(row);
        row = new Array(frame.width);
      }
    };
    return {
      layout,
      open: async (sink) => emit(await groups(), sink),
      filtered: (test, first) => ({ layout, open: async (sink) => emit(await groups(), sink, test, first) }),
    };
  }

  /**
   * `join kind=leftanti (right) on ...`: the left rows whose key the right side does not have.
   * `join kind=inner (right) on ...`: every pair of matching rows, left columns first; a right column whose name the
   * left side already has is renamed with a numeric suffix (SourceIP1), as Kusto does.
   * Keys are `Col` (same name on both sides) or `$left.A == $right.B`.
   */
  private join(op: Node, input: Plan, tables: KqlTables): Plan {
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
    const [leftKey, rightKey] = joinKeys(input.layout, right.layout, on);
    if (kind === 'leftanti') {
      return {
        layout: input.layout,
        async open(sink) {
          const seen = new JoinIndex<true>();
          await right.open((r) => seen.add(rightKey, r, true));
          await input.open((l) => {
            if (!seen.get(leftKey, l)) sink(l);
          });
        },
      };
    }
    // Inner: index the left side and stream the right one. detc puts the smaller side on the left, as Kusto
    // advises, so memory follows the probes rather than every session. The index keeps only the left columns read
    // after the join. Row order is not part of a join's result.
    const frame = new Frame();
    const fromLeft: { src: Col; dst: number }[] = [];
    const fromRight: { src: Col; dst: number }[] = [];
    const cols: Col[] = input.layout.cols.map((c) => lazyCol(frame, c.name, c.type, (dst) => fromLeft.push({ src: c, dst })));
    const names = new Set(cols.map((c) => c.name));
    for (const c of right.layout.cols) {
      let name = c.name;
      for (let n = 1; names.has(name); n++) name = `${c.name}${n}`;
      names.add(name);
      cols.push(lazyCol(frame, name, c.type, (dst) => fromRight.push({ src: c, dst })));
    }
    return {
      layout: new Layout(frame, cols),
      async open(sink) {
        const ls = fromLeft.map((x) => x.src.slot());
        const ld = fromLeft.map((x) => x.dst);
        const rs = fromRight.map((x) => x.src.slot());
        const rd = fromRight.map((x) => x.dst);
        const index = new JoinIndex<KValue[]>();
        await input.open((l) => {
          const kept: KValue[] = new Array(ls.length);
          for (let i = 0; i < ls.length; i++) kept[i] = l[ls[i]!]!;
          index.add(leftKey, l, kept);
        });
        await right.open((r) => {
          const bucket = index.get(rightKey, r);
          if (!bucket) return;
          for (const kept of bucket) {
            const out: Row = new Array(frame.width);
            for (let i = 0; i < ld.length; i++) out[ld[i]!] = kept[i]!;
            for (let i = 0; i < rd.length; i++) out[rd[i]!] = r[rs[i]!]!;
            sink(out);
          }
        });
      },
    };
  }
}

/** One run of a summarize: its groups, each channel's states, and how a row is added. */
interface Groups {
  index: GroupIndex;
  stores: Store[];
  add: Sink;
}

/**
 * The key columns of both sides of a join. A position whose column is dynamic on either side is keyed by its text
 * on both, so equal values meet whatever the other side's type.
 */
function joinKeys(left: Layout, right: Layout, on: { left: string; right: string }[]): [JoinKey, JoinKey] {
  const cols = (layout: Layout, names: string[], side: 'left' | 'right') => names.map((name) => {
    const c = layout.find(name);
    if (!c) throw new KqlRuntimeError(`join: the ${side} side has no column '${name}'`);
    return c;
  });
  const l = cols(left, on.map((c) => c.left), 'left');
  const r = cols(right, on.map((c) => c.right), 'right');
  const dynamic = l.map((c, i) => c.type.type === 'dynamic' || r[i]!.type.type === 'dynamic');
  return [
    { slots: l.map((c) => c.slot()), dynamic, names: on.map((c) => c.left), side: 'left' },
    { slots: r.map((c) => c.slot()), dynamic, names: on.map((c) => c.right), side: 'right' },
  ];
}

/** `Name = expr` → [Name, expr]; a bare column reference keeps its name, as does `bin(Column, ...)`. */
function named(e: Node): [string, Node] {
  if (kindOf(e) === 'SimpleNamedExpression') return [String(e.Name.SimpleName ?? text(e.Name)), e.Expression];
  if (kindOf(e) === 'NameReference') return [String(e.SimpleName), e];
  if (kindOf(e) === 'FunctionCallExpression' && e.Name.SimpleName === 'bin') {
    const first = list(e.ArgumentList.Expressions)[0];
    if (kindOf(first) === 'NameReference') return [String(first.SimpleName), e];
  }
  throw new KqlRuntimeError(`expression '${text(e)}' needs a name (Name = ...) in the supported subset`);
}

/** `bin(<expr>, <span>)`: a key of time windows, few and in runs when the rows come in time order. */
function isTimeBin(e: Node): boolean {
  return kindOf(e) === 'FunctionCallExpression' && e.Name.SimpleName === 'bin';
}

function collectAggregates(n: Node, out: Node[]) {
  if (!n || n.IsToken) return;
  if (kindOf(n) === 'FunctionCallExpression' && AGGREGATES.has(String(n.Name.SimpleName))) {
    out.push(n);
    return;
  }
  for (let i = 0; i < n.ChildCount; i++) collectAggregates(n.GetChild(i), out);
}
