// Issue 13, item 10(a): a group with more distinct values than a `values` limit. Splunk's values() sorts its values
// as text ("10" before "9") and mvindex then caps them, so every engine keeps the first N values in text order,
// numbers included (docs/semantics.md, Aggregates). Before, the reference and KQL sorted numbers numerically, and
// the SPL engine (as Splunk) disagreed above the limit.
import { afterAll, describe, expect, it } from 'vitest';
import { projectRows } from '../../src/events/model.js';
import { buildDist, cleanDists, engineOpts, ENGINES } from '../helpers/dist.js';
import { baseRuleDoc, ruleFromDoc } from '../helpers/rules.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
afterAll(cleanDists);

describe('values with a limit, above the limit', () => {
  const doc = baseRuleDoc();
  doc.query = {
    source: 'network_connection',
    where: { field: 'src_ip', exists: true },
    aggregate: {
      window: { size: '1h', as: 'TimeGenerated' },
      by: [{ field: 'src_ip', as: 'SourceIP' }],
      compute: [
        { as: 'Ports', fn: 'values', field: 'dst_port', limit: 3 },
        { as: 'Hosts', fn: 'values', field: 'dst_ip', limit: 2 },
      ],
    },
    output: ['TimeGenerated', 'SourceIP', 'Ports', 'Hosts'],
  };
  const rule = ruleFromDoc(doc);
  // Numeric order would keep 9, 10, 80; text order keeps 10, 1024, 443. Hosts: "10.0.0.10" sorts before "10.0.0.9".
  const ports = [9, 80, 443, 10, 1024, 9];
  const events = ports.map((p, i) => ({ time: new Date(NOW - (i + 1) * 60_000).toISOString(), src_ip: '198.51.100.7', dst_ip: `10.0.0.${[9, 10, 11][i % 3]}`, dst_port: p }));

  it('every engine keeps the first N distinct values in text order', async () => {
    const dist = buildDist([rule]);
    const opts = engineOpts(dist, NOW);
    const results = [];
    for (const e of ENGINES) results.push(await e.run(rule, events, opts));
    const ref = results[0]!;
    expect(ref.engine).toBe('reference');
    expect(ref.rows.map(({ TimeGenerated: _, ...r }) => r)).toEqual([{ SourceIP: '198.51.100.7', Ports: [10, 1024, 443], Hosts: ['10.0.0.10', '10.0.0.11'] }]);
    expect(results.map((r) => r.engine)).toEqual(expect.arrayContaining(['kql', 'spl']));
    for (const r of results.slice(1)) {
      if (r.ignores?.includes('rule')) continue;
      expect(projectRows(r.rows, r.keys), `${r.engine}\n${r.query}`).toEqual(projectRows(ref.rows, r.keys));
    }
  });
});
