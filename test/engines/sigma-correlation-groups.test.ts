import { describe, expect, it } from 'vitest';
import { CorrelationGroups, addValue, valueCount } from '../../src/engines/sigma/correlation-groups.js';

describe('Sigma correlation groups', () => {
  it('keeps a number and its text, and a string and the JSON of a tuple, in separate groups', () => {
    const one = new CorrelationGroups(1);
    const a = one.get(0, [22]);
    const b = one.get(0, ['22']);
    const c = one.get(0, ['["x"]']);
    const d = one.get(0, [['x']]);
    expect(new Set([a, b, c, d]).size).toBe(4);
    expect(one.get(0, [22])).toBe(a);
    expect(one.get(0, [['x']])).toBe(d);
    expect(one.get(300_000, [22])).not.toBe(a);
    expect(one.all.map((g) => g.keys[0])).toEqual([22, '22', '["x"]', ['x'], 22]);
  });

  it('copies the caller scratch keys and tells tuples apart', () => {
    const two = new CorrelationGroups(2);
    const scratch: unknown[] = ['a', 'b'];
    const g = two.get(0, scratch);
    scratch[0] = 'z';
    expect(g.keys).toEqual(['a', 'b']);
    expect(two.get(0, ['a', 'b'])).toBe(g);
    expect(two.get(0, ['a', 'c'])).not.toBe(g);
  });

  it('counts distinct values from none to one to a set', () => {
    const g = new CorrelationGroups(1).get(0, ['k']);
    expect(valueCount(g)).toBe(0);
    addValue(g, '80');
    addValue(g, '80');
    expect(valueCount(g)).toBe(1);
    addValue(g, '443');
    addValue(g, '80');
    expect(valueCount(g)).toBe(2);
  });
});
