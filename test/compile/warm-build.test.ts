import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kustoLoaded } from '../../src/kql-check/kusto.js';
import { run } from '../helpers/cli.js';

// Issue 12: heavy modules load only when needed. This file is alone so that no other test loads Kusto.Language into
// this thread first.
const ROOT = path.resolve(__dirname, '../..');
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'detc-warm-'));
  made.push(d);
  mkdirSync(path.join(d, 'rules/network'), { recursive: true });
  cpSync(path.join(ROOT, 'rules/lists'), path.join(d, 'rules/lists'), { recursive: true });
  cpSync(path.join(ROOT, 'rules/network/icmp-ping-sweep.yml'), path.join(d, 'rules/network/icmp-ping-sweep.yml'));
  return d;
}

describe('Kusto.Language is loaded only for a query to analyse', () => {
  it('a rebuild with nothing changed does not load Kusto.Language; one with a changed query does', async () => {
    const d = repo();
    // The cold build analyses on worker threads, so this thread has not loaded Kusto.Language either way.
    expect((await run(d, 'build', '-q', '--cache', 'c', '--workers', '2')).code).toBe(0);
    expect(kustoLoaded()).toBe(false);
    // With one worker, any analysis would run in this thread.
    expect((await run(d, 'build', '-q', '--cache', 'c', '--workers', '1')).code).toBe(0);
    expect(kustoLoaded()).toBe(false);
    const file = path.join(d, 'rules/network/icmp-ping-sweep.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/(host_threshold:\n    type: int\n    value: )10\n/, '$1118\n'));
    expect((await run(d, 'build', '-q', '--cache', 'c', '--workers', '1')).code).toBe(0);
    expect(kustoLoaded()).toBe(true);
  });
});
