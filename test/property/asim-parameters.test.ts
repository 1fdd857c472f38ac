import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRows } from '../../src/events/model.js';
import { KqlChecker } from '../../src/kql-check/check-kql.js';
import { loadFunctionSchemas } from '../../src/kql-check/table-schemas.js';
import { buildDist, cleanDists, engineOpts, ENGINES, kqlTables } from '../helpers/dist.js';
import { baseRuleDoc, ruleFromDoc } from '../helpers/rules.js';
import { nextTurn } from '../helpers/next-turn.js';

// Random network rules over the fields ASIM's parser parameters filter (action, destination port, addresses), and
// random events around them: the ASIM variant, called with the parameters its rule implies, must raise exactly the
// primary query's alerts (the kql engine fails otherwise), and every engine must agree with the reference.

const NOW = Date.parse('2026-11-23T12:00:00Z');
const checker = new KqlChecker(kqlTables, loadFunctionSchemas(path.resolve(__dirname, '../../schemas/kql')));
afterAll(cleanDists);

const ACTIONS = ['Deny', 'deny', 'DENY', 'Drop', 'Allow'];
const PORTS = [21, 22, 23];
const RANGES = ['10.0.0.0/8', '10.1.0.0/16', '172.16.0.0/12', '203.0.113.0/25', '203.0.113.7/32', 'fc00::/7'];
const ADDRESSES = ['10.1.2.3', '10.100.0.1', '172.20.1.1', '172.32.0.1', '203.0.113.5', '203.0.113.7', '203.0.113.200', '2001:db8::1', 'fc00::1', ''];

const leaf = fc.oneof(
  fc.record({ v: fc.subarray(ACTIONS, { minLength: 1 }), cased: fc.boolean() }).map(({ v, cased }) => ({ field: 'action', in: v, ...(cased ? { cased } : {}) })),
  fc.subarray(PORTS, { minLength: 1, maxLength: 2 }).map((v) => (v.length === 1 ? { field: 'dst_port', eq: v[0] } : { field: 'dst_port', in: v })),
  fc.record({ field: fc.constantFrom('src_ip', 'dst_ip'), v: fc.subarray(RANGES, { minLength: 1, maxLength: 3 }) }).map(({ field, v }) => ({ field, cidr: v })),
);
const condition: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, leaf, fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }), fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 2 }) }), fc.record({ not: tie('node') })),
})).node;

const event = fc.record({
  // Some before the 1h lookback (and the parser's starttime), one exactly at its start.
  time: fc.oneof(fc.integer({ min: 1, max: 5400 }).map((s) => new Date(NOW - s * 1000).toISOString()), fc.constant(new Date(NOW - 3600_000).toISOString())),
  src_ip: fc.constantFrom(...ADDRESSES),
  dst_ip: fc.constantFrom(...ADDRESSES),
  dst_port: fc.oneof(fc.constantFrom(...PORTS), fc.constant(undefined)),
  action: fc.constantFrom(...ACTIONS, ''),
});

describe('random network rules: the ASIM call with its parameters raises the primary query\'s alerts', () => {
  it('in every engine, and Kusto.Language accepts every call', async () => {
    const passed = new Set<string>();
    await fc.assert(
      fc.asyncProperty(condition, fc.array(event, { maxLength: 25 }), async (where, events) => {
        await nextTurn();
        const doc = baseRuleDoc();
        doc.query = {
          source: 'network_connection',
          where,
          output: [{ field: 'time', as: 'TimeGenerated' }, { field: 'src_ip', as: 'SourceIP' }, { field: 'dst_ip', as: 'DestinationIP' }, { field: 'dst_port', as: 'DestinationPort' }, { field: 'action', as: 'DeviceAction' }],
        };
        const rule = ruleFromDoc(doc);
        const dist = buildDist([rule]);
        const kql = readFileSync(path.join(dist, 'sentinel/test-rule.asim.kql'), 'utf8');
        expect(checker.check(kql)).toEqual([]);
        for (const p of kql.match(/\b(dvcaction|dstportnumber|srcipaddr_has_any_prefix|dstipaddr_has_any_prefix)=/g) ?? []) passed.add(p);
        const opts = engineOpts(dist, NOW);
        const results = [];
        for (const e of ENGINES) results.push(await e.run(rule, events, opts));
        const ref = results[0]!;
        for (const r of results.slice(1)) expect(projectRows(r.rows, r.keys), `${r.engine} vs reference\n${r.query}`).toEqual(projectRows(ref.rows, r.keys));
      }),
      { numRuns: 120, seed: 20261203 },
    );
    // The generator reaches every parameter detc derives: the property is not vacuous.
    expect([...passed].sort()).toEqual(['dstipaddr_has_any_prefix=', 'dstportnumber=', 'dvcaction=', 'srcipaddr_has_any_prefix=']);
  }, 180_000);
});
