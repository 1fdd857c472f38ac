// Scalar functions of the emitted KQL subset, with Kusto's documented null behaviour. Each is a compiler: given
// its compiled arguments (with their static types, and their values when constant) it returns the closure a row
// runs, specialised once (a constant range list is parsed here, a datetime's text form is chosen here).
import { describe } from './codegen.js';
import type { Row } from './layout.js';
import { PRIVATE_V4, ipv4Number, rangeTest } from './ip-ranges.js';
import { KqlRuntimeError, T, compare, isEmpty, isNumberValued, isoOf, textOf, type KValue, type StaticType } from './values.js';

/** A compiled scalar expression: evaluated per row (in summarize's results, per group, over the aggregates). */
export type Eval = (row: Row) => KValue;

export interface Compiled {
  f: Eval;
  type: StaticType;
  /** Set when the value is the same on every row (a literal, a let, a function of those). */
  constant?: { value: KValue };
}

export interface FunctionContext {
  now: number;
}

type FunctionCompiler = (args: Compiled[], ctx: FunctionContext) => Compiled;

const arity = (name: string, args: Compiled[], min: number, max = min) => {
  if (args.length < min || args.length > max) throw new KqlRuntimeError(`${name}() takes ${min === max ? min : `${min} to ${max}`} arguments`);
};

const bool = (f: Eval): Compiled => ({ f, type: T.bool });

/** A range-membership function: the list parsed once when it is constant, else once per list value. */
function inRanges(name: string, family: 4 | 6, args: Compiled[]): Compiled {
  arity(name, args, 2);
  const [ip, ranges] = args as [Compiled, Compiled];
  const a = ip.f;
  if (ranges.constant) {
    const test = rangeTest(ranges.constant.value, family);
    return bool(describe((r) => test(a(r)), { k: 'apply', f: test, x: a }));
  }
  const l = ranges.f;
  return bool((r) => test2(a(r), l(r), family));
}

function test2(ip: KValue, ranges: KValue, family: 4 | 6): boolean | null {
  return rangeTest(ranges, family)(ip);
}

function toNumber(x: KValue, t: StaticType, integer: boolean): KValue {
  if (x === null || x === '') return null;
  // A datetime or timespan as a number is its count of 100-ns ticks, as in Kusto.
  if (t.type === 'datetime' || t.type === 'timespan') return integer ? Math.trunc((x as number) * 10_000) : (x as number) * 10_000;
  const n = Number(x);
  if (!Number.isFinite(n)) return null;
  return integer ? Math.trunc(n) : n;
}

function numeric(name: string, integer: boolean): FunctionCompiler {
  return (args) => {
    arity(name, args, 1);
    const [x] = args as [Compiled];
    const a = x.f;
    const t = x.type;
    return { f: (r) => toNumber(a(r), t, integer), type: integer ? T.long : T.real };
  };
}

/** iff/case: the type of the first branch whose type is known. */
function branchType(branches: Compiled[]): StaticType {
  return branches.find((b) => !(b.constant && b.constant.value === null))?.type ?? T.dynamic;
}

function arraySortAsc(a: KValue): KValue {
  return Array.isArray(a) ? [...a].sort((x, y) => (x === null ? 1 : y === null ? -1 : compare(x, y))) : null;
}

function arraySlice(a: KValue, s: KValue, e: KValue): KValue {
  if (!Array.isArray(a) || typeof s !== 'number' || typeof e !== 'number') return null;
  const n = a.length;
  const start = s < 0 ? Math.max(0, n + s) : s;
  const end = e < 0 ? n + e : Math.min(e, n - 1);
  return start > end ? [] : a.slice(start, end + 1);
}

const FUNCTIONS: Record<string, FunctionCompiler> = {
  not: (args) => {
    arity('not', args, 1);
    const a = args[0]!.f;
    return bool(describe((r) => {
      const v = a(r);
      return v === null ? null : !v;
    }, { k: 'not', x: a }));
  },
  isnull: (args) => {
    arity('isnull', args, 1);
    const a = args[0]!.f;
    return bool(describe((r) => a(r) === null, { k: 'isnull', x: a }));
  },
  isnotnull: (args) => {
    arity('isnotnull', args, 1);
    const a = args[0]!.f;
    return bool(describe((r) => a(r) !== null, { k: 'isnotnull', x: a }));
  },
  isempty: (args) => {
    arity('isempty', args, 1);
    const a = args[0]!.f;
    return bool(describe((r) => isEmpty(a(r)), { k: 'isempty', x: a }));
  },
  isnotempty: (args) => {
    arity('isnotempty', args, 1);
    const a = args[0]!.f;
    return bool(describe((r) => !isEmpty(a(r)), { k: 'isnotempty', x: a }));
  },
  coalesce: (args) => {
    if (!args.length) throw new KqlRuntimeError('coalesce() takes at least one argument');
    const fs = args.map((x) => x.f);
    const lastF = fs[fs.length - 1]!;
    const type = branchType(args);
    if (fs.length === 2) {
      const [a, b] = fs as [Eval, Eval];
      // coalesce(test(x), false), as detc emits around every list test: the fallback is a value, not a call.
      if (args[1]!.constant) {
        const c = args[1]!.constant.value;
        return { f: describe((r) => { const v = a(r); return v === null || v === '' ? c : v; }, { k: 'fallback', x: a, value: c }), type };
      }
      return { f: (r) => { const v = a(r); return isEmpty(v) ? b(r) : v; }, type };
    }
    return {
      f: (r) => {
        for (let i = 0; i < fs.length - 1; i++) {
          const v = fs[i]!(r);
          if (!isEmpty(v)) return v;
        }
        return lastF(r);
      },
      type,
    };
  },
  ipv4_is_in_any_range: (args) => inRanges('ipv4_is_in_any_range', 4, args),
  ipv6_is_in_any_range: (args) => inRanges('ipv6_is_in_any_range', 6, args),
  ipv4_is_in_range: (args) => {
    arity('ipv4_is_in_range', args, 2);
    const [ip, range] = args as [Compiled, Compiled];
    const a = ip.f;
    if (range.constant) {
      const test = rangeTest([range.constant.value], 4);
      return bool(describe((r) => test(a(r)), { k: 'apply', f: test, x: a }));
    }
    const b = range.f;
    return bool((r) => rangeTest([b(r)], 4)(a(r)));
  },
  ipv4_is_private: (args) => {
    arity('ipv4_is_private', args, 1);
    const a = args[0]!.f;
    const test = rangeTest(PRIVATE_V4, 4);
    return bool(describe((r) => test(a(r)), { k: 'apply', f: test, x: a }));
  },
  parse_ipv4: (args) => {
    arity('parse_ipv4', args, 1);
    const a = args[0]!.f;
    return { f: describe((r) => ipv4Number(a(r)), { k: 'apply', f: ipv4Number, x: a }), type: T.long };
  },
  tolower: (args) => {
    arity('tolower', args, 1);
    const [x] = args as [Compiled];
    const a = x.f;
    return { f: (r) => { const v = a(r); return v === null ? null : textOf(v, x.type).toLowerCase(); }, type: T.string };
  },
  toupper: (args) => {
    arity('toupper', args, 1);
    const [x] = args as [Compiled];
    const a = x.f;
    return { f: (r) => { const v = a(r); return v === null ? null : textOf(v, x.type).toUpperCase(); }, type: T.string };
  },
  tostring: (args) => {
    arity('tostring', args, 1);
    const [x] = args as [Compiled];
    const a = x.f;
    const t = x.type;
    if (t.type === 'string') {
      const g = (v: KValue) => (v === null ? '' : v);
      return { f: describe((r) => g(a(r)), { k: 'apply', f: g, x: a }), type: T.string };
    }
    if (t.type === 'datetime') return { f: (r) => { const v = a(r); return v === null ? '' : isoOf(v as number); }, type: T.string };
    const g = (v: KValue) => textOf(v, t);
    return { f: describe((r) => g(a(r)), { k: 'apply', f: g, x: a }), type: T.string };
  },
  tolong: numeric('tolong', true),
  toint: numeric('toint', true),
  toreal: numeric('toreal', false),
  todouble: numeric('todouble', false),
  strlen: (args) => {
    arity('strlen', args, 1);
    const [x] = args as [Compiled];
    const a = x.f;
    return { f: (r) => { const v = a(r); return v === null ? null : [...textOf(v, x.type)].length; }, type: T.long };
  },
  strcat: (args) => {
    const parts = args.map((x) => ({ f: x.f, t: x.type }));
    return { f: (r) => parts.map((p) => textOf(p.f(r), p.t)).join(''), type: T.string };
  },
  iff: (args) => iff('iff', args),
  iif: (args) => iff('iif', args),
  case: (args) => {
    if (args.length < 3 || args.length % 2 === 0) throw new KqlRuntimeError('case() takes predicate, value pairs and an else value');
    const fs = args.map((x) => x.f);
    const n = fs.length;
    const type = branchType(args.filter((_, i) => i % 2 === 1 || i === n - 1));
    return {
      f: (r) => {
        for (let i = 0; i + 1 < n; i += 2) if (fs[i]!(r) === true) return fs[i + 1]!(r);
        return fs[n - 1]!(r);
      },
      type,
    };
  },
  now: (args, ctx) => {
    arity('now', args, 0);
    const v = ctx.now;
    return { f: () => v, type: T.datetime, constant: { value: v } };
  },
  ago: (args, ctx) => {
    arity('ago', args, 1);
    const [span] = args as [Compiled];
    if (span.type.type !== 'timespan') throw new KqlRuntimeError('ago() takes a timespan');
    const now = ctx.now;
    if (span.constant) {
      const v = span.constant.value === null ? null : now - (span.constant.value as number);
      return { f: () => v, type: T.datetime, constant: { value: v } };
    }
    const a = span.f;
    return { f: (r) => { const v = a(r); return v === null ? null : now - (v as number); }, type: T.datetime };
  },
  bin: (args) => {
    arity('bin', args, 2);
    const [v, size] = args as [Compiled, Compiled];
    const okTime = v.type.type === 'datetime' && size.type.type === 'timespan';
    const okNumber = isNumberValued(v.type) && v.type.type !== 'datetime' && isNumberValued(size.type) && size.type.type !== 'datetime';
    if (!okTime && !okNumber) throw new KqlRuntimeError('bin() needs (datetime, timespan) or (number, number)');
    const a = v.f;
    const type = v.type;
    if (size.constant) {
      const s = size.constant.value as number | null;
      if (s === null) return { f: () => null, type };
      const g = (x: KValue) => (x === null ? null : Math.floor((x as number) / s) * s);
      return { f: describe((r) => g(a(r)), { k: 'apply', f: g, x: a }), type };
    }
    const b = size.f;
    return { f: (r) => { const x = a(r) as number | null; const s = b(r) as number | null; return x === null || s === null ? null : Math.floor(x / s) * s; }, type };
  },
  array_length: (args) => {
    arity('array_length', args, 1);
    const a = args[0]!.f;
    return { f: (r) => { const v = a(r); return Array.isArray(v) ? v.length : null; }, type: T.long };
  },
  array_sort_asc: (args) => {
    arity('array_sort_asc', args, 1);
    const a = args[0]!.f;
    return { f: (r) => arraySortAsc(a(r)), type: args[0]!.type };
  },
  array_slice: (args) => {
    arity('array_slice', args, 3);
    const [a, s, e] = args.map((x) => x.f) as [Eval, Eval, Eval];
    return { f: (r) => arraySlice(a(r), s(r), e(r)), type: args[0]!.type };
  },
  set_has_element: (args) => {
    arity('set_has_element', args, 2);
    const [a, v] = args.map((x) => x.f) as [Eval, Eval];
    return bool((r) => {
      const arr = a(r);
      const x = v(r);
      return Array.isArray(arr) ? arr.some((e) => compare(e, x) === 0) : null;
    });
  },
};

function iff(name: string, args: Compiled[]): Compiled {
  arity(name, args, 3);
  const [c, a, b] = args.map((x) => x.f) as [Eval, Eval, Eval];
  return { f: (r) => (c(r) === true ? a(r) : b(r)), type: branchType(args.slice(1)) };
}

/** The compiler of a scalar function, looked up once when a query is compiled. */
export function scalarFunction(name: string): FunctionCompiler {
  const f = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!f) throw new KqlRuntimeError(`function ${name}() is outside the supported KQL subset (docs/engines.md)`);
  return f;
}
