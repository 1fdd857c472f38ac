import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/load/diagnostics.js';
import { loadRuleText } from '../../src/load/load-rules.js';
import { baseRuleDoc } from '../helpers/rules.js';
import { run } from '../helpers/cli.js';

const ROOT = path.resolve(__dirname, '../..');
const ruleText = () => stringify(baseRuleDoc());

describe('hostile YAML is one coded line at the alias, not a crash (issue 13, item 7)', () => {
  it('an alias used before its anchor', () => {
    const r = loadRuleText('rules/x.yml', `notes: *later\n${ruleText()}later: &later 1\n`);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'rules/x.yml:1:8: error DETC001: YAML: alias *later is used before its anchor &later is defined (an anchor must come first)',
    ]);
  });

  it('an alias bomb (a billion laughs) is refused at its first alias', () => {
    const bomb = ['b0: &a0 [x,x,x,x,x,x,x,x,x,x]'];
    for (let i = 1; i < 8; i++) bomb.push(`b${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(',')}]`);
    const r = loadRuleText('rules/x.yml', `${ruleText()}${bomb.join('\n')}\n`);
    expect(r.diagnostics).toHaveLength(1);
    expect(formatDiagnostic(r.diagnostics[0]!)).toMatch(/^rules\/x\.yml:\d+:10: error DETC001: YAML: aliases expand to more than 100 nodes/);
  });

  it("a second document is explained without the YAML library's advice to programmers", () => {
    const r = loadRuleText('rules/x.yml', `${ruleText()}---\nid: other\n`);
    const lines = r.diagnostics.map(formatDiagnostic).join('\n');
    expect(lines).toMatch(/^rules\/x\.yml:\d+:1: error DETC001: YAML: one document per file/);
    expect(lines).not.toMatch(/parseAllDocuments|please use/);
  });
});

describe('a missing or unreadable rule folder or file is exit 1 with the path (issue 13, item 7)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'detc-hostile-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const fresh = (name: string, withRules: boolean) => {
    const d = path.join(dir, name);
    mkdirSync(d);
    if (withRules) cpSync(path.join(ROOT, 'rules'), path.join(d, 'rules'), { recursive: true });
    return d;
  };

  it('no rules/ folder', async () => {
    const d = fresh('none', false);
    const r = await run(d, 'build');
    expect(r.code).toBe(1);
    expect(r.err.split('\n')[0]).toBe("rules:1:1: error DETC020: cannot read: no such file or folder (ENOENT); --rules or 'rules' in detc.config names the rule folder");
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
  });

  it('a symbolic link loop and a dangling link in rules/: each named, the other rules still checked', async () => {
    const d = fresh('links', true);
    symlinkSync('loop', path.join(d, 'rules/loop'));
    symlinkSync('gone.yml', path.join(d, 'rules/network/dangling.yml'));
    writeFileSync(path.join(d, 'rules/network/ip-block-scan.yml'), 'id: [\n');
    const r = await run(d, 'build');
    expect(r.code).toBe(1);
    expect(r.err).toContain('rules/loop:1:1: error DETC020: cannot read: symbolic link loop (ELOOP)');
    expect(r.err).toContain('rules/network/dangling.yml:1:1: error DETC020: cannot read: dangling symbolic link to gone.yml (ENOENT)');
    expect(r.err).toMatch(/rules\/network\/ip-block-scan\.yml:\d+:\d+: error DETC001/);
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
  });
});
