// Issue 13, item 15: every Sentinel file detc writes must deploy. The service refuses `"entityMappings": []`, and
// the Azure-Sentinel CI refuses more; a rule or a user's template that yields such a file fails the build, on the
// rule's (or list's) line.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAll } from '../../src/compile/compile.js';
import { formatDiagnostic, DiagnosticError } from '../../src/load/diagnostics.js';
import { loadProject } from '../../src/project.js';
import { sentinelLimits } from '../../src/backends/sentinel/limits.js';
import { baseRuleDoc, ruleFromDoc } from '../helpers/rules.js';

const ROOT = path.resolve(__dirname, '../..');

describe('sentinel output of the founding rules deploys', () => {
  const built = compileAll(loadProject(ROOT)).files;
  const arms = built.filter((f) => /^sentinel\/[^/]+\.arm\.json$/.test(f.path));

  it('no ARM rule carries an entityMappings list outside 1..10 (a rule without entities leaves the property out)', () => {
    expect(arms.length).toBeGreaterThan(10);
    for (const f of arms) {
      const props = JSON.parse(f.content).resources[0].properties;
      if ('entityMappings' in props) expect(props.entityMappings.length, f.path).toBeGreaterThanOrEqual(1);
      if ('entityMappings' in props) expect(props.entityMappings.length, f.path).toBeLessThanOrEqual(10);
    }
    const probe = JSON.parse(built.find((f) => f.path === 'sentinel/distributed-port-probe.arm.json')!.content).resources[0].properties;
    expect(probe).not.toHaveProperty('entityMappings');
    expect(probe.customDetails).toHaveProperty('DestinationPort');
  });
});

describe('sentinel limits: what a rule cannot deploy as', () => {
  const limits = (patch: (d: Record<string, any>) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const doc = baseRuleDoc();
    patch(doc);
    return sentinelLimits(ruleFromDoc(doc)).map(formatDiagnostic);
  };

  it('counts a repeated placeholder each time, as the Azure-Sentinel CI does', () => {
    expect(limits((d) => { d.alert = { title: '{{DeviceName}} {{DeviceName}} {{DeviceName}}', description: 'x {{DeviceName}}' }; })).toEqual([]);
    expect(limits((d) => { d.alert = { title: '{{DeviceName}} on {{DeviceName}}, {{DeviceName}} and {{DeviceName}}', description: 'x' }; }))
      .toEqual([expect.stringMatching(/^rules\/test\/test-rule\.yml:\d+:\d+: error DETC403: 4 \{\{Column\}\} placeholders: at most 3/)]);
  });

  it('refuses a technique none of whose tactics the rule names, on the techniques line', () => {
    expect(limits((d) => { d.attack = { tactics: ['discovery', 'reconnaissance'], techniques: ['T1046', 'T1595.001'] }; })).toEqual([]);
    expect(limits((d) => { d.attack = { tactics: ['discovery'], techniques: ['T1046', 'T1595.001'] }; }))
      .toEqual(['rules/test/test-rule.yml:10:5: error DETC405: technique T1595.001 needs one of its tactics in attack.tactics: reconnaissance (Azure-Sentinel CI: no techniques without matching tactics) (at attack.techniques)']);
    expect(limits((d) => { d.attack = { tactics: ['discovery'], techniques: ['T9999'] }; }))
      .toEqual([expect.stringMatching(/error DETC405: technique T9999 is not an ATT&CK technique Sentinel knows/)]);
  });
});

describe('sentinel verifier: a template that writes an undeployable file fails the build', () => {
  let dir: string;
  const lineOf = (file: string, text: string) => readFileSync(path.join(dir, file), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'detc-deploy-'));
    mkdirSync(path.join(dir, 'rules/network'), { recursive: true });
    for (const r of ['ip-block-scan.yml', 'distributed-port-probe.yml']) cpSync(path.join(ROOT, 'rules/network', r), path.join(dir, 'rules/network', r));
    cpSync(path.join(ROOT, 'rules/lists'), path.join(dir, 'rules/lists'), { recursive: true });
    writeFileSync(path.join(dir, 'detc.config.json'), JSON.stringify({ backends: ['sentinel'] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Builds with detc's template `name` edited by `edit`; returns the error lines (none when it builds). */
  const buildWith = (name: string, edit: (s: string) => string): string[] => {
    const own = path.join(dir, 'my-templates/sentinel');
    rmSync(path.join(dir, 'my-templates'), { recursive: true, force: true });
    mkdirSync(own, { recursive: true });
    const text = readFileSync(path.join(ROOT, 'templates/sentinel', `${name}.hbs`), 'utf8');
    const edited = edit(text);
    expect(edited, 'the edit applies').not.toBe(text);
    writeFileSync(path.join(own, `${name}.hbs`), edited);
    try {
      compileAll(loadProject(dir, { templates: 'my-templates' }));
      return [];
    } catch (e) {
      if (!(e instanceof DiagnosticError)) throw e;
      return e.diagnostics.map(formatDiagnostic);
    }
  };

  it('builds with detc\'s own templates', () => {
    expect(buildWith('arm.json', (s) => `${s}\n`)).toEqual([]);
  });

  it('an empty entityMappings list (detc\'s template before the fix)', () => {
    const errs = buildWith('arm.json', (s) => s.replace(/\{\{#if entityMappingsArm\.length\}\}\n(.*)\n\{\{\/if\}\}\n/, '$1\n'));
    // The rule has no entities: the error is on the start of the rule document, once per ARM template.
    expect(errs).toEqual(['', '.asim'].map((v) => `rules/network/distributed-port-probe.yml:2:1: error DETC412: dist-rules/sentinel/distributed-port-probe${v}.arm.json: 0 entity mappings (Sentinel: 1 to 10 entity mappings of 1 to 3 field mappings, each identifier valid for its entity type)`));
  });

  it('an identifier the entity type does not have, on the entities line', () => {
    const errs = buildWith('analytic-rule.yaml', (s) => s.replace('- identifier: {{identifier}}', '- identifier: IpAddress'));
    const at = lineOf('rules/network/ip-block-scan.yml', 'entities:') + 1;
    expect(errs).toContainEqual(expect.stringMatching(new RegExp(`^rules/network/ip-block-scan\\.yml:${at}:3: error DETC412: dist-rules/sentinel/ip-block-scan\\.yaml: entity mapping 1: "IpAddress" is not an identifier of IP \\(Address\\)`)));
    expect(errs).toContainEqual(expect.stringMatching(/error DETC412: dist-rules\/sentinel\/ip-block-scan\.yaml: entity mapping 1 \(IP\) maps none of Address/));
  });

  it('more than 3 placeholders in an alert format, on the alert title line', () => {
    const errs = buildWith('arm.json', (s) => s.replace('"alertDisplayNameFormat": {{armJson alertTitle}}', '"alertDisplayNameFormat": "\\{{a}} \\{{b}} \\{{c}} \\{{a}}"'));
    const at = lineOf('rules/network/ip-block-scan.yml', '  title:');
    expect(errs).toContain(`rules/network/ip-block-scan.yml:${at}:10: error DETC413: dist-rules/sentinel/ip-block-scan.arm.json: alertDisplayNameFormat has 4 {{Column}} placeholders; Sentinel allows at most 3 (at alert.title)`);
  });

  it('durations outside 5m..14d, unreadable, or a queryPeriod shorter than queryFrequency, on the schedule line', () => {
    const at = lineOf('rules/network/ip-block-scan.yml', 'frequency:');
    expect(buildWith('arm.json', (s) => s.replace('"queryPeriod": {{json queryPeriodIso}}', '"queryPeriod": "PT4M"')))
      .toContainEqual(expect.stringMatching(new RegExp(`^rules/network/ip-block-scan\\.yml:${at}:\\d+: error DETC414: dist-rules/sentinel/ip-block-scan\\.arm\\.json: queryPeriod PT4M is outside 5m\\.\\.14d`)));
    expect(buildWith('arm.json', (s) => s.replace('"queryFrequency": {{json queryFrequencyIso}}', '"queryFrequency": "P15D"')))
      .toContainEqual(expect.stringMatching(/DETC414: dist-rules\/sentinel\/ip-block-scan\.arm\.json: queryFrequency P15D is outside 5m\.\.14d/));
    expect(buildWith('analytic-rule.yaml', (s) => s.replace('queryFrequency: {{queryFrequency}}', 'queryFrequency: 1 hour')))
      .toContainEqual(expect.stringMatching(/DETC414: dist-rules\/sentinel\/ip-block-scan\.yaml: queryFrequency "1 hour" is not a duration/));
    expect(buildWith('analytic-rule.yaml', (s) => s.replace('queryFrequency: {{queryFrequency}}', 'queryFrequency: 2.00:00:00')))
      .toContainEqual(expect.stringMatching(/DETC414: dist-rules\/sentinel\/ip-block-scan\.yaml: queryPeriod 1h is shorter than queryFrequency 2\.00:00:00/));
  });

  it('a trigger threshold outside 0..10000', () => {
    for (const t of ['10001', '-1', '0.5']) {
      expect(buildWith('arm.json', (s) => s.replace('"triggerThreshold": 0', `"triggerThreshold": ${t}`)))
        .toContainEqual(`rules/network/ip-block-scan.yml:1:1: error DETC415: dist-rules/sentinel/ip-block-scan.arm.json: triggerThreshold ${t} must be an integer from 0 to 10000`);
    }
    expect(buildWith('analytic-rule.yaml', (s) => s.replace('triggerThreshold: 0', 'triggerThreshold: 10000'))).toEqual([]);
  });

  it('a version that is not X.Y.Z, on the version line', () => {
    const at = lineOf('rules/network/ip-block-scan.yml', 'version:');
    expect(buildWith('analytic-rule.yaml', (s) => s.replace('version: {{version}}', 'version: v{{version}}')))
      .toContainEqual(`rules/network/ip-block-scan.yml:${at}:10: error DETC416: dist-rules/sentinel/ip-block-scan.yaml: version "v1.1.1" must be X.Y.Z (digits), at most 20 characters (at version)`.replace('1.1.1', readFileSync(path.join(dir, 'rules/network/ip-block-scan.yml'), 'utf8').match(/^version: (.*)$/m)![1]!));
    expect(buildWith('arm.json', (s) => s.replace('"templateVersion": {{json version}}', '"templateVersion": "1.0"')))
      .toContainEqual(expect.stringMatching(/DETC416: dist-rules\/sentinel\/ip-block-scan\.arm\.json: templateVersion "1\.0" must be X\.Y\.Z/));
  });

  it('techniques without a matching tactic, and tactics Sentinel does not have', () => {
    const at = lineOf('rules/network/ip-block-scan.yml', 'techniques:');
    expect(buildWith('analytic-rule.yaml', (s) => s.replace('  - {{this}}\n{{/each}}\nrelevantTechniques:', '  - Discovery\n{{/each}}\nrelevantTechniques:')))
      .toContain(`rules/network/ip-block-scan.yml:${at}:15: error DETC417: dist-rules/sentinel/ip-block-scan.yaml: technique T1595.001 needs one of its tactics (Reconnaissance); tactics are Discovery (at attack.techniques)`);
    expect(buildWith('arm.json', (s) => s.replace('"tactics": {{json tactics}}', '"tactics": ["Reconnaissance", "Scanning"]')))
      .toContainEqual(expect.stringMatching(/DETC417: dist-rules\/sentinel\/ip-block-scan\.arm\.json: tactic "Scanning" is not one of Sentinel's/));
  });

  it("a watchlist whose search key is not a column of its CSV, on the list's file", () => {
    expect(buildWith('watchlist.arm.json', (s) => s.replace('"itemsSearchKey": "Value"', '"itemsSearchKey": "SearchKey"')))
      .toContainEqual('rules/lists/authorized_vulnerability_scanners.yml:1:1: error DETC418: dist-rules/sentinel/watchlists/authorized_vulnerability_scanners.arm.json: itemsSearchKey "SearchKey" is not a column of its rawContent (columns: Value, Comment, Owner, Expires)');
  });
});
