import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { splunkBackend } from '../../src/backends/splunk/index.js';
import { macroCalls } from '../../src/backends/splunk/verify.js';
import { DATA_SOURCES } from '../../src/ir/sources.js';
import type { Rule } from '../../src/ir/types.js';
import { loadRules } from '../../src/load/load-rules.js';
import { loadMapping } from '../../src/mapping/mapping.js';
import { run } from '../helpers/cli.js';
import { baseRuleDoc, ruleFromDoc } from '../helpers/rules.js';

const mapping = loadMapping('templates/splunk/mapping.yml');
const ctx = (settings?: object) => ({ templateDir: 'templates/splunk', mapping, settings });

/** A network rule: distinct ports, a count and the first/last time per source in 5-minute windows. */
function scanDoc(where: unknown = { field: 'src_ip', exists: true }): Record<string, unknown> {
  return {
    ...baseRuleDoc(),
    query: {
      source: 'network_connection',
      where,
      aggregate: {
        window: { size: '5m', as: 'TimeGenerated' },
        by: [{ field: 'src_ip', as: 'SourceIP' }],
        compute: [
          { as: 'Ports', fn: 'distinct_count', field: 'dst_port' },
          { as: 'Events', fn: 'count' },
          { as: 'First', fn: 'min', field: 'time' },
          { as: 'Last', fn: 'max', field: 'time' },
          { as: 'PortList', fn: 'values', field: 'dst_port', limit: 10 },
          { as: 'Vendor', fn: 'any', field: 'device_vendor' },
        ],
      },
      having: { field: 'Ports', gte: 20 },
      output: ['TimeGenerated', 'SourceIP', 'Ports', 'Events', 'First', 'Last', 'PortList', 'Vendor'],
    },
  };
}

function compile(rule: Rule, settings?: object) {
  const out = splunkBackend.compile([rule], ctx(settings));
  return { spl: out.files.find((f) => f.path === 'splunk/test-rule.spl')!.content, notes: out.notes.map((n) => n.message), files: out.files };
}

describe('Splunk tstats: the first tstats and the stats over its rows', () => {
  it('groups by every field the rule reads and re-aggregates exactly: counts are sums, dc/values over by-fields', () => {
    const { spl, notes } = compile(ruleFromDoc(scanDoc()));
    const lines = spl.split('\n');
    expect(lines[0]).toBe('| tstats `detc_summariesonly` count AS Events min(_time) AS First max(_time) AS Last from datamodel=Network_Traffic.All_Traffic by All_Traffic.src_ip All_Traffic.device_vendor All_Traffic.dest_port _time span=5m'.replace('All_Traffic.device_vendor', 'All_Traffic.vendor'));
    expect(lines[1]).toBe('| rename All_Traffic.src_ip AS src_ip, All_Traffic.vendor AS vendor, All_Traffic.dest_port AS dest_port');
    // The fillnull_value of the macro and the CIM placeholder both mean "missing" again.
    expect(lines[2]).toBe('| eval src_ip=if(in(tostring(src_ip), "null"), null(), src_ip), vendor=if(in(tostring(vendor), "null"), null(), vendor), dest_port=if(in(tostring(dest_port), "0", "null"), null(), dest_port)');
    expect(spl).toContain('| bin span=5m _time AS TimeGenerated\n| stats dc(dest_port) AS Ports sum(Events) AS Events min(First) AS First max(Last) AS Last values(dest_port) AS PortList first(vendor) AS Vendor BY TimeGenerated src_ip\n');
    expect(spl).not.toContain('| datamodel');
    expect(notes.some((n) => n.startsWith('tstats: a missing by-field comes back as fillnull_value "null"'))).toBe(true);
  });

  it('pushes equality, IN and CIDR tests into WHERE; never contains-tests, lookups of shared lists or negated strings', () => {
    const { spl } = compile(ruleFromDoc(scanDoc({
      all: [
        { field: 'protocol', in: ['tcp', 'udp'] },
        { not: { field: 'src_ip', cidr: ['10.0.0.0/8', 'fc00::/7'] } },
        { any: [{ field: 'action', eq: 'blocked' }, { field: 'dst_ip', cidr: '192.0.2.0/24' }] },
        { not: { field: 'action', eq: 'allowed' } },
        { field: 'device_product', contains: 'wall' },
        { field: 'device_name', eq: 'a*b' },
        { field: 'dst_port', lt: 1024 },
      ],
    })));
    const first = spl.split('\n')[0]!;
    expect(first).toContain(' where All_Traffic.transport IN ("tcp", "udp") NOT All_Traffic.src_ip IN ("10.0.0.0/8", "fc00::/7") (All_Traffic.action="blocked" OR All_Traffic.dest_ip="192.0.2.0/24") by ');
    for (const notPushed of ['allowed', 'wall', 'a*b', '1024']) expect(first).not.toContain(notPushed);
    // The whole filter still runs on the rows.
    expect(spl).toContain('AND NOT (isnotnull(action) AND in(lower(action), "allowed")) AND');
  });

  it('buckets time at the largest span that divides the window and every suppression boundary', () => {
    const at = (iso: string) => Date.parse(iso);
    const spanOf = (windows: [string, string][]) => {
      const rule = ruleFromDoc(scanDoc());
      rule.branches[0]!.suppressions = [{
        field: 'src_ip', list: 'red_team_windows', pos: rule.branches[0]!.pos,
        windows: windows.map(([s, e]) => ({ match: '198.51.100.7', startMs: at(s), endMs: at(e), ticket: 'T-1' })),
      }];
      const { spl, notes } = compile(rule);
      return /span=(\S+)$/m.exec(spl.split('\n')[0]!)?.[1] ?? notes.find((n) => n.startsWith('tstats: '));
    };
    expect(spanOf([['2026-11-23T08:00:00Z', '2026-11-23T18:00:00Z']])).toBe('5m');
    expect(spanOf([['2026-11-23T08:00:00Z', '2026-11-23T18:01:00Z']])).toBe('1m');
    expect(spanOf([['2026-11-23T08:00:30Z', '2026-11-23T18:00:00Z']])).toBe('30s');
    expect(spanOf([['2026-11-23T08:00:00.500Z', '2026-11-23T18:00:00Z']])).toMatch(/^tstats: a suppression window of \$red_team_windows starts or ends inside a second/);
  });

  it('falls back to | datamodel where tstats cannot carry the rule, and says why', () => {
    const event = compile(ruleFromDoc(baseRuleDoc()));
    expect(event.spl).toMatch(/^\| datamodel Endpoint Processes flat\n/);
    expect(event.notes).toContain('tstats: the rule returns one row per event, and tstats returns one row per combination of its by-fields (identical events would merge); the search reads raw events with | datamodel Endpoint Processes flat instead (slower on a busy index: no accelerated summaries)');
  });

  it('first_seen: one-second buckets (now() minus the lookback never falls inside one) and nothing pushed into WHERE', () => {
    const doc = scanDoc({ all: [{ field: 'src_ip', exists: true }, { not: { field: 'src_ip', cidr: ['10.0.0.0/8'] } }] });
    (doc.query as Record<string, unknown>).first_seen = { baseline: '7d' };
    const { spl, notes } = compile(ruleFromDoc(doc));
    expect(spl.split('\n')[0]).toMatch(/^\| tstats `detc_summariesonly` .* from datamodel=Network_Traffic\.All_Traffic by .* _time span=1s$/);
    expect(spl.split('\n')[0]).not.toContain(' where ');
    expect(spl).toContain('| eventstats min(_time) AS detc_first_seen BY src_ip\n| where _time>=relative_time(now(), "-1h") AND detc_first_seen>=relative_time(now(), "-1h")\n');
    expect(notes.some((n) => n.startsWith("tstats: first_seen compares each event's time with now() minus the lookback, so the first tstats buckets _time by the second"))).toBe(true);
  });

  it('queryForm: datamodel reads raw events and needs no explanation', () => {
    const { spl, notes } = compile(ruleFromDoc(scanDoc()), { queryForm: 'datamodel' });
    expect(spl).toMatch(/^\| datamodel Network_Traffic All_Traffic flat\n/);
    expect(spl).toContain('| stats dc(dest_port) AS Ports count AS Events min(_time) AS First max(_time) AS Last ');
    expect(notes.filter((n) => n.startsWith('tstats'))).toEqual([]);
  });

  it('ships the summariesonly macro with Splunk content\'s defaults, each value explained', () => {
    const { files } = compile(ruleFromDoc(scanDoc()));
    const macros = files.find((f) => f.path.endsWith('default/macros.conf'))!.content;
    expect(macros).toContain('\n[detc_summariesonly]\ndefinition = summariesonly=false allow_old_summaries=true fillnull_value=null\n');
    for (const setting of ['summariesonly=false', 'allow_old_summaries=true', 'fillnull_value=null']) expect(macros).toMatch(new RegExp(`^#   ${setting} `, 'm'));
  });
});

describe('every rule on a CIM data model reads it through tstats, or REPORT.md says why not', () => {
  const { rules } = loadRules('rules');
  const out = splunkBackend.compile(rules, ctx());
  const report = readFileSync('dist-rules/REPORT.md', 'utf8');
  for (const rule of rules) {
    it(rule.slug, () => {
      const spl = out.files.find((f) => f.path === `splunk/${rule.slug}.spl`)!.content;
      const models = rule.branches.map((b) => mapping.sources[b.source]!.settings);
      expect(models.every((m) => m.datamodel)).toBe(true);
      const why = out.notes.filter((n) => n.rule === rule.file && n.message.startsWith('tstats: ') && n.message.includes('| datamodel'));
      const tstats = spl.match(/^\| tstats /gm)?.length ?? 0;
      expect(tstats + why.length).toBe(rule.branches.length);
      // The committed REPORT.md carries the same reasons.
      for (const n of why) expect(report).toContain(n.message);
      if (tstats) expect(spl.split('\n')[0]).toMatch(new RegExp(`^\\| tstats \`detc_summariesonly\` .* from datamodel=${models[0]!.datamodel}\\.${models[0]!.dataset} `));
      expect(DATA_SOURCES[rule.branches[0]!.source]).toBeDefined();
    });
  }
});

describe('DETC440: every macro a search calls is defined by the app', () => {
  it('finds calls outside quoted strings only', () => {
    expect(macroCalls('| tstats `detc_summariesonly` count | where x="`not_a_call`" | `a_filter` | `args(1, "x")`')).toEqual(['detc_summariesonly', 'a_filter', 'args']);
  });

  it('a macros.conf override without detc_summariesonly fails the build at the rule, naming the macro and the file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-macros-'));
    try {
      for (const p of ['lists', 'network/ip-block-scan.yml']) cpSync(path.join('rules', p), path.join(dir, 'rules', p), { recursive: true });
      mkdirSync(path.join(dir, 'templates/splunk'), { recursive: true });
      // A project's override from before the tstats macro: only the filter macros.
      writeFileSync(path.join(dir, 'templates/splunk/macros.conf.hbs'), '{{#each macros}}\n[{{name}}]\ndefinition = search *\n{{/each}}\n');
      const r = await run(dir, 'build', '-q');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^rules\/network\/ip-block-scan\.yml:\d+:\d+: error DETC440: splunk: dist-rules\/splunk\/ip-block-scan\.spl calls `detc_summariesonly`, which dist-rules\/splunk\/detc_detections\/default\/macros\.conf does not define/m);
      expect(r.err).not.toContain('ip_block_scan_filter');
      expect(existsSync(path.join(dir, 'dist-rules'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
