// IP membership for ipv4_* and ipv6_* functions. IPv4 addresses are 32-bit numbers (no bigint per row); a range
// list is parsed once per list value (a dynamic literal or a let-bound list is the same array on every row).
import { parseIpv4, parseIpv6 } from '../../util/ip.js';
import { KqlRuntimeError, type KValue } from './values.js';

/**
 * An IPv4 text (surrounding whitespace allowed, as Kusto trims) as an unsigned 32-bit number, or null. Octets as
 * util/ip.ts reads them: decimal, no leading zero, at most 255.
 */
function parseV4Number(text: string): number | null {
  let s = text;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(s.length - 1);
  if (!(first >= 48 && first <= 57) || !(last >= 48 && last <= 57)) s = s.trim();
  const n = s.length;
  let value = 0;
  let octets = 0;
  let i = 0;
  while (octets < 4) {
    const start = i;
    let octet = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      i++;
    }
    const digits = i - start;
    if (digits === 0 || digits > 3 || (digits > 1 && s.charCodeAt(start) === 48) || octet > 255) return null;
    value = value * 256 + octet;
    octets++;
    if (octets < 4) {
      if (i >= n || s.charCodeAt(i) !== 46) return null;
      i++;
    }
  }
  return i === n ? value : null;
}

// Every list check of a row reads the same address (and parse_ipv4 reads it again): remember the last text.
let lastV4Text: string | undefined;
let lastV4: number | null = null;

/** An IPv4 value as a number, or null for anything that is not IPv4 text. */
export function ipv4Number(v: KValue): number | null {
  if (typeof v !== 'string') return null;
  if (v !== lastV4Text) {
    lastV4 = parseV4Number(v);
    lastV4Text = v;
  }
  return lastV4;
}

let lastV6Text: string | undefined;
let lastV6: bigint | null = null;

/** An IPv4 or IPv6 text as a 128-bit value; IPv4 becomes IPv4-mapped IPv6 (::ffff:a.b.c.d), as ipv6_* do. */
export function ipv6Value(v: KValue): bigint | null {
  if (typeof v !== 'string') return null;
  if (v !== lastV6Text) {
    const t = v.trim();
    const four = parseIpv4(t);
    lastV6 = four !== null ? (0xffffn << 32n) | four : parseIpv6(t);
    lastV6Text = v;
  }
  return lastV6;
}

/** A list's ranges of one family, parsed: a membership test, or null for a list holding a non-range. */
export type RangeTest = ((ip: KValue) => boolean | null);

function v4Ranges(ranges: KValue[]): RangeTest {
  const nets: number[] = [];
  const masks: number[] = [];
  let bad = false;
  for (const r of ranges) {
    const [addr, pre] = String(r).split('/');
    const net = parseIpv4(addr!);
    const prefix = pre === undefined ? 32 : Number(pre);
    if (net === null || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) {
      bad = true;
      continue;
    }
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    masks.push(mask);
    nets.push((Number(net) & mask) >>> 0);
  }
  const n = nets.length;
  return (v) => {
    const ip = ipv4Number(v);
    // Kusto: null for anything that is not IPv4, and for a list holding something that is not a range.
    if (ip === null || bad) return null;
    for (let i = 0; i < n; i++) if (((ip & masks[i]!) >>> 0) === nets[i]) return true;
    return false;
  };
}

function v6Ranges(ranges: KValue[]): RangeTest {
  const parsed: { net: bigint; shift: bigint }[] = [];
  let bad = false;
  for (const r of ranges) {
    const [addr, pre] = String(r).split('/');
    const net = ipv6Value(addr!);
    let prefix = pre === undefined ? 128 : Number(pre);
    if (parseIpv4(addr!) !== null) prefix += 96;
    if (net === null || !Number.isInteger(prefix) || prefix < 0 || prefix > 128) {
      bad = true;
      continue;
    }
    const shift = BigInt(128 - prefix);
    parsed.push({ net: net >> shift, shift });
  }
  return (v) => {
    const ip = ipv6Value(v);
    if (ip === null || bad) return null;
    for (const r of parsed) if (ip >> r.shift === r.net) return true;
    return false;
  };
}

const tests = { 4: new WeakMap<KValue[], RangeTest>(), 6: new WeakMap<KValue[], RangeTest>() };

/** The membership test of a range list (a dynamic array) for one family, parsed once per list value. */
export function rangeTest(ranges: KValue, family: 4 | 6): RangeTest {
  if (!Array.isArray(ranges)) throw new KqlRuntimeError('ip range list must be a dynamic array');
  let t = tests[family].get(ranges);
  if (!t) tests[family].set(ranges, (t = family === 4 ? v4Ranges(ranges) : v6Ranges(ranges)));
  return t;
}

export const PRIVATE_V4: KValue[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
