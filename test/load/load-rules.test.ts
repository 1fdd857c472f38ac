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
    expect(errs[0]).toMatch(/^rules\/x\/bad\.yml:\d+:\d+: error DETC001: YAML: /);
  });

  it('a threshold given as a string', () => {
    const doc = baseRuleDoc();
    doc.parameters = { port_threshold: { type: 'int', value: '20' } };
    (doc.query as Record<string, unknown>).where = { field: 'process_id', gte: '$port_threshold' };
    const text = stringify(doc);
    const line = text.split('\n').findIndex((l) => l.includes('value: "20"')) + 1;
    expect(errorsOf(text)).toEqual([`rules/x/bad.yml:${line}:12: error DETC012: must be integer, got the string "20" (at parameters.port_threshold.value)`]);
  });

  it('a literal threshold given as a string', () => {
    const doc = baseRuleDoc();
    (doc.query as Record<string, unknown>).where = { field: 'process_id', gte: '20' };
    expect(errorsOf(stringify(doc))[0]).toMatch(/error DETC014: "20" does not match a number or a \$parameter reference \(at query\.where\.gte\)/);
  });

  it('every missing required key is reported in one run, not one per run', () => {
    const doc = baseRuleDoc();
    delete doc.name;
    delete doc.version;
    delete doc.triage;
    doc.schedule = {};
    expect(errorsOf(stringify(doc)).map((e) => e.replace(/^rules\/x\/bad\.yml:\d+:\d+: error DETC011: /, ''))).toEqual([
      "missing required field 'name'",
      "missing required field 'version'",
      "missing required field 'triage'",
      "missing required field 'frequency' (at schedule)",
      "missing required field 'lookback' (at schedule)",
    ]);
  });

  describe('thresholds', () => {
    const scan = readFileSync('rules/network/ip-block-scan.yml', 'utf8');
    const { lists: sharedLists } = loadSharedLists('rules', process.cwd(), '2026-11-23');
    const withThreshold = (v: string) => loadRuleText('rules/network/ip-block-scan.yml', scan.replace('value: 20', `value: ${v}`), { sharedLists })
      .diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    const line = (s: string) => scan.split('\n').findIndex((l) => l.includes(s)) + 1;

    it('a count threshold of 0 or -1 lets every group through: an error where the parameter is compared', () => {
      for (const v of ['0', '-1']) {
        const errs = withThreshold(v);
        expect(errs[0]).toBe(`rules/network/ip-block-scan.yml:${line('{ field: UniqueDestPorts, gte: $port_threshold }')}:40: error DETC177: 'gte: $port_threshold' (${v}) on the count 'UniqueDestPorts' holds for every group: a threshold is at least 1 (at query.having.any[0].gte)`);
      }
      expect(withThreshold('1')).toEqual([]);
    });

    it('a literal count comparison that holds for no group, or for all', () => {
      const doc = baseRuleDoc();
      doc.query = {
        source: 'network_connection',
        aggregate: { window: { size: '5m', as: 'TimeGenerated' }, by: [{ field: 'src_ip', as: 'SourceIP' }], compute: [{ as: 'Ports', fn: 'distinct_count', field: 'dst_port' }, { as: 'MaxPort', fn: 'max', field: 'dst_port' }] },
        output: ['TimeGenerated', 'SourceIP', 'Ports', 'MaxPort'],
        having: { all: [{ field: 'Ports', gt: -1 }, { field: 'Ports', lt: 0 }, { field: 'Ports', eq: 0 }, { field: 'MaxPort', gte: 0 }] },
      };
      expect(errorsOf(stringify(doc)).map((e) => e.replace(/^.*?error /, ''))).toEqual([
        "DETC177: 'gt: -1' on the count 'Ports' holds for every group: a threshold is at least 1 (at query.having.all[0].gt)",
        "DETC177: 'lt: 0' on the count 'Ports' never holds: counts are never negative (at query.having.all[1].lt)",
      ]);
    });

    it('a number beyond 2^53 - 1 is refused, not emitted as 1e20 beyond KQL\'s long', () => {
      expect(withThreshold('99999999999999999999')).toEqual([
        `rules/network/ip-block-scan.yml:${line('value: 20')}:12: error DETC176: 100000000000000000000 is beyond ±9007199254740991 (2^53 - 1), where numbers are no longer exact (99999999999999999999 reads as 1e20, beyond KQL's long) (at parameters.port_threshold.value)`,
      ]);
      const doc = baseRuleDoc();
      doc.lists = { pids: { type: 'int', values: [1, 2 ** 60] } };
      (doc.query as Record<string, unknown>).where = { any: [{ field: 'process_id', gte: 1e20 }, { field: 'process_id', in: '$pids' }, { field: 'process_id', in: [2, -(2 ** 60)] }] };
      expect(errorsOf(stringify(doc)).map((e) => e.replace(/^.*?error (DETC\d+): (\S+).*?(\(at [^)]*\))$/, '$1 $2 $3'))).toEqual([
        'DETC176 1152921504606847000 (at lists.pids.values[1])',
        'DETC176 100000000000000000000 (at query.where.any[0].gte)',
        'DETC176 -1152921504606847000 (at query.where.any[2].in)',
      ]);
    });
  });

  it('an unknown key points at the key', () => {
    const text = good.replace('severity: low', 'severity: low\nseverty: high');
    const line = text.split('\n').findIndex((l) => l.startsWith('severty')) + 1;
    expect(errorsOf(text)).toEqual([`rules/x/bad.yml:${line}:1: error DETC010: unknown field 'severty' (at severty)`]);
  });

  it('an invalid CIDR in a list points at the list item', () => {
    const doc = baseRuleDoc();
    doc.lists = { ranges: { type: 'cidr', values: ['10.0.0.0/8', '10.0.0.0/33'] } };
    doc.query = { source: 'network_connection', where: { not: { field: 'src_ip', cidr: '$ranges' } }, output: [{ field: 'src_ip', as: 'SourceIP' }] };
    const text = stringify(doc);
    const line = text.split('\n').findIndex((l) => l.includes('10.0.0.0/33')) + 1;
    expect(errorsOf(text)).toEqual([
      `rules/x/bad.yml:${line}:9: error DETC113: invalid CIDR in list 'ranges': "10.0.0.0/33": prefix length must be 0..32 for IPv4 (at lists.ranges.values[1])`,
    ]);
  });

  it('an unknown source and an unknown field', () => {
    const doc = baseRuleDoc();
    (doc.query as Record<string, unknown>).source = 'dns_query';
    expect(errorsOf(stringify(doc))[0]).toMatch(/:\d+:\d+: error DETC120: unknown data source 'dns_query' \(known: network_connection, process_creation\) \(at query\.source\)/);
    const doc2 = baseRuleDoc();
    (doc2.query as Record<string, unknown>).where = { field: 'image', eq: 'x' };
    expect(errorsOf(stringify(doc2))[0]).toMatch(/error DETC121: unknown field 'image' for source process_creation .* \(at query\.where\.field\)/);
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
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([expect.stringMatching(/warning DETC106: 'spare' is defined but never used/)]);
  });
});

describe('classify without aggregate', () => {
  it('is refused with its position (the backends label aggregate rows only)', () => {
    const doc = baseRuleDoc();
    (doc.query as Record<string, unknown>).classify = [{ as: 'Why', cases: [{ when: { field: 'DeviceName', eq: 'x' }, then: 'x' }], else: 'y' }];
    const errs = errorsOf(stringify(doc));
    expect(errs).toContainEqual(expect.stringMatching(/^rules\/x\/bad\.yml:\d+:\d+: error DETC122: 'classify' needs an 'aggregate' \(it labels aggregate rows\) \(at query\.classify\[0\]\)$/));
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
    expect(errors((q) => delete q.aggregate && delete q.having)).toContainEqual(expect.stringMatching(/error DETC122: 'followed_by' needs an 'aggregate' .*\(at query\.followed_by\)$/));
    expect(errors((q) => (q.followed_by.same = 'src_ip'))).toContainEqual(expect.stringMatching(/error DETC134: 'src_ip' is already a group key.*\(at query\.followed_by\.same\)$/));
    expect(errors((q) => (q.followed_by.same = 'dst_port'))).toContainEqual(expect.stringMatching(/error DETC135: 'same' must be an IP or string field; 'dst_port' is int \(at query\.followed_by\.same\)$/));
    expect(errors((q) => (q.followed_by.same = 'dst_host'))).toContainEqual(expect.stringMatching(/unknown field 'dst_host'.*\(at query\.followed_by\.same\)$/));
    expect(errors((q) => (q.followed_by.within = '$nope'))).toContainEqual(expect.stringMatching(/unknown parameter \$nope \(at query\.followed_by\.within\)$/));
    expect(errors((q) => (q.followed_by.compute[0].as = 'detc_probe'))).toContainEqual(expect.stringMatching(/'detc_' are reserved .*\(at query\.followed_by\.compute\[0\]\.as\)$/));
    expect(errors((q) => (q.followed_by.compute[0].as = 'UniqueDestHosts'))).toContainEqual(expect.stringMatching(/duplicate column 'UniqueDestHosts' \(at query\.followed_by\.compute\[0\]\.as\)$/));
    // having picks the scans: the follow-up columns do not exist yet there.
    expect(errors((q) => (q.having = { field: 'AccessedHosts', gte: 1 }))).toContainEqual(expect.stringMatching(/unknown column 'AccessedHosts'.*\(at query\.having\.field\)$/));
  });
});
