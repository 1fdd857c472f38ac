import { parseIpv4, parseIpv6 } from '../../util/ip.js';
import { KDateTime, KqlRuntimeError, KTimespan, compare, type KValue } from './values.js';

// Scalar functions of the emitted KQL subset, with Kusto's documented null behaviour.

// A row's address is read by every list check of a query (and parse_ipv4): parse each text once while it is hot.
const v4Cache = new Map<string, bigint | null>();

function ipv4(v: KValue): bigint | null {
  if (typeof v !== 'string') return null;
  let n = v4Cache.get(v);
  if (n === undefined) {
    if (v4Cache.size >= 8192) v4Cache.clear();
    v4Cache.set(v, (n = parseIpv4(v.trim())));
  }
  return n;
}

/** An IPv4 or IPv6 text as a 128-bit value; IPv4 becomes IPv4-mapped IPv6 (::ffff:a.b.c.d), as ipv6_* do. */
function ipv6(v: KValue): bigint | null {
  if (typeof v !== 'string') return null;
  const t = v.trim();
  const four = parseIpv4(t);
  if (four !== null) return (0xffffn << 32n) | four;
  return parseIpv6(t);
}

/** A range list entry parsed once: its network shifted right by its host bits, or null when it is not a range. */
interface ParsedRange {
  net: bigint;
  shift: bigint;
}

function parseRange(range: string, family: 4 | 6): ParsedRange | null {
  const [addr, pre] = range.split('/');
  const bits = family === 4 ? 32 : 128;
  const net = family === 4 ? parseIpv4(addr!) : ipv6(addr!);
  if (net === null) return null;
  let prefix = pre === undefined ? bits : Number(pre);
  if (family === 6 && parseIpv4(addr!) !== null) prefix += 96;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return null;
  const shift = BigInt(bits - prefix);
  return { net: net >> shift, shift };
}

// The ranges of a list, parsed once per list value: a dynamic literal or a let-bound list is the same array on
// every row, so no row parses a range again.
const parsed = { 4: new WeakMap<KValue[], (ParsedRange | null)[]>(), 6: new WeakMap<KValue[], (ParsedRange | null)[]>() };

function anyRange(ipValue: bigint | null, ranges: KValue, family: 4 | 6): KValue {
  if (ipValue === null) return null;
  if (!Array.isArray(ranges)) throw new KqlRuntimeError('ip range list must be a dynamic array');
  let list = parsed[family].get(ranges);
  if (!list) parsed[family].set(ranges, (list = ranges.map((r) => parseRange(String(r), family))));
  let result = false;
  for (const r of list) {
    if (r === null) return null;
    if (ipValue >> r.shift === r.net) result = true;
  }
  return result;
}

const PRIVATE_V4: KValue[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

export function isEmpty(v: KValue): boolean {
  return v === null || v === '';
}

const FUNCTIONS: Record<string, (args: KValue[], now: number) => KValue> = {
  not: ([x]) => (x === null ? null : !x),
  isnull: ([x]) => x === null,
  isnotnull: ([x]) => x !== null,
  isempty: ([x]) => isEmpty(x!),
  isnotempty: ([x]) => !isEmpty(x!),
  coalesce: (args) => args.find((a) => !isEmpty(a)) ?? args[args.length - 1] ?? null,
  ipv4_is_in_any_range: ([ip, ranges]) => anyRange(ipv4(ip!), ranges!, 4),
  ipv6_is_in_any_range: ([ip, ranges]) => anyRange(ipv6(ip!), ranges!, 6),
  ipv4_is_in_range: ([ip, range]) => anyRange(ipv4(ip!), [range!], 4),
  ipv4_is_private: ([ip]) => anyRange(ipv4(ip!), PRIVATE_V4, 4),
  parse_ipv4: ([ip]) => {
    const v = ipv4(ip!);
    return v === null ? null : Number(v);
  },
  tolower: ([s]) => (s === null ? null : String(s).toLowerCase()),
  toupper: ([s]) => (s === null ? null : String(s).toUpperCase()),
  tostring: ([s]) => (s === null ? '' : s instanceof KDateTime ? new Date(s.ms).toISOString() : String(s)),
  tolong: ([x]) => toNumber(x!, true),
  toint: ([x]) => toNumber(x!, true),
  toreal: ([x]) => toNumber(x!, false),
  todouble: ([x]) => toNumber(x!, false),
  strlen: ([s]) => (s === null ? null : [...String(s)].length),
  strcat: (args) => args.map((a) => (a === null ? '' : String(a))).join(''),
  iff: ([c, a, b]) => (c === true ? a! : b!),
  iif: ([c, a, b]) => (c === true ? a! : b!),
  case: (args) => {
    for (let i = 0; i + 1 < args.length; i += 2) if (args[i] === true) return args[i + 1]!;
    return args[args.length - 1]!;
  },
  now: (_, now) => new KDateTime(now),
  ago: ([span], now) => {
    if (!(span instanceof KTimespan)) throw new KqlRuntimeError('ago() takes a timespan');
    return new KDateTime(now - span.ms);
  },
  bin: ([v, size]) => {
    if (v === null || size === null) return null;
    if (v instanceof KDateTime && size instanceof KTimespan) return new KDateTime(Math.floor(v.ms / size.ms) * size.ms);
    if (typeof v === 'number' && typeof size === 'number') return Math.floor(v / size) * size;
    throw new KqlRuntimeError('bin() needs (datetime, timespan) or (number, number)');
  },
  array_length: ([a]) => (Array.isArray(a) ? a.length : null),
  array_sort_asc: ([a]) => (Array.isArray(a) ? [...a].sort((x, y) => (x === null ? 1 : y === null ? -1 : compare(x, y))) : null),
  array_slice: ([a, s, e]) => {
    if (!Array.isArray(a) || typeof s !== 'number' || typeof e !== 'number') return null;
    const n = a.length;
    const start = s < 0 ? Math.max(0, n + s) : s;
    const end = e < 0 ? n + e : Math.min(e, n - 1);
    return start > end ? [] : a.slice(start, end + 1);
  },
  set_has_element: ([a, v]) => (Array.isArray(a) ? a.some((x) => compare(x, v!) === 0) : null),
};

function toNumber(x: KValue, integer: boolean): KValue {
  if (x === null || x === '') return null;
  if (x instanceof KTimespan || x instanceof KDateTime) return integer ? Math.trunc(x.ms * 10_000) : x.ms * 10_000;
  const n = typeof x === 'boolean' ? Number(x) : Number(x);
  if (!Number.isFinite(n)) return null;
  return integer ? Math.trunc(n) : n;
}

/** The implementation of a scalar function, looked up once when a query is compiled. */
export function scalarFunction(name: string): (args: KValue[], now: number) => KValue {
  const f = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!f) throw new KqlRuntimeError(`function ${name}() is outside the supported KQL subset (docs/engines.md)`);
  return f;
}
