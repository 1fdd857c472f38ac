import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { run } from '../helpers/cli.js';
import { baseRuleDoc } from '../helpers/rules.js';

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

/** A project whose rule was renamed from old-name.yml to new-name.yml, leaving its fixtures behind. */
function renamedRuleProject(): string {
  dir = mkdtempSync(path.join(os.tmpdir(), 'detc-orphan-'));
  mkdirSync(path.join(dir, 'rules/x'), { recursive: true });
  mkdirSync(path.join(dir, 'dist-rules'));
  writeFileSync(path.join(dir, 'rules/x/new-name.yml'), stringify(baseRuleDoc()));
  writeFileSync(path.join(dir, 'rules/x/old-name.test.yml'), stringify({
    now: '2026-11-23T12:00:00Z',
    cases: [{ name: 'nmap alerts', events: { format: 'canonical', inline: [{ time: '2026-11-23T11:30:00Z', host: 'h', process_name: 'nmap.exe' }] }, expect: [{ DeviceName: 'h' }] }],
  }));
  return dir;
}

describe('fixture files', () => {
  it('a fixture file whose rule does not exist fails detc test, naming the file (its cases would never run)', async () => {
    const r = await run(renamedRuleProject(), 'test');
    expect(r.code).toBe(1);
    expect(r.err).toContain('rules/x/old-name.test.yml:1:1: error DETC504: no rule rules/x/old-name.yml for these fixtures');
  });
});
