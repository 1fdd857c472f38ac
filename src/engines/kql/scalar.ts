// Scalar expressions compiled once into closures over a row's slots. Names resolve here, at compile time, to a
// column's slot or a let's value; operators are specialised on the static types of their operands (numbers
// compare as numbers, a list of string literals becomes a set), so a row runs no lookup by name and no type test
// that the types already answered.
import { hasTerm } from '../../events/terms.js';
import { describe } from './codegen.js';
import { scalarFunction, type Compiled, type Eval, type FunctionContext } from './functions.js';
import type { Layout } from './layout.js';
import { kindOf, list, literal, text, type Node } from './syntax.js';
import { KqlRuntimeError, T, compare, isNumberValued, textOf, type KValue, type StaticType } from './values.js';

export const AGGREGATES = new Set(['make_list', 'count', 'countif', 'dcount', 'dcountif', 'make_set', 'make_set_if', 'min', 'max', 'take_any', 'take_anyif', 'sum']);

/** What names mean where an expression is compiled. */
export interface Scope extends FunctionContext {
  /** The columns of the input row (none in summarize's expressions over aggregates). */
  layout?: Layout;
  /** `let` values, known before the query that reads them is compiled. */
  lets: ReadonlyMap<string, { value: KValue; type: StaticType }>;
  /** In a summarize column: its aggregate calls, whose results are the "row" the expression reads. */
  aggregates?: ReadonlyMap<Node, { index: number; type: StaticType }>;
}

const constant = (value: KValue, type: StaticType): Compiled => ({ f: describe(() => value, { k: 'const', value }), type, constant: { value } });

/** Compiles a scalar expression into a closure, once. */
export function compileScalar(n: Node, scope: Scope): Compiled {
  const sub = (x: Node) => compileScalar(x, scope);
  switch (kindOf(n)) {
    case 'NameReference': {
      const name = String(n.SimpleName);
      const col = scope.layout?.find(name);
      if (col) {
        const s = col.slot();
        return { f: describe((r) => r[s]!, { k: 'slot', slot: s }), type: col.type };
      }
      const l = scope.lets.get(name);
      if (l) return constant(l.value, l.type);
      throw new KqlRuntimeError(`unknown column '${name}'`);
    }
    case 'LiteralExpression': {
      const l = literal(n);
      return constant(l.value, l.type);
    }
    case 'DynamicExpression': {
      const t = n.LiteralValueInfo?.text;
      const v = t === undefined || t === null ? null : (JSON.parse(String(t)) as KValue);
      return constant(v, T.dynamic);
    }
    case 'ParenthesizedExpression':
      return sub(n.Expression);
    case 'PrefixUnaryExpression': {
      const x = sub(n.Expression);
      const op = String(n.Operator.Text);
      if (op === '+') return x;
      if (op !== '-') throw new KqlRuntimeError(`unary '${op}' is outside the supported subset`);
      if (!isNumberValued(x.type) && x.type.type !== 'dynamic') throw new KqlRuntimeError(`unary '-' on a non-number is outside the supported subset`);
      const f = x.f;
      return fold({ f: (r) => {
        const v = f(r);
        if (v === null) return null;
        if (typeof v === 'number') return -v;
        throw new KqlRuntimeError(`unary '-' on a non-number is outside the supported subset`);
      }, type: x.type }, [x]);
    }
    case 'FunctionCallExpression': {
      const agg = scope.aggregates?.get(n);
      if (agg !== undefined) {
        const i = agg.index;
        return { f: describe((r) => r[i]!, { k: 'slot', slot: i }), type: agg.type };
      }
      const name = String(n.Name.SimpleName);
      if (AGGREGATES.has(name)) throw new KqlRuntimeError(`aggregate ${name}() outside summarize`);
      const compileCall = scalarFunction(name);
      const args = list(n.ArgumentList.Expressions).map(sub);
      return fold(compileCall(args, scope), args);
    }
    case 'InExpression':
      return compileIn(n, scope);
    case 'HasAnyExpression': {
      const left = sub(n.Left);
      const needles = list(n.Right.Expressions).map(sub);
      const l = left.f;
      const lt = left.type;
      if (needles.every((x) => x.constant)) {
        // has is case-insensitive: lower the row's text once, not once per needle.
        const lowered = needles.map((x) => textOf(x.constant!.value, x.type).toLowerCase());
        return { f: (r) => {
          const h = textOf(l(r), lt).toLowerCase();
          return lowered.some((x) => hasTerm(h, x, true));
        }, type: T.bool };
      }
      return { f: (r) => {
        const h = textOf(l(r), lt);
        return needles.some((x) => hasTerm(h, textOf(x.f(r), x.type), false));
      }, type: T.bool };
    }
    case 'BinaryExpression':
      return compileBinary(n, scope);
    default:
      throw new KqlRuntimeError(`'${text(n).slice(0, 40)}' (${kindOf(n)}) is outside the supported KQL subset`);
  }
}

/** An expression over constant operands is computed once, when the query is compiled. */
function fold(c: Compiled, operands: Compiled[]): Compiled {
  if (c.constant || !operands.every((o) => o.constant)) return c;
  return constant(c.f([]), c.type);
}

function compileIn(n: Node, scope: Scope): Compiled {
  const left = compileScalar(n.Left, scope);
  const op = String(n.Operator.Text);
  const ci = op.endsWith('~');
  const negate = op.startsWith('!');
  const parts = list(n.Right.Expressions).map((e) => compileScalar(e, scope));
  const l = left.f;
  if (parts.every((p) => p.constant)) {
    // A constant list: a dynamic array among the values (a let-bound list) stands for its elements.
    const values = parts.flatMap((p) => (Array.isArray(p.constant!.value) ? p.constant!.value : [p.constant!.value]));
    if (values.every((v) => typeof v === 'string')) {
      // Strings only: one set lookup per row (a string equals only strings).
      const set = new Set(values.map((v) => (ci ? (v as string).toLowerCase() : (v as string))));
      // Case-blind: a text found as it is needs no lower-cased copy (the set holds lower-cased texts, and lowering
      // a lower-cased text changes nothing).
      const test = (x: KValue) => {
        const hit = typeof x === 'string' && (set.has(x) || (ci && set.has(x.toLowerCase())));
        return negate ? !hit : hit;
      };
      return { f: describe((r) => test(l(r)), { k: 'apply', f: test, x: l }), type: T.bool };
    }
    return { f: (r) => {
      const x = l(r);
      const hit = values.some((v) => equals(x, v, ci));
      return negate ? !hit : hit;
    }, type: T.bool };
  }
  return { f: (r) => {
    const x = l(r);
    const hit = parts.some((p) => {
      const v = p.f(r);
      return Array.isArray(v) ? v.some((e) => equals(x, e, ci)) : equals(x, v, ci);
    });
    return negate ? !hit : hit;
  }, type: T.bool };
}

function equals(a: KValue, b: KValue, ci: boolean): boolean {
  if (a === null || b === null) return false;
  if (typeof a === 'string' && typeof b === 'string') return ci ? a.toLowerCase() === b.toLowerCase() : a === b;
  return typeof a === typeof b && compare(a, b) === 0;
}

/** A string operator with a constant right side prepares the needle once (lower-cased for the case-blind ones). */
function stringOp(L: Compiled, R: Compiled, test: (l: string, r: string) => boolean, lower: boolean): Compiled {
  const l = L.f;
  const lt = L.type;
  if (R.constant) {
    const needle = textOf(R.constant.value, R.type);
    const n = lower ? needle.toLowerCase() : needle;
    const g = lower ? (v: KValue) => test(textOf(v, lt).toLowerCase(), n) : (v: KValue) => test(textOf(v, lt), n);
    return { f: describe((r) => g(l(r)), { k: 'apply', f: g, x: l }), type: T.bool };
  }
  const rf = R.f;
  const rt = R.type;
  if (lower) return { f: (r) => test(textOf(l(r), lt).toLowerCase(), textOf(rf(r), rt).toLowerCase()), type: T.bool };
  return { f: (r) => test(textOf(l(r), lt), textOf(rf(r), rt)), type: T.bool };
}

function compileBinary(n: Node, scope: Scope): Compiled {
  const op = String(n.Operator.Text);
  const L = compileScalar(n.Left, scope);
  const R = compileScalar(n.Right, scope);
  const l = L.f;
  const r = R.f;
  const both = (f: Eval, type: StaticType) => fold({ f, type }, [L, R]);
  switch (op) {
    case 'and':
      return both(describe((row) => {
        const a = l(row);
        if (a === false) return false;
        const b = r(row);
        if (b === false) return false;
        return a === null || b === null ? null : true;
      }, { k: 'and', l, r }), T.bool);
    case 'or':
      return both(describe((row) => {
        const a = l(row);
        if (a === true) return true;
        const b = r(row);
        if (b === true) return true;
        return a === null || b === null ? null : false;
      }, { k: 'or', l, r }), T.bool);
    case '==':
    case '!=': {
      const negate = op === '!=';
      if (L.type.type !== 'dynamic' && R.type.type !== 'dynamic' && (L.type.type === 'string') === (R.type.type === 'string')) {
        return both(describe((row) => {
          const a = l(row);
          const b = r(row);
          return a === null || b === null ? null : (a === b) !== negate;
        }, { k: 'equals', negate, l, r }), T.bool);
      }
      return both((row) => {
        const a = l(row);
        const b = r(row);
        return a === null || b === null ? null : equals(a, b, false) !== negate;
      }, T.bool);
    }
    case '=~': return both(stringOp(L, R, (a, b) => a === b, true).f, T.bool);
    case '!~': return both(stringOp(L, R, (a, b) => a !== b, true).f, T.bool);
    case '<': case '<=': case '>': case '>=': {
      if (isNumberValued(L.type) && isNumberValued(R.type)) {
        // Against a constant (TimeGenerated >= ago(1h), a threshold): the bound is a value, not a call per row.
        if (R.constant && typeof R.constant.value === 'number' && !L.constant) return constantBound(op, l, R.constant.value);
        const cmp = numberComparison(op);
        return both((row) => {
          const a = l(row) as number | null;
          const b = r(row) as number | null;
          return a === null || b === null ? null : cmp(a, b);
        }, T.bool);
      }
      const test = op === '<' ? (c: number) => c < 0 : op === '<=' ? (c: number) => c <= 0 : op === '>' ? (c: number) => c > 0 : (c: number) => c >= 0;
      return both((row) => {
        const a = l(row);
        const b = r(row);
        return a === null || b === null ? null : test(compare(a, b));
      }, T.bool);
    }
    case '+': case '-': case '*': case '/': case '%':
      return arithmetic(op, L, R);
    case 'has': return both(stringOp(L, R, (a, b) => hasTerm(a, b, true), true).f, T.bool);
    case 'has_cs': return both(stringOp(L, R, (a, b) => hasTerm(a, b, true), false).f, T.bool);
    case '!has': return both(stringOp(L, R, (a, b) => !hasTerm(a, b, true), true).f, T.bool);
    case 'contains': return both(stringOp(L, R, (a, b) => a.includes(b), true).f, T.bool);
    case 'contains_cs': return both(stringOp(L, R, (a, b) => a.includes(b), false).f, T.bool);
    case '!contains': return both(stringOp(L, R, (a, b) => !a.includes(b), true).f, T.bool);
    case 'startswith': return both(stringOp(L, R, (a, b) => a.startsWith(b), true).f, T.bool);
    case 'startswith_cs': return both(stringOp(L, R, (a, b) => a.startsWith(b), false).f, T.bool);
    case 'endswith': return both(stringOp(L, R, (a, b) => a.endsWith(b), true).f, T.bool);
    case 'endswith_cs': return both(stringOp(L, R, (a, b) => a.endsWith(b), false).f, T.bool);
    default:
      throw new KqlRuntimeError(`operator '${op}' is outside the supported KQL subset (docs/engines.md)`);
  }
}

/** `x < b`, `x <= b`, `x > b`, `x >= b` for a constant number `b`; null when x is null. */
function constantBound(op: string, l: Eval, b: number): Compiled {
  const bound = (f: Eval, o: '<' | '<=' | '>' | '>='): Compiled => ({ f: describe(f, { k: 'bound', op: o, x: l, bound: b }), type: T.bool });
  switch (op) {
    case '<': return bound((row) => { const a = l(row) as number | null; return a === null ? null : a < b; }, '<');
    case '<=': return bound((row) => { const a = l(row) as number | null; return a === null ? null : a <= b; }, '<=');
    case '>': return bound((row) => { const a = l(row) as number | null; return a === null ? null : a > b; }, '>');
    default: return bound((row) => { const a = l(row) as number | null; return a === null ? null : a >= b; }, '>=');
  }
}

function numberComparison(op: string): (a: number, b: number) => boolean {
  switch (op) {
    case '<': return (a, b) => a < b;
    case '<=': return (a, b) => a <= b;
    case '>': return (a, b) => a > b;
    default: return (a, b) => a >= b;
  }
}

/**
 * `+ - * / %` on the operands' static types: datetime − datetime = timespan, datetime ± timespan = datetime,
 * timespan / timespan = real, numbers as numbers; division by zero is null. Other pairs fail when compiled.
 */
function arithmetic(op: string, L: Compiled, R: Compiled): Compiled {
  const a = L.type.type;
  const b = R.type.type;
  const num = (t: StaticType) => isNumberValued(t) && t.type !== 'datetime' && t.type !== 'timespan';
  let type: StaticType | undefined;
  if (a === 'datetime' && b === 'datetime' && op === '-') type = T.timespan;
  else if (a === 'datetime' && b === 'timespan' && (op === '+' || op === '-')) type = T.datetime;
  else if (a === 'timespan' && b === 'datetime' && op === '+') type = T.datetime;
  else if (a === 'timespan' && b === 'timespan') type = op === '/' ? T.real : op === '+' || op === '-' ? T.timespan : undefined;
  else if (a === 'timespan' && num(R.type) && (op === '*' || op === '/')) type = T.timespan;
  else if (num(L.type) && b === 'timespan' && op === '*') type = T.timespan;
  else if (num(L.type) && num(R.type)) type = a === 'real' || b === 'real' || a === 'decimal' || b === 'decimal' ? T.real : T.long;
  else if (a === 'dynamic' || b === 'dynamic') type = T.dynamic;
  if (!type) throw new KqlRuntimeError(`'${op}' on ${a} and ${b} is outside the supported subset`);
  const l = L.f;
  const r = R.f;
  const checked = type === T.dynamic;
  const calc = numberOp(op);
  return fold({ f: (row) => {
    const x = l(row);
    const y = r(row);
    if (x === null || y === null) return null;
    if (checked && (typeof x !== 'number' || typeof y !== 'number')) throw new KqlRuntimeError(`'${op}' on these operand types is outside the supported subset`);
    return calc(x as number, y as number);
  }, type }, [L, R]);
}

function numberOp(op: string): (x: number, y: number) => number | null {
  switch (op) {
    case '+': return (x, y) => x + y;
    case '-': return (x, y) => x - y;
    case '*': return (x, y) => x * y;
    case '/': return (x, y) => (y === 0 ? null : x / y);
    default: return (x, y) => (y === 0 ? null : x % y);
  }
}
