import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRows } from '../../src/events/model.js';
import { buildDist, cleanDists, engineOpts, ENGINES } from '../helpers/dist.js';
import { baseRuleDoc, ruleFromDoc } from '../helpers/rules.js';
import { nextTurn } from '../helpers/next-turn.js';

// Random aggregated firewall rules, read through | tstats by the Splunk search: random filters (some pushed into
// tstats' WHERE, some not, some naming CIM placeholders), random events with missing by-fields. The SPL engine runs
// the emitted tstats search and must agree with the reference evaluator on every column, as every engine must.

const NOW = Date.parse('2026-11-23T12:00:00Z');
afterAll(cleanDists);

const leaf = fc.oneof(
  fc.subarray(['tcp', 'TCP', 'udp', 'icmp', 'unknown'], { minLength: 1 }).map((v) => ({ field: 'protocol', in: v })),
  fc.record({ v: fc.constantFrom('TCP', 'udp'), cased: fc.boolean() }).map(({ v, cased }) => ({ field: 'protocol', eq: v, ...(cased ? { cased } : {}) })),
  fc.constantFrom('deny', 'allow', 'unknown').map((v) => ({ field: 'action', eq: v })),
  fc.subarray(['10.0.0.0/8', '198.51.100.0/25', '2001:db8::/33'], { minLength: 1 }).map((v) => ({ field: 'src_ip', cidr: v })),
  fc.subarray(['203.0.113.0/30', '203.0.113.8/29'], { minLength: 1 }).map((v) => ({ field: 'dst_ip', cidr: v })),
  fc.integer({ min: 1, max: 6 }).map((n) => ({ field: 'dst_port', lt: n })),
  fc.record({ field: fc.constantFrom('dst_ip', 'protocol', 'device_vendor'), e: fc.boolean() }).map(({ field, e }) => ({ field, exists: e })),
  fc.constantFrom('A', 'b').map((v) => ({ field: 'device_vendor', contains: v })),
);
const condition: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf,
    fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ not: tie('node') })),
})).node;

// No event carries a CIM placeholder as a real value (protocol "unknown", port 0) or tstats' fillnull "null": Splunk
// cannot tell those from missing, a documented difference (REPORT.md), not what this test is about.
const event = fc.record({
  // Milliseconds before now, across the lookback (1h) and a first_seen baseline (1h) before it.
  ago: fc.integer({ min: 1, max: 7_200_000 }),
  src_ip: fc.constantFrom('198.51.100.1', '198.51.100.200', '10.1.1.1', '2001:db8::1', '2001:db8:8000::1', '', undefined),
  dst_ip: fc.constantFrom('203.0.113.1', '203.0.113.9', '203.0.113.20', '', undefined),
  dst_port: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(undefined)),
  protocol: fc.constantFrom('tcp', 'TCP', 'udp', 'icmp', undefined),
  action: fc.constantFrom('deny', 'allow', undefined),
  device_vendor: fc.constantFrom('A', 'ab', '', undefined),
});

function ruleDoc(where: unknown, byProtocol: boolean, window: string, firstSeen: boolean): Record<string, unknown> {
  return {
    ...baseRuleDoc(),
    query: {
      source: 'network_connection',
      ...(firstSeen ? { first_seen: { baseline: '1h' } } : {}),
      where,
      aggregate: {
        window: { size: window, as: 'TimeGenerated' },
        by: [{ field: 'src_ip', as: 'SourceIP' }, ...(byProtocol ? [{ field: 'protocol', as: 'Proto' }] : [])],
        compute: [
          { as: 'Ports', fn: 'distinct_count', field: 'dst_port' },
          { as: 'Hosts', fn: 'distinct_count', field: 'dst_ip' },
          { as: 'Events', fn: 'count' },
          { as: 'First', fn: 'min', field: 'time' },
          { as: 'Last', fn: 'max', field: 'time' },
          { as: 'PortList', fn: 'values', field: 'dst_port', limit: 3 },
          { as: 'Actions', fn: 'values', field: 'action', limit: 5 },
          { as: 'MaxPort', fn: 'max', field: 'dst_port' },
        ],
      },
      having: { field: 'Events', gte: 1 },
      output: ['TimeGenerated', 'SourceIP', ...(byProtocol ? ['Proto'] : []), 'Ports', 'Hosts', 'Events', 'First', 'Last', 'PortList', 'Actions', 'MaxPort'],
    },
  };
}

describe('random aggregated rules through tstats: every engine agrees with the reference evaluator', () => {
  it('on random filters, first_seen or not, and events with missing by-fields', async () => {
    await fc.assert(
      // The run time is a whole second (as Splunk's now()) but not on a window boundary.
      fc.asyncProperty(condition, fc.boolean(), fc.constantFrom('5m', '15m', '1h'), fc.boolean(), fc.integer({ min: 0, max: 3599 }), fc.array(event, { maxLength: 40 }), async (where, byProtocol, window, firstSeen, offset, raw) => {
        await nextTurn();
        const now = NOW + offset * 1000;
        const rule = ruleFromDoc(ruleDoc(where, byProtocol, window, firstSeen));
        const dist = buildDist([rule]);
        const spl = readFileSync(path.join(dist, 'splunk/test-rule.spl'), 'utf8');
        expect(spl.startsWith('| tstats `detc_summariesonly` ')).toBe(true);
        const events = raw.map(({ ago, ...e }) => ({ time: new Date(now - ago).toISOString(), ...Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) }));
        const opts = engineOpts(dist, now);
        const results: Awaited<ReturnType<(typeof ENGINES)[number]['run']>>[] = [];
        for (const e of ENGINES) results.push(await e.run(rule, events, opts));
        const ref = results[0]!;
        // An engine whose target cannot express the rule (Sigma: first_seen) is skipped and has no query.
        for (const r of results.slice(1).filter((x) => x.query !== undefined)) expect(projectRows(r.rows, r.keys), `${r.engine} vs reference\n${r.query}`).toEqual(projectRows(ref.rows, r.keys));
      }),
      { numRuns: 120, seed: 20261203 },
    );
  }, 180_000);

  it('first_seen: a key seen in the baseline by an event the filter drops is not new (nothing is pushed into WHERE)', async () => {
    const rule = ruleFromDoc(ruleDoc({ field: 'protocol', in: ['tcp'] }, false, '1h', true));
    const dist = buildDist([rule]);
    const events = [
      { time: new Date(NOW - 5_400_000).toISOString(), src_ip: '198.51.100.1', dst_ip: '203.0.113.1', dst_port: 53, protocol: 'udp' },
      { time: new Date(NOW - 600_000).toISOString(), src_ip: '198.51.100.1', dst_ip: '203.0.113.1', dst_port: 22, protocol: 'tcp' },
      { time: new Date(NOW - 600_000).toISOString(), src_ip: '198.51.100.2', dst_ip: '203.0.113.1', dst_port: 22, protocol: 'tcp' },
    ];
    const opts = engineOpts(dist, NOW);
    for (const e of ENGINES.filter((x) => x.name === 'reference' || x.name === 'spl')) {
      const r = await e.run(rule, events, opts);
      expect(r.rows.map((row) => row.SourceIP), e.name).toEqual(['198.51.100.2']);
    }
  });
});
