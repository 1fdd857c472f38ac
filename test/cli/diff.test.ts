import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/util/unified-diff.js';
import { run as runIn } from '../helpers/cli.js';

const ROOT = path.resolve(__dirname, '../..');

describe('detc diff', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-diff-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' });
  const run = (...argv: string[]) => runIn(dir, ...argv);

  it('after a threshold change: the parameter, the changed fixture alerts and the query diffs', async () => {
    cpSync(path.join(ROOT, 'rules'), path.join(dir, 'rules'), { recursive: true });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    const f = path.join(dir, 'rules/network/ip-block-scan.yml');
    writeFileSync(f, readFileSync(f, 'utf8').replace('value: 20', 'value: 25').replace('version: 1.3.0', 'version: 1.4.0'));
    git('commit', '-qam', 'raise the port threshold');
    const r = await run('diff', '--base', 'HEAD~1');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('### IP block scan from a public source (`rules/network/ip-block-scan.yml`)');
    expect(r.out).toContain('version 1.3.0 → 1.4.0');
    expect(r.out).toContain('- ip-block-scan: port_threshold 20 → 25');
    expect(r.out).toContain("- ip-block-scan: fixture 'exactly 20 ports on one host alerts as a single-host port scan' now raises 0 alerts, was 1");
    expect(r.out).not.toContain("fixture '19 ports stays silent'");
    expect(r.out).toMatch(/<details><summary>sentinel\/ip-block-scan\.kql<\/summary>\n\n```diff\n--- a\/sentinel\/ip-block-scan\.kql\n\+\+\+ b\/sentinel\/ip-block-scan\.kql\n@@ /);
    expect(r.out).toContain('-| where (UniqueDestPorts >= 20 or UniqueDestHosts >= 15)');
    expect(r.out).toContain('+| where (UniqueDestPorts >= 25 or UniqueDestHosts >= 15)');
    expect(r.out).toContain('-| where (UniqueDestPorts>=20 OR UniqueDestHosts>=15)');
    expect(r.out).not.toContain('scan-tool-execution.yml`)');
  });

  it('a shared-list change: the entries, the rules reading it, and what it does to their fixtures', async () => {
    const f = path.join(dir, 'rules/lists/internet_research_scanners.csv');
    // 192.0.2.80 is the neighbour of the authorized range that ip-block-scan's fixture expects to alert on.
    writeFileSync(f, readFileSync(f, 'utf8').trimEnd() + '\n192.0.2.80/32,Research scanner (test),soc@example.org,2027-05-31\n');
    git('commit', '-qam', 'allowlist a research scanner');
    const r = await run('diff', '--base', 'HEAD~1');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^### Shared lists\n\n- `internet_research_scanners`: \+192\.0\.2\.80\/32 \(read by [a-z-, ]*ip-block-scan[a-z-, ]*\)$/m);
    expect(r.out).toContain("- ip-block-scan: fixture 'allowlisted sources (research scanner IPv4 and IPv6, authorized scanner, health checks) stay silent; a neighbour just outside the authorized range alerts' now raises 0 alerts, was 1");
    // A watchlist-read list changes no query: no query diff for the rule.
    expect(r.out).not.toContain('<summary>sentinel/ip-block-scan.kql</summary>');
    // Sigma inlines list values, so the Sigma rules of every reader change (and show their diff).
    expect(r.out).toContain('<summary>sigma/mr_net_firewall_low_and_slow_scan.yml</summary>');
    expect(r.out).toContain("+            - '192.0.2.80/32'");
  });
});

describe('unified diff', () => {
  it('prints hunks with context and line numbers', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].join('\n');
    const b = ['1', '2', '3', '4', 'five', '6', '7', '8', '9', '10', '11'].join('\n');
    // Changes at most 2 × context lines apart share one hunk, as in GNU diff.
    expect(unifiedDiff(a, b, 'a/x', 'b/x')).toBe(['--- a/x', '+++ b/x', '@@ -2,9 +2,10 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8', ' 9', ' 10', '+11'].join('\n'));
    const long = Array.from({ length: 20 }, (_, i) => String(i + 1));
    const edited = long.map((l) => (l === '2' ? 'two' : l === '18' ? 'eighteen' : l));
    expect(unifiedDiff(long.join('\n'), edited.join('\n'), 'a', 'b')).toBe(
      ['--- a', '+++ b', '@@ -1,5 +1,5 @@', ' 1', '-2', '+two', ' 3', ' 4', ' 5', '@@ -15,6 +15,6 @@', ' 15', ' 16', ' 17', '-18', '+eighteen', ' 19', ' 20'].join('\n'),
    );
    expect(unifiedDiff('same', 'same', 'a', 'b')).toBe('--- a\n+++ b');
  });

});
