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

/** A finite number's text reads back as that number: min, max and sum skip the round trip through text. */
export function finite(v: SValue | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

// Folds of one value (as eachValue hands them) into an aggregate's state, shared by stats and tstats.

/** count(f): a value seen (`eachValue(v, 0, addPresent, arg) > 0` says whether a field has one). */
export const addPresent = (n: number): number => n + 1;

/** min(): the least value so far, numeric when it reads as a number; null before the first. */
export const addMin = (best: SValue, x: string): SValue => (best === null || splunkCompare(x, best) < 0 ? asNumber(x) ?? x : best);

/** max(): the greatest value so far, as addMin. */
export const addMax = (best: SValue, x: string): SValue => (best === null || splunkCompare(x, best) > 0 ? asNumber(x) ?? x : best);

/** sum() and avg(): the sum and the count of numeric values, made at the first one. */
export interface Sum {
  s: number;
  n: number;
}

/** A number into a sum (`+ 0`: a first -0 counts as 0, as it does added to a sum). */
export function addNumber(sum: Sum | undefined, k: number): Sum {
  if (sum === undefined) return { s: k + 0, n: 1 };
  sum.s += k;
  sum.n++;
  return sum;
}

/** A value as text into a sum when it reads as a number. */
export const addSum = (sum: Sum | undefined, x: string): Sum | undefined => {
  const k = asNumber(x);
  return k === undefined ? sum : addNumber(sum, k);
};

const pushValue = (xs: string[], x: string, intern: (x: string) => string): string[] => (xs.push(intern(x)), xs);
const asIs = (x: string): string => x;

/**
 * A field's values (as eachValue reads them) as one value: null when none, a text when one, else a multivalue; each
 * text through `intern` when given (a state keeping it: stats' first()/last()).
 */
export function valuesAsOne(v: SValue | undefined, intern: (x: string) => string = asIs): SValue {
  if (v === undefined || v === null || v === '') return null;
  if (!Array.isArray(v)) return intern(typeof v === 'string' ? v : String(v));
  const xs = eachValue(v, [] as string[], pushValue, intern);
  return xs.length === 0 ? null : xs.length === 1 ? xs[0]! : xs;
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
