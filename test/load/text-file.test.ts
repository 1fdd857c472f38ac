import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run } from '../helpers/cli.js';
import { baseRuleDoc } from '../helpers/rules.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A project whose files are given as bytes (path → Buffer). */
function project(files: Record<string, Buffer>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-utf8-'));
  dirs.push(dir);
  for (const [p, bytes] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    writeFileSync(path.join(dir, p), bytes);
  }
  return dir;
}

/** Text saved as Latin-1: 'é' becomes the single byte 0xE9, which is not UTF-8. */
const latin1 = (s: string) => Buffer.from(s, 'latin1');

describe('files that are not UTF-8', () => {
  const rule = stringify({ ...baseRuleDoc(), description: 'Détection of a scanner.' });
  const line = rule.split('\n').findIndex((l) => l.startsWith('description')) + 1;

  it('a rule file: an error at the byte, exit 1, nothing written (not U+FFFD in ARM and conf)', async () => {
    const dir = project({ 'rules/x/r.yml': latin1(rule) });
    const r = await run(dir, 'build');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`rules/x/r.yml:${line}:15: error DETC007: byte 0xE9 is not UTF-8: save the file as UTF-8`);
    const ok = project({ 'rules/x/r.yml': Buffer.from(rule, 'utf8') });
    expect((await run(ok, 'validate')).code).toBe(0);
  });

  it('a shared list and a fixture file', async () => {
    const dir = project({
      'rules/x/r.yml': Buffer.from(rule, 'utf8'),
      'rules/x/r.test.yml': latin1('now: 2026-11-23T12:00:00Z\ncases:\n  - name: café\n    events: { format: canonical, inline: [] }\n    expect: []\n'),
      'rules/lists/hosts.csv': latin1('# type: string\n# description: test hosts\nvalue,comment\nws01,Zoë\n'),
      'dist-rules/.keep': Buffer.from(''),
    });
    const v = await run(dir, 'validate');
    expect(v.code).toBe(1);
    expect(v.err).toContain('rules/lists/hosts.csv:4:8: error DETC007: byte 0xEB is not UTF-8');
    const t = await run(dir, 'test');
    expect(t.code).toBe(1);
    expect(t.err).toContain('rules/x/r.test.yml:3:14: error DETC007: byte 0xE9 is not UTF-8');
  });
});
