import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseRuleDoc } from '../helpers/rules.js';
import { run } from '../helpers/cli.js';

// One small rule keeps these builds cheap; Sigma drops its alert templates, so it has backend notes.
describe('what detc build prints (issue 13, item 13)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'detc-out-'));
    mkdirSync(path.join(dir, 'rules'));
    const doc = { ...baseRuleDoc(), alert: { title: 'nmap on {{DeviceName}}', description: 'seen' } };
    writeFileSync(path.join(dir, 'rules/nmap.yml'), stringify(doc));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('one summary line that says how many backend notes there are, per backend, and where they went', async () => {
    const r = await run(dir, 'build');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^1 rules → \d+ files in dist-rules\/ \(\d+ KQL queries checked, \d+ SPL searches checked, \d+ Sigma documents checked, \d+ TypeScript modules checked; [1-9]\d* backend notes \(.*sigma [1-9]\d*.*\) in dist-rules\/REPORT\.md, --verbose prints them\) in [\d.]+s$/);
  });

  it('--verbose prints each note, then what came from the cache, before the summary; -q prints nothing', async () => {
    const v = await run(dir, 'build', '--verbose');
    expect(v.code).toBe(0);
    const lines = v.out.split('\n');
    const count = Number(/(\d+) backend notes/.exec(lines.at(-1)!)![1]);
    expect(lines.at(-2)).toMatch(/^cache: \d+ rules unchanged, \d+ loaded; from the cache: \d+ of \d+ KQL queries, \d+ of \d+ TypeScript modules$/);
    expect(lines.slice(0, -2)).toHaveLength(count);
    for (const l of lines.slice(0, -2)) expect(l).toMatch(/^rules\/nmap\.yml: (sentinel|splunk|sigma): (dropped|approximated): /);
    const q = await run(dir, 'build', '-q');
    expect([q.code, q.out, q.err]).toEqual([0, '', '']);
  });
});
