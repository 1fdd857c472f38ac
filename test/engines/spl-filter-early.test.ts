import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/engines/spl/pipeline.js';
import { filterEarly, step, type Stage, type Step } from '../../src/engines/spl/plan.js';
import type { SEvent } from '../../src/engines/spl/values.js';

// A `where` after stats (past evals that only write other fields) is handed to stats, which tests each group on
// the fields the where reads and makes only the rows it keeps. The search's rows must be exactly those of running
// every command in order.

async function run(spl: string, events: SEvent[]): Promise<SEvent[]> {
  const out: SEvent[] = [];
  for await (const r of runPipeline(spl, () => (async function* () { yield* events; })())) out.push(r);
  return out;
}

/** A sink stage that records the filter it is handed. */
function statsLike(): { stage: Stage; got: { filter: Step; reads: ReadonlySet<string> }[] } {
  const got: { filter: Step; reads: ReadonlySet<string> }[] = [];
  const stage: Stage = { kind: 'sink', sink: (next) => next, filterEarly: (filter, reads) => void got.push({ filter, reads }) };
  return { stage, got };
}

const keep: Step = (r) => r;

describe('SPL filters run early', () => {
  it('a where is handed to the stage before it past evals that write other fields, and only then', () => {
    const where = (...reads: string[]) => step(keep, { filterReads: new Set(reads) });
    const evalOf = (...writes: string[]) => step(keep, { writesOnly: new Set(writes) });
    const cases: [Stage[], boolean][] = [
      [[where('n')], true],
      [[evalOf('a', 'b'), evalOf('c'), where('n', 'm')], true],
      // The where reads a field an eval writes: its verdict needs the eval.
      [[evalOf('a'), evalOf('m'), where('n', 'm')], false],
      // A step of unknown effect (rename, a non-total eval) or a sink stops the search for a filter.
      [[step(keep), where('n')], false],
      [[statsLike().stage, where('n')], false],
      [[evalOf('a')], false],
    ];
    for (const [after, handed] of cases) {
      const s = statsLike();
      filterEarly([s.stage, ...after]);
      expect(s.got.length, JSON.stringify(after.map((x) => (x.kind === 'step' ? x.traits ?? 'step' : 'sink')), (_, v) => (v instanceof Set ? [...v] : v))).toBe(handed ? 1 : 0);
      if (handed) expect([...s.got[0]!.reads]).toEqual(['n', ...(after.length > 1 ? ['m'] : [])]);
    }
  });

  it('stats | eval | where gives the rows of running each command in turn', async () => {
    const events: SEvent[] = [];
    for (let i = 0; i < 500; i++) events.push({ k: `k${i % 37}`, j: i % 3 === 0 ? 1 : 'x', v: String(i % 11), w: i % 5 ? `w${i % 4}` : undefined });
    const searches = [
      // Past a total eval that writes other fields: filtered early.
      '| datamodel M D flat | stats count AS n dc(v) AS d values(v) AS vs first(w) AS fw BY k j | eval vs=mvindex(vs, 0, 2), z=if(n>5, "big", null()) | where d>=8 OR (n>14 AND fw="w1")',
      // The where reads a BY field and a field no command makes.
      '| datamodel M D flat | stats count AS n BY k j | where k="k3" OR isnotnull(absent) OR j=1',
      // The eval rewrites what the where reads: the where must see the eval's value.
      '| datamodel M D flat | stats count AS n BY k | eval n=n*10 | where n>135',
      // No BY: the one group.
      '| datamodel M D flat | stats count AS n | where n>1000',
    ];
    for (const spl of searches) {
      const got = await run(spl, events);
      // The same search with a command between stats and the where that keeps the where in its place (a rename of
      // a field no row has): every command run in turn.
      const inOrder = await run(spl.replace(/\| stats ([^|]*)\|/, '| stats $1| rename nothing AS nothing2 |'), events);
      expect(inOrder, spl).not.toEqual(await run(spl.replace(/\| where .*$/, ''), events));
      expect(got, spl).toEqual(inOrder);
    }
    expect(await run(searches[2]!, events)).toEqual(Array.from({ length: 19 }, (_, i) => ({ k: `k${i}`, n: 140 })));
    expect(await run(searches[3]!, events)).toEqual([]);
  });

  it('an eval that can fail at run time is not skipped: its error stands for rows the where drops', async () => {
    const events: SEvent[] = [{ k: '%E0%A4%A' }, { k: 'ok' }];
    await expect(run('| datamodel M D flat | stats count AS n BY k | eval u=urldecode(k) | where n>5', events)).rejects.toThrow(URIError);
  });
});
