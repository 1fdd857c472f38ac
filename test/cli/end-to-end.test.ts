import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledLib } from '../helpers/lib.js';

// The other CLI tests call main() in the test's process (test/helpers/cli.ts). These few run `node bin/detc.js` as
// CI and a user do: the compiled lib/, arguments from the command line, output on the real standard streams, and
// the exit code the process ends with.
const ROOT = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-e2e-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function detc(...argv: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/detc.js'), ...argv], { cwd: dir, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('detc as a process: build, test, run and check, with their exit codes', () => {
  // Two rules with their fixtures (one read from event files, one inline) and the shared lists.
  beforeAll(async () => {
    await compiledLib();
    for (const p of ['lists', 'network/icmp-ping-sweep.yml', 'network/icmp-ping-sweep.test.yml', 'network/icmp-ping-sweep.fixtures', 'endpoint/scan-tool-execution.yml', 'endpoint/scan-tool-execution.test.yml']) {
      cpSync(path.join(ROOT, 'rules', p), path.join(dir, 'rules', p), { recursive: true });
    }
  });

  it('build writes dist-rules/ and exits 0', () => {
    const r = detc('build');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^2 rules → \d+ files in dist-rules\/ \(/m);
    expect(existsSync(path.join(dir, 'dist-rules/sentinel/icmp-ping-sweep.kql'))).toBe(true);
  });

  it('test runs every fixture in every engine and exits 0', () => {
    const r = detc('test');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\d+ passed, 0 failed(, \d+ skipped)? \(\d+ cases × 5 engines: reference, kql, spl, sigma, typescript\)$/m);
  });

  it('run prints one JSON line per alert on standard output and exits 0', () => {
    const r = detc('run', 'rules/network/icmp-ping-sweep.yml', '--events', 'rules/network/icmp-ping-sweep.fixtures/sweep-10.jsonl', '--now', '2026-11-23T12:00:00Z', '--engine', 'all');
    expect(r.code).toBe(0);
    const alerts = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ TimeGenerated: '2026-11-23T11:30:00.000Z' });
    expect(r.err).toMatch(/engines agree: 1 alerts from \d+ events/);
  });

  it('check exits 0 on the built repository, and 1 naming file:line:col when a rule is broken', () => {
    const ok = detc('check');
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    const file = path.join(dir, 'rules/endpoint/scan-tool-execution.yml');
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, before.replace('severity: medium', 'severity: urgent'));
    try {
      const bad = detc('check');
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/^rules\/endpoint\/scan-tool-execution\.yml:\d+:\d+: error DETC\d+: .*\(at severity\)$/m);
      expect(detc('build').code).toBe(1);
    } finally {
      writeFileSync(file, before);
    }
  });

  it('a usage error exits 2', () => {
    const r = detc('build', '--no-such-option');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^detc build: /);
  });
});
