import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { installSpec } from '../../src/cli/init-command.js';
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
    expect(gh.jobs.check.steps.map((s: { run?: string }) => s.run).filter(Boolean)).toEqual(['npm install', 'npx detc check --cache .detc-cache --reporter junit --output reports/detc.xml']);
    // The Kusto.Language cache is restored between runs under a rolling key, from the folder check writes.
    expect(gh.jobs.check.steps.find((s: { uses?: string }) => s.uses === 'actions/cache@v4')).toMatchObject({ with: { path: '.detc-cache', 'restore-keys': 'detc-${{ runner.os }}-' } });
    const az = parseYaml(readFileSync(path.join(repo, 'azure-pipelines.yml'), 'utf8'));
    expect(az.steps.find((s: { task?: string }) => s.task === 'PublishTestResults@2').inputs.testResultsFiles).toBe('reports/detc.xml');
    const check = await run(repo, 'check');
    expect(check.err).toBe('');
    expect(check.code).toBe(0);
    expect(check.out).toMatch(/^1 rules, 6 KQL queries checked, \d+ SPL searches checked, \d+ Sigma documents checked, \d+ TypeScript modules checked, \d+ output files \(0 out of date\), \d+ passed, 0 failed(, \d+ skipped)? fixture runs/m);
  });

  it('refuses a folder that is not empty', async () => {
    writeFileSync(path.join(parent, 'keep.txt'), 'x');
    const r = await run(parent, 'init');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is not empty; nothing written/);
  });
});

describe('detc init without --detc-version depends on the running detc where it came from (issue 13, item 12)', () => {
  const ROOT = realpathSync(path.resolve(__dirname, '../..'));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'detc-spec-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('from a checkout: a file: path to it, which holds the detc package (not ^0.1.0, which does not resolve)', async () => {
    const r = await run(tmp, 'init', 'from-checkout');
    expect(r.code).toBe(0);
    const spec = JSON.parse(readFileSync(path.join(tmp, 'from-checkout/package.json'), 'utf8')).devDependencies.detc as string;
    expect(spec).toBe(`file:${ROOT}`);
    const pkg = JSON.parse(readFileSync(path.join(spec.slice('file:'.length), 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'detc', bin: { detc: 'bin/detc.js' } });
  });

  // An installed detc as npm leaves it: <project>/node_modules/detc and the project's lockfile entry.
  const installed = (name: string, entry: Record<string, unknown>) => {
    const project = path.join(tmp, name);
    mkdirSync(path.join(project, 'node_modules/detc'), { recursive: true });
    writeFileSync(path.join(project, 'node_modules/detc/package.json'), JSON.stringify({ name: 'detc', version: '0.3.1' }));
    writeFileSync(path.join(project, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/detc': entry } }));
    return path.join(project, 'node_modules/detc');
  };

  it('from the registry: ^<its version>; from a tarball: a file: path to it; from git: the git URL', () => {
    expect(installSpec(installed('reg', { version: '0.3.1', resolved: 'https://registry.npmjs.org/detc/-/detc-0.3.1.tgz' }))).toBe('^0.3.1');
    expect(installSpec(installed('tgz', { version: '0.3.1', resolved: 'file:../detc-0.3.1.tgz' }))).toBe(`file:${path.join(tmp, 'detc-0.3.1.tgz')}`);
    expect(installSpec(installed('git', { version: '0.3.1', resolved: 'git+ssh://git@github.com/acme/detc.git#abc123' }))).toBe('git+ssh://git@github.com/acme/detc.git#abc123');
    expect(installSpec(installed('link', { resolved: '../src/detc', link: true }))).toBe(`file:${path.join(tmp, 'src/detc')}`);
    // Unknown origin: its own folder.
    const bare = path.join(tmp, 'bare/node_modules/detc');
    mkdirSync(bare, { recursive: true });
    writeFileSync(path.join(bare, 'package.json'), JSON.stringify({ name: 'detc', version: '0.3.1' }));
    expect(installSpec(bare)).toBe(`file:${realpathSync(bare)}`);
  });
});
