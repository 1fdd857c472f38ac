import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

const ROOT = path.resolve(__dirname, '../..');

describe('detc.config.yaml', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-config-'));
  cpSync(path.join(ROOT, 'rules'), path.join(dir, 'detections'), { recursive: true });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sets the folders and the backends of build, test and check', async () => {
    writeFileSync(path.join(dir, 'detc.config.yaml'), 'rules: detections\nout: build/rules\nbackends: [sentinel, sigma]\n');
    const b = await run(dir, 'build', '-q');
    expect(b.err).toBe('');
    expect(b.code).toBe(0);
    expect(readdirSync(path.join(dir, 'build/rules')).sort()).toEqual(['REPORT.md', 'sentinel', 'sigma']);
    expect(existsSync(path.join(dir, 'dist-rules'))).toBe(false);
    const t = await run(dir, 'test');
    expect(t.code).toBe(0);
    expect(t.out).toMatch(/^72 passed, 0 failed \(24 cases × 3 engines: reference, kql, sigma\)$/m);
    const c = await run(dir, 'check');
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/0 out of date\), 72 passed, 0 failed fixture runs/);
  });

  it('a bad setting is an error with file, line and column', async () => {
    writeFileSync(path.join(dir, 'detc.config.yaml'), 'rules: detections\nbackends: [sentinel, elastic]\nouts: x\n');
    const r = await run(dir, 'validate');
    expect(r.code).toBe(1);
    expect(r.err).toContain('detc.config.yaml:2:22: error: must be equal to one of the allowed values: sentinel, splunk, sigma (at backends[1])');
    expect(r.err).toContain("detc.config.yaml:3:1: error: unknown setting 'outs' (at outs)");
  });
});
