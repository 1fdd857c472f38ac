import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTree } from '../helpers/read-tree.js';
import { run } from '../helpers/cli.js';

// Issue 12: a build on several threads and from the cache writes exactly what a build on one thread without a cache
// writes; a corrupt or foreign cache entry is ignored; a rebuild after one rule changed loads and checks only it.
const ROOT = path.resolve(__dirname, '../..');
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A repository with two of the project's rules (each with an ASIM variant: six Sentinel files) and its shared lists. */
function repo(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'detc-incremental-'));
  made.push(d);
  mkdirSync(path.join(d, 'rules/network'), { recursive: true });
  cpSync(path.join(ROOT, 'rules/lists'), path.join(d, 'rules/lists'), { recursive: true });
  for (const r of ['ip-block-scan', 'icmp-ping-sweep']) {
    cpSync(path.join(ROOT, `rules/network/${r}.yml`), path.join(d, `rules/network/${r}.yml`));
  }
  return d;
}

const tree = (d: string, out: string) => readTree(path.join(d, out));
const cacheLine = (out: string) => /^cache: .*$/m.exec(out)?.[0];

describe('builds on several threads and from the cache', () => {
  it('write byte for byte what one thread without a cache writes, cold and warm', async () => {
    const d = repo();
    expect((await run(d, 'build', '-q', '--no-cache', '--workers', '1', '--out', 'one')).code).toBe(0);
    const cold = await run(d, 'build', '--verbose', '--cache', 'c', '--workers', '2', '--out', 'pool');
    expect(cold.code).toBe(0);
    expect(cacheLine(cold.out)).toBe('cache: 0 rules unchanged, 2 loaded; from the cache: 0 of 12 KQL queries, 0 of 2 TypeScript modules');
    expect(tree(d, 'pool')).toEqual(tree(d, 'one'));
    const warm = await run(d, 'build', '--verbose', '--cache', 'c', '--workers', '2', '--out', 'warm');
    expect(cacheLine(warm.out)).toBe('cache: 2 rules unchanged, 0 loaded; from the cache: 12 of 12 KQL queries, 2 of 2 TypeScript modules');
    expect(tree(d, 'warm')).toEqual(tree(d, 'one'));
  });

  it('ignore corrupt and foreign cache entries', async () => {
    const d = repo();
    expect((await run(d, 'build', '-q', '--no-cache', '--workers', '1', '--out', 'one')).code).toBe(0);
    expect((await run(d, 'build', '-q', '--cache', 'c')).code).toBe(0);
    const kinds = readdirSync(path.join(d, 'c')).sort();
    expect(kinds).toEqual(['kql-check', 'lists', 'rules', 'sentinel-rule', 'sentinel-verified', 'sigma-docs', 'sigma-rule', 'splunk-rule', 'typescript-module', 'typescript-verified']);
    const entries = kinds.flatMap((k) => readdirSync(path.join(d, 'c', k)).map((f) => path.join(d, 'c', k, f)));
    // Each entry swapped for another entry of its kind (well-formed, but written for another key) ...
    const texts = entries.map((f) => readFileSync(f, 'utf8'));
    entries.forEach((f, i) => {
      const sameKind = entries.map((g, j) => [g, j] as const).filter(([g, j]) => j !== i && path.dirname(g) === path.dirname(f));
      if (sameKind.length) writeFileSync(f, texts[sameKind[0]![1]]!);
    });
    const foreign = await run(d, 'build', '--verbose', '--cache', 'c', '--out', 'foreign');
    expect(foreign.code).toBe(0);
    expect(cacheLine(foreign.out)).toMatch(/^cache: 0 rules unchanged, 2 loaded; from the cache: 0 of 12 KQL queries/);
    expect(tree(d, 'foreign')).toEqual(tree(d, 'one'));
    // ... and each cut in half.
    for (const f of entries) writeFileSync(f, readFileSync(f, 'utf8').slice(0, 40));
    const corrupt = await run(d, 'build', '--verbose', '--cache', 'c', '--out', 'corrupt');
    expect(corrupt.code).toBe(0);
    expect(cacheLine(corrupt.out)).toMatch(/^cache: 0 rules unchanged, 2 loaded; from the cache: 0 of 12 KQL queries/);
    expect(tree(d, 'corrupt')).toEqual(tree(d, 'one'));
  });

  it('a rule that was clean and now has an error fails the build although the cache knows it clean', async () => {
    const d = repo();
    expect((await run(d, 'build', '-q', '--cache', 'c')).code).toBe(0);
    const file = path.join(d, 'rules/network/ip-block-scan.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^severity: .*$/m, 'severity: urgent'));
    const broken = await run(d, 'build', '-q', '--cache', 'c');
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/rules\/network\/ip-block-scan\.yml:\d+:\d+: error DETC\d+: .*severity/);
  });

  it('prints the rules again when a template, a partial or a mapping they are printed with changed', async () => {
    const d = repo();
    expect((await run(d, 'build', '-q', '--cache', 'c')).code).toBe(0);
    const override = (target: string, file: string, edit: (text: string) => string) => {
      mkdirSync(path.join(d, 'templates', target), { recursive: true });
      writeFileSync(path.join(d, 'templates', target, file), edit(readFileSync(path.join(ROOT, 'templates', target, file), 'utf8')));
    };
    override('sentinel', 'kql.hbs', (t) => `// edited by the project\n${t}`);
    // A partial: the rule template includes it by name.
    override('sigma', 'meta-head.hbs', (t) => `${t}# edited by the project\n`);
    override('splunk', 'mapping.yml', (t) => t.replace('src_ip: src_ip', 'src_ip: src_ip_edited'));
    expect((await run(d, 'build', '-q', '--cache', 'c')).code).toBe(0);
    expect((await run(d, 'build', '-q', '--no-cache', '--workers', '1', '--out', 'fresh')).code).toBe(0);
    const fresh = tree(d, 'fresh');
    expect(fresh.get('sentinel/ip-block-scan.kql')).toMatch(/^\/\/ edited by the project\n/);
    const sigmaFiles = [...fresh].filter(([p]) => p.startsWith('sigma/'));
    expect(sigmaFiles.length).toBeGreaterThan(0);
    for (const [, text] of sigmaFiles) expect(text).toMatch(/# edited by the project/);
    expect(fresh.get('splunk/ip-block-scan.spl')).toMatch(/src_ip_edited/);
    expect(tree(d, 'dist-rules')).toEqual(fresh);
  });

  it('prints the rules reading a shared list again when the list changed', async () => {
    const d = repo();
    expect((await run(d, 'build', '-q', '--cache', 'c')).code).toBe(0);
    const list = path.join(d, 'rules/lists/authorized_vulnerability_scanners.yml');
    writeFileSync(list, readFileSync(list, 'utf8').replace('192.0.2.10/32', '192.0.2.11/32'));
    expect((await run(d, 'build', '-q', '--cache', 'c')).code).toBe(0);
    expect((await run(d, 'build', '-q', '--no-cache', '--workers', '1', '--out', 'fresh')).code).toBe(0);
    const fresh = tree(d, 'fresh');
    expect([...fresh].some(([p, text]) => p.startsWith('sigma/') && text.includes('192.0.2.11/32'))).toBe(true);
    expect(tree(d, 'dist-rules')).toEqual(fresh);
  });

  it('after one rule changed, loads and checks only that rule again', async () => {
    const d = repo();
    expect((await run(d, 'build', '-q', '--cache', 'c')).code).toBe(0);
    const file = path.join(d, 'rules/network/icmp-ping-sweep.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/(host_threshold:\n    type: int\n    value: )10\n/, '$1117\n'));
    const again = await run(d, 'build', '--verbose', '--cache', 'c');
    expect(again.code).toBe(0);
    // The rule's two queries (CommonSecurityLog and its ASIM variant), each in a .kql, .yaml and .arm.json, are
    // analysed again; the other rule's six files are not even parsed.
    expect(cacheLine(again.out)).toBe('cache: 1 rules unchanged, 1 loaded; from the cache: 6 of 12 KQL queries, 1 of 2 TypeScript modules');
    expect(readFileSync(path.join(d, 'dist-rules/sentinel/icmp-ping-sweep.kql'), 'utf8')).toMatch(/>= 117\b/);
    rmSync(path.join(d, 'fresh'), { recursive: true, force: true });
    expect((await run(d, 'build', '-q', '--no-cache', '--workers', '1', '--out', 'fresh')).code).toBe(0);
    expect(tree(d, 'dist-rules')).toEqual(tree(d, 'fresh'));
  });
});
