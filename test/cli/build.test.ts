import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAll } from '../../src/build/compile.js';
import { readTree } from '../../src/build/write-output.js';
import { main } from '../../src/cli/main.js';

const ROOT = path.resolve(__dirname, '../..');

async function run(cwd: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { cwd, out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('detc build / validate', () => {
  let dir: string;
  let built: Map<string, string>;
  const rule = (p: string) => path.join(dir, 'rules', p);
  const edit = (p: string, f: (s: string) => string) => writeFileSync(rule(p), f(readFileSync(rule(p), 'utf8')));

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'detc-cli-'));
    cpSync(path.join(ROOT, 'rules'), path.join(dir, 'rules'), { recursive: true });
    const r = await run(dir, 'build');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    built = readTree(path.join(dir, 'dist-rules'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes Sentinel, Splunk and Sigma content and a report', () => {
    const paths = [...built.keys()];
    for (const p of [
      'sentinel/ip-block-scan.kql', 'sentinel/ip-block-scan.yaml', 'sentinel/ip-block-scan.arm.json',
      'sentinel/scan-tool-execution.kql', 'splunk/ip-block-scan.spl', 'splunk/scan-tool-execution.spl',
      'splunk/detc_detections/default/savedsearches.conf', 'splunk/detc_detections/default/macros.conf', 'REPORT.md',
    ]) expect(paths).toContain(p);
    expect(paths.filter((p) => p.startsWith('sigma/')).length).toBeGreaterThanOrEqual(2);
    expect(built.get('REPORT.md')).toMatch(/ScanType/);
  });

  it('is deterministic: a second build gives byte-identical output', async () => {
    expect((await run(dir, 'build', '-q')).code).toBe(0);
    expect(readTree(path.join(dir, 'dist-rules'))).toEqual(built);
  });

  it("the repository's committed dist-rules/ is exactly what its rules compile to", () => {
    const fresh = compileAll({ cwd: ROOT, rulesDir: 'rules' });
    const committed = readTree(path.join(ROOT, 'dist-rules'));
    expect([...committed.keys()]).toEqual(fresh.files.map((f) => f.path));
    for (const f of fresh.files) expect(committed.get(f.path), f.path).toBe(f.content);
  });

  const bad: [string, string, (s: string) => string, RegExp][] = [
    ['broken YAML', 'network/ip-block-scan.yml', (s) => s.replace('severity: medium', 'severity: [medium'), /^rules\/network\/ip-block-scan\.yml:\d+:\d+: error: YAML: /m],
    ['a threshold given as a string', 'network/ip-block-scan.yml', (s) => s.replace('value: 20', 'value: "20"'), /^rules\/network\/ip-block-scan\.yml:\d+:12: error: must be integer, got the string "20" \(at parameters\.port_threshold\.value\)$/m],
    ['an unknown key', 'endpoint/scan-tool-execution.yml', (s) => s.replace('severity: medium', 'severity: medium\nseverty: high'), /^rules\/endpoint\/scan-tool-execution\.yml:\d+:1: error: unknown field 'severty' \(at severty\)$/m],
    ['an invalid CIDR in a list', 'network/ip-block-scan.yml', (s) => s.replace('- 10.0.0.0/8', '- 10.0.0.0/33'), /^rules\/network\/ip-block-scan\.yml:\d+:9: error: invalid CIDR in list 'non_public_ranges': "10\.0\.0\.0\/33": prefix length must be 0\.\.32 for IPv4 \(at lists\.non_public_ranges\.values\[0\]\)$/m],
    ['an unknown source', 'network/ip-block-scan.yml', (s) => s.replace('source: network_connection', 'source: netflow'), /^rules\/network\/ip-block-scan\.yml:\d+:\d+: error: unknown data source 'netflow' .*\(at query\.source\)$/m],
    ['an unknown field', 'endpoint/scan-tool-execution.yml', (s) => s.replace('field: process_name\n', 'field: image_name\n'), /^rules\/endpoint\/scan-tool-execution\.yml:\d+:\d+: error: unknown field 'image_name' for source process_creation .*\(at query\.where\.any\[0\]\.field\)$/m],
  ];
  for (const [what, file, change, message] of bad) {
    it(`${what}: one error line with file:line:col and field, exit 1, dist-rules untouched`, async () => {
      const before = readFileSync(rule(file), 'utf8');
      edit(file, change);
      try {
        const r = await run(dir, 'build');
        expect(r.code).toBe(1);
        expect(r.err).toMatch(message);
        expect(r.err).toMatch(/Found \d+ errors? .*; nothing written\.$/);
        expect(readTree(path.join(dir, 'dist-rules'))).toEqual(built);
        expect((await run(dir, 'validate')).code).toBe(1);
      } finally {
        writeFileSync(rule(file), before);
      }
    });
  }

  it('a duplicate rule id fails and names both files', async () => {
    cpSync(rule('network/ip-block-scan.yml'), rule('network/ip-block-scan-copy.yml'));
    try {
      const r = await run(dir, 'build');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/^rules\/network\/ip-block-scan(-copy)?\.yml:\d+:5: error: duplicate rule id 640d1803-a663-4e86-8ed1-28b0d560eac4: already used by rules\/network\/ip-block-scan(-copy)?\.yml \(at id\)$/m);
      expect(readTree(path.join(dir, 'dist-rules'))).toEqual(built);
    } finally {
      rmSync(rule('network/ip-block-scan-copy.yml'));
    }
  });

  it('a template that breaks the KQL fails the build through Kusto.Language, naming rule and template', async () => {
    cpSync(path.join(ROOT, 'templates'), path.join(dir, 'my-templates'), { recursive: true });
    const q = path.join(dir, 'my-templates/sentinel/query.hbs');
    writeFileSync(q, readFileSync(q, 'utf8').replace('{{table}}', '{{table}}\n| where NoSuchColumn == 1'));
    const r = await run(dir, 'build', '--templates', 'my-templates');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^rules\/network\/ip-block-scan\.yml:\d+:\d+: error: KQL KS142 in dist-rules\/sentinel\/ip-block-scan\.kql \(query line 2, col 9\): The name 'NoSuchColumn' does not refer to any known column.*\[templates: my-templates\/sentinel/m);
    expect(readTree(path.join(dir, 'dist-rules'))).toEqual(built);
  });

  it('validate writes nothing', async () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'detc-validate-'));
    try {
      cpSync(path.join(ROOT, 'rules'), path.join(other, 'rules'), { recursive: true });
      const r = await run(other, 'validate');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/2 rules valid; 6 KQL queries pass Kusto\.Language/);
      expect(existsSync(path.join(other, 'dist-rules'))).toBe(false);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('usage errors exit 2; --help exits 0', async () => {
    expect((await run(dir, 'frobnicate')).code).toBe(2);
    expect((await run(dir, 'build', '--nope')).code).toBe(2);
    expect((await run(dir, 'validate', '--out', 'x')).code).toBe(2);
    const h = await run(dir, 'build', '--help');
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/Exit codes: 0 written, 1 problems found/);
    expect((await run(dir, '--help')).out).toMatch(/Commands:\n {2}build/);
  });
});
