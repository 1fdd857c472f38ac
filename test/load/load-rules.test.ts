import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatDiagnostic } from '../../src/load/diagnostics.js';
import { loadRules, loadRuleText } from '../../src/load/load-rules.js';
import { loadSharedLists } from '../../src/load/shared-lists.js';
import { baseRuleDoc } from '../helpers/rules.js';

function errorsOf(text: string, file = 'rules/x/bad.yml'): string[] {
  return loadRuleText(file, text).diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}

describe('the founding rules', () => {
  const { rules, diagnostics } = loadRules('rules', process.cwd(), { today: '2026-11-23' });
  it('load with no errors or warnings', () => {
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(rules.map((r) => r.slug)).toEqual(expect.arrayContaining(['ip-block-scan', 'scan-tool-execution']));
    expect(rules.length).toBeGreaterThanOrEqual(7);
  });
  it('resolve parameters and lists into the IR', () => {
    const r = rules.find((x) => x.slug === 'ip-block-scan')!;
    const b = r.branches[0]!;
    expect(b.aggregation!.windowSeconds).toBe(300);
    expect(b.having).toMatchObject({ kind: 'or', exprs: [{ field: 'UniqueDestPorts', op: 'gte', values: [20] }, { field: 'UniqueDestHosts', op: 'gte', values: [15] }] });
    expect(b.classifications[0]!.cases.map((c) => c.then)).toEqual(['IP Block Sweep (ping/single-port)', 'Port Scan (single host)', 'Full Network Scan']);
    expect(b.classifications[0]!.otherwise).toBe('Unknown Scan Pattern');
    expect(r.schedule).toMatchObject({ frequencySeconds: 3600, lookbackSeconds: 3600, pos: { frequency: { line: 59 }, lookback: { line: 60 } } });
    expect(r.falsePositives.map((f) => f.class)).toEqual([
      'authorized_vulnerability_scanners', 'internet_research_scanners', 'it_asset_discovery', 'load_balancer_health_checks', 'red_team_windows',
    ]);
  });
});

describe('diagnostics name file, line, column and field', () => {
  const good = stringify(baseRuleDoc());

  it('broken YAML', () => {
    const errs = errorsOf(good.replace('severity: low', 'severity: [low'));
    expect(errs.length).toBeGreaterThan(0);
    expect(errs[0]).toMatch(/^rules\/x\/bad\.yml:\d+:\d+: error: YAML: /);
  });

  it('a threshold given as a string', () => {
    const doc = baseRuleDoc();
    doc.parameters = { port_threshold: { type: 'int', value: '20' } };
    (doc.query as Record<string, unknown>).where = { field: 'process_id', gte: '$port_threshold' };
    const text = stringify(doc);
    const line = text.split('\n').findIndex((l) => l.includes('value: "20"')) + 1;
    expect(errorsOf(text)).toEqual([`rules/x/bad.yml:${line}:12: error: must be integer, got the string "20" (at parameters.port_threshold.value)`]);
  });

  it('a literal threshold given as a string', () => {
    const doc = baseRuleDoc();
    (doc.query as Record<string, unknown>).where = { field: 'process_id', gte: '20' };
    expect(errorsOf(stringify(doc))[0]).toMatch(/error: "20" does not match a number or a \$parameter reference \(at query\.where\.gte\)/);
  });

  it('an unknown key points at the key', () => {
    const text = good.replace('severity: low', 'severity: low\nseverty: high');
    const line = text.split('\n').findIndex((l) => l.startsWith('severty')) + 1;
    expect(errorsOf(text)).toEqual([`rules/x/bad.yml:${line}:1: error: unknown field 'severty' (at severty)`]);
  });

  it('an invalid CIDR in a list points at the list item', () => {
    const doc = baseRuleDoc();
    doc.lists = { ranges: { type: 'cidr', values: ['10.0.0.0/8', '10.0.0.0/33'] } };
    doc.query = { source: 'network_connection', where: { not: { field: 'src_ip', cidr: '$ranges' } }, output: [{ field: 'src_ip', as: 'SourceIP' }] };
    const text = stringify(doc);
    const line = text.split('\n').findIndex((l) => l.includes('10.0.0.0/33')) + 1;
    expect(errorsOf(text)).toEqual([
      `rules/x/bad.yml:${line}:9: error: invalid CIDR in list 'ranges': "10.0.0.0/33": prefix length must be 0..32 for IPv4 (at lists.ranges.values[1])`,
    ]);
  });

  it('an unknown source and an unknown field', () => {
    const doc = baseRuleDoc();
    (doc.query as Record<string, unknown>).source = 'dns_query';
    expect(errorsOf(stringify(doc))[0]).toMatch(/:\d+:\d+: error: unknown data source 'dns_query' \(known: network_connection, process_creation\) \(at query\.source\)/);
    const doc2 = baseRuleDoc();
    (doc2.query as Record<string, unknown>).where = { field: 'image', eq: 'x' };
    expect(errorsOf(stringify(doc2))[0]).toMatch(/error: unknown field 'image' for source process_creation .* \(at query\.where\.field\)/);
  });

  it('unknown references, type mismatches and operator misuse', () => {
    const doc = baseRuleDoc();
    (doc.query as Record<string, unknown>).where = { all: [
      { field: 'process_id', gte: '$nope' },
      { field: 'command_line', gt: 5 },
      { field: 'process_name', eq: 'a', in: ['b'] },
      { field: 'command_line', has: '--' },
    ] };
    const errs = errorsOf(stringify(doc)).join('\n');
    expect(errs).toMatch(/unknown parameter \$nope \(at query\.where\.all\[0\]\.gte\)/);
    expect(errs).toMatch(/'gt' compares numbers; 'command_line' is string/);
    expect(errs).toMatch(/one operator per condition, found eq, in/);
    expect(errs).toMatch(/whole-term match needs at least one letter or digit/);
  });

  it('columns used by entities, details, sort and alert placeholders must exist', () => {
    const doc = baseRuleDoc();
    doc.entities = [{ type: 'ip', column: 'SourceIP' }];
    doc.alert = { title: 'x {{Nope}}', description: 'y' };
    const errs = errorsOf(stringify(doc)).join('\n');
    expect(errs).toMatch(/entity column 'SourceIP' is not an output column/);
    expect(errs).toMatch(/placeholder \{\{Nope\}\} is not an output column/);
  });

  it('an unused parameter is a warning, not an error', () => {
    const doc = baseRuleDoc();
    doc.parameters = { spare: { type: 'int', value: 1 } };
    const r = loadRuleText('rules/x/w.yml', stringify(doc));
    expect(r.rule).toBeDefined();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([expect.stringMatching(/warning: 'spare' is defined but never used/)]);
  });
});

describe('classify without aggregate', () => {
  it('is refused with its position (the backends label aggregate rows only)', () => {
    const doc = baseRuleDoc();
    (doc.query as Record<string, unknown>).classify = [{ as: 'Why', cases: [{ when: { field: 'DeviceName', eq: 'x' }, then: 'x' }], else: 'y' }];
    const errs = errorsOf(stringify(doc));
    expect(errs).toContainEqual(expect.stringMatching(/^rules\/x\/bad\.yml:\d+:\d+: error: 'classify' needs an 'aggregate' \(it labels aggregate rows\) \(at query\.classify\[0\]\)$/));
  });
});

describe('followed_by', () => {
  const sharedLists = loadSharedLists('rules', process.cwd(), '2026-11-23').lists;
  const text = readFileSync('rules/network/scan-followed-by-access.yml', 'utf8');
  const errors = (edit: (q: Record<string, any>) => void) => {
    const doc = parse(text);
    edit(doc.query);
    return loadRuleText('rules/x/bad.yml', stringify(doc), { sharedLists }).diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  };

  it('lowers into the IR with its window, field, condition and aggregates', () => {
    const { rule, diagnostics } = loadRuleText('rules/network/scan-followed-by-access.yml', text, { sharedLists });
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const f = rule!.branches[0]!.followedBy!;
    expect(f.withinSeconds).toBe(3600);
    expect(f.same).toBe('dst_ip');
    expect(f.aggregates.map((a) => `${a.as}:${a.fn}`)).toEqual(['AccessedHosts:distinct_count', 'AccessConnections:count', 'AccessedHostList:values', 'AccessedPorts:values', 'FirstAccess:min', 'LastAccess:max']);
    expect(f.where?.kind).toBe('and');
  });

  it('refuses what no backend could compile, naming the field', () => {
    expect(errors((q) => delete q.aggregate && delete q.having)).toContainEqual(expect.stringMatching(/error: 'followed_by' needs an 'aggregate' .*\(at query\.followed_by\)$/));
    expect(errors((q) => (q.followed_by.same = 'src_ip'))).toContainEqual(expect.stringMatching(/error: 'src_ip' is already a group key.*\(at query\.followed_by\.same\)$/));
    expect(errors((q) => (q.followed_by.same = 'dst_port'))).toContainEqual(expect.stringMatching(/error: 'same' must be an IP or string field; 'dst_port' is int \(at query\.followed_by\.same\)$/));
    expect(errors((q) => (q.followed_by.same = 'dst_host'))).toContainEqual(expect.stringMatching(/unknown field 'dst_host'.*\(at query\.followed_by\.same\)$/));
    expect(errors((q) => (q.followed_by.within = '$nope'))).toContainEqual(expect.stringMatching(/unknown parameter \$nope \(at query\.followed_by\.within\)$/));
    expect(errors((q) => (q.followed_by.compute[0].as = 'detc_probe'))).toContainEqual(expect.stringMatching(/'detc_' are reserved .*\(at query\.followed_by\.compute\[0\]\.as\)$/));
    expect(errors((q) => (q.followed_by.compute[0].as = 'UniqueDestHosts'))).toContainEqual(expect.stringMatching(/duplicate column 'UniqueDestHosts' \(at query\.followed_by\.compute\[0\]\.as\)$/));
    // having picks the scans: the follow-up columns do not exist yet there.
    expect(errors((q) => (q.having = { field: 'AccessedHosts', gte: 1 }))).toContainEqual(expect.stringMatching(/unknown column 'AccessedHosts'.*\(at query\.having\.field\)$/));
  });
});
