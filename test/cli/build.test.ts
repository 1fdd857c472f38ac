import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAll } from '../../src/compile/compile.js';
import { loadProject } from '../../src/project.js';
import { readTree } from '../helpers/read-tree.js';
import { run } from '../helpers/cli.js';

const ROOT = path.resolve(__dirname, '../..');


describe('detc build / validate', () => {
  let dir: string;
  let built: Map<string, string>;
  const rule = (p: string) => path.join(dir, 'rules', p);
  const edit = (p: string, f: (s: string) => string) => writeFileSync(rule(p), f(readFileSync(rule(p), 'utf8')));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'detc-cli-'));
    cpSync(path.join(ROOT, 'rules'), path.join(dir, 'rules'), { recursive: true });
    const r = await run(dir, 'build');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    built = readTree(path.join(dir, 'dist-rules'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes Sentinel, Splunk and Sigma content and a report', () => {
    const paths = [...built.keys()];
    for (const p of [
      'sentinel/ip-block-scan.kql', 'sentinel/ip-block-scan.yaml', 'sentinel/ip-block-scan.arm.json',
      'sentinel/scan-tool-execution.kql', 'splunk/ip-block-scan.spl', 'splunk/scan-tool-execution.spl',
      'splunk/detc_detections/default/savedsearches.conf', 'splunk/detc_detections/default/macros.conf', 'REPORT.md',
    ]) expect(paths).toContain(p);
    expect(paths.filter((p) => p.startsWith('sigma/')).length).toBeGreaterThanOrEqual(2);
    expect(built.get('REPORT.md')).toMatch(/ScanType/);
  });

  it('is deterministic: a second build gives byte-identical output', async () => {
    expect((await run(dir, 'build', '-q')).code).toBe(0);
    expect(readTree(path.join(dir, 'dist-rules'))).toEqual(built);
  });

  it("the repository's committed dist-rules/ is exactly what its rules compile to", () => {
    const fresh = compileAll(loadProject(ROOT));
    const committed = readTree(path.join(ROOT, 'dist-rules'));
    expect([...committed.keys()]).toEqual(fresh.files.map((f) => f.path));
    for (const f of fresh.files) expect(committed.get(f.path), f.path).toBe(f.content);
  });

  const bad: [string, string, (s: string) => string, RegExp][] = [
    ['broken YAML', 'network/ip-block-scan.yml', (s) => s.replace('severity: medium', 'severity: [medium'), /^rules\/network\/ip-block-scan\.yml:\d+:\d+: error DETC001: YAML: /m],
    ['a threshold given as a string', 'network/ip-block-scan.yml', (s) => s.replace('value: 20', 'value: "20"'), /^rules\/network\/ip-block-scan\.yml:\d+:12: error DETC012: must be integer, got the string "20" \(at parameters\.port_threshold\.value\)$/m],
    ['an unknown key', 'endpoint/scan-tool-execution.yml', (s) => s.replace('severity: medium', 'severity: medium\nseverty: high'), /^rules\/endpoint\/scan-tool-execution\.yml:\d+:1: error DETC010: unknown field 'severty' \(at severty\)$/m],
    ['an invalid CIDR in a list', 'network/ip-block-scan.yml', (s) => s.replace('- 10.0.0.0/8', '- 10.0.0.0/33'), /^rules\/network\/ip-block-scan\.yml:\d+:9: error DETC113: invalid CIDR in list 'non_public_ranges': "10\.0\.0\.0\/33": prefix length must be 0\.\.32 for IPv4 \(at lists\.non_public_ranges\.values\[0\]\)$/m],
    ['an unknown source', 'network/ip-block-scan.yml', (s) => s.replace('source: network_connection', 'source: netflow'), /^rules\/network\/ip-block-scan\.yml:\d+:\d+: error DETC120: unknown data source 'netflow' .*\(at query\.source\)$/m],
    ['an unknown field', 'endpoint/scan-tool-execution.yml', (s) => s.replace('field: process_name\n', 'field: image_name\n'), /^rules\/endpoint\/scan-tool-execution\.yml:\d+:\d+: error DETC121: unknown field 'image_name' for source process_creation .*\(at query\.where\.any\[0\]\.field\)$/m],
    ['an invalid CIDR in a shared list', 'lists/internet_research_scanners.csv', (s) => s.replace('162.142.125.0/24,', '162.142.125.0/33,'), /^rules\/lists\/internet_research_scanners\.csv:6:1: error DETC211: invalid CIDR: "162\.142\.125\.0\/33": prefix length must be 0\.\.32 for IPv4$/m],
  ];
  for (const [what, file, change, message] of bad) {
    it(`${what}: one error line with file:line:col, code and field, exit 1, dist-rules untouched`, async () => {
      const before = readFileSync(rule(file), 'utf8');
      edit(file, change);
      try {
        const r = await run(dir, 'build');
        expect(r.code).toBe(1);
        expect(r.err).toMatch(message);
        expect(r.err).toMatch(/Found \d+ errors? .*; nothing written\.$/);
        expect(readTree(path.join(dir, 'dist-rules'))).toEqual(built);
        expect((await run(dir, 'validate')).code).toBe(1);
      } finally {
        writeFileSync(rule(file), before);
      }
    });
  }

  it('a duplicate rule id fails and names both files', async () => {
    cpSync(rule('network/ip-block-scan.yml'), rule('network/ip-block-scan-copy.yml'));
    try {
      const r = await run(dir, 'build');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^rules\/network\/ip-block-scan(-copy)?\.yml:\d+:5: error DETC101: duplicate rule id 640d1803-a663-4e86-8ed1-28b0d560eac4: already used by rules\/network\/ip-block-scan(-copy)?\.yml \(at id\)$/m);
      expect(readTree(path.join(dir, 'dist-rules'))).toEqual(built);
    } finally {
      rmSync(rule('network/ip-block-scan-copy.yml'));
    }
  });

  it('a template folder overrides templates by name; the rest come from detc', async () => {
    const own = path.join(dir, 'partial-templates/splunk');
    mkdirSync(own, { recursive: true });
    // An override keeps every macro the searches call (DETC440): the tstats options and the filter macros.
    writeFileSync(path.join(own, 'macros.conf.hbs'), '# our own macros.conf template\n[{{summaries.name}}]\ndefinition = summariesonly=true allow_old_summaries=true fillnull_value=null\n{{#each macros}}\n[{{name}}]\ndefinition = search NOT src_ip=198.51.100.0/24\niseval = 0\n{{/each}}\n');
    const out = path.join(dir, 'out-partial');
    const r = await run(dir, 'build', '-q', '--templates', 'partial-templates', '--out', 'out-partial');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(out, 'splunk/detc_detections/default/macros.conf'), 'utf8')).toContain('definition = search NOT src_ip=198.51.100.0/24');
    expect(readFileSync(path.join(out, 'sentinel/ip-block-scan.kql'), 'utf8')).toBe(built.get('sentinel/ip-block-scan.kql'));
    const list = await run(dir, 'templates', 'list', '--templates', 'partial-templates');
    expect(list.code).toBe(0);
    expect(list.out).toContain('splunk/detc_detections/default/macros.conf  ←  partial-templates/splunk/macros.conf.hbs (override)');
    expect(list.out).toContain('sentinel/ip-block-scan.kql  ←  templates/sentinel/kql.hbs (detc default), templates/sentinel/query.hbs (detc default)');
    expect(list.out).toContain('sigma/mr_net_firewall_ip_block_scan.yml  ←  templates/sigma/rule.hbs (detc default), templates/sigma/correlation.hbs (detc default)');
    rmSync(path.join(dir, 'partial-templates'), { recursive: true });
    rmSync(out, { recursive: true });
  });

  it('a template that breaks the KQL fails the build through Kusto.Language, naming rule and template', async () => {
    cpSync(path.join(ROOT, 'templates'), path.join(dir, 'my-templates'), { recursive: true });
    const q = path.join(dir, 'my-templates/sentinel/query.hbs');
    writeFileSync(q, readFileSync(q, 'utf8').replace('{{table}}', '{{table}}\n| where NoSuchColumn == 1'));
    const r = await run(dir, 'build', '--templates', 'my-templates');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^rules\/network\/ip-block-scan\.yml:\d+:\d+: error DETC411: KQL KS142 in dist-rules\/sentinel\/ip-block-scan\.kql \(query line \d+, col 9\): The name 'NoSuchColumn' does not refer to any known column.*\[templates: my-templates\/sentinel/m);
    expect(readTree(path.join(dir, 'dist-rules'))).toEqual(built);
  });

  it('validate writes nothing', async () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'detc-validate-'));
    try {
      cpSync(path.join(ROOT, 'rules'), path.join(other, 'rules'), { recursive: true });
      const r = await run(other, 'validate');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/\d+ rules valid; \d+ KQL queries pass Kusto\.Language/);
      expect(existsSync(path.join(other, 'dist-rules'))).toBe(false);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('detc test --rule runs only the fixtures of the rules it names, by name or file; an unknown rule is a usage error', async () => {
    const r = await run(dir, 'test', '--rule', 'ip-block-scan', '--rule', 'rules/endpoint/scan-tool-execution.yml', '--reporter', 'json');
    expect(r.code).toBe(0);
    const rules = new Set((JSON.parse(r.out) as { tests: { rule: string }[] }).tests.map((t) => t.rule));
    expect(rules).toEqual(new Set(['ip-block-scan', 'scan-tool-execution']));
    const bad = await run(dir, 'test', '--rule', 'no-such-rule');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("no rule 'no-such-rule'");
  });

  it('detc test runs every fixture in all five engines and writes JUnit XML', async () => {
    const r = await run(dir, 'test', '--reporter', 'junit', '--output', 'reports/detc.xml');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const m = /^(\d+) passed, 0 failed(?:, (\d+) skipped)? \((\d+) cases × 5 engines: reference, kql, spl, sigma, typescript\)$/m.exec(r.out);
    expect(m, r.out).not.toBeNull();
    const [passed, skipped, cases] = [Number(m![1]), Number(m![2] ?? 0), Number(m![3])];
    expect(passed + skipped).toBe(cases * 5);
    // Only the Sigma engine is ever skipped (rules it cannot express, suppression windows it cannot apply): at most
    // once per case, and most rules are expressible in Sigma.
    expect(skipped).toBeLessThan(cases / 2);
    const xml = readFileSync(path.join(dir, 'reports/detc.xml'), 'utf8');
    expect(xml).toMatch(new RegExp(`^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<testsuites name="detc test" tests="${cases * 5}" failures="0" errors="0" skipped="${skipped}"`));
    expect(xml.match(/<testcase /g)).toHaveLength(cases * 5);
    expect(xml.match(/<skipped message="sigma cannot express/g) ?? []).toHaveLength(skipped);
    expect(xml).not.toMatch(/classname="[^"]*\.(reference|kql|spl)"[^>]*>\n\s*<skipped/);
    for (const e of ['reference', 'kql', 'spl', 'sigma', 'typescript']) expect(xml).toContain(`classname="ip-block-scan.${e}"`);
  });

  /**
   * Runs `detc test` with one emitted file edited by hand, and restores it. Only the edited rule's fixtures run: an
   * edit of one rule's file cannot change another rule's alerts (`detc test runs every fixture` covers them all).
   */
  async function testWithEdit(file: string, from: string, to: string, rule = 'ip-block-scan') {
    const p = path.join(dir, 'dist-rules', file);
    const original = readFileSync(p, 'utf8');
    expect(original).toContain(from);
    writeFileSync(p, original.replace(from, to));
    try {
      return await run(dir, 'test', '--rule', rule);
    } finally {
      writeFileSync(p, original);
    }
  }

  const raised: [string, string, string, string][] = [
    ['kql', 'sentinel/ip-block-scan.kql', 'UniqueDestPorts >= 20 or', 'UniqueDestPorts >= 21 or'],
    ['spl', 'splunk/ip-block-scan.spl', 'UniqueDestPorts>=20 OR', 'UniqueDestPorts>=21 OR'],
    ['sigma', 'sigma/mr_net_firewall_ip_block_scan.yml', 'field: dst_port\n        gte: 20', 'field: dst_port\n        gte: 21'],
  ];
  for (const [engine, file, from, to] of raised) {
    it(`a threshold raised by hand in the emitted ${engine} fails detc test and names ${engine}`, async () => {
      const r = await testWithEdit(file, from, to);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(new RegExp(`^FAIL rules/network/ip-block-scan\\.test\\.yml:\\d+ ip-block-scan › exactly 20 ports on one host alerts as a single-host port scan \\[${engine}\\]$`, 'm'));
      const failing = [...r.err.matchAll(/^FAIL .*\[(\w+)\]$/gm)].map((m) => m[1]);
      expect(new Set(failing)).toEqual(new Set([engine]));
    });
  }

  it('the ASIM variant of a rule runs on the same fixtures: a threshold raised in it alone fails the kql engine, naming the variant', async () => {
    expect(readFileSync(path.join(dir, 'dist-rules/sentinel/ip-block-scan.asim.kql'), 'utf8')).toContain('_Im_NetworkSession(starttime=ago(1h), endtime=now())\n');
    const r = await testWithEdit('sentinel/ip-block-scan.asim.kql', 'UniqueDestPorts >= 20 or', 'UniqueDestPorts >= 21 or');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^FAIL rules\/network\/ip-block-scan\.test\.yml:\d+ ip-block-scan › exactly 20 ports on one host alerts as a single-host port scan \[kql\]\nengine error: sentinel\/ip-block-scan\.asim\.kql \(@asim\) raises 0 alerts where sentinel\/ip-block-scan\.kql raises 1/m);
    const failing = [...r.err.matchAll(/^FAIL .*\[(\w+)\]$/gm)].map((m) => m[1]);
    expect(new Set(failing)).toEqual(new Set(['kql']));
  });

  // The parser's parameters are honoured by the kql engine: a narrower time range in the call alone (the query's
  // own filters unchanged) loses events the rule needs, in the kql engine only.
  const parserRanges: [string, string, string, string[]][] = [
    ['the lookback read', '_Im_NetworkSession(starttime=ago(1h), endtime=now())', '_Im_NetworkSession(starttime=ago(40m), endtime=now())', [
      "a first event at exactly the lookback start is in the lookback, not the baseline (the parser's baseline endtime is inclusive, the query's bound is not)",
      "half a second before the lookback is the baseline, the lookback's first instant is not (tstats buckets by the second)",
    ]],
    ['the baseline read', '_Im_NetworkSession(starttime=ago(313h), endtime=ago(1h))', '_Im_NetworkSession(starttime=ago(2h), endtime=ago(1h))', [
      'a source seen 3 days ago is not new',
      'a source seen at the very start of the baseline is not new (the start is inclusive)',
      'a denied probe in the baseline is prior interaction too',
    ]],
    ['the baseline read', '_Im_NetworkSession(starttime=ago(313h), endtime=ago(1h))', '_Im_NetworkSession(starttime=ago(313h), endtime=ago(300h))', [
      'a source seen 3 days ago is not new',
      'a denied probe in the baseline is prior interaction too',
      "half a second before the lookback is the baseline, the lookback's first instant is not (tstats buckets by the second)",
    ]],
  ];
  for (const [read, from, to, cases] of parserRanges) {
    it(`a time parameter of the ASIM parser narrowed by hand in ${read} (${to}) fails exactly the cases it cuts, in kql`, async () => {
      const r = await testWithEdit('sentinel/first-seen-external-source.asim.kql', from, to, 'first-seen-external-source');
      expect(r.code).toBe(1);
      const failing = [...r.err.matchAll(/^FAIL \S+ first-seen-external-source › (.*) \[(\w+)\]$/gm)].map((m) => `${m[1]} [${m[2]}]`);
      expect(failing).toEqual(cases.map((c) => `${c} [kql]`));
      expect(r.err).toMatch(/engine error: sentinel\/first-seen-external-source\.asim\.kql \(@asim\) raises/);
    });
  }

  const baseline: [string, string, string, string][] = [
    ['kql', 'sentinel/first-seen-external-source.kql', 'ago(313h) and', 'ago(2h) and'],
    ['spl', 'splunk/first-seen-external-source.spl', 'eventstats min(_time)', 'eventstats max(_time)'],
  ];
  for (const [engine, file, from, to] of baseline) {
    it(`a first-seen baseline broken by hand in the emitted ${engine} fails exactly the prior-interaction cases in ${engine}`, async () => {
      const r = await testWithEdit(file, from, to, 'first-seen-external-source');
      expect(r.code).toBe(1);
      const failing = [...r.err.matchAll(/^FAIL \S+ first-seen-external-source › (.*) \[(\w+)\]$/gm)].map((m) => `${m[1]} [${m[2]}]`);
      expect(failing).toEqual([
        `a source seen 3 days ago is not new [${engine}]`,
        `a source seen at the very start of the baseline is not new (the start is inclusive) [${engine}]`,
        `a denied probe in the baseline is prior interaction too [${engine}]`,
        ...(engine === 'spl' ? [`half a second before the lookback is the baseline, the lookback's first instant is not (tstats buckets by the second) [${engine}]`] : []),
      ]);
    });
  }

  it('detc run prints one JSON line per alert, and --engine all checks agreement', async () => {
    const args = ['run', 'rules/network/ip-block-scan.yml', '--events', 'rules/network/ip-block-scan.fixtures/mixed.sentinel.csv', '--format', 'sentinel', '--now', '2026-11-23T12:00:00Z'];
    const ref = await run(dir, ...args);
    expect(ref.code).toBe(0);
    const alerts = ref.out.split('\n').map((l) => JSON.parse(l));
    expect(alerts).toHaveLength(12);
    expect(alerts[0]).toMatchObject({ TimeGenerated: expect.stringMatching(/^2026-11-23T11:\d\d:00\.000Z$/) });
    for (const engine of ['kql', 'spl', 'typescript']) {
      const r = await run(dir, ...args, '--engine', engine);
      expect(r.code).toBe(0);
      expect(r.out.split('\n')).toHaveLength(12);
    }
    const all = await run(dir, ...args, '--engine', 'all');
    expect(all.code).toBe(0);
    expect(all.err).toMatch(/^sigma skipped: it cannot express the rule's suppression windows, and they change these alerts/m);
    expect(all.err).toMatch(/4 engines agree: 12 alerts from 3312 events/);
  });

  it('detc check passes on a freshly built project and writes nothing', async () => {
    const r = await run(dir, 'check');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\d+ rules, \d+ KQL queries checked, \d+ SPL searches checked, \d+ Sigma documents checked, \d+ TypeScript modules checked, \d+ output files \(0 out of date\), \d+ passed, 0 failed(, \d+ skipped)? fixture runs in [\d.]+s$/m);
    expect(readTree(path.join(dir, 'dist-rules'))).toEqual(built);
  });

  it('detc check fails on a rule changed without rebuilding, naming the stale files', async () => {
    const before = readFileSync(rule('network/ip-block-scan.yml'), 'utf8');
    edit('network/ip-block-scan.yml', (s) => s.replace('value: 20', 'value: 25'));
    try {
      const r = await run(dir, 'check');
      expect(r.code).toBe(1);
      for (const f of ['sentinel/ip-block-scan.kql', 'sentinel/ip-block-scan.yaml', 'sentinel/ip-block-scan.arm.json', 'splunk/ip-block-scan.spl', 'splunk/detc_detections/default/savedsearches.conf', 'sigma/mr_net_firewall_ip_block_scan.yml']) {
        expect(r.err).toContain(`dist-rules/${f}:1:1: error DETC601: stale: differs from what the rules compile to; run 'npx detc build' and commit the result`);
      }
      expect(r.out).toMatch(/output files \(\d+ out of date: run 'npx detc build' and commit the result\)/);
      // The fixtures run on what the rules compile to now: the 20-port case no longer alerts, in every engine.
      expect(r.err).toMatch(/^FAIL .* ip-block-scan › exactly 20 ports on one host alerts as a single-host port scan \[kql\]$/m);
      expect(readTree(path.join(dir, 'dist-rules'))).toEqual(built);
    } finally {
      writeFileSync(rule('network/ip-block-scan.yml'), before);
    }
  });

  describe('detc check reporters on a repository with a broken rule', () => {
    const broken = (s: string) => s.replace('value: 20', 'value: "20"');
    const line = () => readFileSync(rule('network/ip-block-scan.yml'), 'utf8').split('\n').findIndex((l) => l.includes('value: "20"')) + 1;
    const withBroken = async (f: () => Promise<void>) => {
      const before = readFileSync(rule('network/ip-block-scan.yml'), 'utf8');
      edit('network/ip-block-scan.yml', broken);
      try {
        await f();
      } finally {
        writeFileSync(rule('network/ip-block-scan.yml'), before);
      }
    };
    it('sarif: SARIF 2.1.0 whose result points at the rule file and line, with the catalogue code as its rule', () =>
      withBroken(async () => {
        const r = await run(dir, 'check', '--reporter', 'sarif', '--output', 'reports/detc.sarif');
        expect(r.code).toBe(1);
        const sarif = JSON.parse(readFileSync(path.join(dir, 'reports/detc.sarif'), 'utf8'));
        expect(sarif.version).toBe('2.1.0');
        expect(sarif.runs[0].tool.driver.name).toBe('detc');
        expect(sarif.runs[0].results).toEqual([
          expect.objectContaining({
            ruleId: 'DETC012', ruleIndex: 0, level: 'error',
            message: { text: 'detc: parameters.port_threshold.value: must be integer, got the string "20"' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'rules/network/ip-block-scan.yml' }, region: { startLine: line(), startColumn: 12 } } }],
          }),
        ]);
        expect(sarif.runs[0].tool.driver.rules).toEqual([{
          id: 'DETC012', name: 'SchemaType', shortDescription: { text: 'Wrong type' },
          helpUri: 'https://github.com/detc/detc/blob/main/docs/diagnostics.md#detc012', defaultConfiguration: { level: 'error' },
        }]);
      }));
    it('github: workflow-command annotations on the rule line', () =>
      withBroken(async () => {
        const r = await run(dir, 'check', '--reporter', 'github');
        expect(r.code).toBe(1);
        expect(r.out).toContain(`::error file=rules/network/ip-block-scan.yml,line=${line()},col=12,title=DETC012 detc%3A parameters.port_threshold.value::must be integer, got the string "20"`);
      }));
    it('detc validate takes the same reporters', () =>
      withBroken(async () => {
        const r = await run(dir, 'validate', '--reporter', 'github');
        expect(r.code).toBe(1);
        expect(r.out).toContain(`::error file=rules/network/ip-block-scan.yml,line=${line()},col=12,`);
        expect((await run(dir, 'validate', '--reporter', 'nope')).code).toBe(2);
      }));
    it('junit and json: well-formed, with the failure', () =>
      withBroken(async () => {
        const j = await run(dir, 'check', '--reporter', 'junit');
        expect(j.out).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="detc test" tests="1" failures="1"/);
        expect(j.out).toContain(`<testcase name="rules/network/ip-block-scan.yml:${line()}:12" classname="detc.rule"`);
        expect(j.out).toContain('<failure message="must be integer, got the string &quot;20&quot;" type="DETC012">');
        const js = JSON.parse((await run(dir, 'check', '--reporter', 'json')).out);
        expect(js).toMatchObject({ command: 'check', ok: false, problems: [{ kind: 'rule', code: 'DETC012', file: 'rules/network/ip-block-scan.yml', line: line(), col: 12, path: 'parameters.port_threshold.value' }] });
      }));
  });

  it('usage errors exit 2; --help exits 0', async () => {
    expect((await run(dir, 'frobnicate')).code).toBe(2);
    expect((await run(dir, 'build', '--nope')).code).toBe(2);
    expect((await run(dir, 'validate', '--out', 'x')).code).toBe(2);
    const h = await run(dir, 'build', '--help');
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/Exit codes: 0 written, 1 problems found/);
    expect((await run(dir, '--help')).out).toMatch(/Commands:\n {2}init .*\n {2}build /);
  });
});
