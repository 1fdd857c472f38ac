import { describe, expect, it } from 'vitest';
import { selectionCompiler } from '../../src/engines/sigma/selections.js';
import { compileItem } from '../../src/engines/sigma/values.js';
import { cidrMatcher } from '../../src/util/cidr-match.js';

const doc = (file: string, detection: Record<string, unknown>) => ({ file, doc: { detection } });

describe('Sigma selections shared by several documents', () => {
  it('compiles a definition two documents hold once, and tests it once per event of the clock', () => {
    const clock = { n: 0 };
    const a = doc('a.yml', { filter: { src_ip: '' }, own: { x: 1 }, condition: 'not filter and own' });
    const b = doc('b.yml', { filter: { src_ip: '' }, own: { y: 1 }, condition: 'not filter and own' });
    const compile = selectionCompiler([a, b], clock);
    const fa = compile('filter', { src_ip: '' });
    const fb = compile('filter', { src_ip: '' });
    expect(fb).toBe(fa);
    expect(compile('own', { x: 1 })).not.toBe(compile('own', { y: 1 }));
    // One object reused for every event (a caller's scratch row): the clock, not the object, says a new event began.
    const row: Record<string, unknown> = { src_ip: '' };
    clock.n++;
    expect(fa(row)).toBe(true);
    row.src_ip = '203.0.113.9';
    expect(fb(row)).toBe(true); // the same event: the kept result
    clock.n++;
    expect(fb(row)).toBe(false);
  });

  it('keeps definitions that differ only in a value type apart', () => {
    const clock = { n: 1 };
    const compile = selectionCompiler([doc('a.yml', { s: { F: null }, condition: 's' }), doc('b.yml', { s: { F: NaN }, condition: 's' })], clock);
    const isNull = compile('s', { F: null });
    const isNaN = compile('s', { F: NaN });
    expect(isNaN).not.toBe(isNull);
    expect([isNull({}), isNaN({})]).toEqual([true, false]);
    expect([isNull({ F: 'NaN' }), isNaN({ F: 'NaN' })]).toEqual([false, true]);
  });

  it('refuses a detection that is not a map with a condition', () => {
    expect(() => selectionCompiler([{ file: 'x.yml', doc: { detection: 'selection' } }], { n: 0 })).toThrow(/x.yml: detection without condition/);
  });
});

describe('Sigma plain values: the fast paths keep the general meaning', () => {
  it("'' is equal to '' alone, unless a modifier makes it a part", () => {
    const empty = compileItem('F', '');
    expect([empty({ F: '' }), empty({ F: 'a' }), empty({ F: 0 }), empty({}), empty({ F: null })]).toEqual([true, false, false, false, false]);
    expect(compileItem('F|contains', '')({ F: 'abc' })).toBe(true);
    expect(compileItem('F|startswith', '')({ F: 'abc' })).toBe(true);
    expect(compileItem('F|endswith', '')({})).toBe(false);
    expect(compileItem('F|neq', '')({ F: 'a' })).toBe(true);
    expect(compileItem('F|neq', '')({ F: '' })).toBe(false);
  });

  it('a number or boolean equals the same value or its text', () => {
    const port = compileItem('dst_port', 22);
    expect([port({ dst_port: 22 }), port({ dst_port: '22' }), port({ dst_port: '220' }), port({})]).toEqual([true, true, false, false]);
    expect(compileItem('F', [1, 2])({ F: 2 })).toBe(true);
    expect(compileItem('F|all', [1, 2])({ F: 2 })).toBe(false);
    expect(compileItem('F', true)({ F: 'true' })).toBe(true);
  });
});

describe('Sigma |cidr lists', () => {
  it('matches as util/cidr-match tests each range, for IPv4, IPv6, /0 and texts that are no address', () => {
    const lists = [['10.0.0.0/8', '192.0.2.64/28', 'fc00::/7', '::1/128'], ['0.0.0.0/0'], ['::/0'], ['2001:db8::/32', '203.0.113.7'], ['128.0.0.0/1', '0.0.0.0/1']];
    const addresses = ['10.1.2.3', '11.0.0.1', '192.0.2.79', '192.0.2.80', 'fd00::1', '::1', '::2', '2001:db8::5', '203.0.113.7', '203.0.113.8', '::ffff:10.0.0.1', '010.0.0.1', '10.0.0', 'host', '', '255.255.255.255', '0.0.0.0'];
    const mixed = compileItem('a|cidr', lists[0]!);
    for (const list of lists) {
      const item = compileItem('a|cidr', list);
      const each = list.map((r) => cidrMatcher(r)!);
      // Interleaved with another list's tests, as filters run one after another on the same address.
      for (const a of addresses) {
        expect([a, list, item({ a })]).toEqual([a, list, each.some((m) => m(a))]);
        expect(mixed({ a })).toBe(['10.1.2.3', '192.0.2.79', 'fd00::1', '::1'].includes(a));
      }
    }
    expect(compileItem('a|cidr', ['0.0.0.0/0'])({ a: 7 })).toBe(false);
    expect(() => compileItem('a|cidr', ['10.0.0.1/8'])).toThrow(/invalid cidr value: .*host bits are set/);
  });
});
