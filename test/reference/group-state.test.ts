import { describe, expect, it } from 'vitest';
import { GroupTable } from '../../src/reference/group-table.js';

describe('the reference evaluator\'s group table', () => {
  it('one key: a group per window and value, as the JSON text of the keys tells them apart', () => {
    const t = new GroupTable<string>();
    const open = (w: number, k: unknown) => t.one(w, k) ?? t.addOne(w, k, `${w}:${JSON.stringify(k)}`);
    expect(open(0, '22')).toBe('0:"22"');
    expect(open(0, 22)).toBe('0:22'); // text and number are two groups
    expect(open(0, -0)).toBe('0:0');
    expect(open(0, 0)).toBe('0:0'); // -0 and 0 are one value, as in JSON
    expect(open(300, '22')).toBe('300:"22"');
    expect(open(0, true)).toBe('0:true');
    expect(open(0, 'true')).toBe('0:"true"');
    // Values that are not plain keys are found by their text: equal arrays are one group, NaN and Infinity one.
    expect(open(0, ['a'])).toBe('0:["a"]');
    expect(open(0, ['a'])).toBe('0:["a"]');
    expect(open(0, Number.NaN)).toBe('0:null');
    expect(open(0, Number.POSITIVE_INFINITY)).toBe('0:null');
    expect(t.all).toEqual(['0:"22"', '0:22', '0:0', '300:"22"', '0:true', '0:"true"', '0:["a"]', '0:null']);
  });

  it('several keys: by their JSON text, in opening order', () => {
    const t = new GroupTable<number>();
    t.addMany(0, ['a', 1], 1);
    expect(t.many(0, ['a', 1])).toBe(1);
    expect(t.many(0, ['a', '1'])).toBeUndefined();
    expect(t.many(300, ['a', 1])).toBeUndefined();
  });
});
