import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { run } from '../helpers/cli.js';


describe('detc init', () => {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'detc-init-'));
  afterAll(() => rmSync(parent, { recursive: true, force: true }));
  const repo = path.join(parent, 'acme-detections');

  it('scaffolds a repository in which detc check passes', async () => {
    const r = await run(parent, 'init', 'acme-detections', '--detc-version', '^0.1.0');
    expect(r.code).toBe(0);
    for (const f of ['rules/network/ip-block-scan.yml', 'rules/network/ip-block-scan.test.yml', 'rules/lists/red_team_windows.csv', 'rules/lists/authorized_vulnerability_scanners.yml', 'templates/sentinel/mapping.yml', 'templates/splunk/search.hbs', 'schemas/kql/CommonSecurityLog.csl', 'dist-rules/REPORT.md', 'README.md', 'detc.config.yaml']) {
      expect(existsSync(path.join(repo, f)), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8'))).toMatchObject({ name: 'acme-detections', private: true, devDependencies: { detc: '^0.1.0' } });
    const gh = parseYaml(readFileSync(path.join(repo, '.github/workflows/detc.yml'), 'utf8'));
    expect(gh.jobs.check.steps.map((s: { run?: string }) => s.run).filter(Boolean)).toEqual(['npm install', 'npx detc check --reporter junit --output reports/detc.xml']);
    const az = parseYaml(readFileSync(path.join(repo, 'azure-pipelines.yml'), 'utf8'));
    expect(az.steps.find((s: { task?: string }) => s.task === 'PublishTestResults@2').inputs.testResultsFiles).toBe('reports/detc.xml');
    const check = await run(repo, 'check');
    expect(check.err).toBe('');
    expect(check.code).toBe(0);
    expect(check.out).toMatch(/^1 rules, 6 KQL queries checked, \d+ Sigma documents checked, \d+ output files \(0 out of date\), \d+ passed, 0 failed(, \d+ skipped)? fixture runs/m);
  });

  it('refuses a folder that is not empty', async () => {
    writeFileSync(path.join(parent, 'keep.txt'), 'x');
    const r = await run(parent, 'init');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is not empty; nothing written/);
  });
});
