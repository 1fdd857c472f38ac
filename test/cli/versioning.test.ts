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

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'detc-ver-'));
    cpSync(path.join(ROOT, 'rules'), path.join(dir, 'rules'), { recursive: true });
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
    expect(r.err).toMatch(/^rules\/network\/ip-block-scan\.yml:4:10: error: the generated .*sentinel\/ip-block-scan\.kql.*splunk\/ip-block-scan\.spl.* changed since HEAD but version is still 1\.1\.0: bump it to 1\.2\.0 \(logic changed\)/m);
    expect(r.err).not.toMatch(/scan-tool-execution\.yml:\d+:\d+: error: the generated/);
  });

  it('a metadata-only change asks for a patch bump', async () => {
    const other = path.join(dir, 'rules/endpoint/scan-tool-execution.yml');
    writeFileSync(other, readFileSync(other, 'utf8').replace('severity: medium', 'severity: high'));
    expect((await run(dir, 'build', '-q')).code).toBe(0);
    const r = await run(dir, 'check', '--base', 'HEAD');
    expect(r.err).toMatch(/^rules\/endpoint\/scan-tool-execution\.yml:4:10: error: the generated sentinel\/scan-tool-execution\.arm\.json, sentinel\/scan-tool-execution\.yaml, sigma\/proc_creation_scan_tool_execution\.yml changed since HEAD but version is still 1\.0\.0: bump it to 1\.0\.1 \(metadata changed\)/m);
    writeFileSync(other, readFileSync(other, 'utf8').replace('version: 1.0.0', 'version: 1.0.1'));
  });

  it('passes once the versions are bumped', async () => {
    writeFileSync(ruleFile(), readFileSync(ruleFile(), 'utf8').replace('version: 1.1.0', 'version: 1.2.0'));
    expect((await run(dir, 'build', '-q')).code).toBe(0);
    const r = await run(dir, 'check', '--base', 'HEAD');
    expect(r.code).toBe(0);
  });

  it('an unknown ref is a usage error', async () => {
    const r = await run(dir, 'check', '--base', 'no-such-ref');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read the rules at 'no-such-ref'/);
  });
});
