import { describe, expect, it } from 'vitest';
import { cidrContains, formatIp, ipv4Number, parseCidr, parseIp, parseIpv4, type ParsedCidr } from '../../src/util/ip.js';

function cidr(text: string): ParsedCidr {
  const c = parseCidr(text);
  if (typeof c === 'string') throw new Error(c);
  return c;
}
const inRange = (ip: string, range: string) => cidrContains(cidr(range), parseIp(ip)!);

describe('CIDR membership', () => {
  it('honours the 172.16.0.0/12 edges (a string prefix would not)', () => {
    expect(inRange('172.15.255.255', '172.16.0.0/12')).toBe(false);
    expect(inRange('172.16.0.0', '172.16.0.0/12')).toBe(true);
    expect(inRange('172.31.255.255', '172.16.0.0/12')).toBe(true);
    expect(inRange('172.32.0.0', '172.16.0.0/12')).toBe(false);
    expect(inRange('172.160.0.1', '172.16.0.0/12')).toBe(false);
  });
  it('handles the other private, loopback and whole-space ranges', () => {
    expect(inRange('10.255.255.255', '10.0.0.0/8')).toBe(true);
    expect(inRange('11.0.0.0', '10.0.0.0/8')).toBe(false);
    expect(inRange('192.168.1.1', '192.168.0.0/16')).toBe(true);
    expect(inRange('192.169.0.1', '192.168.0.0/16')).toBe(false);
    expect(inRange('127.0.0.1', '127.0.0.0/8')).toBe(true);
    expect(inRange('8.8.8.8', '0.0.0.0/0')).toBe(true);
    expect(inRange('8.8.8.8', '8.8.8.8/32')).toBe(true);
    expect(inRange('8.8.8.9', '8.8.8.8/32')).toBe(false);
  });
  it('handles IPv6 and never mixes families', () => {
    expect(inRange('fd12:3456::1', 'fc00::/7')).toBe(true);
    expect(inRange('fe00::1', 'fc00::/7')).toBe(false);
    expect(inRange('::1', '::1/128')).toBe(true);
    expect(inRange('fe80::abcd', 'fe80::/10')).toBe(true);
    expect(inRange('2001:db8::1', 'fc00::/7')).toBe(false);
    expect(inRange('10.0.0.1', '::/0')).toBe(false);
    expect(inRange('2001:db8::1', '0.0.0.0/0')).toBe(false);
    expect(inRange('::ffff:10.0.0.1', '::ffff:0:0/96')).toBe(true);
  });
});

describe('parsing', () => {
  it('rejects invalid ranges with a reason', () => {
    expect(parseCidr('10.0.0.0/33')).toMatch(/prefix length must be 0\.\.32/);
    expect(parseCidr('fc00::/129')).toMatch(/prefix length must be 0\.\.128/);
    expect(parseCidr('10.0.0.1/8')).toMatch(/host bits are set; the network address of \/8 is 10\.0\.0\.0/);
    expect(parseCidr('256.0.0.0/8')).toMatch(/not an IPv4 or IPv6/);
    expect(parseCidr('10.0.0.0/')).toMatch(/prefix length/);
    expect(parseCidr('10.0.0.0/08')).toMatch(/prefix length/);
  });
  it('rejects malformed addresses', () => {
    for (const bad of ['1.2.3', '01.2.3.4', '1.2.3.4.5', ' 1.2.3.4', '::1::', 'fe80::1%eth0', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '']) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });
  it('parses and formats addresses', () => {
    expect(parseIp('::')).toEqual({ family: 6, value: 0n });
    expect(formatIp(parseIp('2001:0db8:0000:0000:0000:0000:0000:0001')!)).toBe('2001:db8::1');
    expect(formatIp(parseIp('192.0.2.1')!)).toBe('192.0.2.1');
    expect(parseIp('1:2:3:4:5:6:7:8')!.family).toBe(6);
    expect(cidr('FC00::/7').text).toBe('fc00::/7');
  });
});

describe('ipv4Number: parseIpv4 without big integers', () => {
  it('reads exactly what parseIpv4 reads, to the same value', () => {
    const texts = ['0.0.0.0', '255.255.255.255', '1.2.3.4', '10.0.0.1', '01.2.3.4', '1.2.3', '1.2.3.4.', '.1.2.3', '1..2.3', '256.1.1.1', '1.2.3.1000', '1.2.3.-1', '1.2.3.4 ', '', 'a.b.c.d', '::1', '1.2.3.4/8', '192.168.000.1'];
    for (let i = 0; i < 300; i++) texts.push([0, 1, 2, 3].map((k) => String((i * 37 + k * 101) % 300)).join('.'));
    for (const t of texts) {
      const big = parseIpv4(t);
      expect(ipv4Number(t), t).toBe(big === null ? -1 : Number(big));
    }
  });
});
