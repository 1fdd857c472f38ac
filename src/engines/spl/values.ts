// SPL values: strings, numbers, booleans (from comparisons), null, and multivalue fields (arrays of strings).
export type SValue = null | string | number | boolean | SValue[];
/**
 * A row. A field holding undefined is absent, like a field left out: a search's rows are made with every field it
 * names (src/engines/spl/plan.ts), so removing a field sets it to undefined instead of changing the row's shape.
 */
export type SEvent = Record<string, SValue | undefined>;

export class SplRuntimeError extends Error {}

/** A number when the value is numeric (Splunk compares numerically when both sides are numbers). */
export function asNumber(v: SValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string' || v === '') return undefined;
  // Most text is no number: its first character says so without a regular expression.
  const c = v.charCodeAt(0);
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46 || c <= 32 || c === 160 || c >= 0x1680)) return undefined;
  const t = v.trim();
  if (t !== '' && NUMBER.test(t)) return Number(v);
  return undefined;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function asString(v: SValue): string {
  if (v === null) return '';
  if (Array.isArray(v)) return v.map(asString).join(' ');
  return String(v);
}

/**
 * The values an aggregate function sees in a field, folded into its state: none for a missing field, null or "",
 * each non-empty element of a multivalue, every value as text (Search Reference, "How field values are processed").
 * `arg` is handed to `add` as it is (stats: its interner), so that `add` need not be a closure per aggregation.
 */
export function eachValue<S, A>(v: SValue | undefined, state: S, add: (state: S, x: string, arg: A) => S, arg: A): S {
  if (v === undefined || v === null || v === '') return state;
  if (typeof v === 'string') return add(state, v, arg);
  if (!Array.isArray(v)) return add(state, String(v), arg);
  for (const x of v) if (x !== null && x !== '') state = add(state, asString(x), arg);
  return state;
}

/** Splunk's ordering: numeric when both are numbers, else lexicographic (case-sensitive). */
export function splunkCompare(a: SValue, b: SValue): number {
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x - y;
  const s = asString(a);
  const t = asString(b);
  return s < t ? -1 : s > t ? 1 : 0;
}

/** PCRE (as Splunk's match() uses it) → JavaScript RegExp, for the constructs the compiler emits. */
export function pcreToRegExp(pattern: string): RegExp {
  let src = pattern;
  let flags = 'u';
  const m = /^\(\?([imsx]+)\)/.exec(src);
  if (m) {
    if (m[1]!.includes('x')) throw new SplRuntimeError(`regex flag x is outside the supported subset: ${pattern}`);
    flags += m[1];
    src = src.slice(m[0].length);
  }
  if (/\\Q|\\E|\(\?[imsx-]+[:)]/.test(src)) throw new SplRuntimeError(`regex construct outside the supported subset: ${pattern}`);
  src = src.replace(/\\x\{([0-9A-Fa-f]+)\}/g, '\\u{$1}').replace(/\\A/g, '^').replace(/\\z/g, '$(?![\\s\\S])').replace(/\\Z/g, '(?=\\n?$(?![\\s\\S]))');
  try {
    return new RegExp(src, [...new Set(flags)].join(''));
  } catch (e) {
    throw new SplRuntimeError(`invalid regex ${pattern}: ${(e as Error).message}`);
  }
}
