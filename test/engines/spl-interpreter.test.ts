import { describe, expect, it } from 'vitest';
import { ExprParser } from '../../src/engines/spl/eval-expr.js';
import { expandMacros, runPipeline, splitPipeline } from '../../src/engines/spl/pipeline.js';
import { compileSearch } from '../../src/engines/spl/search-expr.js';
import type { SEvent } from '../../src/engines/spl/values.js';

async function run(spl: string, events: SEvent[]) {
  const out: SEvent[] = [];
  for await (const r of runPipeline(spl, () => (async function* () { yield* events; })())) out.push(r);
  return out;
}
const ev = (e: SEvent) => e;

describe('SPL search command semantics', () => {
  it('OR binds tighter than the implicit AND', () => {
    // a=1 b=1 OR c=1  means  a=1 AND (b=1 OR c=1)
    const s = compileSearch('a=1 b=1 OR c=1');
    expect(s(ev({ a: '1', c: '1' }))).toBe(true);
    expect(s(ev({ b: '1' }))).toBe(false);
  });
  it('NOT f=x keeps events without f; f!=x drops them', () => {
    expect(compileSearch('NOT user=bob')(ev({}))).toBe(true);
    expect(compileSearch('user!=bob')(ev({}))).toBe(false);
    expect(compileSearch('user!=bob')(ev({ user: 'alice' }))).toBe(true);
  });
  it('values are case-insensitive with wildcards and CIDR', () => {
    expect(compileSearch('process_name=NMAP*')(ev({ process_name: 'nmap.exe' }))).toBe(true);
    expect(compileSearch('src_ip=172.16.0.0/12')(ev({ src_ip: '172.31.0.1' }))).toBe(true);
    expect(compileSearch('src_ip=172.16.0.0/12')(ev({ src_ip: '172.160.0.1' }))).toBe(false);
    expect(compileSearch('*')(ev({}))).toBe(true);
  });
  it("a value holding a '/' also matches as text (a range's own text, a path), only texts holding a '/'", () => {
    expect(compileSearch('note=172.16.0.0/12')(ev({ note: '172.16.0.0/12' }))).toBe(true);
    expect(compileSearch('uri=/Admin/*')(ev({ uri: '/admin/login' }))).toBe(true);
    expect(compileSearch('uri=*/x')(ev({ uri: 'A/X' }))).toBe(true);
    expect(compileSearch('uri=*/x')(ev({ uri: 'ax' }))).toBe(false);
    expect(compileSearch('NOT (src_ip=10.0.0.0/8 OR src_ip=fc00::/7)')(ev({ src_ip: '45.1.2.3' }))).toBe(true);
    expect(compileSearch('NOT (src_ip=10.0.0.0/8 OR src_ip=fc00::/7)')(ev({ src_ip: 'FC00::1' }))).toBe(false);
  });
});

describe('SPL eval/where semantics', () => {
  const e = (x: string, row: SEvent) => ExprParser.parse(x)(row);
  it('= is case-sensitive; comparisons are numeric when both sides are numbers', () => {
    expect(e('a="Nmap"', { a: 'nmap' })).toBe(false);
    expect(e('lower(a)=="nmap"', { a: 'NMAP' })).toBe(true);
    expect(e('p>=20', { p: '100' })).toBe(true);
    expect(e('p>="20"', { p: '3' })).toBe(false);
  });
  it('AND binds tighter than OR; null propagates through comparisons and NOT', () => {
    expect(e('a=1 OR b=1 AND c=1', { a: '1' })).toBe(true);
    expect(e('x="y"', {})).toBe(null);
    expect(e('NOT x="y"', {})).toBe(null);
    expect(e('isnotnull(x) AND x="y"', {})).toBe(false);
  });
  it('functions: in, match (PCRE with lookarounds and \\z), cidrmatch, case, if, urldecode, mvindex', () => {
    expect(e('in(lower(n), "nmap", "nmap.exe")', { n: 'NMAP.EXE' })).toBe(true);
    expect(e('match(c, "(?i)(?<![A-Za-z0-9])-sS(?![A-Za-z0-9])")', { c: 'nmap -ss x' })).toBe(true);
    expect(e('match(c, "(?i)(?<![A-Za-z0-9])-sS(?![A-Za-z0-9])")', { c: 'nmap -sSV x' })).toBe(false);
    expect(e('match(c, "x\\z")', { c: 'ax\n' })).toBe(false);
    expect(e('cidrmatch("fc00::/7", ip)', { ip: 'fd00::1' })).toBe(true);
    expect(e('cidrmatch("10.0.0.0/8", ip)', { ip: '2001:db8::1' })).toBe(false);
    expect(e('case(p>=20, "many", true(), "few")', { p: 3 })).toBe('few');
    expect(e('"a" . urldecode("%0A") . "b"', {})).toBe('a\nb');
    expect(e('mvindex(v, 0, 1)', { v: ['1', '2', '3'] })).toEqual(['1', '2']);
    expect(e('"say \\"hi\\" \\\\"', {})).toBe('say "hi" \\');
  });
  it('rejects functions outside the subset', () => {
    expect(() => ExprParser.parse('spath(x)')).toThrow(/eval function spath\(\) is outside the supported SPL subset/);
  });
});

describe('SPL pipeline', () => {
  it('splits at top-level pipes only and expands macros', () => {
    expect(splitPipeline('| datamodel A B flat | where match(x, "a|b") | append [ | datamodel A B flat | where y=1 ]')).toEqual([
      'datamodel A B flat', 'where match(x, "a|b")', 'append [ | datamodel A B flat | where y=1 ]',
    ]);
    expect(expandMacros('| x | `f_filter`', new Map([['f_filter', 'search *']]))).toBe('| x | search *');
    expect(() => expandMacros('`nope`', new Map())).toThrow(/unknown macro `nope`/);
  });
  it('stats: dc counts string forms, values sorts as strings, rows with a null BY key are dropped', async () => {
    const rows = await run('| datamodel M D flat | bin _time span=5m | stats dc(p) AS n values(p) AS ps count AS c BY _time s', [
      { _time: 1000, s: 'a', p: '1' }, { _time: 1001, s: 'a', p: '01' }, { _time: 1002, s: 'a', p: '10' }, { _time: 1003, s: 'a', p: '2' },
      { _time: 1004, p: '3' },
    ]);
    expect(rows).toEqual([{ _time: 900, s: 'a', n: 4, ps: ['01', '1', '10', '2'], c: 4 }]);
  });
  it('sort 0 - a - b sorts numerically, descending; table keeps column order', async () => {
    const rows = await run('| datamodel M D flat | sort 0 - a - b | table b a', [{ a: '9', b: '1' }, { a: '10', b: '1' }, { a: '10', b: '2' }]);
    expect(rows).toEqual([{ b: '2', a: '10' }, { b: '1', a: '10' }, { b: '1', a: '9' }]);
  });
  it('rejects commands outside the subset', async () => {
    await expect(run('| datamodel M D flat | dedup x', [])).rejects.toThrow(/command 'dedup' is outside the supported SPL subset/);
  });
});

describe('eventstats, relative_time and now()', () => {
  it('adds each group\'s stats to its events and compares against the search time', async () => {
    const { runPipeline } = await import('../../src/engines/spl/pipeline.js');
    const rows: Record<string, string | number>[] = [
      { _time: 1000, src: 'a' }, { _time: 5000, src: 'a' }, { _time: 4000, src: 'b' }, { _time: 4500 },
    ];
    const source = () => (async function* () { yield* rows; })();
    const out = [];
    for await (const r of runPipeline('| datamodel M D flat | eventstats min(_time) AS first BY src | where first>=relative_time(now(), "-1h")', source, undefined, 7_200_000)) out.push(r);
    // now() = 7200 s; relative_time(now(), "-1h") = 3600: only b's first event (4000) is recent enough.
    expect(out).toEqual([{ _time: 4000, src: 'b', first: 4000 }]);
  });
  it('refuses snapping it does not implement', async () => {
    const { runPipeline } = await import('../../src/engines/spl/pipeline.js');
    const source = () => (async function* () { yield { _time: 1 }; })();
    const go = async () => { for await (const _ of runPipeline('| datamodel M D flat | where _time>=relative_time(now(), "-1d@d")', source, undefined, 1000)) void _; };
    await expect(go()).rejects.toThrow(/relative_time specifier '-1d@d' is outside the supported subset/);
  });
});

describe('join', () => {
  // The main search reads dataset M; subsearches read dataset S (or M again), so both sides are known rows.
  const data: Record<string, SEvent[]> = {
    M: [{ k: 'a', v: 'm1' }, { k: 'b', v: 'm2' }, { v: 'm3' }, { k: 'c', v: 'm4' }, { k: '', v: 'm5' }],
    S: [{ k: 'a', w: 's1' }, { k: 'a', w: 's2', v: 'from-s' }, { k: 'b', w: 's3' }, { w: 's4' }, { k: '', w: 's5' }],
  };
  const source = (_model: string, dataset: string) => (async function* () { yield* data[dataset]!; })();
  const go = async (spl: string, now?: number) => {
    const out: SEvent[] = [];
    for await (const r of runPipeline(spl, source, undefined, now)) out.push(r);
    return out;
  };

  it('type=inner with the default max=1: the first matching subsearch row only; unmatched rows are dropped', async () => {
    expect(await go('| datamodel X M flat | join type=inner k [| datamodel X S flat]')).toEqual([
      { k: 'a', v: 'm1', w: 's1' },
      { k: 'b', v: 'm2', w: 's3' },
    ]);
  });
  it('max=0 joins every matching row, in subsearch order, and subsearch fields overwrite the main row', async () => {
    expect(await go('| datamodel X M flat | join max=0 k [| datamodel X S flat]')).toEqual([
      { k: 'a', v: 'm1', w: 's1' },
      { k: 'a', v: 'from-s', w: 's2' },
      { k: 'b', v: 'm2', w: 's3' },
    ]);
    expect(await go('| datamodel X M flat | join type=inner max=2 overwrite=false k [| datamodel X S flat]')).toEqual([
      { k: 'a', v: 'm1', w: 's1' },
      { k: 'a', v: 'm1', w: 's2' },
      { k: 'b', v: 'm2', w: 's3' },
    ]);
  });
  it('rows lacking a join field (absent or empty) never join, on either side', async () => {
    const rows = await go('| datamodel X M flat | join max=0 k [| datamodel X S flat]');
    expect(rows.map((r) => r.v)).not.toContain('m3');
    expect(rows.map((r) => r.v)).not.toContain('m5');
    expect(rows.map((r) => r.w)).not.toContain('s4');
    expect(rows.map((r) => r.w)).not.toContain('s5');
  });
  it('all join fields must be equal, compared as text; fields may be comma-separated', async () => {
    data.N = [{ t: 3600, k: 'a', n: 1 }, { t: '3600', k: 'b', n: 2 }, { t: 7200, k: 'a', n: 3 }, { t: '3600.0', k: 'a', n: 4 }];
    data.P = [{ t: '3600', k: 'a', p: 'x' }, { t: 7200, k: 'b', p: 'y' }];
    expect(await go('| datamodel X N flat | join t, k [| datamodel X P flat]')).toEqual([{ t: '3600', k: 'a', n: 1, p: 'x' }]);
  });
  it('nested subsearches run as whole pipelines, with the search time', async () => {
    data.E = [
      { _time: 1000, src: 'a', dest: 'h1' }, { _time: 1100, src: 'a', dest: 'h2' }, { _time: 1200, src: 'a', dest: 'h1' },
      { _time: 1300, src: 'a', dest: 'h1', ok: '1' }, { _time: 5000, src: 'a', dest: 'h2', ok: '1' }, { _time: 1400, src: 'b', dest: 'h1', ok: '1' },
    ];
    const spl = [
      '| datamodel X E flat | bin span=1h _time AS W | stats count AS n BY W src',
      '| join type=inner W src [',
      '    | datamodel X E flat | where ok="1" AND _time<=now()',
      '    | join type=inner max=0 src dest [',
      '        | datamodel X E flat | where isnull(ok) | bin span=1h _time AS detc_window',
      '        | eventstats dc(dest) AS hosts BY detc_window src | where hosts>=2',
      '        | stats min(_time) AS detc_probe BY detc_window src dest]',
      '    | where _time>detc_probe AND _time<=detc_probe+3600',
      '    | stats count AS followups values(dest) AS reached BY detc_window src',
      '    | rename detc_window AS W]',
    ].join('\n');
    // h1 probed at 1000, reached at 1300; h2 probed at 1100, reached at 5000 (> 1100 + 3600); b never scanned.
    expect(await go(spl, 10_000_000)).toEqual([{ W: 0, src: 'a', n: 4, followups: 1, reached: ['h1'] }]);
  });
  it('rejects other join types and options by name', async () => {
    await expect(go('| datamodel X M flat | join type=left k [| datamodel X S flat]')).rejects.toThrow(/join type=left is outside the supported subset/);
    await expect(go('| datamodel X M flat | join type=outer k [| datamodel X S flat]')).rejects.toThrow(/join type=outer/);
    await expect(go('| datamodel X M flat | join usetime=true k [| datamodel X S flat]')).rejects.toThrow(/join option usetime= is outside/);
    await expect(go('| datamodel X M flat | join k')).rejects.toThrow(/join needs one \[subsearch\] at its end/);
    await expect(go('| datamodel X M flat | join k [| datamodel X S flat] x')).rejects.toThrow(/join needs one \[subsearch\] at its end/);
  });
  it('splits nested brackets as one command', () => {
    expect(splitPipeline('| datamodel A B flat | join k [| datamodel A B flat | join j [| datamodel A B flat | where x="]"] | where y=1] | table k')).toEqual([
      'datamodel A B flat', 'join k [| datamodel A B flat | join j [| datamodel A B flat | where x="]"] | where y=1]', 'table k',
    ]);
  });
});
