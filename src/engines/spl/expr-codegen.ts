import { readField } from './field-access.js';
import type { SEvent, SValue } from './values.js';

// One JavaScript function for a whole boolean expression, generated once per search. The closures of eval-expr
// stay the meaning of every expression; the parser describes the plain connectives among them (field reads,
// literals, AND, OR, NOT, isnull, isnotnull), and only those are written out inline, with the same three-valued
// rules. Every other node (a comparison, cidrmatch(), in(), ...) is called as the closure it is. A `where` over
// twenty conditions is then one function with twenty leaf calls instead of a tree of forty closure calls.

type Expr = (e: SEvent) => SValue;

export type Shape =
  | { k: 'field'; name: string }
  | { k: 'const'; value: SValue }
  | { k: 'all' | 'any'; parts: Expr[] }
  | { k: 'not' | 'isnull' | 'isnotnull'; x: Expr }
  /**
   * `left op literal`: `number` is the literal's number (undefined when it is no number), `text` its text, and
   * `test` the comparison of any non-null value (multivalues included) as the closure does it.
   */
  | { k: 'compare'; left: Expr; op: string; number: number | undefined; text: string; test: (v: SValue) => boolean }
  /** cidrmatch(literal range, x): `inRange` tests an address text, `test` any non-null value. */
  | { k: 'cidr'; x: Expr; inRange: (address: string) => boolean; test: (v: SValue) => boolean };

/** SPL comparison operators as JavaScript's, applied to a three-way comparison's result and 0. */
const JS_OP: Record<string, string> = { '=': '===', '==': '===', '!=': '!==', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

const SHAPES = new WeakMap<Expr, Shape>();

/** Records what a closure computes, for the generator; returns the closure. */
export function describe<E extends Expr>(expr: E, shape: Shape): E {
  SHAPES.set(expr, shape);
  return expr;
}

/** An expression as one generated function with the same results, or the expression itself when nothing inlines. */
export function generated(expr: Expr): Expr {
  if (!SHAPES.has(expr)) return expr;
  const externs: unknown[] = [];
  let temps = 0;
  const temp = () => `t${temps++}`;
  const extern = (f: unknown) => {
    externs.push(f);
    return `x[${externs.length - 1}]`;
  };
  const call = (e: Expr) => `${extern(e)}(row)`;
  const emit = (e: Expr): string => {
    const s = SHAPES.get(e);
    if (!s) return call(e);
    switch (s.k) {
      case 'field': {
        const t = temp();
        return `((${t} = ${readField('row', s.name)}) === undefined ? null : ${t})`;
      }
      case 'const':
        // Strings as JSON literals (data, never code); numbers only when their text reads back the same.
        if (s.value === null || typeof s.value === 'boolean' || typeof s.value === 'string') return JSON.stringify(s.value);
        if (typeof s.value === 'number') return numberLiteral(s.value) ?? call(e);
        return call(e);
      case 'not': {
        const t = temp();
        return `((${t} = ${emit(s.x)}) === null ? null : !${t})`;
      }
      case 'compare': {
        // Numbers against a numeric literal, and text against a literal that is no number, compare inline (as
        // splunkCompare does: the difference, or the text order, against 0); any other value goes to the closure.
        const op = JS_OP[s.op];
        if (!op) return call(e);
        const t = temp();
        const inline = s.number !== undefined
          ? `typeof ${t} === 'number' ? (${t} - (${numberLiteral(s.number) ?? extern(s.number)})) ${op} 0`
          : `typeof ${t} === 'string' ? (${t} < ${JSON.stringify(s.text)} ? -1 : ${t} > ${JSON.stringify(s.text)} ? 1 : 0) ${op} 0`;
        return `((${t} = ${emit(s.left)}) === null ? null : ${inline} : ${extern(s.test)}(${t}))`;
      }
      case 'cidr': {
        const t = temp();
        return `((${t} = ${emit(s.x)}) !== null && (typeof ${t} === 'string' ? ${extern(s.inRange)}(${t}) : ${extern(s.test)}(${t})))`;
      }
      case 'isnull':
        return `(${emit(s.x)} === null)`;
      case 'isnotnull':
        return `(${emit(s.x)} !== null)`;
      case 'all':
      case 'any': {
        // Left to right, stopping at the first false (AND) or true (OR); else null if one was null.
        const stop = s.k === 'all' ? 'false' : 'true';
        const u = temp();
        const t = temp();
        let code = `(${u} ? null : ${s.k === 'all' ? 'true' : 'false'})`;
        for (let i = s.parts.length - 1; i >= 0; i--) code = `((${t} = ${emit(s.parts[i]!)}) === ${stop} ? ${stop} : (${t} === null && (${u} = true), ${code}))`;
        return `(${u} = false, ${code})`;
      }
    }
  };
  const body = emit(expr);
  const decl = temps ? `let ${Array.from({ length: temps }, (_, i) => `t${i}`).join(', ')};` : '';
  return new Function('x', `return function expr(row) { ${decl} return ${body}; };`)(externs) as Expr;
}

/** A number as JavaScript source, when its text reads back as the same number (not NaN, the infinities or -0). */
function numberLiteral(n: number): string | undefined {
  return Number.isFinite(n) && !Object.is(n, -0) ? `(${String(n)})` : undefined;
}
