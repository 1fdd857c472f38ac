import { isAbsent } from '../../events/model.js';
import { cidrMatcher, ipv4Number, type CidrMatcher } from '../../util/cidr-match.js';
import { parseCidr } from '../../util/ip.js';

// Sigma value matching (specification v2.1, appendix "modifiers"), for the modifiers detc emits and a few more.
// Anything else is a SigmaRuntimeError naming the modifier.

export class SigmaRuntimeError extends Error {}

const SUPPORTED = new Set(['contains', 'startswith', 'endswith', 'all', 're', 'i', 'm', 's', 'cidr', 'exists', 'cased', 'gt', 'gte', 'lt', 'lte', 'neq']);

/** A compiled `Field|mod|mod: value(s)` item: true when the event's field matches. */
export type ItemMatcher = (event: Record<string, unknown>) => boolean;

/** Turns a plain Sigma string (with `*`, `?` wildcards and `\` escapes) into a regex source. */
export function wildcardToRegex(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      const next = value[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        out += escapeRegex(next);
        i++;
      } else out += '\\\\';
    } else if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else out += escapeRegex(c);
  }
  return out;
}

// Plain values are matched without a regular expression: V8 compiles a regex recursively, and a long literal
// (10,000 characters) overflows its stack. Case folding is toLowerCase on both sides, as the reference evaluator's.
const STAR = Symbol('*');
const ONE = Symbol('?');
type Piece = string | typeof STAR | typeof ONE;

/** A Sigma value as literal runs and wildcards (`*` any run, `?` one character; `\\*`, `\\?`, `\\\\` escape them). */
function globPieces(value: string): Piece[] {
  const out: Piece[] = [];
  let lit = '';
  const flush = () => {
    if (lit) out.push(lit);
    lit = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    const next = value[i + 1];
    if (c === '\\' && (next === '*' || next === '?' || next === '\\')) {
      lit += next;
      i++;
    } else if (c === '*' || c === '?') {
      flush();
      out.push(c === '*' ? STAR : ONE);
    } else lit += c;
  }
  flush();
  return out;
}

/** Length in UTF-16 units of the code point at `i` (`?` is one character, as `[\\s\\S]` with the u flag). */
const unit = (s: string, i: number) => (s.codePointAt(i)! > 0xffff ? 2 : 1);

/** Whether `i` falls between the two halves of a surrogate pair (not a character boundary). */
const midPair = (s: string, i: number) => i > 0 && i < s.length && /[\udc00-\udfff]/.test(s[i]!) && /[\ud800-\udbff]/.test(s[i - 1]!);

/**
 * A whole-value matcher for a pattern. Between stars, each chunk is found at its leftmost place (enough for `*`,
 * which can absorb whatever the leftmost choice leaves); the first chunk is anchored at the start and the last at
 * the end.
 */
function compileGlob(pieces: Piece[]): (s: string) => boolean {
  const chunks: Piece[][] = [[]];
  for (const p of pieces) {
    if (p === STAR) chunks.push([]);
    else chunks[chunks.length - 1]!.push(p);
  }
  /** The end of `chunk` matched at `at`, or -1. */
  const matchAt = (s: string, chunk: Piece[], at: number): number => {
    let i = at;
    for (const p of chunk) {
      if (p === ONE) {
        if (i >= s.length) return -1;
        i += unit(s, i);
      } else if (typeof p === 'string' && s.startsWith(p, i)) i += p.length;
      else return -1;
    }
    return i;
  };
  const first = chunks[0]!;
  const rest = chunks.slice(1);
  return (s) => {
    let at = matchAt(s, first, 0);
    if (at < 0) return false;
    if (!rest.length) return at === s.length;
    for (let k = 0; k < rest.length; k++) {
      const chunk = rest[k]!;
      if (k === rest.length - 1) {
        // The last chunk ends the value: try it where it must start, counting its characters from the end.
        for (let j = s.length; j >= at; j--) if (!midPair(s, j) && matchAt(s, chunk, j) === s.length) return true;
        return false;
      }
      let found = -1;
      for (let j = at; j <= s.length; j += j < s.length ? unit(s, j) : 1) {
        const end = matchAt(s, chunk, j);
        if (end >= 0) {
          found = end;
          break;
        }
      }
      if (found < 0) return false;
      at = found;
    }
    return true;
  };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Sigma's `re` uses a PCRE subset; JS regex covers it, and inline flags are emulated for `(?i)` at the start. */
function sigmaRegex(source: string, flags: string): RegExp {
  let f = flags;
  let src = source;
  const m = /^\(\?([ims]+)\)/.exec(src);
  if (m) {
    f += m[1];
    src = src.slice(m[0].length);
  }
  try {
    return new RegExp(src, [...new Set(f)].join('') + 'u');
  } catch (e) {
    throw new SigmaRuntimeError(`invalid regular expression '${source}': ${(e as Error).message}`);
  }
}

export function compileItem(key: string, raw: unknown): ItemMatcher {
  const [field, ...mods] = key.split('|');
  for (const m of mods) if (!SUPPORTED.has(m)) throw new SigmaRuntimeError(`modifier '${m}' is outside the supported Sigma subset (docs/engines.md)`);
  const values = Array.isArray(raw) ? raw : [raw];
  const all = mods.includes('all');
  const combine = (tests: ValueTest[]) => anyOrAll(tests, all);
  const f = field!;

  if (mods.includes('exists')) {
    const want = raw === true || raw === 'true';
    return want ? (e) => !isAbsent(e[f]) : (e) => isAbsent(e[f]);
  }
  if (mods.includes('cidr')) {
    const inRanges = cidrListMatcher(values.map(String));
    return (e) => {
      const v = e[f];
      return typeof v === 'string' && inRanges(v);
    };
  }
  const numeric = ['gt', 'gte', 'lt', 'lte'].find((m) => mods.includes(m));
  if (numeric) {
    const tests = values.map((x) => {
      const n = Number(x);
      return (v: unknown) => {
        if (isAbsent(v) || v === '' || !Number.isFinite(Number(v))) return false;
        const a = Number(v);
        return numeric === 'gt' ? a > n : numeric === 'gte' ? a >= n : numeric === 'lt' ? a < n : a <= n;
      };
    });
    const test = combine(tests);
    return (e) => test(e[f]);
  }
  if (mods.includes('re')) {
    const flags = (mods.includes('i') ? 'i' : '') + (mods.includes('m') ? 'm' : '') + (mods.includes('s') ? 's' : '');
    const tests = values.map((x) => {
      const re = sigmaRegex(String(x), flags);
      return (v: unknown) => !isAbsent(v) && re.test(String(v));
    });
    const test = combine(tests);
    return (e) => test(e[f]);
  }
  const cased = mods.includes('cased');
  const tests = values.map((x) => {
    if (x === null) return (v: unknown) => isAbsent(v);
    if (typeof x === 'number' || typeof x === 'boolean') {
      const want = String(x);
      return (v: unknown) => v === x || (!isAbsent(v) && String(v) === want);
    }
    let pattern = globPieces(String(x));
    if (mods.includes('contains') || mods.includes('endswith')) pattern = [STAR, ...pattern];
    if (mods.includes('contains') || mods.includes('startswith')) pattern = [...pattern, STAR];
    const fold = (t: string) => (cased ? t : t.toLowerCase());
    // '' is matched by '' alone: a text of one character or more folds to one or more.
    if (!pattern.length) return (v: unknown) => v === '' || (!isAbsent(v) && typeof v !== 'string' && String(v) === '');
    const glob = compileGlob(pattern.map((p) => (typeof p === 'string' ? fold(p) : p)));
    return (v: unknown) => !isAbsent(v) && glob(fold(String(v)));
  });
  const test = combine(tests);
  if (mods.includes('neq')) {
    return (e) => {
      const v = e[f];
      return !isAbsent(v) && !test(v);
    };
  }
  return (e) => test(e[f]);
}

type ValueTest = (v: unknown) => boolean;

/** One test of a field's value from several: any of them, or all of them (`|all`); built once, not per event. */
function anyOrAll(tests: ValueTest[], all: boolean): ValueTest {
  if (tests.length === 1) return tests[0]!;
  if (all) {
    return (v) => {
      for (let i = 0; i < tests.length; i++) if (!tests[i]!(v)) return false;
      return true;
    };
  }
  return (v) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(v)) return true;
    return false;
  };
}

/** Matchers of one event combined: true when any is (`or`) or when all are (`and`). */
export function anyOf(parts: ItemMatcher[]): ItemMatcher {
  if (parts.length === 1) return parts[0]!;
  return (e) => {
    for (let i = 0; i < parts.length; i++) if (parts[i]!(e)) return true;
    return false;
  };
}

export function allOf(parts: ItemMatcher[]): ItemMatcher {
  if (parts.length === 1) return parts[0]!;
  return (e) => {
    for (let i = 0; i < parts.length; i++) if (!parts[i]!(e)) return false;
    return true;
  };
}

/** The last address text tested and its IPv4 number: a rule tests one field against several range lists per event. */
let lastAddress = '';
let lastV4 = -1;

/**
 * Membership in any of a list of ranges (util/ip semantics: strict dotted quads, IPv4 and IPv6 never match each
 * other): an IPv4 address is compared with the IPv4 networks in one loop over numbers, and only an address that
 * is not IPv4 is tested against the IPv6 ranges.
 */
function cidrListMatcher(ranges: string[]): (address: string) => boolean {
  let anyV4 = false;
  const shifts: number[] = [];
  const networks: number[] = [];
  const v6: CidrMatcher[] = [];
  for (const r of ranges) {
    const c = parseCidr(r);
    if (typeof c === 'string') throw new SigmaRuntimeError(`invalid cidr value: ${c}`);
    if (c.family === 6) v6.push(cidrMatcher(r)!);
    else if (c.prefix === 0) anyV4 = true; // an unsigned shift by 32 would be a shift by 0
    else {
      shifts.push(32 - c.prefix);
      networks.push(Number(c.network) >>> (32 - c.prefix));
    }
  }
  return (address) => {
    if (address !== lastAddress) {
      lastAddress = address;
      lastV4 = ipv4Number(address);
    }
    const v = lastV4;
    if (v >= 0) {
      if (anyV4) return true;
      for (let i = 0; i < shifts.length; i++) if (v >>> shifts[i]! === networks[i]) return true;
      return false;
    }
    for (let i = 0; i < v6.length; i++) if (v6[i]!(address)) return true;
    return false;
  };
}

/** A selection: a map (items ANDed) or a list of maps (ORed). Keyword lists are outside the subset. */
export function compileSelection(name: string, sel: unknown): ItemMatcher {
  if (Array.isArray(sel)) {
    if (sel.some((s) => typeof s !== 'object' || s === null)) throw new SigmaRuntimeError(`selection '${name}': keyword searches are outside the supported subset`);
    return anyOf(sel.map((s, i) => compileSelection(`${name}[${i}]`, s)));
  }
  if (typeof sel !== 'object' || sel === null) throw new SigmaRuntimeError(`selection '${name}' must be a map or a list of maps`);
  return allOf(Object.entries(sel as Record<string, unknown>).map(([k, v]) => compileItem(k, v)));
}
