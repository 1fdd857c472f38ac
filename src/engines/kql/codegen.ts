// One JavaScript function for a whole scalar expression, generated once per operator (a `where` condition, an
// `extend` column, a summarize key or aggregate argument). The closures of scalar.ts and functions.ts stay the
// meaning of every expression; they describe here the plain steps among them (slot reads, constants, and/or/not,
// null and empty tests, a comparison with a constant bound, coalesce with a constant fallback, a prepared test
// applied to a value), and only those are written out inline, with the same three-valued rules. Every other node is
// called as the closure it is. The emitted query's condition, a tree of forty closures, is then one function whose
// call sites each see one target, which V8 can inline.
//
// Values from rules and events never become code: strings are JSON literals, numbers are written only when their
// text reads back as the same number, and every other constant or prepared test is passed in the externs array.
import type { Row } from './layout.js';
import type { KValue } from './values.js';

/** A compiled expression over a row (functions.ts's Eval; restated so that functions.ts can import this module). */
type Eval = (row: Row) => KValue;

export type Shape =
  | { k: 'slot'; slot: number }
  | { k: 'const'; value: KValue }
  | { k: 'and' | 'or'; l: Eval; r: Eval }
  | { k: 'not' | 'isnull' | 'isnotnull' | 'isempty' | 'isnotempty'; x: Eval }
  /** coalesce(x, c) for a constant c: c when x is null or "". */
  | { k: 'fallback'; x: Eval; value: KValue }
  /** x < b, x <= b, x > b, x >= b for a constant number b: null when x is null. */
  | { k: 'bound'; op: '<' | '<=' | '>' | '>='; x: Eval; bound: number }
  /** `==` / `!=` between operands compared with ===: null when either is null (both are evaluated). */
  | { k: 'equals'; negate: boolean; l: Eval; r: Eval }
  /** `f(x(row))`: a test or conversion prepared when compiled (a range list, a set of values, a needle). */
  | { k: 'apply'; f: (v: KValue) => KValue; x: Eval };

const SHAPES = new WeakMap<Eval, Shape>();

/** Records what a closure computes, for the generator; returns the closure. */
export function describe(f: Eval, shape: Shape): Eval {
  SHAPES.set(f, shape);
  return f;
}

/** An expression as one generated function with the same results, or the closure itself when nothing inlines. */
export function generated(f: Eval): Eval {
  const top = SHAPES.get(f);
  if (!top || top.k === 'slot' || top.k === 'const') return f;
  const externs: unknown[] = [];
  let temps = 0;
  const temp = () => `t${temps++}`;
  const extern = (x: unknown) => `x[${externs.push(x) - 1}]`;
  const constant = (v: KValue): string => {
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'number') return numberLiteral(v) ?? extern(v);
    return extern(v);
  };
  const emit = (e: Eval): string => {
    const s = SHAPES.get(e);
    if (!s) return `${extern(e)}(row)`;
    switch (s.k) {
      case 'slot':
        return `row[${s.slot}]`;
      case 'const':
        return constant(s.value);
      case 'and':
      case 'or': {
        // Left first; stop at false (and) or true (or); else null when either side was null.
        const [stop, rest] = s.k === 'and' ? ['false', 'true'] : ['true', 'false'];
        const a = temp();
        const b = temp();
        return `((${a} = ${emit(s.l)}) === ${stop} ? ${stop} : (${b} = ${emit(s.r)}) === ${stop} ? ${stop} : (${a} === null || ${b} === null ? null : ${rest}))`;
      }
      case 'not': {
        const t = temp();
        return `((${t} = ${emit(s.x)}) === null ? null : !${t})`;
      }
      case 'isnull':
        return `(${emit(s.x)} === null)`;
      case 'isnotnull':
        return `(${emit(s.x)} !== null)`;
      case 'isempty':
      case 'isnotempty': {
        const t = temp();
        const test = `((${t} = ${emit(s.x)}) === null || ${t} === '')`;
        return s.k === 'isempty' ? test : `!${test}`;
      }
      case 'fallback': {
        const t = temp();
        return `((${t} = ${emit(s.x)}) === null || ${t} === '' ? ${constant(s.value)} : ${t})`;
      }
      case 'bound': {
        const t = temp();
        return `((${t} = ${emit(s.x)}) === null ? null : ${t} ${s.op} ${constant(s.bound)})`;
      }
      case 'equals': {
        const a = temp();
        const b = temp();
        return `(${a} = ${emit(s.l)}, ${b} = ${emit(s.r)}, ${a} === null || ${b} === null ? null : (${a} === ${b}) !== ${s.negate})`;
      }
      case 'apply':
        return `${extern(s.f)}(${emit(s.x)})`;
    }
  };
  const body = emit(f);
  const decl = temps ? `let ${Array.from({ length: temps }, (_, i) => `t${i}`).join(', ')};` : '';
  return new Function('x', `'use strict';\nreturn function expr(row) { ${decl} return ${body}; };`)(externs) as Eval;
}

/** A number as JavaScript source, when its text reads back as the same number (not NaN, the infinities or -0). */
function numberLiteral(n: number): string | undefined {
  return Number.isFinite(n) && !Object.is(n, -0) ? `(${String(n)})` : undefined;
}
