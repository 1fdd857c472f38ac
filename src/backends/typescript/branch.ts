// One branch of a rule → a factory of its run: `push(event)` does the per-event work (read window, first-seen
// baseline, suppressions, followed_by's follow-ups, where, grouping, accumulating) and `finish()` the per-group work
// (having, followed_by's pairing, classify, derive, sort). The meaning is the reference evaluator's
// (src/reference/evaluate.ts, docs/semantics.md) statement for statement; only the shape is compiled.
import { conditionFields, windowMatch } from '../../ir/analysis.js';
import { DATA_SOURCES } from '../../ir/sources.js';
import type { Branch, Condition, FieldType, OutputColumn, Rule } from '../../ir/types.js';
import { aggregateCode, type FieldAccess } from './aggregates.js';
import { and, arr, arrow, arrayOf, assign, bin, call, cond, constDecl, cont, exprStmt, fn, forOf, get, id, iface, ifStmt, kw, letDecl, lit, method, newExpr, not, obj, or, param, ret, tref, typeLiteral, fnType, union, type Expr, type Member, type Stmt, type TypeNode } from './ast.js';
import { conditionExpr, type ModuleScope } from './condition.js';

/** What a branch's code needs from its module. */
export interface BranchModule {
  rule: Rule;
  scope: ModuleScope;
  /** A canonical field's name in the events the module reads (the target's mapping). */
  native(source: string, field: string): string;
  /** The ranges of an external list, inside the branch factory (its `lists` parameter). */
  externalRanges(list: string): Expr | undefined;
}

/** The generated code of one branch. */
export interface BranchCode {
  decls: Stmt[];
  /** `branchN(now, lists)`: returns `{ push, finish }`. */
  factory: string;
  /** `toAlertN(row)`: the branch's row as the module's Alert. */
  toAlert: string;
}

/** The present value's type of a canonical field (after `isMissing`). */
export function presentType(t: FieldType): TypeNode {
  switch (t) {
    case 'int': return kw('number');
    case 'timestamp': return union([kw('string'), kw('number'), tref('Date')]);
    default: return kw('string');
  }
}

/** How an output column is typed inside the branch (times in ms) and in the alert (times as ISO 8601 text). */
interface Column {
  internal: TypeNode;
  alert: TypeNode;
  toAlert(v: Expr): Expr;
}

const local = (column: string) => `c_${column}`;

export function branchCode(m: BranchModule, b: Branch, i: number, alertColumns: OutputColumn[]): BranchCode {
  const source = DATA_SOURCES[b.source]!;
  const fieldType = (f: string) => source.fields[f]!.type;
  const access: FieldAccess = {
    read: (e, f) => get(e, m.native(b.source, f)),
    presentType: (f) => presentType(fieldType(f)),
    timeField: source.time,
  };
  const e = id('e');
  const event = (f: string) => access.read(e, f);
  const onEvent = (c: Condition) => conditionExpr(c, { scope: m.scope, value: event, externalRanges: m.externalRanges });
  const decls: Stmt[] = [];
  const agg = b.aggregation;
  const follow = agg ? b.followedBy : undefined;

  // ── the columns, as locals of one row: their internal types and how each becomes an alert value ──
  const columns = new Map<string, Column>();
  const timeColumn = (nullable: boolean): Column => ({
    internal: nullable ? union([kw('number'), kw('null')]) : kw('number'),
    alert: nullable ? union([kw('string'), kw('null')]) : kw('string'),
    toAlert: (v) => (nullable ? cond(bin(v, '===', lit(null)), lit(null), call('iso', [v])) : call('iso', [v])),
  });
  const plain = (t: TypeNode): Column => ({ internal: t, alert: t, toAlert: (v) => v });
  const groupCode = agg ? aggregateCode(agg.aggregates, `${i}`, access, false) : undefined;
  const followCode = follow ? aggregateCode(follow.aggregates, `${i}Follow`, access, true) : undefined;
  if (agg && groupCode) {
    columns.set(agg.windowAs, timeColumn(false));
    for (const k of agg.by) columns.set(k.as, plain(presentType(fieldType(k.field))));
    for (const a of [...agg.aggregates.map((x) => ({ a: x, code: groupCode })), ...(follow && followCode ? follow.aggregates.map((x) => ({ a: x, code: followCode })) : [])]) {
      const timed = a.a.field === source.time && (a.a.fn === 'min' || a.a.fn === 'max');
      const anyTime = a.a.field === source.time && a.a.fn === 'any';
      columns.set(a.a.as, timed ? timeColumn(true) : anyTime ? { internal: a.code.finishedType(a.a), alert: union([kw('string'), kw('null')]), toAlert: (v) => call('timeText', [v]) } : plain(a.code.finishedType(a.a)));
    }
  } else {
    for (const o of b.output) {
      if (!o.field) continue;
      columns.set(o.name, o.field === source.time ? timeColumn(true) : plain(union([presentType(fieldType(o.field)), kw('null')])));
    }
  }
  for (const c of b.classifications) columns.set(c.as, plain(kw('string')));
  for (const d of b.derived) columns.set(d.as, plain(union([kw('number'), kw('null')])));

  // Conditions over columns read the locals defined so far (a column not yet computed reads as undefined, as a
  // row without it does in the reference evaluator).
  const defined = new Set<string>();
  const onColumns = (c: Condition) => conditionExpr(c, { scope: m.scope, value: (f) => (defined.has(f) ? id(local(f)) : id('undefined')), externalRanges: m.externalRanges });
  // Only columns something reads become locals (the output, having, classify, derive): no unused local.
  const needed = new Set<string>(b.output.map((o) => o.name));
  conditionFields(b.having, needed);
  for (const c of b.classifications) for (const k of c.cases) conditionFields(k.when, needed);
  for (const d of b.derived) needed.add(d.from).add(d.to);
  const define = (column: string, value: Expr): Stmt[] => {
    if (!needed.has(column)) return [];
    defined.add(column);
    return [constDecl(local(column), value)];
  };

  // ── types of the branch ──
  const rowType = `Row${i}`;
  decls.push(iface(rowType, b.output.map((o): Member => ({ name: o.name, type: columns.get(o.name)?.internal ?? kw('null') }))));
  if (groupCode) decls.push(...groupCode.decls);
  if (followCode) decls.push(...followCode.decls);
  const groupType = `Group${i}`;
  const followType = `FollowUp${i}`;
  const followFields = follow ? [...new Set([source.time, ...follow.aggregates.flatMap((a) => (a.field ? [a.field] : []))])] : [];
  // A follow-up is one object: the fields its aggregates read, beside its host and time under names no field has.
  const followNames = new Set(followFields.map((f) => m.native(b.source, f)));
  const freeName = (name: string): string => (followNames.has(name) ? freeName(`_${name}`) : name);
  const sameName = freeName('same');
  const tName = freeName('t');
  // A group is one object: its window, its key (the key value itself when there is one), and its aggregates' state.
  const compositeKey = agg !== undefined && agg.by.length > 1;
  if (agg && groupCode) {
    decls.push(iface(groupType, [
      { name: 'window', type: kw('number'), readonly: true },
      ...(compositeKey ? [{ name: 'key', type: kw('string'), readonly: true }] : []),
      ...agg.by.map((k, j): Member => ({ name: `k${j}`, type: presentType(fieldType(k.field)), readonly: true })),
      ...groupCode.members,
      ...(follow ? [{ name: 'probes', type: tref('Map', [kw('string'), kw('number')]), readonly: true }] : []),
    ]));
  }
  if (follow) {
    decls.push(iface(followType, [
      ...followFields.map((f): Member => ({ name: m.native(b.source, f), type: union([presentType(fieldType(f)), kw('null')]), readonly: true, optional: true })),
      { name: sameName, type: kw('string'), readonly: true },
      { name: tName, type: kw('number'), readonly: true },
    ]));
  }

  // ── suppressions: events in a window of a list (their field matching, their time inside) are dropped first ──
  const suppressed = `suppressed${i}`;
  if (b.suppressions.length) {
    const tests = b.suppressions.flatMap((s) => s.windows.map((w) => and([bin(id('t'), '>=', lit(w.startMs)), bin(id('t'), '<', lit(w.endMs)), onEvent(windowMatch(s, w))])));
    decls.push(fn(suppressed, [param('e', tref('DetectionEvent')), param('t', kw('number'))], kw('boolean'), [ret(or(tests))]));
  }

  // ── push: the per-event work ──
  const push: Stmt[] = [];
  const t = id('t');
  push.push(constDecl('t', call('eventTime', [event(source.time)])));
  push.push(ifStmt(or([bin(t, '===', id('undefined')), bin(t, '<', id('from')), bin(t, '>=', id('now'))]), ret()));
  const keyLocals = agg ? agg.by.map((_, j) => `k${j}`) : [];
  const readKeys = (): Stmt[] => (agg ? agg.by.map((k, j) => constDecl(keyLocals[j]!, event(k.field))) : []);
  const keysPresent = () => and(keyLocals.map((k) => not(call('isMissing', [id(k)]))));
  const keyExpr = () => (keyLocals.length === 1 ? id(keyLocals[0]!) : call('keyText', [arr(keyLocals.map((k) => id(k)))]));
  // Before the lookback: only the first-seen baseline reads it.
  push.push(ifStmt(bin(t, '<', id('detectFrom')), [
    ...(b.firstSeen && agg ? [...readKeys(), ifStmt(keysPresent(), exprStmt(method('seenBefore', 'add', [keyExpr()])))] : []),
    ret(),
  ]));
  if (b.suppressions.length) push.push(ifStmt(call(suppressed, [e, t]), ret()));
  if (follow) {
    const list = id('list');
    push.push(ifStmt(follow.where ? onEvent(follow.where) : lit(true), [
      ...readKeys(),
      constDecl('same', event(follow.same)),
      ifStmt(and([keysPresent(), not(call('isMissing', [id('same')]))]), [
        constDecl('key', keyExpr()),
        letDecl('list', method('followUps', 'get', [id('key')])),
        ifStmt(bin(list, '===', id('undefined')), [assign(list, arr([])), exprStmt(method('followUps', 'set', [id('key'), list]))]),
        // Only what the follow-up aggregates read: follow-ups are kept to the end, so their size is the memory.
        exprStmt(method(list, 'push', [obj([...followFields.map((f): [string, Expr] => [m.native(b.source, f), event(f)]), [sameName, call('String', [id('same')])], [tName, t]], false)])),
      ]),
    ]));
  }
  if (b.where) push.push(ifStmt(not(onEvent(b.where)), ret()));

  const finish: Stmt[] = [];
  const rows = id('rows');
  const rowStmts = (): Stmt[] => {
    const out: Stmt[] = [];
    for (const c of b.classifications) {
      const value = c.cases.reduceRight<Expr>((acc, k) => cond(onColumns(k.when), lit(k.then), acc), lit(c.otherwise));
      out.push(...define(c.as, value));
    }
    for (const d of b.derived) out.push(...define(d.as, call('durationSeconds', [defined.has(d.from) ? id(local(d.from)) : id('undefined'), defined.has(d.to) ? id(local(d.to)) : id('undefined')])));
    out.push(exprStmt(method(rows, 'push', [obj(b.output.map((o) => [o.name, defined.has(o.name) ? id(local(o.name)) : lit(null)]))])));
    return out;
  };

  if (!agg || !groupCode) {
    for (const o of b.output) {
      if (!o.field) continue;
      const v = event(o.field);
      push.push(...define(o.name, o.field === source.time ? bin(call('eventTime', [v]), '??', lit(null)) : exprOrNull(v)));
    }
    push.push(...rowStmts());
  } else {
    const g = id('g');
    push.push(...readKeys(), ifStmt(or(keyLocals.map((k) => call('isMissing', [id(k)]))), ret()));
    push.push(constDecl('window', bin(call(get('Math', 'floor'), [bin(t, '/', lit(agg.windowSeconds * 1000))]), '*', lit(agg.windowSeconds * 1000))));
    push.push(letDecl('inWindow', method('byWindow', 'get', [id('window')])));
    push.push(ifStmt(bin(id('inWindow'), '===', id('undefined')), [assign(id('inWindow'), newExpr('Map', [], [kw('unknown'), tref(groupType)])), exprStmt(method('byWindow', 'set', [id('window'), id('inWindow')]))]));
    push.push(constDecl('key', keyExpr()));
    push.push(letDecl('g', method('inWindow', 'get', [id('key')])));
    push.push(ifStmt(bin(g, '===', id('undefined')), [
      assign(g, obj([['window', id('window')], ...(compositeKey ? [['key', id('key')] as [string, Expr]] : []), ...keyLocals.map((k): [string, Expr] => [k, id(k)]), ...groupCode.init, ...(follow ? [['probes', newExpr('Map', [], [kw('string'), kw('number')])] as [string, Expr]] : [])])),
      exprStmt(method('inWindow', 'set', [id('key'), g])),
      exprStmt(method('groups', 'push', [g])),
    ]));
    push.push(exprStmt(call(groupCode.accumulate, [g, e, t])));
    if (follow) {
      // The group's first event time per value of `same`: the probe of that host.
      const probes = get(g, 'probes');
      push.push(constDecl('probed', event(follow.same)));
      push.push(ifStmt(not(call('isMissing', [id('probed')])), [
        constDecl('text', call('String', [id('probed')])),
        constDecl('first', method(probes, 'get', [id('text')])),
        ifStmt(or([bin(id('first'), '===', id('undefined')), bin(t, '<', id('first'))]), exprStmt(method(probes, 'set', [id('text'), t]))),
      ]));
    }

    // ── finish: the per-group work ──
    const body: Stmt[] = [];
    const groupKey = compositeKey ? get(g, 'key') : get(g, 'k0');
    if (b.firstSeen) body.push(ifStmt(method('seenBefore', 'has', [groupKey]), cont()));
    // The group's columns: those the threshold reads first, the others (value lists sorted, ...) only for a group
    // that passes it; most groups of a busy stream do not.
    const groupColumns: [string, Expr][] = [
      [agg.windowAs, get(g, 'window')],
      ...agg.by.map((k, j): [string, Expr] => [k.as, get(g, keyLocals[j]!)]),
      ...agg.aggregates.map((a): [string, Expr] => [a.as, groupCode.finish(a, g)]),
    ];
    const tested = conditionFields(b.having, new Set<string>());
    for (const [column, value] of groupColumns) if (tested.has(column)) body.push(...define(column, value));
    if (b.having) body.push(ifStmt(not(onColumns(b.having)), cont()));
    for (const [column, value] of groupColumns) if (!tested.has(column)) body.push(...define(column, value));
    if (follow && followCode) {
      const probe = id('probe');
      const c = id('c');
      body.push(constDecl('f', call(followCode.newState, [])));
      body.push(forOf('c', bin(method('followUps', 'get', [groupKey]), '??', arr([])), [
        constDecl('probe', method(get(g, 'probes'), 'get', [get(c, sameName)])),
        ifStmt(and([bin(probe, '!==', id('undefined')), bin(get(c, tName), '>', probe), bin(get(c, tName), '<=', bin(probe, '+', lit(follow.withinSeconds * 1000)))]), exprStmt(call(followCode.accumulate, [id('f'), c, get(c, tName)]))),
      ]));
      // A group with no follow-up does not alert.
      body.push(ifStmt(bin(get('f', 'count'), '===', lit(0)), cont()));
      for (const a of follow.aggregates) body.push(...define(a.as, followCode.finish(a, id('f'))));
    }
    body.push(...rowStmts());
    finish.push(forOf('g', id('groups'), body));
  }
  if (b.sort.length) {
    const x = id('x');
    const y = id('y');
    const compare = b.sort.map((s) => {
      const c = call('compareValues', [get(x, s.column), get(y, s.column)]);
      return s.order === 'asc' ? c : negated(c);
    });
    finish.push(exprStmt(method(rows, 'sort', [arrow([['x', tref(rowType)], ['y', tref(rowType)]], or(compare))])));
  }
  finish.push(ret(rows));

  // ── the factory ──
  const factory = `branch${i}`;
  const state: Stmt[] = [
    constDecl('from', bin(id('now'), '-', id('READ_PERIOD_MS'))),
    constDecl('detectFrom', bin(id('now'), '-', id('LOOKBACK_MS'))),
    constDecl('rows', arr([]), arrayOf(tref(rowType))),
  ];
  if (agg) {
    state.push(constDecl('groups', arr([]), arrayOf(tref(groupType))));
    state.push(constDecl('byWindow', newExpr('Map', [], [kw('number'), tref('Map', [kw('unknown'), tref(groupType)])])));
    if (b.firstSeen) state.push(constDecl('seenBefore', newExpr('Set', [], [kw('unknown')])));
    if (follow) state.push(constDecl('followUps', newExpr('Map', [], [kw('unknown'), arrayOf(tref(followType))])));
  }
  const runType = typeLiteral([
    { name: 'push', type: fnType([['e', tref('DetectionEvent')]], kw('void')), readonly: true },
    { name: 'finish', type: fnType([], arrayOf(tref(rowType))), readonly: true },
  ]);
  const params = [param('now', kw('number')), ...(m.rule.sharedLists.some((l) => l.external) ? [param('lists', tref('ListRanges'))] : [])];
  decls.push(fn(factory, params, runType, [
    ...state,
    ret(obj([['push', arrow([['e', tref('DetectionEvent')]], push, kw('void'))], ['finish', arrow([], finish, arrayOf(tref(rowType)))]], true)),
  ]));

  // ── the row as an alert ──
  const toAlert = `toAlert${i}`;
  decls.push(fn(toAlert, [param('r', tref(rowType))], tref('Alert'), [
    ret(obj(alertColumns.map((o): [string, Expr] => {
      const mine = b.output.some((x) => x.name === o.name);
      const col = columns.get(o.name);
      return [o.name, mine && col ? col.toAlert(get('r', o.name)) : lit(null)];
    }), true)),
  ]));
  return { decls, factory, toAlert };

  /** A present value, or null for a missing one (absent, null, ''). */
  function exprOrNull(v: Expr): Expr {
    return cond(call('isMissing', [v]), lit(null), v);
  }
}

/** `0 - x`: a descending comparison (never -0, so `||` moves on to the next key on a tie). */
function negated(x: Expr): Expr {
  return bin(lit(0), '-', x);
}

/** The alert type of each column of the first branch (what every branch's rows become). */
export function alertColumnTypes(b: Branch): Member[] {
  const source = DATA_SOURCES[b.source]!;
  const typeOf = (o: OutputColumn): TypeNode => {
    const nullable = (t: TypeNode) => union([t, kw('null')]);
    if (b.aggregation && o.name === b.aggregation.windowAs) return kw('string');
    if (o.type === 'timestamp') return nullable(kw('string'));
    const agg = [...(b.aggregation?.aggregates ?? []), ...(b.followedBy?.aggregates ?? [])].find((a) => a.as === o.name);
    if (agg) {
      if (agg.fn === 'count' || agg.fn === 'distinct_count') return kw('number');
      if (agg.fn === 'values') return arrayOf(union([kw('string'), kw('number')]));
      if (agg.fn === 'min' || agg.fn === 'max') return nullable(kw('number'));
      return nullable(presentType(source.fields[agg.field!]!.type));
    }
    const key = b.aggregation?.by.find((k) => k.as === o.name);
    if (key) return presentType(source.fields[key.field]!.type);
    if (b.classifications.some((c) => c.as === o.name)) return kw('string');
    if (b.derived.some((d) => d.as === o.name)) return nullable(kw('number'));
    if (o.field) return nullable(presentType(source.fields[o.field]!.type));
    return kw('unknown');
  };
  return b.output.map((o) => ({ name: o.name, type: typeOf(o), readonly: true }));
}
