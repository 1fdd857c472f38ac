// The helpers every generated detection module carries (copied statement by statement into each module by the
// TypeScript backend, so a module imports nothing). They are the canonical meanings of docs/semantics.md in plain
// TypeScript: what "missing" is, how times and numbers are read, CIDR membership, whole-term matching, text order.
// The rule's own logic is not here: the backend compiles it into straight-line code beside these helpers.

/** Canonical missing: absent, null or the empty string. */
function isMissing(v: unknown): v is undefined | null | '' {
  return v === undefined || v === null || v === '';
}

/** Numbers and numeric text become numbers; anything else is undefined. */
function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

const ISO_TIME = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?)?\s*(Z|[+-]\d\d(?::?\d\d)?)?$/i;

/** An event time in ms since the epoch: ISO 8601 text (no zone means UTC), a number of ms, or a Date. */
function toEpochMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime();
  if (typeof v !== 'string') return undefined;
  const m = ISO_TIME.exec(v.trim());
  if (!m) return undefined;
  const part = (i: number): number => Number(m[i] ?? 0);
  const y = part(1), mo = part(2), d = part(3), h = part(4), mi = part(5), s = part(6);
  const ms = Number(`${m[7] ?? ''}000`.slice(0, 3));
  // Date.UTC would roll 31 February over into March: such text is not a time.
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate() || h > 23 || mi > 59 || s > 59) return undefined;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const zone = /^([+-])(\d\d):?(\d\d)?$/.exec(m[8] ?? '');
  if (!zone) return utc;
  const zh = Number(zone[2]), zm = Number(zone[3] ?? 0);
  if (zh > 23 || zm > 59) return undefined;
  return utc - (zone[1] === '+' ? 1 : -1) * (zh * 60 + zm) * 60_000;
}

/** `count` decimal digits of `s` from `at` as a number, or -1. */
function digits(s: string, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// The day last read and its start (ms): the events of a stream mostly share their day, so Date.UTC runs once a day.
let lastDayYear = -1;
let lastDayMonth = -1;
let lastDayDate = -1;
let lastDayMs = 0;

/** An event time; the usual form of a stream, `2026-11-23T11:30:00.000Z`, is read without a regular expression. */
function eventTime(v: unknown): number | undefined {
  if (typeof v === 'string' && v.length === 24 && v.charCodeAt(23) === 90 && v.charCodeAt(10) === 84 && v.charCodeAt(4) === 45 && v.charCodeAt(7) === 45 && v.charCodeAt(13) === 58 && v.charCodeAt(16) === 58 && v.charCodeAt(19) === 46) {
    const y = digits(v, 0, 4), mo = digits(v, 5, 2), d = digits(v, 8, 2);
    const h = digits(v, 11, 2), mi = digits(v, 14, 2), s = digits(v, 17, 2), ms = digits(v, 20, 3);
    const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    const days = mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1] ?? 0;
    if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > days || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || ms < 0) return undefined;
    if (y !== lastDayYear || mo !== lastDayMonth || d !== lastDayDate) {
      lastDayYear = y;
      lastDayMonth = mo;
      lastDayDate = d;
      lastDayMs = Date.UTC(y, mo - 1, d);
    }
    return lastDayMs + h * 3_600_000 + mi * 60_000 + s * 1000 + ms;
  }
  return toEpochMs(v);
}

/** An alert time: ISO 8601 in UTC with milliseconds. */
function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** An alert's time column that held the event's own time value: ISO 8601 text. */
function timeText(v: unknown): string | null {
  if (typeof v === 'number') return iso(v);
  if (v instanceof Date) return v.toISOString();
  return isMissing(v) ? null : String(v);
}

/** An IPv4 address as an unsigned 32-bit number, or -1: four decimal octets 0-255 without leading zeros. */
function ipv4(s: string): number {
  let value = 0, octet = 0, digits = 0, dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return -1; // a leading zero (ambiguous octal)
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + octet;
}

/** An IPv6 address as a 128-bit integer (an embedded IPv4 tail allowed), or undefined. No zone ids. */
function ipv6(s: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return undefined;
  let head = s;
  let tail = -1;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    tail = ipv4(s.slice(lastColon + 1));
    if (tail < 0) return undefined;
    head = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const dbl = head.indexOf('::');
  if (dbl !== head.lastIndexOf('::')) return undefined;
  let groups: string[];
  if (dbl >= 0) {
    const left = head.slice(0, dbl) ? head.slice(0, dbl).split(':') : [];
    const right = head.slice(dbl + 2) ? head.slice(dbl + 2).split(':') : [];
    const fill = 8 - left.length - right.length;
    if (fill < 1) return undefined;
    groups = [...left, ...new Array<string>(fill).fill('0'), ...right];
  } else {
    groups = head.split(':');
  }
  if (groups.length !== 8) return undefined;
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  return tail >= 0 ? (value & ~0xffffffffn) | BigInt(tail) : value;
}

/** CIDR ranges split by family, ready for membership tests. */
interface IpRanges {
  readonly v4: readonly { readonly network: number; readonly size: number }[];
  readonly v6: readonly { readonly network: bigint; readonly shift: bigint }[];
}

/** Reads CIDR ranges (`10.0.0.0/8`, `fc00::/7`; a bare address is one host), checked when the rule was built. */
function ipRanges(texts: readonly string[]): IpRanges {
  const v4: { network: number; size: number }[] = [];
  const v6: { network: bigint; shift: bigint }[] = [];
  for (const text of texts) {
    const slash = text.indexOf('/');
    const address = slash >= 0 ? text.slice(0, slash) : text;
    const a4 = ipv4(address);
    const a6 = a4 < 0 ? ipv6(address) : undefined;
    const bits = a4 >= 0 ? 32 : 128;
    const prefix = slash >= 0 ? Number(text.slice(slash + 1)) : bits;
    if ((a4 < 0 && a6 === undefined) || !Number.isInteger(prefix) || prefix < 0 || prefix > bits || (slash >= 0 && !/^(0|[1-9][0-9]{0,2})$/.test(text.slice(slash + 1)))) {
      throw new RangeError(`not an IPv4 or IPv6 address or CIDR range: ${JSON.stringify(text)}`);
    }
    if (a6 === undefined) {
      const size = 2 ** (32 - prefix);
      // The range of the network the address is in (host bits ignored).
      v4.push({ network: Math.floor(a4 / size) * size, size });
    } else {
      const shift = BigInt(128 - prefix);
      v6.push({ network: a6 >> shift, shift });
    }
  }
  return { v4, v6 };
}

// The address last parsed: a rule tests one field against several lists in a row, so it is parsed once.
let lastIpText = '';
let lastIpv4 = -1;
let lastIpv6: bigint | undefined;

/** True when `v` is an IP address inside one of the ranges of its own family (docs/semantics.md, CIDR). */
function inRanges(ranges: IpRanges, v: unknown): boolean {
  if (typeof v !== 'string') return false;
  if (v !== lastIpText) {
    lastIpText = v;
    lastIpv4 = ipv4(v);
    lastIpv6 = lastIpv4 < 0 ? ipv6(v) : undefined;
  }
  if (lastIpv4 >= 0) {
    for (const r of ranges.v4) if (lastIpv4 >= r.network && lastIpv4 < r.network + r.size) return true;
    return false;
  }
  if (lastIpv6 === undefined) return false;
  for (const r of ranges.v6) if (lastIpv6 >> r.shift === r.network) return true;
  return false;
}

/** ASCII letter or digit. */
function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Whole-term match (KQL `has`): an occurrence of `needle` that extends no run of letters and digits. */
function hasTerm(text: string, needle: string): boolean {
  if (!needle) return false;
  const checkStart = isAlnum(needle.charCodeAt(0));
  const checkEnd = isAlnum(needle.charCodeAt(needle.length - 1));
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
    if (checkStart && i > 0 && isAlnum(text.charCodeAt(i - 1))) continue;
    const after = i + needle.length;
    if (checkEnd && after < text.length && isAlnum(text.charCodeAt(after))) continue;
    return true;
  }
  return false;
}

/** A value as distinct_count and values see it: numbers and numeric text alike ("22" is 22), anything else as text. */
function distinctValue(v: unknown): string | number {
  return toNumber(v) ?? String(v);
}

/**
 * Adds a value to a group's distinct values, kept as nothing, one value, or a Set from the second distinct value on:
 * most groups of a busy stream see one event, and a Set per group would be most of the memory.
 */
function addDistinct(values: undefined | string | number | Set<string | number>, v: string | number): string | number | Set<string | number> {
  if (values === undefined) return v;
  if (typeof values === 'object') return values.add(v);
  return values === v ? values : new Set([values, v]);
}

/** How many distinct values a group holds. */
function distinctSize(values: undefined | string | number | Set<string | number>): number {
  return values === undefined ? 0 : typeof values === 'object' ? values.size : 1;
}

/** The first `limit` distinct values in text order (UTF-16 code units), numbers too. */
function textOrder(values: undefined | string | number | Set<string | number>, limit: number | undefined): (string | number)[] {
  const all = values === undefined ? [] : typeof values === 'object' ? [...values] : [values];
  return all.sort((x, y) => (String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0)).slice(0, limit);
}

/** The order of `sort`: missing first, numbers numerically, anything else as text. */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

/** Whole seconds from `from` to `to` (ms), truncated toward zero; null when either is missing. */
function durationSeconds(from: unknown, to: unknown): number | null {
  const a = toNumber(from);
  const b = toNumber(to);
  return a === undefined || b === undefined ? null : Math.trunc((b - a) / 1000);
}

/** A group key's text: values of different types stay apart ("22" and 22 are two sources). */
function keyText(values: readonly unknown[]): string {
  return JSON.stringify(values);
}

/** True for an async iterable (a Node stream, a Kafka consumer's messages), false for an array or other iterable. */
function isAsync<T>(events: Iterable<T> | AsyncIterable<T>): events is AsyncIterable<T> {
  return typeof (events as Partial<AsyncIterable<T>>)[Symbol.asyncIterator] === 'function';
}
