import { describe, expect, it } from 'vitest';
import { expandMacros, runPipeline } from '../../src/engines/spl/pipeline.js';
import { parseTstats } from '../../src/engines/spl/tstats.js';
import type { SEvent } from '../../src/engines/spl/values.js';

/** Runs a search over the events of data model M.D (any other data model is an error, as in the engine). */
async function run(spl: string, events: SEvent[]) {
  const out: SEvent[] = [];
  const source = (model: string, dataset: string) => {
    if (model !== 'Network_Traffic' || dataset !== 'All_Traffic') throw new Error(`no data model ${model}.${dataset}`);
    return (async function* () { yield* events; })();
  };
  for await (const r of runPipeline(spl, source)) out.push(r);
  return out;
}

const FROM = 'from datamodel=Network_Traffic.All_Traffic';

describe('SPL engine: tstats', () => {
  it('groups by prefixed fields and _time in epoch-aligned spans; count, exact dc, values, min/max(_time)', async () => {
    const rows = await run(`| tstats count dc(All_Traffic.dest_port) AS ports values(All_Traffic.dest_port) min(_time) AS first max(_time) AS last ${FROM} by All_Traffic.src_ip _time span=5m`, [
      { _time: 299, src_ip: 'a', dest_port: '22' },
      { _time: 300, src_ip: 'a', dest_port: '22' },
      { _time: 301, src_ip: 'a', dest_port: '022' },
      { _time: 599.5, src_ip: 'a', dest_port: '80' },
      { _time: 310, src_ip: 'b', dest_port: '80' },
    ]);
    expect(rows).toEqual([
      { 'All_Traffic.src_ip': 'a', _time: 0, count: 1, ports: 1, 'values(All_Traffic.dest_port)': ['22'], first: 299, last: 299 },
      // dc and values compare text: "22" and "022" are two ports.
      { 'All_Traffic.src_ip': 'a', _time: 300, count: 3, ports: 3, 'values(All_Traffic.dest_port)': ['022', '22', '80'], first: 300, last: 599.5 },
      { 'All_Traffic.src_ip': 'b', _time: 300, count: 1, ports: 1, 'values(All_Traffic.dest_port)': ['80'], first: 310, last: 310 },
    ]);
  });

  it('by-values holding any character are one group per tuple (a separator inside a value does not join tuples)', async () => {
    const events: SEvent[] = [
      { _time: 1, src_ip: 'a\u0001b', dest_ip: 'c' },
      { _time: 2, src_ip: 'a', dest_ip: 'b\u0001c' },
      { _time: 3, src_ip: 'a', dest_ip: 'b\u0001c' },
      { _time: 4, src_ip: '\u0001', dest_ip: '' , dest_port: '1' },
      { _time: 5, src_ip: '["a","b"]', dest_ip: 'x' },
    ];
    expect(await run(`| tstats count min(_time) AS first ${FROM} by All_Traffic.src_ip All_Traffic.dest_ip`, events)).toEqual([
      { 'All_Traffic.src_ip': 'a\u0001b', 'All_Traffic.dest_ip': 'c', count: 1, first: 1 },
      { 'All_Traffic.src_ip': 'a', 'All_Traffic.dest_ip': 'b\u0001c', count: 2, first: 2 },
      { 'All_Traffic.src_ip': '["a","b"]', 'All_Traffic.dest_ip': 'x', count: 1, first: 5 },
    ]);
  });

  it('dc, values, min and max read every non-empty value of a multivalue, as text where it is no number', async () => {
    const events: SEvent[] = [
      { _time: 10, src_ip: 'a', bytes: ['5', '', '12', 'x', null] },
      { _time: 20, src_ip: 'a', bytes: 7 },
      { _time: 30, src_ip: 'a', bytes: null },
    ];
    expect(await run(`| tstats dc(All_Traffic.bytes) AS d values(All_Traffic.bytes) AS vs min(All_Traffic.bytes) AS lo max(All_Traffic.bytes) AS hi ${FROM} by All_Traffic.src_ip`, events)).toEqual([
      { 'All_Traffic.src_ip': 'a', d: 4, vs: ['12', '5', '7', 'x'], lo: 5, hi: 'x' },
    ]);
  });

  it('multivalue by-fields give a row per value, and count(f), sum, avg, latest read every value', async () => {
    const events: SEvent[] = [
      { _time: 10, src_ip: 'a', dest_port: ['22', '', '80'], bytes: ['1', 'x', '2'] },
      { _time: 20, src_ip: 'a', dest_port: '22', bytes: '4' },
      { _time: 30, src_ip: 'a', dest_port: [null, ''], bytes: '8' },
    ];
    expect(await run(`| tstats count(All_Traffic.dest_port) AS c sum(All_Traffic.bytes) AS s avg(All_Traffic.bytes) AS v latest(All_Traffic.bytes) AS l ${FROM} by All_Traffic.src_ip All_Traffic.dest_port`, events)).toEqual([
      { 'All_Traffic.src_ip': 'a', 'All_Traffic.dest_port': '22', c: 2, s: 7, v: 7 / 3, l: '4' },
      { 'All_Traffic.src_ip': 'a', 'All_Traffic.dest_port': '80', c: 1, s: 3, v: 1.5, l: ['1', 'x', '2'] },
    ]);
  });

  it('multivalue by-fields after single ones: every combination, texts for numbers, fillnull for one of no values; latest/earliest of one value read as one text', async () => {
    const events: SEvent[] = [
      { _time: 10, src_ip: 7, dest_ip: ['x', '', 'y'], dest_port: ['22', '80'], bytes: ['', '5'] },
      { _time: 20, src_ip: 7, dest_ip: 'x', dest_port: [null, ''], bytes: [3, 'b'] },
      { _time: 30, src_ip: 7, dest_ip: [''], dest_port: '22', bytes: [null] },
    ];
    expect(await run(`| tstats fillnull_value=NA count count(All_Traffic.bytes) AS c latest(All_Traffic.bytes) AS l earliest(All_Traffic.bytes) AS e ${FROM} by All_Traffic.src_ip All_Traffic.dest_ip All_Traffic.dest_port`, events)).toEqual([
      { 'All_Traffic.src_ip': '7', 'All_Traffic.dest_ip': 'x', 'All_Traffic.dest_port': '22', count: 1, c: 1, l: '5', e: '5' },
      { 'All_Traffic.src_ip': '7', 'All_Traffic.dest_ip': 'x', 'All_Traffic.dest_port': '80', count: 1, c: 1, l: '5', e: '5' },
      { 'All_Traffic.src_ip': '7', 'All_Traffic.dest_ip': 'y', 'All_Traffic.dest_port': '22', count: 1, c: 1, l: '5', e: '5' },
      { 'All_Traffic.src_ip': '7', 'All_Traffic.dest_ip': 'y', 'All_Traffic.dest_port': '80', count: 1, c: 1, l: '5', e: '5' },
      { 'All_Traffic.src_ip': '7', 'All_Traffic.dest_ip': 'x', 'All_Traffic.dest_port': 'NA', count: 1, c: 1, l: ['3', 'b'], e: ['3', 'b'] },
      { 'All_Traffic.src_ip': '7', 'All_Traffic.dest_ip': 'NA', 'All_Traffic.dest_port': '22', count: 1, c: 0 },
    ]);
  });

  it('an event missing a by-field is left out, unless fillnull_value stands in for it', async () => {
    const events: SEvent[] = [{ _time: 1, src_ip: 'a', dest_ip: 'x' }, { _time: 2, src_ip: 'a' }, { _time: 3, src_ip: 'a', dest_ip: '' }];
    expect(await run(`| tstats count ${FROM} by All_Traffic.src_ip All_Traffic.dest_ip`, events)).toEqual([
      { 'All_Traffic.src_ip': 'a', 'All_Traffic.dest_ip': 'x', count: 1 },
    ]);
    expect(await run(`| tstats fillnull_value=null count ${FROM} by All_Traffic.src_ip All_Traffic.dest_ip`, events)).toEqual([
      { 'All_Traffic.src_ip': 'a', 'All_Traffic.dest_ip': 'x', count: 1 },
      { 'All_Traffic.src_ip': 'a', 'All_Traffic.dest_ip': 'null', count: 2 },
    ]);
    expect(await run(`| tstats fillnull_value="N/A" count ${FROM} by All_Traffic.dest_ip`, events)).toEqual([
      { 'All_Traffic.dest_ip': 'x', count: 1 },
      { 'All_Traffic.dest_ip': 'N/A', count: 2 },
    ]);
  });

  it('summariesonly and allow_old_summaries change nothing on the engine\'s events (all of them count as summarized)', async () => {
    const events = [{ _time: 1, src_ip: 'a' }, { _time: 2, src_ip: 'b' }];
    const plain = await run(`| tstats count ${FROM} by All_Traffic.src_ip`, events);
    for (const opts of ['summariesonly=true', 'summariesonly=false allow_old_summaries=true', 'summariesonly=t allow_old_summaries=0']) {
      expect(await run(`| tstats ${opts} count ${FROM} by All_Traffic.src_ip`, events)).toEqual(plain);
    }
  });

  it('runs the options from a macro, as the emitted searches do', async () => {
    const macros = new Map([['detc_summariesonly', 'summariesonly=false allow_old_summaries=true fillnull_value=null']]);
    const spl = expandMacros(`| tstats \`detc_summariesonly\` count ${FROM} by All_Traffic.dest_ip`, macros);
    expect(await run(spl, [{ _time: 1 }])).toEqual([{ 'All_Traffic.dest_ip': 'null', count: 1 }]);
  });

  it('WHERE is search syntax over prefixed fields: IN, CIDR (IPv4 and IPv6), NOT keeps events without the field, case-insensitive', async () => {
    const events: SEvent[] = [
      { _time: 1, src_ip: '10.1.2.3', transport: 'TCP' },
      { _time: 2, src_ip: '172.160.0.1', transport: 'tcp' },
      { _time: 3, src_ip: 'fd00::1', transport: 'udp' },
      { _time: 4, transport: 'tcp' },
      { _time: 5, src_ip: '8.8.8.8', transport: 'icmp' },
    ];
    const count = async (where: string) => (await run(`| tstats count ${FROM} where ${where}`, events))[0]!.count;
    expect(await count('NOT All_Traffic.src_ip IN ("10.0.0.0/8", "172.16.0.0/12", "fc00::/7")')).toBe(3);
    expect(await count('All_Traffic.src_ip IN ("10.0.0.0/8", "172.16.0.0/12")')).toBe(1);
    expect(await count('All_Traffic.transport IN ("tcp", "udp") NOT All_Traffic.src_ip="10.0.0.0/8"')).toBe(3);
    expect(await count('(All_Traffic.transport="icmp" OR All_Traffic.transport=udp)')).toBe(2);
    expect(await count('All_Traffic.transport="TC*"')).toBe(3);
  });

  it('latest/earliest take the value of the latest/earliest event that has one; min/max compare numbers as numbers', async () => {
    const rows = await run(`| tstats latest(All_Traffic.vendor) AS v earliest(All_Traffic.vendor) AS e min(All_Traffic.bytes) AS lo max(All_Traffic.bytes) AS hi sum(All_Traffic.bytes) AS s ${FROM}`, [
      { _time: 5, vendor: 'B', bytes: '9' },
      { _time: 9, bytes: '10' },
      { _time: 1, vendor: 'A', bytes: '100' },
    ]);
    expect(rows).toEqual([{ v: 'B', e: 'A', lo: 9, hi: 100, s: 119 }]);
  });

  it('numbers and texts in one field: min/max/sum/avg read a number as its text would be read', async () => {
    // Events carry numbers (JSON numbers) and texts: a number meets a numeric best as a number, a text best as text.
    const rows = await run(`| tstats min(All_Traffic.bytes) AS lo max(All_Traffic.bytes) AS hi sum(All_Traffic.bytes) AS s avg(All_Traffic.bytes) AS a dc(All_Traffic.bytes) AS d ${FROM} by All_Traffic.src_ip`, [
      { _time: 1, src_ip: 'n', bytes: 5 },
      { _time: 2, src_ip: 'n', bytes: '10' },
      { _time: 3, src_ip: 'n', bytes: 2.5 },
      { _time: 4, src_ip: 'n', bytes: '-1' },
      { _time: 5, src_ip: 'n', bytes: 5 },
      { _time: 1, src_ip: 't', bytes: 7 },
      { _time: 2, src_ip: 't', bytes: 'x' },
      { _time: 3, src_ip: 't', bytes: 300 },
      { _time: 4, src_ip: 't', bytes: Number.NaN },
    ]);
    expect(rows).toEqual([
      { 'All_Traffic.src_ip': 'n', lo: -1, hi: 10, s: 21.5, a: 21.5 / 5, d: 4 },
      // 'x' is greater than "7" as text (and than "300" after it); "NaN" is text, and no number for sum and avg.
      { 'All_Traffic.src_ip': 't', lo: 7, hi: 'x', s: 307, a: 153.5, d: 4 },
    ]);
  });

  it('groups sharing a first by-value stay apart and keep the order they first appeared in', async () => {
    const rows = await run(`| tstats count min(_time) AS first ${FROM} by All_Traffic.src_ip All_Traffic.dest_ip _time span=10s`, [
      { _time: 1, src_ip: 'a', dest_ip: 'x' },
      { _time: 2, src_ip: 'b', dest_ip: 'x' },
      { _time: 3, src_ip: 'a', dest_ip: 'y' },
      { _time: 4, src_ip: 'a', dest_ip: 'x' },
      { _time: 5, src_ip: 'a', dest_ip: 'y' },
      { _time: 16, src_ip: 'a', dest_ip: 'x' },
      { _time: 7, src_ip: 'b', dest_ip: 'x' },
    ]);
    expect(rows).toEqual([
      { 'All_Traffic.src_ip': 'a', 'All_Traffic.dest_ip': 'x', _time: 0, count: 2, first: 1 },
      { 'All_Traffic.src_ip': 'b', 'All_Traffic.dest_ip': 'x', _time: 0, count: 2, first: 2 },
      { 'All_Traffic.src_ip': 'a', 'All_Traffic.dest_ip': 'y', _time: 0, count: 2, first: 3 },
      { 'All_Traffic.src_ip': 'a', 'All_Traffic.dest_ip': 'x', _time: 10, count: 1, first: 16 },
    ]);
  });

  it('a multivalue by-field gives a row per value; without BY, one row even over no events', async () => {
    expect(await run(`| tstats count ${FROM} by All_Traffic.dest_port`, [{ _time: 1, dest_port: ['22', '80'] }])).toEqual([
      { 'All_Traffic.dest_port': '22', count: 1 },
      { 'All_Traffic.dest_port': '80', count: 1 },
    ]);
    expect(await run(`| tstats count ${FROM}`, [])).toEqual([{ count: 0 }]);
  });

  it('feeds the rest of the pipeline: rename of the prefix, stats over its rows', async () => {
    const rows = await run(`| tstats count AS n ${FROM} by All_Traffic.src_ip All_Traffic.dest_port | rename All_Traffic.src_ip AS src_ip, All_Traffic.dest_port AS dest_port | stats sum(n) AS n dc(dest_port) AS ports BY src_ip`, [
      { _time: 1, src_ip: 'a', dest_port: '22' },
      { _time: 2, src_ip: 'a', dest_port: '22' },
      { _time: 3, src_ip: 'a', dest_port: '80' },
    ]);
    expect(rows).toEqual([{ src_ip: 'a', n: 3, ports: 2 }]);
  });

  it('its rows take the search\'s shape: a field tstats lacks reads as absent, fields the search never names are dropped', async () => {
    const events: SEvent[] = [
      { _time: 1, src_ip: 'a', dest_port: '22' },
      { _time: 2, src_ip: 'a', dest_port: '80' },
      { _time: 3, src_ip: 'b', dest_port: '80' },
    ];
    // `missing` is named by the search but made by no tstats function; `last` is made but never named after tstats.
    const rows = await run(`| tstats count AS n max(_time) AS last ${FROM} by All_Traffic.src_ip All_Traffic.dest_port | eval m=coalesce(missing, n*10) | where isnull(missing) | stats sum(m) AS total dc(All_Traffic.dest_port) AS ports BY All_Traffic.src_ip`, events);
    expect(rows).toEqual([{ 'All_Traffic.src_ip': 'a', total: 20, ports: 2 }, { 'All_Traffic.src_ip': 'b', total: 10, ports: 1 }]);
    // Without a command that keeps only named fields, every field of tstats reaches the output.
    expect(await run(`| tstats count AS n max(_time) AS last ${FROM} by All_Traffic.src_ip | where n>1`, events)).toEqual([{ 'All_Traffic.src_ip': 'a', n: 2, last: 2 }]);
  });

  it("starts a subsearch too (a rule's second branch is appended)", async () => {
    const rows = await run(`| tstats count ${FROM} by All_Traffic.src_ip | append [ | tstats count AS n ${FROM} where All_Traffic.src_ip="b" ]`, [
      { _time: 1, src_ip: 'a' }, { _time: 2, src_ip: 'b' },
    ]);
    expect(rows).toEqual([{ 'All_Traffic.src_ip': 'a', count: 1 }, { 'All_Traffic.src_ip': 'b', count: 1 }, { n: 1 }]);
  });

  it('refuses what it does not interpret, naming it', async () => {
    const bad: [string, RegExp][] = [
      [`| tstats prestats=true count ${FROM}`, /prestats=true is outside/],
      [`| tstats chunk_size=10 count ${FROM}`, /option chunk_size= is outside/],
      [`| tstats estdc(All_Traffic.src_ip) ${FROM}`, /function 'estdc\(All_Traffic.src_ip\)' is outside/],
      [`| tstats count from datamodel=Network_Traffic`, /FROM datamodel=<model>\.<dataset>/],
      [`| tstats count ${FROM} by src_ip`, /field 'src_ip': expected All_Traffic\.<field> or _time/],
      [`| tstats count ${FROM} where src_ip=1.2.3.4`, /field 'src_ip': expected All_Traffic\.<field> or _time/],
      [`| tstats count ${FROM} by _time`, /span= goes with _time/],
      [`| tstats count ${FROM} by All_Traffic.src_ip span=5m`, /span= goes with _time/],
      [`| tstats count ${FROM} by _time span=5x`, /span=5x: expected/],
      [`| tstats dc() ${FROM}`, /dc\(\) needs a field/],
      [`| datamodel Network_Traffic All_Traffic flat | tstats count ${FROM}`, /tstats is a generating command/],
    ];
    for (const [spl, re] of bad) await expect(run(spl, [{ _time: 1 }]), spl).rejects.toThrow(re);
    expect(() => parseTstats(`count ${FROM} by All_Traffic.src_ip extra=1 _time span=1m`)).toThrow(/field 'extra=1'/);
  });
});
