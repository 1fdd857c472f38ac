import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.js';

// Tests that run whole builds and checks timed out at 60 s on a busy 2-core CI machine (issue 13, item 14).
describe('the test budget leaves margin for a shared CI machine', () => {
  it('a test and a hook get at least 5 minutes', () => {
    const t = (config as { test?: { testTimeout?: number; hookTimeout?: number } }).test;
    expect(t?.testTimeout).toBeGreaterThanOrEqual(300_000);
    expect(t?.hookTimeout).toBeGreaterThanOrEqual(300_000);
  });

  it('the versioning tests copy only the rules they edit, not the whole rule set', () => {
    const text = readFileSync(path.resolve(__dirname, '../cli/versioning.test.ts'), 'utf8');
    expect(text).not.toMatch(/cpSync\(path\.join\(ROOT, 'rules'\), path\.join\(dir, 'rules'\)/);
  });
});
