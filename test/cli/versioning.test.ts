import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

const ROOT = path.resolve(__dirname, '../..');


describe('detc check --base REF: a changed rule needs a version bump', () => {
  let dir: string;
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' });
  const ruleFile = () => path.join(dir, 'rules/network/ip-block-scan.yml');
  // The rule's committed version and its next minor, read from the rule (the test does not pin its history).
  const version = /^version: (\S+)$/m.exec(readFileSync(path.join(ROOT, 'rules/network/ip-block-scan.yml'), 'utf8'))![1]!;
  const [major, minor] = version.split('.').map(Number) as [number, number];
  const nextMinor = `${major}.${minor + 1}.0`;
  const re = (s: string) => s.replace(/\./g, '\\.');
  // The other rule's committed version and its next patch, read the same way.
  const otherVersion = /^version: (\S+)$/m.exec(readFileSync(path.join(ROOT, 'rules/endpoint/scan-tool-execution.yml'), 'utf8'))![1]!;
  const [oMajor, oMinor, oPatch] = otherVersion.split('.').map(Number) as [number, number, number];
  const nextPatch = `${oMajor}.${oMinor}.${oPatch + 1}`;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'detc-ver-'));
    // Only the rules these cases edit (and the shared lists): each 'check' runs every fixture in every engine, and
    // with all the rules one check took a minute on a busy 2-core machine.
    for (const p of ['lists', 'network/ip-block-scan.yml', 'network/ip-block-scan.test.yml', 'network/ip-block-scan.fixtures', 'endpoint/scan-tool-execution.yml', 'endpoint/scan-tool-execution.test.yml']) {
      cpSync(path.join(ROOT, 'rules', p), path.join(dir, 'rules', p), { recursive: true });
    }
    expect((await run(dir, 'build', '-q')).code).toBe(0);
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes when nothing changed', async () => {
    const r = await run(dir, 'check', '--base', 'HEAD');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('a rebuilt logic change without a version bump fails, naming the rule and the bump', async () => {
    // The sweep's port limit (5 → 6) changes the queries but none of the fixtures' alerts.
    const before = readFileSync(ruleFile(), 'utf8');
    expect(before).toContain('    value: 5\n');
    writeFileSync(ruleFile(), before.replace('    value: 5\n', '    value: 6\n'));
    expect((await run(dir, 'build', '-q')).code).toBe(0);
    const r = await run(dir, 'check', '--base', 'HEAD');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(String.raw`^rules/network/ip-block-scan\.yml:4:10: error DETC602: the generated .*sentinel/ip-block-scan\.kql.*splunk/ip-block-scan\.spl.* changed since HEAD but version is still ${re(version)}: bump it to ${re(nextMinor)} \(logic changed\)`, 'm'));
    expect(r.err).not.toMatch(/scan-tool-execution\.yml:\d+:\d+: error DETC602: the generated/);
  });

  it('a metadata-only change asks for a patch bump', async () => {
    const other = path.join(dir, 'rules/endpoint/scan-tool-execution.yml');
    writeFileSync(other, readFileSync(other, 'utf8').replace('severity: medium', 'severity: high'));
    expect((await run(dir, 'build', '-q')).code).toBe(0);
    const r = await run(dir, 'check', '--base', 'HEAD');
    expect(r.err).toMatch(new RegExp(String.raw`^rules/endpoint/scan-tool-execution\.yml:4:10: error DETC602: the generated sentinel/scan-tool-execution\.arm\.json, sentinel/scan-tool-execution\.yaml, sigma/proc_creation_scan_tool_execution\.yml, typescript/scan-tool-execution\.ts changed since HEAD but version is still ${re(otherVersion)}: bump it to ${re(nextPatch)} \(metadata changed\)`, 'm'));
    writeFileSync(other, readFileSync(other, 'utf8').replace(`version: ${otherVersion}`, `version: ${nextPatch}`));
  });

  it('passes once the versions are bumped', async () => {
    writeFileSync(ruleFile(), readFileSync(ruleFile(), 'utf8').replace(`version: ${version}`, `version: ${nextMinor}`));
    expect((await run(dir, 'build', '-q')).code).toBe(0);
    const r = await run(dir, 'check', '--base', 'HEAD');
    expect(r.code).toBe(0);
  });

  it('a shared-list edit alone needs no rule bump, though Sigma inlines the list and the queries compile its windows in', async () => {
    const scanners = path.join(dir, 'rules/lists/authorized_vulnerability_scanners.yml');
    const windows = path.join(dir, 'rules/lists/red_team_windows.csv');
    const before = [readFileSync(scanners, 'utf8'), readFileSync(windows, 'utf8')] as const;
    writeFileSync(scanners, `${before[0]}  - value: 100.64.0.0/30\n    comment: new scanner\n    owner: vuln-mgmt@example.org\n    expires: 2027-06-30\n`);
    writeFileSync(windows, `${before[1]}100.64.1.0/30,2027-01-04T00:00:00Z,2027-01-05T00:00:00Z,SEC-2001,New test,redteam@example.org\n`);
    try {
      expect((await run(dir, 'build', '-q')).code).toBe(0);
      // The outputs did change: the inlined Sigma values and the compiled-in window.
      expect(readFileSync(path.join(dir, 'dist-rules/sigma/mr_net_firewall_ip_block_scan.yml'), 'utf8')).toContain('100.64.0.0/30');
      expect(readFileSync(path.join(dir, 'dist-rules/splunk/ip-block-scan.spl'), 'utf8')).toContain('100.64.1.0/30');
      const r = await run(dir, 'check', '--base', 'HEAD');
      expect(r.err).not.toMatch(/version is still/);
      expect(r.code).toBe(0);
    } finally {
      writeFileSync(scanners, before[0]);
      writeFileSync(windows, before[1]);
      expect((await run(dir, 'build', '-q')).code).toBe(0);
    }
  });

  it('an unknown ref is a usage error', async () => {
    const r = await run(dir, 'check', '--base', 'no-such-ref');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read the rules at 'no-such-ref'/);
  });
});
