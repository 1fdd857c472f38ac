import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTree } from '../helpers/read-tree.js';
import { run } from '../helpers/cli.js';

// The Kusto.Language check analyses each distinct query once and remembers results by content (issue 12): the .kql,
// the YAML and the ARM template of a rule hold one query, and a warm cache answers without loading Kusto.Language.
// A cache can never change an output or hide an error.
const ROOT = path.resolve(__dirname, '../..');
const made: string[] = [];
// These tests are about the default folder: the suite's shared cache (vitest.config.ts) is set aside meanwhile.
const shared = process.env.DETC_CACHE_DIR;
beforeAll(() => void delete process.env.DETC_CACHE_DIR);
afterAll(() => {
  if (shared !== undefined) process.env.DETC_CACHE_DIR = shared;
  made.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

function repo(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'detc-kqlcache-'));
  made.push(d);
  mkdirSync(path.join(d, 'rules/network'), { recursive: true });
  cpSync(path.join(ROOT, 'rules/lists'), path.join(d, 'rules/lists'), { recursive: true });
  cpSync(path.join(ROOT, 'rules/network/ip-block-scan.yml'), path.join(d, 'rules/network/ip-block-scan.yml'));
  return d;
}
const entries = (dir: string) => (existsSync(path.join(dir, 'kql-check')) ? readdirSync(path.join(dir, 'kql-check')) : []);

describe('the Kusto.Language check: one analysis per distinct query, remembered by content', () => {
  it('analyses the two distinct queries of six Sentinel files once each; a warm build is byte-identical', async () => {
    const d = repo();
    const b = await run(d, 'build');
    expect(b.code).toBe(0);
    // ip-block-scan and its ASIM variant: .kql, .yaml and .arm.json each.
    expect(b.out).toMatch(/\b6 KQL queries checked/);
    // The default cache folder is the project's node_modules/.cache/detc.
    const cache = path.join(d, 'node_modules/.cache/detc');
    expect(entries(cache)).toHaveLength(2);
    const cold = readTree(path.join(d, 'dist-rules'));
    rmSync(path.join(d, 'dist-rules'), { recursive: true });
    expect((await run(d, 'build', '-q')).code).toBe(0);
    expect(readTree(path.join(d, 'dist-rules'))).toEqual(cold);
    expect((await run(d, 'build', '-q', '--no-cache')).code).toBe(0);
    expect(readTree(path.join(d, 'dist-rules'))).toEqual(cold);
  });

  it('--no-cache writes no cache; --cache DIR names the folder', async () => {
    const d = repo();
    expect((await run(d, 'build', '-q', '--no-cache')).code).toBe(0);
    expect(existsSync(path.join(d, 'node_modules'))).toBe(false);
    expect((await run(d, 'build', '-q', '--cache', 'ci-cache')).code).toBe(0);
    expect(entries(path.join(d, 'ci-cache'))).toHaveLength(2);
  });

  it('a cached finding is reported again, and a tampered entry cannot hide it', async () => {
    const d = repo();
    // A template override whose queries read a column CommonSecurityLog does not have.
    mkdirSync(path.join(d, 'templates/sentinel'), { recursive: true });
    writeFileSync(path.join(d, 'templates/sentinel/query.hbs'), '{{table}}\n| where NoSuchColumn == 1\n{{#each stages}}\n| {{this}}\n{{/each}}');
    const first = await run(d, 'validate');
    expect(first.code).toBe(1);
    expect(first.err).toMatch(/error DETC411: KQL \S+ in dist-rules\/sentinel\/ip-block-scan\.kql .*NoSuchColumn/);
    const second = await run(d, 'validate');
    expect(second.err).toBe(first.err);
    // Every entry rewritten as "no problems" under another key: ignored, the query is analysed again.
    const folder = path.join(d, 'node_modules/.cache/detc/kql-check');
    for (const f of readdirSync(folder)) writeFileSync(path.join(folder, f), JSON.stringify({ format: 1, key: 'f'.repeat(64), value: [] }));
    const third = await run(d, 'validate');
    expect(third.code).toBe(1);
    expect(third.err).toBe(first.err);
  });
});
