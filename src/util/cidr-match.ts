import { cidrContains, parseCidr, parseIp, type IpAddress } from './ip.js';

// CIDR membership compiled once per range, for the interpreters that test an address against many ranges per event
// (SPL's cidrmatch(), CIDR lookups and search's `field=a.b.c.d/n`; Sigma's `|cidr`).
// The semantics are util/ip's (strict dotted quads, IPv4 and IPv6 families never match each other); IPv4 runs on
// 32-bit numbers instead of bigints, and the last address text parsed is remembered, because a rule tests one
// field against many ranges in a row (the private ranges, then each allowlist).

/** A strict dotted quad (no leading zeros, octets 0..255) as an unsigned 32-bit number, or -1: parseIpv4's rule. */
export function ipv4Number(s: string): number {
  const n = s.length;
  if (n < 7 || n > 15) return -1;
  let v = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      v = v * 256 + octet;
      octet = 0;
      digits = 0;
      continue;
    }
    if (c < 48 || c > 57) return -1;
    // A second digit after a leading 0 is an ambiguous octal octet.
    if (digits > 0 && octet === 0) return -1;
    octet = octet * 10 + (c - 48);
    if (++digits > 3 || octet > 255) return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return v * 256 + octet;
}

let memoText = '';
let memoV4 = -1;
let memoIp: IpAddress | null | undefined;

function v4Of(text: string): number {
  if (text !== memoText) {
    memoText = text;
    memoV4 = ipv4Number(text);
    memoIp = undefined;
  }
  return memoV4;
}

function ipOf(text: string): IpAddress | null {
  v4Of(text);
  if (memoIp === undefined) memoIp = parseIp(text);
  return memoIp;
}

/** Whether an address text lies in a range; a text that is not an address never does. */
export type CidrMatcher = (address: string) => boolean;

/** The matcher of a range text (`a.b.c.d/n`, `x::y/n`, or a bare address); undefined when the text is no range. */
export function cidrMatcher(range: string): CidrMatcher | undefined {
  const cidr = parseCidr(range);
  if (typeof cidr === 'string') return undefined;
  if (cidr.family === 6) {
    return (address) => {
      if (v4Of(address) >= 0) return false;
      const ip = ipOf(address);
      return ip !== null && cidrContains(cidr, ip);
    };
  }
  if (cidr.prefix === 0) return (address) => v4Of(address) >= 0;
  // Unsigned shifts by 32 would be shifts by 0: a /0 is handled above.
  const shift = 32 - cidr.prefix;
  const network = Number(cidr.network) >>> shift;
  return (address) => {
    const v = v4Of(address);
    return v >= 0 && v >>> shift === network;
  };
}
