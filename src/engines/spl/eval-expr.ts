import { describe } from './expr-codegen.js';
import { fieldReader } from './field-access.js';
import { cidrMatcher, type CidrMatcher } from '../../util/cidr-match.js';
import { SplRuntimeError, asNumber, asString, splunkCompare, pcreToRegExp, type SEvent, type SValue } from './values.js';

// The eval/where expression language (Splunk "Evaluation functions"): precedence, from loosest: OR/XOR, AND,
// NOT, comparisons, + - ., * / %, unary minus. Boolean logic is three-valued (null propagates), as in Splunk.

type Tok = { t: 'num' | 'str' | 'id' | 'op' | '(' | ')' | ','; v: string; pos: number };

export function tokenizeExpr(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"') {
      let v = '';
      let j = i + 1;
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && (s[j + 1] === '"' || s[j + 1] === '\\')) v += s[++j];
        else v += s[j];
      }
      if (j >= s.length) throw new SplRuntimeError(`unterminated string at ${i}: ${s.slice(i, i + 30)}`);
      out.push({ t: 'str', v, pos: i });
      i = j + 1;
      continue;
    }
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      if (j < 0) throw new SplRuntimeError(`unterminated field name at ${i}`);
      out.push({ t: 'id', v: s.slice(i + 1, j), pos: i });
      i = j + 1;
      continue;
    }
    const num = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(s.slice(i));
    if (num && !/[A-Za-z_]/.test(s[i + num[0].length] ?? '')) {
      out.push({ t: 'num', v: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_.:]*/.exec(s.slice(i));
    if (id) {
      // A trailing '.' is the concatenation operator, not part of the name.
      let name = id[0];
      while (name.endsWith('.')) name = name.slice(0, -1);
      out.push({ t: 'id', v: name, pos: i });
      i += name.length;
      continue;
    }
    const op = /^(==|!=|<=|>=|=|<|>|\+|-|\*|\/|%|\.)/.exec(s.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[0], pos: i });
      i += op[0].length;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ t: c, v: c, pos: i });
      i++;
      continue;
    }
    throw new SplRuntimeError(`unexpected '${c}' at ${i} in: ${s}`);
  }
  return out;
}

export type Expr = (e: SEvent) => SValue;

// Expressions are compiled once into closures. Literals are remembered as constants so that a function whose
// pattern, range or value list is a literal (cidrmatch("10.0.0.0/8", ip), in(x, "a", "b"), match(x, "re"))
// prepares it once instead of on every event.
const CONSTANTS = new WeakMap<Expr, SValue>();

function constant(v: SValue): Expr {
  const e: Expr = () => v;
  CONSTANTS.set(e, v);
  return describe(e, { k: 'const', value: v });
}

function isConstant(e: Expr | undefined): e is Expr {
  return e !== undefined && CONSTANTS.has(e);
}

function constantOf(e: Expr): SValue {
  return CONSTANTS.get(e)!;
}

export class ExprParser {
  private i = 0;
  /**
   * `fields` collects the names of the fields the expression reads (a search's plan copies only those); `calls` the
   * names of the functions it calls.
   */
  constructor(private readonly toks: Tok[], private readonly text: string, private readonly fields?: Set<string>, private readonly calls?: Set<string>) {}

  static parse(text: string, fields?: Set<string>): Expr {
    const p = new ExprParser(tokenizeExpr(text), text, fields);
    const e = p.or();
    if (p.i !== p.toks.length) throw new SplRuntimeError(`unexpected '${p.toks[p.i]!.v}' in: ${text}`);
    return e;
  }

  /** Parses one expression from a token list and reports where it stopped (for `eval a=x, b=y`). */
  static parsePrefix(toks: Tok[], start: number, text: string, fields?: Set<string>, calls?: Set<string>): { expr: Expr; next: number } {
    const p = new ExprParser(toks, text, fields, calls);
    p.i = start;
    return { expr: p.or(), next: p.i };
  }

  private peek(): Tok | undefined { return this.toks[this.i]; }
  private isWord(w: string): boolean { const t = this.peek(); return t?.t === 'id' && t.v === w; }

  // A run of ORs (or of ANDs) is one n-ary test over its operands, left to right and short-circuiting: the same
  // answers as the left-nested binary form, with one call per operand.
  private or(): Expr {
    const parts = [this.and()];
    const ops: string[] = [];
    while (this.isWord('OR') || this.isWord('XOR')) {
      ops.push(this.peek()!.v);
      this.i++;
      parts.push(this.and());
    }
    let run = [parts[0]!];
    for (let k = 0; k < ops.length; k++) {
      if (ops[k] === 'OR') run.push(parts[k + 1]!);
      else run = [xor(anyTrue(run), parts[k + 1]!)];
    }
    return anyTrue(run);
  }
  private and(): Expr {
    const parts = [this.not()];
    while (this.isWord('AND')) {
      this.i++;
      parts.push(this.not());
    }
    return allTrue(parts);
  }
  private not(): Expr {
    if (this.isWord('NOT')) {
      this.i++;
      const x = this.not();
      return describe((e) => { const v = x(e); return v === null ? null : !v; }, { k: 'not', x });
    }
    return this.comparison();
  }
  private comparison(): Expr {
    const left = this.additive();
    const t = this.peek();
    if (t?.t === 'op' && ['=', '==', '!=', '<', '<=', '>', '>='].includes(t.v)) {
      this.i++;
      const right = this.additive();
      const test = comparisonTest(t.v);
      const compare = isConstant(right) ? compareWith(constantOf(right)) : undefined;
      if (compare) {
        const valueTest = (a: SValue): boolean => (Array.isArray(a) ? a.some((x) => test(compare(x))) : test(compare(a)));
        const b = constantOf(right);
        return describe((e) => {
          const a = left(e);
          return a === null ? null : valueTest(a);
        }, { k: 'compare', left, op: t.v, number: asNumber(b), text: asString(b), test: valueTest });
      }
      return (e) => {
        const a = left(e);
        const b = right(e);
        if (a === null || b === null) return null;
        if (Array.isArray(a)) return a.some((x) => test(splunkCompare(x, b)));
        return test(splunkCompare(a, b));
      };
    }
    return left;
  }
  private additive(): Expr {
    let left = this.multiplicative();
    for (let t = this.peek(); t?.t === 'op' && ['+', '-', '.'].includes(t.v); t = this.peek()) {
      this.i++;
      const l = left;
      const r = this.multiplicative();
      const op = t.v;
      left = (e) => {
        const a = l(e);
        const b = r(e);
        if (a === null || b === null) return null;
        if (op === '.') return asString(a) + asString(b);
        const x = asNumber(a);
        const y = asNumber(b);
        if (op === '+' && (x === undefined || y === undefined)) return asString(a) + asString(b);
        if (x === undefined || y === undefined) return null;
        return op === '+' ? x + y : x - y;
      };
    }
    return left;
  }
  private multiplicative(): Expr {
    let left = this.unary();
    for (let t = this.peek(); t?.t === 'op' && ['*', '/', '%'].includes(t.v); t = this.peek()) {
      this.i++;
      const l = left;
      const r = this.unary();
      const op = t.v;
      left = (e) => {
        const x = asNumber(l(e));
        const y = asNumber(r(e));
        if (x === undefined || y === undefined) return null;
        if ((op === '/' || op === '%') && y === 0) return null;
        return op === '*' ? x * y : op === '/' ? x / y : x % y;
      };
    }
    return left;
  }
  private unary(): Expr {
    const t = this.peek();
    if (t?.t === 'op' && t.v === '-') {
      this.i++;
      const x = this.unary();
      return (e) => { const n = asNumber(x(e)); return n === undefined ? null : -n; };
    }
    return this.primary();
  }
  private primary(): Expr {
    const t = this.peek();
    if (!t) throw new SplRuntimeError(`expression ends early: ${this.text}`);
    this.i++;
    if (t.t === 'num') return constant(Number(t.v));
    if (t.t === 'str') return constant(t.v);
    if (t.t === '(') {
      const e = this.or();
      if (this.peek()?.t !== ')') throw new SplRuntimeError(`missing ) in: ${this.text}`);
      this.i++;
      return e;
    }
    if (t.t === 'id') {
      if (this.peek()?.t === '(') {
        this.i++;
        const args: Expr[] = [];
        if (this.peek()?.t !== ')') {
          for (;;) {
            args.push(this.or());
            if (this.peek()?.t === ',') { this.i++; continue; }
            break;
          }
        }
        if (this.peek()?.t !== ')') throw new SplRuntimeError(`missing ) after arguments of ${t.v}() in: ${this.text}`);
        this.i++;
        this.calls?.add(t.v);
        return callFunction(t.v, args);
      }
      const name = t.v;
      this.fields?.add(name);
      return describe(fieldReader(name), { k: 'field', name });
    }
    throw new SplRuntimeError(`unexpected '${t.v}' in: ${this.text}`);
  }
}

/** `a OR b OR ...`: true if one is true, else null if one is null, else false. */
function anyTrue(parts: Expr[]): Expr {
  return junction(parts, true, 'any');
}

/** `a AND b AND ...`: false if one is false, else null if one is null, else true. */
function allTrue(parts: Expr[]): Expr {
  return junction(parts, false, 'all');
}

/** Three-valued OR (`decisive` true) and AND (false): one decisive part decides, else null if one is null. */
function junction(parts: Expr[], decisive: boolean, k: 'any' | 'all'): Expr {
  if (parts.length === 1) return parts[0]!;
  const n = parts.length;
  return describe((e) => {
    let unknown = false;
    for (let i = 0; i < n; i++) {
      const v = parts[i]!(e);
      if (v === decisive) return decisive;
      if (v === null) unknown = true;
    }
    return unknown ? null : !decisive;
  }, { k, parts });
}

function xor(l: Expr, r: Expr): Expr {
  return (e) => { const a = l(e); const b = r(e); return a === null || b === null ? null : Boolean(a) !== Boolean(b); };
}

/** The test of a comparison operator on splunkCompare's result, chosen when the expression is compiled. */
function comparisonTest(op: string): (c: number) => boolean {
  switch (op) {
    case '=': case '==': return (c) => c === 0;
    case '!=': return (c) => c !== 0;
    case '<': return (c) => c < 0;
    case '<=': return (c) => c <= 0;
    case '>': return (c) => c > 0;
    default: return (c) => c >= 0;
  }
}

/** splunkCompare(x, b) for a literal b (never null), with b's number and text worked out once. */
function compareWith(b: SValue): ((x: SValue) => number) | undefined {
  if (b === null || Array.isArray(b)) return undefined;
  const y = asNumber(b);
  const t = asString(b);
  return (x) => {
    if (y !== undefined) {
      const n = asNumber(x);
      if (n !== undefined) return n - y;
    }
    const s = asString(x);
    return s < t ? -1 : s > t ? 1 : 0;
  };
}

/**
 * The functions that give a value for any arguments once compiled: they never throw while the search runs (a
 * computed regular expression, a malformed escape or relative_time specifier would). A plan may skip an expression
 * of these alone for rows whose fate it already knows (pipeline.ts, filters run early).
 */
export const TOTAL_FUNCTIONS: ReadonlySet<string> = new Set([
  'isnull', 'isnotnull', 'null', 'true', 'false', 'lower', 'upper', 'len', 'tostring', 'tonumber', 'floor', 'ceiling',
  'ceil', 'round', 'abs', 'if', 'case', 'coalesce', 'in', 'cidrmatch', 'mvindex', 'mvcount',
]);

function callFunction(name: string, args: Expr[]): Expr {
  const arity = (min: number, max = min) => {
    if (args.length < min || args.length > max) throw new SplRuntimeError(`${name}() takes ${min === max ? min : `${min}..${max}`} arguments`);
  };
  switch (name) {
    case 'isnull': arity(1); return describe((e) => args[0]!(e) === null, { k: 'isnull', x: args[0]! });
    case 'isnotnull': arity(1); return describe((e) => args[0]!(e) !== null, { k: 'isnotnull', x: args[0]! });
    case 'null': arity(0); return constant(null);
    case 'true': arity(0); return constant(true);
    case 'false': arity(0); return constant(false);
    case 'lower': arity(1); return (e) => { const v = args[0]!(e); return v === null ? null : Array.isArray(v) ? v.map((x) => asString(x).toLowerCase()) : asString(v).toLowerCase(); };
    case 'upper': arity(1); return (e) => { const v = args[0]!(e); return v === null ? null : asString(v).toUpperCase(); };
    case 'len': arity(1); return (e) => { const v = args[0]!(e); return v === null ? null : [...asString(v)].length; };
    case 'tostring': arity(1, 2); return (e) => { const v = args[0]!(e); return v === null ? null : asString(v); };
    case 'tonumber': arity(1, 2); return (e) => { const n = asNumber(args[0]!(e)); return n === undefined ? null : n; };
    case 'floor': arity(1); return (e) => { const n = asNumber(args[0]!(e)); return n === undefined ? null : Math.floor(n); };
    case 'ceiling': case 'ceil': arity(1); return (e) => { const n = asNumber(args[0]!(e)); return n === undefined ? null : Math.ceil(n); };
    case 'round': arity(1, 2); return (e) => { const n = asNumber(args[0]!(e)); const d = args[1] ? asNumber(args[1](e)) ?? 0 : 0; return n === undefined ? null : Math.round(n * 10 ** d) / 10 ** d; };
    case 'abs': arity(1); return (e) => { const n = asNumber(args[0]!(e)); return n === undefined ? null : Math.abs(n); };
    case 'urldecode': arity(1); return (e) => { const v = args[0]!(e); return v === null ? null : decodeURIComponent(asString(v)); };
    case 'if': arity(3); return (e) => (args[0]!(e) === true ? args[1]!(e) : args[2]!(e));
    case 'relative_time': {
      // relative_time(t, "-1h"): offsets only (s, m, h, d, w); snapping with @ is outside the subset.
      arity(2);
      const UNIT: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
      return (e) => {
        const t = asNumber(args[0]!(e));
        const spec = asString(args[1]!(e) ?? '');
        const m = /^([+-])(\d+)(s|m|h|d|w)$/.exec(spec);
        if (!m) throw new SplRuntimeError(`relative_time specifier '${spec}' is outside the supported subset (+/-N s|m|h|d|w)`);
        return t === undefined ? null : t + (m[1] === '-' ? -1 : 1) * Number(m[2]) * UNIT[m[3]!]!;
      };
    }
    case 'case': {
      if (args.length % 2) throw new SplRuntimeError('case() takes condition/value pairs');
      return (e) => {
        for (let i = 0; i < args.length; i += 2) if (args[i]!(e) === true) return args[i + 1]!(e);
        return null;
      };
    }
    case 'coalesce': return (e) => { for (const a of args) { const v = a(e); if (v !== null) return v; } return null; };
    case 'in': {
      if (args.length < 2) throw new SplRuntimeError('in() needs a field and values');
      const listed = args.slice(1);
      if (listed.every(isConstant) && listed.every((a) => constantOf(a) !== null && !Array.isArray(constantOf(a)))) {
        // Literal values: equal under splunkCompare and as text is equal as text (a literal is never NaN).
        const texts = new Set(listed.map((a) => asString(constantOf(a))));
        const field = args[0]!;
        return (e) => {
          const v = field(e);
          if (v === null) return false;
          if (!Array.isArray(v)) return texts.has(asString(v));
          return v.some((x) => texts.has(asString(x)));
        };
      }
      return (e) => {
        const v = args[0]!(e);
        if (v === null) return false;
        const vs = args.slice(1).map((a) => a(e));
        const xs = Array.isArray(v) ? v : [v];
        return xs.some((x) => vs.some((y) => y !== null && splunkCompare(x, y) === 0 && asString(x) === asString(y)));
      };
    }
    case 'match': {
      arity(2);
      if (isConstant(args[1]) && constantOf(args[1]) !== null) {
        const re = pcreToRegExp(asString(constantOf(args[1])));
        const subject = args[0]!;
        return (e) => {
          const v = subject(e);
          if (v === null) return null;
          if (!Array.isArray(v)) return re.test(asString(v));
          return v.some((x) => re.test(asString(x)));
        };
      }
      const cache = new Map<string, RegExp>();
      return (e) => {
        const v = args[0]!(e);
        const p = args[1]!(e);
        if (v === null || p === null) return null;
        const src = asString(p);
        let re = cache.get(src);
        if (!re) cache.set(src, (re = pcreToRegExp(src)));
        const xs = Array.isArray(v) ? v : [v];
        return xs.some((x) => re!.test(asString(x)));
      };
    }
    case 'like': {
      arity(2);
      const literal = isConstant(args[1]) && constantOf(args[1]) !== null ? likeRegExp(asString(constantOf(args[1]))) : undefined;
      return (e) => {
        const v = args[0]!(e);
        if (v === null) return null;
        if (literal) return literal.test(asString(v));
        const p = args[1]!(e);
        if (p === null) return null;
        return likeRegExp(asString(p)).test(asString(v));
      };
    }
    case 'cidrmatch': {
      arity(2);
      const address = args[1]!;
      if (isConstant(args[0])) {
        const c = constantOf(args[0]);
        const inRange = c === null ? undefined : cidrMatcher(asString(c));
        if (!inRange) return () => false;
        const test = (ip: SValue) => inRange(asString(ip));
        return describe((e) => {
          const ip = address(e);
          return ip !== null && test(ip);
        }, { k: 'cidr', x: address, inRange, test });
      }
      const ranges = new Map<string, CidrMatcher | undefined>();
      return (e) => {
        const c = args[0]!(e);
        const ip = address(e);
        if (c === null || ip === null) return false;
        const text = asString(c);
        if (!ranges.has(text)) ranges.set(text, cidrMatcher(text));
        const inRange = ranges.get(text);
        return inRange !== undefined && inRange(asString(ip));
      };
    }
    case 'mvindex': {
      arity(2, 3);
      return (e) => {
        const v = args[0]!(e);
        if (v === null) return null;
        const xs = Array.isArray(v) ? v : [v];
        const n = xs.length;
        let s = asNumber(args[1]!(e)) ?? 0;
        let end = args[2] ? asNumber(args[2](e)) ?? s : s;
        if (s < 0) s += n;
        if (end < 0) end += n;
        const out = xs.slice(Math.max(0, s), Math.min(n - 1, end) + 1);
        return out.length === 0 ? null : out.length === 1 && !args[2] ? out[0]! : out;
      };
    }
    case 'mvcount': arity(1); return (e) => { const v = args[0]!(e); return v === null ? null : Array.isArray(v) ? v.length : 1; };
    default:
      throw new SplRuntimeError(`eval function ${name}() is outside the supported SPL subset (docs/engines.md)`);
  }
}

/** like()'s pattern: % any run of characters, _ one character, the rest literal. */
function likeRegExp(p: string): RegExp {
  return new RegExp(`^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '[\\s\\S]*').replace(/_/g, '[\\s\\S]')}$`, 'u');
}
