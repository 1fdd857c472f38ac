import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../src/engines/spl/pipeline.js';
import { asNumber, asString, splunkCompare, type SEvent, type SValue } from '../../src/engines/spl/values.js';

// stats keeps compact group state (shared collectors, sets that start as one string). Checked against a plain
// model of the documented semantics on random rows: groups by the JSON of their BY values (first seen first), a
// value list per group, then each function computed from the whole list.

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const POOL: SValue[] = [null, '', 'a', 'b', 'B', '1', '01', '1.0', 1, 2, 10, -3, 2.5, 'x y', ' 7', NaN, Infinity, true, ['a', 'b'], ['1', '', null], []];

/** The values a function sees: none for null or "", each non-empty element of a multivalue, as text. */
function valuesOf(v: SValue | undefined): string[] {
  if (v === undefined || v === null || v === '') return [];
  return (Array.isArray(v) ? v : [v]).filter((x) => x !== null && x !== '').map(asString);
}

function model(rows: SEvent[], by: string[], field: string): SEvent[] {
  const groups = new Map<string, { keys: SValue[]; vals: string[][]; n: number }>();
  for (const r of rows) {
    const keys = by.map((f) => r[f] ?? null);
    if (keys.some((k) => k === null || k === '')) continue;
    const id = JSON.stringify(keys);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { keys, vals: [], n: 0 }));
    g.n++;
    g.vals.push(valuesOf(r[field]));
  }
  if (!by.length && groups.size === 0) groups.set('[]', { keys: [], vals: [], n: 0 });
  return [...groups.values()].map((g) => {
    const flat = g.vals.flat();
    const out: SEvent = {};
    by.forEach((f, i) => (out[f] = g.keys[i]!));
    out.c = g.n;
    out.cf = g.vals.filter((xs) => xs.length).length;
    out.d = new Set(flat).size;
    if (flat.length) out.vs = [...new Set(flat)].sort();
    if (flat.length) out.l = flat.slice(0, 100);
    let min: SValue = null;
    let max: SValue = null;
    for (const x of flat) {
      if (min === null || splunkCompare(x, min) < 0) min = asNumber(x) ?? x;
      if (max === null || splunkCompare(x, max) > 0) max = asNumber(x) ?? x;
    }
    if (min !== null) out.mn = min;
    if (max !== null) out.mx = max;
    const present = g.vals.filter((xs) => xs.length);
    if (present.length) {
      const one = (xs: string[]) => (xs.length === 1 ? xs[0]! : xs);
      out.f = one(present[0]!);
      out.la = one(present[present.length - 1]!);
    }
    const nums = flat.map((x) => asNumber(x)).filter((x): x is number => x !== undefined);
    if (nums.length) {
      out.s = nums.reduce((a, b) => a + b, 0);
      out.av = out.s / nums.length;
    }
    return out;
  });
}

async function stats(rows: SEvent[], by: string[]): Promise<SEvent[]> {
  const spl = `| datamodel M D flat | stats count AS c count(v) AS cf dc(v) AS d values(v) AS vs list(v) AS l min(v) AS mn max(v) AS mx first(v) AS f last(v) AS la sum(v) AS s avg(v) AS av${by.length ? ` BY ${by.join(' ')}` : ''}`;
  const out: SEvent[] = [];
  for await (const r of runPipeline(spl, () => (async function* () { yield* rows; })())) out.push(r);
  return out;
}

describe('SPL stats', () => {
  it('every function, grouped or not, equals the plain model on random rows (values of every type, many distinct)', async () => {
    const r = rng(3);
    const pick = () => POOL[Math.floor(r() * POOL.length)]!;
    for (let round = 0; round < 60; round++) {
      const rows: SEvent[] = [];
      const n = Math.floor(r() * 200);
      for (let i = 0; i < n; i++) {
        const row: SEvent = {};
        // Some groups get dozens of distinct values, past the small-set size.
        const v = r() < 0.5 ? pick() : `v${Math.floor(r() * 40)}`;
        if (v !== null) row.v = v;
        const g = pick();
        if (g !== null) row.g = g;
        const h = r() < 0.5 ? 'h1' : r() < 0.5 ? 2 : '2';
        row.h = h;
        rows.push(row);
      }
      for (const by of [[], ['g'], ['h'], ['g', 'h']]) {
        const expected = model(rows, by, 'v');
        const got = await stats(rows, by);
        expect(got, `round ${round} by ${by.join(',')}`).toEqual(expected);
      }
    }
  });

  it('eventstats writes each group\'s aggregates into its events and passes events without a group unchanged', async () => {
    const rows: SEvent[] = [{ k: 'a', v: 'x' }, { k: 'b', v: 'y' }, { v: 'z' }, { k: 'a', v: 'w', n: 'kept' }, { k: 'a', v: 'x' }];
    const out: SEvent[] = [];
    for await (const r of runPipeline('| datamodel M D flat | eventstats dc(v) AS n values(v) AS vs BY k', () => (async function* () { yield* rows; })())) out.push(r);
    expect(out).toEqual([
      { k: 'a', v: 'x', n: 2, vs: ['w', 'x'] },
      { k: 'b', v: 'y', n: 1, vs: ['y'] },
      { v: 'z' },
      { k: 'a', v: 'w', n: 2, vs: ['w', 'x'] },
      { k: 'a', v: 'x', n: 2, vs: ['w', 'x'] },
    ]);
    // The search changes its own copies of the events, never the events it was given.
    expect(rows[0]).toEqual({ k: 'a', v: 'x' });
  });
});
