import { describe, expect, it } from 'vitest';
import { GroupTable } from '../../src/engines/spl/group-table.js';
import { runPipeline } from '../../src/engines/spl/pipeline.js';
import type { SEvent } from '../../src/engines/spl/values.js';

describe('SPL group table', () => {
  it('numbers groups from 0 and keeps each one\'s values apart across blocks', () => {
    const t = new GroupTable(3);
    for (let i = 0; i < 2500; i++) {
      expect(t.add()).toBe(i);
      expect(t.get(i, 1)).toBeUndefined();
      t.set(i, 0, `g${i}`);
      t.set(i, 2, i * 2);
    }
    expect(t.size).toBe(2500);
    for (const i of [0, 1023, 1024, 2047, 2048, 2499]) expect([t.get(i, 0), t.get(i, 1), t.get(i, 2)]).toEqual([`g${i}`, undefined, i * 2]);
  });

  it('lets go of whole blocks below a group, keeping the block that group is in and those after', () => {
    const t = new GroupTable(2);
    for (let i = 0; i < 3000; i++) t.set(t.add(), 0, i);
    t.releaseBelow(2047);
    expect([t.get(0, 0), t.get(1023, 0)]).toEqual([undefined, undefined]);
    expect([t.get(1024, 0), t.get(2047, 0), t.get(2999, 0)]).toEqual([1024, 2047, 2999]);
    t.releaseBelow(5000);
    expect([t.get(1024, 0), t.get(2047, 0), t.get(2999, 0)]).toEqual([undefined, undefined, undefined]);
    expect(t.size).toBe(3000);
  });

  it('tstats and stats over more groups than a block: every group counted, in first-seen order', async () => {
    const events: SEvent[] = [];
    for (let i = 0; i < 3000; i++) events.push({ _time: i, src_ip: `s${i % 2101}`, dest_port: String(i % 7) });
    const source = () => (async function* () { yield* events; })();
    const out: SEvent[] = [];
    const spl = '| tstats count AS n dc(All_Traffic.dest_port) AS p from datamodel=Network_Traffic.All_Traffic by All_Traffic.src_ip | stats sum(n) AS n max(p) AS p BY All_Traffic.src_ip';
    for await (const r of runPipeline(spl, source)) out.push(r);
    expect(out.length).toBe(2101);
    out.forEach((r, i) => expect(r).toEqual({ 'All_Traffic.src_ip': `s${i}`, n: i < 899 ? 2 : 1, p: i < 899 ? 2 : 1 }));
  });
});
