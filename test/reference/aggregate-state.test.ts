import { describe, expect, it } from 'vitest';
import { compileAggregates } from '../../src/reference/aggregators.js';
import { interner } from '../../src/util/interner.js';
import type { Aggregate } from '../../src/ir/types.js';

const pos = { file: 'test', line: 1, col: 1, path: 'query.aggregate' };
const agg = (as: string, fn: Aggregate['fn'], field?: string, limit?: number): Aggregate => ({ as, fn, ...(field ? { field } : {}), ...(limit ? { limit } : {}), pos });

describe('the reference evaluator\'s aggregate state', () => {
  it('values and distinct_count of one field share a set: numbers and numeric texts are one value, shown as numbers, in text order', () => {
    const acc = compileAggregates([agg('n', 'distinct_count', 'dst_port'), agg('v', 'values', 'dst_port', 3), agg('all', 'values', 'dst_port')], 'time');
    // One slot for the three aggregates: the set is kept once.
    expect(acc.size).toBe(1);
    const g = acc.newSlots();
    for (const p of ['22', 22, ' 80', 443, 'ssh', 'ssh', '', null, 8080]) acc.add(g, { dst_port: p }, 0);
    expect(acc.finish(g, 0)).toBe(5); // 22, 80, 443, ssh, 8080; '' and null are missing
    expect(acc.finish(g, 1)).toEqual([22, 443, 80]);
    expect(acc.finish(g, 2)).toEqual([22, 443, 80, 8080, 'ssh']);
    expect(g.count).toBe(9);
  });

  it('min and max of the time field are the events\' times as read once, whatever the field\'s text', () => {
    const acc = compileAggregates([agg('first', 'min', 'time'), agg('last', 'max', 'time'), agg('low', 'min', 'bytes')], 'time');
    const g = acc.newSlots();
    // The field's own text is not read again: the time given with the event is its reading.
    acc.add(g, { time: '2026-11-23T11:30:05Z', bytes: '12' }, Date.parse('2026-11-23T11:30:05Z'));
    acc.add(g, { time: '2026-11-23 11:30:01', bytes: 7 }, Date.parse('2026-11-23T11:30:01Z'));
    acc.add(g, { time: Date.parse('2026-11-23T11:30:09Z'), bytes: 'x' }, Date.parse('2026-11-23T11:30:09Z'));
    expect(acc.finish(g, 0)).toBe(Date.parse('2026-11-23T11:30:01Z'));
    expect(acc.finish(g, 1)).toBe(Date.parse('2026-11-23T11:30:09Z'));
    expect(acc.finish(g, 2)).toBe(7);
  });

  it('any keeps the first value present', () => {
    const acc = compileAggregates([agg('vendor', 'any', 'device_vendor'), agg('n', 'count')], 'time');
    const g = acc.newSlots();
    for (const v of [undefined, '', 'Palo Alto Networks', 'Fortinet']) acc.add(g, { device_vendor: v }, 0);
    expect(acc.finish(g, 0)).toBe('Palo Alto Networks');
    expect(acc.finish(g, 1)).toBe(4);
  });

  it('the interner gives back equal texts, before and after it stops looking unique texts up', () => {
    const intern = interner(4);
    const texts = Array.from({ length: 20 }, (_, i) => `10.0.0.${i}`);
    // A full table of texts that never repeat turns the lookups off; the texts are still given back unchanged.
    expect(texts.map(intern)).toEqual(texts);
    expect(texts.map(intern)).toEqual(texts);
  });
});
