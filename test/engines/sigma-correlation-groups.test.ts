import { describe, expect, it } from 'vitest';
import { CorrelationGroups } from '../../src/engines/sigma/correlation-groups.js';

describe('Sigma correlation groups', () => {
  it('keeps a number and its text, and a string and the JSON of a tuple, in separate groups', () => {
    const one = new CorrelationGroups(1);
    const a = one.find(0, [22]);
    const b = one.find(0, ['22']);
    const c = one.find(0, ['["x"]']);
    const d = one.find(0, [['x']]);
    expect(new Set([a, b, c, d]).size).toBe(4);
    expect(one.find(0, [22])).toBe(a);
    expect(one.find(0, [['x']])).toBe(d);
    const later = one.find(300_000, [22]);
    expect(later).not.toBe(a);
    // Back in the first window after another one: the window's index is found again, not opened anew.
    expect(one.find(0, ['22'])).toBe(b);
    expect(one.size).toBe(5);
    expect([a, b, c, d, later].map((g) => one.keysOf(g)[0])).toEqual([22, '22', '["x"]', ['x'], 22]);
    expect(one.windows[later]).toBe(300_000);
  });

  it('copies the caller scratch keys and tells tuples apart', () => {
    const two = new CorrelationGroups(2);
    const scratch: unknown[] = ['a', 'b'];
    const g = two.find(0, scratch);
    scratch[0] = 'z';
    expect(two.keysOf(g)).toEqual(['a', 'b']);
    expect(two.find(0, ['a', 'b'])).toBe(g);
    expect(two.find(0, ['a', 'c'])).not.toBe(g);
  });

  it('counts distinct values from none to one to a set, comparing them as text', () => {
    const groups = new CorrelationGroups(1);
    const tally = groups.tallies[0]!;
    const g = groups.find(0, ['k']);
    expect(tally.distinct(g)).toBe(0);
    tally.addValue(g, '80');
    tally.addValue(g, 80);
    expect(tally.distinct(g)).toBe(1);
    tally.addValue(g, 443);
    tally.addValue(g, '80');
    tally.addValue(g, '443');
    expect(tally.distinct(g)).toBe(2);
    tally.addValue(g, true);
    expect(tally.distinct(g)).toBe(3);
  });

  it('gives each correlation of a shared table its own counts and its own group order', () => {
    const groups = new CorrelationGroups(1, 2);
    const [first, second] = groups.tallies as [NonNullable<(typeof groups.tallies)[0]>, NonNullable<(typeof groups.tallies)[0]>];
    const a = groups.find(0, ['a']);
    second.count(a);
    const b = groups.find(0, ['b']);
    first.count(b);
    first.count(a);
    first.count(a);
    expect(first.order).toEqual([b, a]);
    expect(second.order).toEqual([a]);
    expect([first.counts[a], first.counts[b], second.counts[a], second.counts[b]]).toEqual([2, 1, 1, 0]);
    first.addValue(a, 'x');
    expect([first.distinct(a), second.distinct(a)]).toEqual([1, 0]);
  });

  it('takes a correlation in only before its first group opens', () => {
    const groups = new CorrelationGroups(1, 0);
    expect([groups.addTally(), groups.addTally()]).toEqual([0, 1]);
    const g = groups.find(0, ['a']);
    expect([groups.tallies[0]!.counts[g], groups.tallies[1]!.counts[g]]).toEqual([0, 0]);
    expect(() => groups.addTally()).toThrow(/before its first event/);
  });
});
