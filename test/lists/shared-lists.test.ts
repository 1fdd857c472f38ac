import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { compileAll } from '../../src/compile/compile.js';
import { loadProject } from '../../src/project.js';
import { writeOutput } from '../../src/compile/write-output.js';
import { ENGINES } from '../helpers/dist.js';
import { formatDiagnostic, type DiagnosticError } from '../../src/load/diagnostics.js';
import { loadRules } from '../../src/load/load-rules.js';
import { loadSharedLists } from '../../src/load/shared-lists.js';
import { engineOpts } from '../helpers/dist.js';
import { baseRuleDoc } from '../helpers/rules.js';

const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A project folder with rules/ holding the given files (path → text). */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-lists-'));
  tmp.push(dir);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), text);
  }
  return dir;
}

const ROOT = path.resolve(__dirname, '../..');
const errors = (dir: string) => loadRules(path.join(dir, 'rules'), dir).diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);

describe('rules/lists/ in this repository', () => {
  const { lists, diagnostics } = loadSharedLists('rules', '.', '2026-11-23');
  it('load without problems, each with a description and provenance', () => {
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect([...lists.keys()]).toEqual(['authorized_scanner_hosts', 'authorized_vulnerability_scanners', 'health_check_sources', 'internet_research_scanners', 'it_asset_discovery_hosts', 'red_team_windows', 'threat_intel_ips']);
    expect(lists.get('threat_intel_ips')!.external).toEqual({ sentinel: { table: 'ThreatIntelIndicators' }, splunk: { lookup: 'ip_intel', field: 'ip' } });
    for (const l of lists.values()) {
      expect(l.description.length).toBeGreaterThan(20);
      expect(l.provenance?.length ?? 0).toBeGreaterThan(20);
    }
  });
  it('CSV and YAML lists give the same kind of entries', () => {
    expect(lists.get('internet_research_scanners')!.entries[0]).toEqual({ value: '162.142.125.0/24', comment: 'Censys', owner: 'soc@example.org', expires: '2027-05-31', line: 6 });
    expect(lists.get('authorized_vulnerability_scanners')!.entries[0]).toMatchObject({ value: '192.0.2.10/32', owner: 'vuln-mgmt@example.org', expires: '2027-06-30' });
    expect(lists.get('red_team_windows')!.entries[0]).toMatchObject({ value: '198.51.100.200/29', start: '2026-11-23T08:00:00Z', end: '2026-11-23T18:00:00Z', ticket: 'SEC-1042' });
  });
});

describe('expired entries', () => {
  it('warn with the owner once their date has passed, and still apply', () => {
    const { lists, diagnostics } = loadSharedLists('rules', '.', '2027-04-01');
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(diagnostics.map(formatDiagnostic)).toContain("rules/lists/health_check_sources.yml:12:5: warning DETC218: '192.0.2.128/27' expired on 2027-03-31 (owner sre@example.org): review it, then renew its expiry or remove it");
    expect(lists.get('health_check_sources')!.entries.map((e) => e.value)).toContain('192.0.2.128/27');
  });
});

describe('bad lists are errors with file and line', () => {
  it('a bad CIDR, a short row and a duplicate in a CSV list', () => {
    const dir = project({
      'rules/lists/scanners.csv': '# type: cidr\n# description: test scanners\nvalue,comment\n203.0.113.0/24,ok\n10.0.0.0/33,bad\n203.0.113.9\n203.0.113.0/24,again\n',
    });
    expect(loadSharedLists(path.join(dir, 'rules'), dir).diagnostics.map(formatDiagnostic)).toEqual([
      'rules/lists/scanners.csv:6:1: error DETC207: expected 2 columns (value, comment), found 1',
      'rules/lists/scanners.csv:5:1: error DETC211: invalid CIDR: "10.0.0.0/33": prefix length must be 0..32 for IPv4',
      "rules/lists/scanners.csv:7:1: error DETC213: '203.0.113.0/24' is already on line 4",
    ]);
  });
  it('an int entry beyond 2^53 - 1 is refused (it would be emitted beyond KQL\'s long)', () => {
    const dir = project({ 'rules/lists/pids.csv': '# type: int\n# description: test pids\nvalue\n4\n99999999999999999999\n' });
    expect(loadSharedLists(path.join(dir, 'rules'), dir).diagnostics.map(formatDiagnostic)).toEqual([
      "rules/lists/pids.csv:5:1: error DETC176: 100000000000000000000 is beyond ±9007199254740991 (2^53 - 1), where numbers are no longer exact (99999999999999999999 reads as 1e20, beyond KQL's long)",
    ]);
  });
  it('the retired ThreatIntelligenceIndicator table is refused with the reason and the replacement, where Sentinel is a target', () => {
    const rule = readFileSync(path.join(ROOT, 'rules/network/known-bad-source-scan.yml'), 'utf8');
    const dir = project({
      'rules/lists/threat_intel_ips.yml': 'type: cidr\ndescription: feed\nexternal:\n  sentinel: { table: ThreatIntelligenceIndicator }\n  splunk: { lookup: ip_intel, field: ip }\nentries: [198.51.100.1]\n',
      'rules/network/known-bad-source-scan.yml': rule,
    });
    for (const l of ['authorized_vulnerability_scanners', 'internet_research_scanners', 'health_check_sources', 'red_team_windows']) {
      for (const ext of ['yml', 'csv']) if (existsSync(path.join(ROOT, 'rules/lists', `${l}.${ext}`))) cpSync(path.join(ROOT, 'rules/lists', `${l}.${ext}`), path.join(dir, 'rules/lists', `${l}.${ext}`));
    }
    expect(loadSharedLists(path.join(dir, 'rules'), dir).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const legacy = 'rules/lists/threat_intel_ips.yml:4:22: error DETC404: ThreatIntelligenceIndicator stopped receiving data on 2025-08-31 and was retired on 2026-05-31, so a rule reading it never fires: use ThreatIntelIndicators (at external.sentinel.table)';
    expect(() => compileAll(loadProject(dir))).toThrow(expect.objectContaining({ diagnostics: [expect.objectContaining({ file: 'rules/lists/threat_intel_ips.yml' })] }));
    try {
      compileAll(loadProject(dir));
    } catch (e) {
      expect((e as DiagnosticError).diagnostics.map(formatDiagnostic)).toEqual([legacy]);
    }
    // A Splunk-only project reads the list from ES's ip_intel: Sentinel's retirement is not its problem.
    writeFileSync(path.join(dir, 'detc.config.yaml'), 'backends: [splunk]\n');
    expect(compileAll(loadProject(dir)).files.map((f) => f.path)).toContain('splunk/known-bad-source-scan.spl');
  });
  it('a CSV list without its type or with an unknown column', () => {
    const dir = project({
      'rules/lists/a.csv': 'value\n1.2.3.4\n',
      'rules/lists/b.csv': '# type: cidr\n# description: b\nvalue,reason\n1.2.3.4,x\n',
    });
    expect(loadSharedLists(path.join(dir, 'rules'), dir).diagnostics.map(formatDiagnostic)).toEqual([
      "rules/lists/a.csv:1:1: error DETC203: a CSV list starts with '# type: cidr|string|int|window'",
      "rules/lists/b.csv:3:1: error DETC206: unknown column 'reason' for a cidr list (columns: value, comment, owner, expires)",
    ]);
  });
  it('a YAML list with an unknown key, and a window without a ticket or with its end before its start', () => {
    const dir = project({
      'rules/lists/hosts.yml': 'type: string\ndescription: hosts\nentries:\n  - value: scan01\n    note: x\n',
      'rules/lists/windows.yml': 'type: window\ndescription: w\nentries:\n  - { value: 198.51.100.7, start: "2026-11-23T10:00:00Z", end: "2026-11-23T09:00:00Z" }\n',
    });
    expect(loadSharedLists(path.join(dir, 'rules'), dir).diagnostics.map(formatDiagnostic)).toEqual([
      "rules/lists/hosts.yml:5:5: error DETC010: unknown key 'note' (at entries[0].note)",
      'rules/lists/windows.yml:4:5: error DETC215: end 2026-11-23T09:00:00Z is not after start 2026-11-23T10:00:00Z',
      'rules/lists/windows.yml:4:5: error DETC216: ticket: a window names the change or engagement ticket that announced it',
    ]);
  });
  it('a rule that names a missing list, or uses a list of the wrong type, points at the reference', () => {
    const doc = baseRuleDoc();
    (doc.query as Record<string, unknown>).where = { all: [{ field: 'host', in: '$no_such_list' }, { not: { field: 'user', in: '$red_team_windows' } }] };
    const dir = project({
      'rules/lists/red_team_windows.csv': '# type: window\n# description: w\nvalue,start,end,ticket\nscan01,2026-11-23T08:00:00Z,2026-11-23T09:00:00Z,T-1\n',
      'rules/x/r.yml': stringify(doc),
    });
    const errs = errors(dir);
    expect(errs).toHaveLength(2);
    expect(errs[0]).toMatch(/^rules\/x\/r\.yml:\d+:\d+: error DETC156: unknown list \$no_such_list: not in this rule's lists nor in rules\/lists\//);
    expect(errs[1]).toMatch(/^rules\/x\/r\.yml:\d+:\d+: error DETC153: \$red_team_windows is a window list \(rules\/lists\/red_team_windows\.csv\): use it in query\.suppress/);
  });
});

describe('a string allowlist and host windows on an endpoint rule', () => {
  // Scan tools are expected on the vulnerability-scanner hosts (a string list read natively by Sentinel and
  // Splunk), and on a pentester's laptop during its window (a window list on a host name, compiled in).
  const doc = baseRuleDoc();
  doc.query = {
    source: 'process_creation',
    suppress: [{ windows: '$pentest_windows', field: 'host' }],
    where: { all: [{ field: 'process_name', in: ['nmap', 'nmap.exe'] }, { not: { field: 'host', in: '$scanner_hosts' } }] },
    output: [{ field: 'time', as: 'TimeGenerated' }, { field: 'host', as: 'DeviceName' }],
  };
  const dir = project({
    'rules/lists/scanner_hosts.yml': 'type: string\ndescription: Hosts that run scanners by design\nentries:\n  - VULN-SCAN01\n  - { value: "o\'brien,\\"lab\\"", comment: quotes and a comma }\n',
    'rules/lists/pentest_windows.csv': '# type: window\n# description: pentest laptops\nvalue,start,end,ticket\nPT-LAPTOP7,2026-11-23T11:00:00Z,2026-11-23T11:30:00Z,SEC-9\n',
    'rules/endpoint/nmap.yml': stringify(doc),
  });
  const build = compileAll(loadProject(dir));
  const file = (p: string) => build.files.find((f) => f.path === p)!.content;
  writeOutput(path.join(dir, 'dist-rules'), build.files);

  it('Sentinel reads the watchlist and ships it as CSV and ARM', () => {
    expect(file('sentinel/nmap.kql')).toContain('let scanner_hosts = toscalar(_GetWatchlist("scanner_hosts") | summarize Values = make_list(SearchKey));');
    expect(file('sentinel/nmap.kql')).toContain('not(DeviceName in~ (scanner_hosts))');
    expect(file('sentinel/nmap.kql')).toContain('DeviceName =~ "PT-LAPTOP7"');
    expect(file('sentinel/watchlists/scanner_hosts.csv')).toBe('Value,Comment\nVULN-SCAN01,\n"o\'brien,""lab""",quotes and a comma\n');
    const arm = JSON.parse(file('sentinel/watchlists/scanner_hosts.arm.json'));
    expect(arm.resources[0].properties).toMatchObject({ watchlistAlias: 'scanner_hosts', itemsSearchKey: 'Value', contentType: 'text/csv', rawContent: file('sentinel/watchlists/scanner_hosts.csv') });
    // The analytics-rule YAML carries the let statements too.
    expect((parseYaml(file('sentinel/nmap.yaml')) as { query: string }).query).toContain('_GetWatchlist("scanner_hosts")');
  });
  it('Splunk reads the lookup and ships its CSV and transforms.conf stanza', () => {
    expect(file('splunk/nmap.spl')).toContain('| lookup scanner_hosts value AS dest OUTPUT value AS scanner_hosts_dest');
    expect(file('splunk/detc_detections/default/transforms.conf')).toContain('[scanner_hosts]\nfilename = scanner_hosts.csv\ncase_sensitive_match = false\nmax_matches = 1\n');
    expect(file('splunk/detc_detections/lookups/scanner_hosts.csv')).toBe('value,comment\nVULN-SCAN01,\n"o\'brien,""lab""",quotes and a comma\n');
  });
  it('Sigma inlines the values and reports the windows it cannot apply', () => {
    expect(build.notes).toContainEqual(expect.objectContaining({ backend: 'sigma', kind: 'dropped', message: expect.stringContaining('suppress: Sigma has no time conditions') }));
    expect(build.files.find((f) => f.path.startsWith('sigma/'))!.content).toContain('VULN-SCAN01');
  });

  const events = [
    { time: '2026-11-23T11:10:00Z', host: 'vuln-scan01', process_name: 'nmap', process_path: '/usr/bin/nmap' }, // allowlisted (case-insensitive)
    { time: '2026-11-23T11:11:00Z', host: "O'Brien,\"LAB\"", process_name: 'nmap.exe', process_path: 'C:\\Tools\\nmap.exe' }, // allowlisted, quotes and comma
    { time: '2026-11-23T11:12:00Z', host: 'pt-laptop7', process_name: 'nmap', process_path: '/usr/bin/nmap' }, // in its window
    { time: '2026-11-23T11:30:00Z', host: 'PT-LAPTOP7', process_name: 'nmap', process_path: '/usr/bin/nmap' }, // window end is exclusive: alerts
    { time: '2026-11-23T11:40:00Z', host: 'WS-0042', process_name: 'nmap.exe', process_path: 'C:\\Tools\\nmap.exe' }, // alerts
  ];
  it('every engine applies the list; the interpreters read the watchlist and lookup files', async () => {
    const rule = build.rules[0]!;
    const opts = engineOpts(path.join(dir, 'dist-rules'), Date.parse('2026-11-23T12:00:00Z'));
    for (const engine of ENGINES) {
      const r = await engine.run(rule, events, opts);
      const hosts = r.rows.map((x) => x.DeviceName).sort();
      // Sigma cannot apply the window: it alerts on the laptop inside it too, and says it ignored it.
      if (engine.name === 'sigma') {
        expect(r.ignores).toEqual(['suppress']);
        expect(hosts).toEqual(['PT-LAPTOP7', 'WS-0042', 'pt-laptop7']);
      } else expect(hosts, engine.name).toEqual(['PT-LAPTOP7', 'WS-0042']);
    }
  });
  it('an entry removed from the deployed watchlist or lookup changes what KQL or SPL raise, and nothing else', async () => {
    const rule = build.rules[0]!;
    const opts = engineOpts(path.join(dir, 'dist-rules'), Date.parse('2026-11-23T12:00:00Z'));
    for (const [engine, p] of [['kql', 'sentinel/watchlists/scanner_hosts.csv'], ['spl', 'splunk/detc_detections/lookups/scanner_hosts.csv']] as const) {
      const f = path.join(dir, 'dist-rules', p);
      const original = readFileSync(f, 'utf8');
      writeFileSync(f, original.replace('VULN-SCAN01,\n', ''));
      try {
        for (const e of ENGINES.filter((x) => x.name !== 'sigma')) {
          const hosts = (await e.run(rule, events, opts)).rows.map((x) => x.DeviceName);
          expect(hosts.includes('vuln-scan01'), `${e.name} after editing ${p}`).toBe(e.name === engine);
        }
      } finally {
        writeFileSync(f, original);
      }
    }
  });
});

describe('shared lists from the cache', () => {
  const LIST = 'type: cidr\ndescription: Ranges of the scanners we run ourselves.\nentries:\n  - value: 198.51.100.0/24\n    expires: 2026-01-01\n';
  it('a YAML list read before comes back the same; an edit or a problem is read afresh, and expiry is judged every time', () => {
    const dir = project({ 'rules/lists/scanners.yml': LIST });
    const cache = path.join(dir, 'cache');
    const first = loadSharedLists(path.join(dir, 'rules'), dir, '2025-06-01', cache);
    expect(first.diagnostics).toEqual([]);
    expect(existsSync(path.join(cache, 'lists'))).toBe(true);
    const again = loadSharedLists(path.join(dir, 'rules'), dir, '2027-01-01', cache);
    expect(again.lists.get('scanners')).toEqual(first.lists.get('scanners'));
    expect(again.diagnostics.map(formatDiagnostic).join('\n')).toMatch(/expire/);
    writeFileSync(path.join(dir, 'rules/lists/scanners.yml'), LIST.replace('198.51.100.0/24', '203.0.113.0/24'));
    expect(loadSharedLists(path.join(dir, 'rules'), dir, '2025-06-01', cache).lists.get('scanners')!.entries[0]!.value).toBe('203.0.113.0/24');
    writeFileSync(path.join(dir, 'rules/lists/scanners.yml'), `${LIST}colour: red\n`);
    for (let i = 0; i < 2; i++) expect(loadSharedLists(path.join(dir, 'rules'), dir, '2025-06-01', cache).diagnostics.map(formatDiagnostic).join('\n')).toMatch(/colour/);
  });
});
