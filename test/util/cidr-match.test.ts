import { describe, expect, it } from 'vitest';
import { cidrMatcher, ipv4Number } from '../../src/util/cidr-match.js';
import { cidrContains, parseCidr, parseIp, parseIpv4 } from '../../src/util/ip.js';

// The compiled CIDR tests of the SPL and Sigma engines must mean exactly what util/ip means: checked on random texts near the
// edges (leading zeros, octets over 255, missing or extra parts, IPv6 and IPv4-mapped forms).

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomAddressText(r: () => number): string {
  const pick = <T,>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const octet = () => pick(['0', '00', '01', '9', '10', '99', '127', '192', '255', '256', '300', '1000', '', 'a', ' 1', String(Math.floor(r() * 256))]);
  switch (Math.floor(r() * 6)) {
    case 0:
    case 1:
    case 2:
      return Array.from({ length: pick([3, 4, 4, 4, 5]) }, octet).join('.');
    case 3:
      return `${pick(['10', '172', '192', '198', '203'])}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}`;
    case 4:
      return pick(['::1', 'fd00::1', 'fe80::1', '2001:db8::1', '::ffff:10.1.2.3', '::ffff:10.01.2.3', 'fc00::', '1::2::3', '10.0.0.1/8', '']);
    default:
      return pick(['10.0.0.1 ', '1.2.3.4.', '.1.2.3', '1..2.3', '4294967296', '0.0.0.0', '255.255.255.255', '255.255.255.256']);
  }
}

describe('SPL CIDR matching', () => {
  it('ipv4Number accepts exactly the dotted quads parseIpv4 accepts, with the same value', () => {
    const r = rng(7);
    for (let i = 0; i < 20000; i++) {
      const text = randomAddressText(r);
      const big = parseIpv4(text);
      expect(ipv4Number(text), text).toBe(big === null ? -1 : Number(big));
    }
  });

  it('a compiled range matches exactly the addresses cidrContains puts in it', () => {
    const ranges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '0.0.0.0/0', '198.51.100.7', '198.51.100.7/32', '::1/128', 'fc00::/7', 'fe80::/10', '::/0', '::ffff:0:0/96'];
    const r = rng(11);
    for (const range of ranges) {
      const inRange = cidrMatcher(range)!;
      const cidr = parseCidr(range);
      if (typeof cidr === 'string') throw new Error(cidr);
      for (let i = 0; i < 3000; i++) {
        const text = randomAddressText(r);
        const ip = parseIp(text);
        expect(inRange(text), `${text} in ${range}`).toBe(ip !== null && cidrContains(cidr, ip));
      }
    }
  });

  it('a text that is no range gives no matcher', () => {
    expect(cidrMatcher('10.0.0.1/8')).toBeUndefined();
    expect(cidrMatcher('nope')).toBeUndefined();
  });
});
