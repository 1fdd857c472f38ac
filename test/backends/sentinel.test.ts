import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadMapping } from '../../src/mapping/mapping.js';
import { kqlString, yamlAscii, armString, isoDuration } from '../../src/backends/sentinel/escape.js';
import { sentinelBackend } from '../../src/backends/sentinel/index.js';
import { KqlChecker } from '../../src/kql-check/check-kql.js';
import { loadFunctionSchemas, loadTableSchemas } from '../../src/kql-check/table-schemas.js';
import { loadRules } from '../../src/load/load-rules.js';
import { ruleWithWhere } from '../helpers/rules.js';

const ctx = { templateDir: 'templates/sentinel', mapping: loadMapping('templates/sentinel/mapping.yml') };
const checker = new KqlChecker(loadTableSchemas('schemas/kql'), loadFunctionSchemas('schemas/kql'));

function compile(rules = loadRules('rules').rules) {
  const r = sentinelBackend.compile(rules, ctx);
  return { ...r, file: (p: string) => r.files.find((f) => f.path === p)!.content };
}

describe('KQL string escaping', () => {
  it('escapes quotes, backslashes and control characters, and keeps the literal ASCII', () => {
    expect(kqlString('a"b')).toBe('"a\\"b"');
    expect(kqlString('C:\\Tools\\nmap.exe')).toBe('"C:\\\\Tools\\\\nmap.exe"');
    expect(kqlString('line1\nline2\ttab\r')).toBe('"line1\\nline2\\ttab\\r"');
    expect(kqlString('café')).toBe('"caf\\u00e9"');
    expect(kqlString('😀')).toBe('"\\ud83d\\ude00"');
    expect(kqlString('*?|')).toBe('"*?|"');
  });
  it('produces literals Kusto.Language accepts', () => {
    for (const s of ['a"b', 'C:\\x\\', 'x\ny', 'é😀', "it's", '\u0001']) {
      expect(checker.check(`print x = ${kqlString(s)}`)).toEqual([]);
    }
  });
  it('escapes YAML and ARM strings', () => {
    expect(yamlAscii('naïve "x"')).toBe('"na\\u00efve \\"x\\""');
    expect(armString('[not an expression]')).toBe('[[not an expression]');
    expect(armString('plain')).toBe('plain');
    expect(isoDuration(3600)).toBe('PT1H');
    expect(isoDuration(300)).toBe('PT5M');
    expect(isoDuration(86400 + 5400)).toBe('P1DT1H30M');
  });
});

describe('sentinel backend on the founding rules', () => {
  const out = compile();
  const kql = out.file('sentinel/ip-block-scan.kql');

  it('emits the .kql, analytics-rule YAML and ARM template per rule, an ASIM variant per network rule, and the watchlists', () => {
    const rules = loadRules('rules').rules;
    const paths = out.files.map((f) => f.path).sort();
    const expected = rules.flatMap((r) => {
      const own = ['arm.json', 'kql', 'yaml'].map((e) => `sentinel/${r.slug}.${e}`);
      const asim = r.branches[0]!.source === 'network_connection' ? ['arm.json', 'kql', 'yaml'].map((e) => `sentinel/${r.slug}.asim.${e}`) : [];
      return [...own, ...asim];
    });
    // Threat intelligence (an external list) is read from the SIEM's TI table: no watchlist either.
    const watchlists = [...new Set(rules.flatMap((r) => r.sharedLists).filter((l) => l.type !== 'window' && !l.external).map((l) => l.name))]
      .flatMap((n) => [`sentinel/watchlists/${n}.arm.json`, `sentinel/watchlists/${n}.csv`]);
    expect(paths).toEqual([...expected, ...watchlists].sort());
    expect(paths).toContain('sentinel/ip-block-scan.asim.kql');
    expect(paths).not.toContain('sentinel/scan-tool-execution.asim.kql');
    // The window list is compiled into the queries, not shipped as a watchlist.
    expect(paths.some((p) => p.includes('red_team_windows') || p.includes('threat_intel'))).toBe(false);
    // Each indicator's newest row of the last 14 days decides (Sentinel republishes weekly), and the rule reads 14 days.
    expect(out.file('sentinel/known-bad-source-scan.kql')).toContain('toscalar(ThreatIntelIndicators | where TimeGenerated >= ago(14d) | where ObservableKey in ("ipv4-addr:value", "ipv6-addr:value") | summarize arg_max(TimeGenerated, IsActive, IsDeleted, ValidUntil, ObservableValue) by Id | where IsActive == true and IsDeleted == false and (isnull(ValidUntil) or ValidUntil > now())');
    expect(out.file('sentinel/known-bad-source-scan.yaml')).toMatch(/^queryPeriod: 14d$/m);
  });

  it('excludes non-public sources by CIDR, never by string prefix, and keeps IPv6 sources', () => {
    expect(kql).toContain('ipv4_is_in_any_range(SourceIP, dynamic(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16"]))');
    expect(kql).toContain('coalesce(ipv4_is_in_any_range(');
    expect(kql).toContain('ipv6_is_in_any_range(SourceIP, dynamic(["::1/128", "fc00::/7", "fe80::/10"]))');
    expect(kql).not.toMatch(/startswith "1(0|72|92)\./);
    expect(kql).toContain('isnotempty(SourceIP)');
  });

  it('aggregates per source and 5-minute bucket with the founding columns, labels and order', () => {
    expect(kql).toContain('UniqueDestPorts = dcount(DestinationPort)');
    expect(kql).toContain('UniqueDestHosts = dcountif(DestinationIP, isnotempty(DestinationIP))');
    expect(kql).toContain('TotalConnections = count()');
    expect(kql).toContain('DestinationPorts = array_slice(array_sort_asc(make_set_if(tostring(DestinationPort), isnotnull(DestinationPort))), 0, 49)');
    expect(kql).toContain('SampledDestHosts = array_slice(array_sort_asc(make_set_if(DestinationIP, isnotempty(DestinationIP))), 0, 19)');
    expect(kql).toContain('by SourceIP, TimeGenerated = bin(TimeGenerated, 5m)');
    expect(kql).toContain('| where (UniqueDestPorts >= 20 or UniqueDestHosts >= 15)');
    const labels = [...kql.matchAll(/"(IP Block Sweep \(ping\/single-port\)|Port Scan \(single host\)|Full Network Scan|Unknown Scan Pattern)"/g)].map((m) => m[1]);
    expect(labels).toEqual(['IP Block Sweep (ping/single-port)', 'Port Scan (single host)', 'Full Network Scan', 'Unknown Scan Pattern']);
    expect(kql).toContain('ScanDurationSeconds = tolong((LatestEvent - EarliestEvent) / 1s)');
    expect(kql).toContain('| sort by UniqueDestHosts desc, UniqueDestPorts desc');
    expect(kql).toContain('| where TimeGenerated >= ago(1h)');
  });

  it('matches scan tools by name case-insensitively and command lines by whole terms', () => {
    const ep = out.file('sentinel/scan-tool-execution.kql');
    expect(ep).toContain('FileName in~ ("nmap", "nmap.exe", "masscan"');
    expect(ep).toContain('ProcessCommandLine has_any ("nmap", "masscan"');
    expect(ep).toContain('ProcessCommandLine has_any ("--scan-delay", "-sS"');
    expect(ep).not.toContain('contains');
  });

  it('every query (raw, in YAML, in ARM) passes Kusto.Language against the table schemas', () => {
    for (const slug of ['ip-block-scan', 'scan-tool-execution']) {
      const raw = out.file(`sentinel/${slug}.kql`);
      const yaml = parseYaml(out.file(`sentinel/${slug}.yaml`)) as { query: string };
      const arm = JSON.parse(out.file(`sentinel/${slug}.arm.json`)) as { resources: { properties: { query: string } }[] };
      for (const q of [raw, yaml.query, arm.resources[0]!.properties.query]) expect(checker.check(q)).toEqual([]);
      expect(yaml.query).toBe(arm.resources[0]!.properties.query);
      expect(raw.endsWith(yaml.query + '\n')).toBe(true);
    }
  });

  it('writes an analytics rule in the Azure-Sentinel format and a deployable ARM resource', () => {
    const y = parseYaml(out.file('sentinel/ip-block-scan.yaml')) as Record<string, unknown>;
    expect(y).toMatchObject({
      id: '640d1803-a663-4e86-8ed1-28b0d560eac4', severity: 'Medium', queryFrequency: '1h', queryPeriod: '1h',
      triggerOperator: 'gt', triggerThreshold: 0, tactics: ['Reconnaissance'], relevantTechniques: ['T1595.001'],
      kind: 'Scheduled', version: '1.3.0',
      entityMappings: [{ entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'SourceIP' }] }],
      requiredDataConnectors: [{ connectorId: 'CefAma', dataTypes: ['CommonSecurityLog'] }],
    });
    expect(out.file('sentinel/ip-block-scan.yaml')).toMatch(/^[\x00-\x7f]*$/);
    const arm = JSON.parse(out.file('sentinel/ip-block-scan.arm.json'));
    const res = arm.resources[0];
    expect(res.type).toBe('Microsoft.OperationalInsights/workspaces/providers/alertRules');
    expect(res.kind).toBe('Scheduled');
    expect(res.name).toBe("[concat(parameters('workspace'), '/Microsoft.SecurityInsights/', '640d1803-a663-4e86-8ed1-28b0d560eac4')]");
    expect(res.properties).toMatchObject({
      queryFrequency: 'PT1H', queryPeriod: 'PT1H', triggerOperator: 'GreaterThan', triggerThreshold: 0,
      tactics: ['Reconnaissance'], techniques: ['T1595'], suppressionEnabled: false, enabled: true,
      customDetails: { ScanType: 'ScanType', UniqueDestPorts: 'UniqueDestPorts' },
    });
    const ep = JSON.parse(out.file('sentinel/scan-tool-execution.arm.json')).resources[0].properties;
    expect(ep.entityMappings.map((e: { entityType: string }) => e.entityType)).toEqual(['Host', 'Account', 'Process']);
  });

  it('notes what it approximates', () => {
    expect(out.notes.map((n) => n.message).join('\n')).toMatch(/dcount\(\) \(HyperLogLog/);
    expect(out.notes.map((n) => n.message).join('\n')).toMatch(/no sub-techniques/);
  });

  it('is deterministic', () => {
    expect(compile().files).toEqual(out.files);
  });
});

describe('sentinel backend escaping of rule literals', () => {
  it('escapes quotes, backslashes, wildcards, newlines and non-ASCII and still passes Kusto.Language', () => {
    const values = ['say "hi"', 'C:\\Temp\\', 'a*b?c', 'two\nlines', 'ünïcødé', "it's|piped"];
    const rule = ruleWithWhere({ field: 'command_line', contains: values, cased: true });
    const { files } = sentinelBackend.compile([rule], ctx);
    const kql = files.find((f) => f.path.endsWith('.kql'))!.content;
    expect(kql).toContain('ProcessCommandLine contains_cs "say \\"hi\\""');
    expect(kql).toContain('"C:\\\\Temp\\\\"');
    expect(kql).toContain('"a*b?c"');
    expect(kql).toContain('"two\\nlines"');
    expect(kql).toContain('"\\u00fcn\\u00efc\\u00f8d\\u00e9"');
    expect(kql).toContain('"it\'s|piped"');
    expect(checker.check(kql)).toEqual([]);
    const y = parseYaml(files.find((f) => f.path.endsWith('.yaml'))!.content) as { query: string };
    expect(checker.check(y.query)).toEqual([]);
  });
});
