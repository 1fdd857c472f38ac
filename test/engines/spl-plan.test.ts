import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/engines/spl/pipeline.js';
import type { SEvent } from '../../src/engines/spl/values.js';

// A compiled search copies only the fields it names when a command keeps only named fields (stats, table,
// fields): every command must name each field it reads. Each case below reads a field only in the command under
// test and keeps only another one, so a command that failed to name its field would read it as absent.

const rows: SEvent[] = [
  { _time: 100, p: '3', q: 'a', ip: '10.1.2.3', k: 'x' },
  { _time: 400, p: '10', q: 'b', ip: '192.0.2.1', k: 'y' },
  { _time: 700, p: '2', q: 'c', k: 'x', gone: 'g' },
];

async function run(spl: string, data: Record<string, SEvent[]> = { D: rows }): Promise<SEvent[]> {
  const out: SEvent[] = [];
  const source = (_m: string, dataset: string) => (async function* () { yield* data[dataset]!; })();
  const lookups = (name: string) => (name === 'nets' ? { rows: [{ net: '10.0.0.0/8', zone: 'inside' }], cidrField: 'net', caseSensitive: false } : undefined);
  for await (const r of runPipeline(spl, source, lookups)) out.push(r);
  return out;
}

describe('SPL plan: each command names the fields it reads', () => {
  it('search, where, eval, sort, bin, rename, lookup, stats BY and join', async () => {
    expect(await run('| datamodel M D flat | search p=10 | table q')).toEqual([{ q: 'b' }]);
    expect(await run('| datamodel M D flat | where p>5 | table q')).toEqual([{ q: 'b' }]);
    expect(await run('| datamodel M D flat | eval r=p*2 | table r')).toEqual([{ r: 6 }, { r: 20 }, { r: 4 }]);
    expect(await run('| datamodel M D flat | sort 0 - p | table q')).toEqual([{ q: 'b' }, { q: 'a' }, { q: 'c' }]);
    expect(await run('| datamodel M D flat | bin span=5m _time AS w | table w')).toEqual([{ w: 0 }, { w: 300 }, { w: 600 }]);
    expect(await run('| datamodel M D flat | rename q AS s | table s')).toEqual([{ s: 'a' }, { s: 'b' }, { s: 'c' }]);
    expect(await run('| datamodel M D flat | lookup nets net AS ip OUTPUT zone | table zone')).toEqual([{ zone: 'inside' }, {}, {}]);
    expect(await run('| datamodel M D flat | stats count BY k')).toEqual([{ k: 'x', count: 2 }, { k: 'y', count: 1 }]);
    expect(await run('| datamodel M D flat | join k [| datamodel M S flat] | table z', { D: rows, S: [{ k: 'y', z: 'joined' }] })).toEqual([{ z: 'joined' }]);
  });

  it('without a command that keeps only named fields, every field of the event reaches the output', async () => {
    expect(await run('| datamodel M D flat | where q="c"')).toEqual([{ _time: 700, p: '2', q: 'c', k: 'x', gone: 'g' }]);
  });

  it('a field removed in the search is absent from the output, and a rename of an absent field keeps the target', async () => {
    const out = await run('| datamodel M D flat | eval p=null() | rename ip AS q | where isnull(p) | table p q');
    expect(out).toEqual([{ q: '10.1.2.3' }, { q: '192.0.2.1' }, { q: 'c' }]);
    expect(Object.keys(out[2]!)).toEqual(['q']);
    const all = await run('| datamodel M D flat | eval gone=null() | where q="c"');
    expect(Object.keys(all[0]!)).not.toContain('gone');
  });

  it('append runs its subsearch fully and adds its rows after the main rows, through the commands that follow', async () => {
    expect(await run('| datamodel M D flat | stats count AS n | append [| datamodel M D flat | where k="x" | stats count AS m] | eval both=coalesce(n, m)')).toEqual([
      { n: 3, both: 3 },
      { m: 2, both: 2 },
    ]);
  });

  it('fields - removes fields in place; sort N keeps the first N rows', async () => {
    expect(await run('| datamodel M D flat | fields - ip, gone, _time | sort 2 q')).toEqual([
      { p: '3', q: 'a', k: 'x' },
      { p: '10', q: 'b', k: 'y' },
    ]);
  });
});
