import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

// Configuration is resolved once (src/project.ts): every command compiles and interprets with the same templates
// and mappings, falling back to detc's own file by file.
const ROOT = path.resolve(__dirname, '../..');
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A repository with one rule (ip-block-scan, its fixtures and the shared lists it reads). */
function repo(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'detc-project-'));
  made.push(d);
  mkdirSync(path.join(d, 'rules/network'), { recursive: true });
  cpSync(path.join(ROOT, 'rules/lists'), path.join(d, 'rules/lists'), { recursive: true });
  for (const f of ['ip-block-scan.yml', 'ip-block-scan.test.yml', 'ip-block-scan.fixtures']) {
    cpSync(path.join(ROOT, 'rules/network', f), path.join(d, 'rules/network', f), { recursive: true });
  }
  return d;
}

describe('one project value for every command', () => {
  it('a repository that overrides one template (and no mapping) passes check and test', async () => {
    const d = repo();
    mkdirSync(path.join(d, 'templates/sentinel'), { recursive: true });
    const query = readFileSync(path.join(ROOT, 'templates/sentinel/query.hbs'), 'utf8');
    writeFileSync(path.join(d, 'templates/sentinel/query.hbs'), query);
    const b = await run(d, 'build', '-q');
    expect(b.err).toBe('');
    expect(b.code).toBe(0);
    const t = await run(d, 'test');
    expect(t.err).toBe('');
    expect(t.code).toBe(0);
    const c = await run(d, 'check');
    expect(c.err).toBe('');
    expect(c.code).toBe(0);
    expect(c.out).toMatch(/0 out of date\), \d+ passed, 0 failed/);
  });

  it('detc run interprets with the mapping the build compiled with (detc.config templates)', async () => {
    const d = repo();
    // The organisation's Splunk data model names the destination port differently.
    mkdirSync(path.join(d, 'org-templates/splunk'), { recursive: true });
    const mapping = readFileSync(path.join(ROOT, 'templates/splunk/mapping.yml'), 'utf8');
    expect(mapping).toContain('name: dest_port,');
    writeFileSync(path.join(d, 'org-templates/splunk/mapping.yml'), mapping.replace('name: dest_port,', 'name: dest_port_number,'));
    writeFileSync(path.join(d, 'detc.config.yaml'), 'templates: org-templates\n');
    expect((await run(d, 'build', '-q')).code).toBe(0);
    expect(readFileSync(path.join(d, 'dist-rules/splunk/ip-block-scan.spl'), 'utf8')).toContain('dest_port_number');
    const r = await run(d, 'run', 'rules/network/ip-block-scan.yml', '--events', 'rules/network/ip-block-scan.fixtures/port-scan-20.jsonl', '--now', '2026-11-23T12:00:00Z', '--engine', 'all');
    expect(r.err).toMatch(/engines agree: 1 alerts/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.split('\n')[0]!)).toMatchObject({ UniqueDestPorts: 20 });
  });
});
