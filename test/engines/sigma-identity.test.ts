import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../src/backends/types.js';
import { DiagnosticError } from '../../src/load/diagnostics.js';
import { sigma, verifySigmaIdentity } from '../../src/targets/sigma.js';
import { ENGINES, engineOpts, mappings, ownPack } from '../helpers/dist.js';
import { NOW, at } from '../helpers/events.js';
import { baseRuleDoc, ruleFromDoc } from '../helpers/rules.js';

// Issue 14, item 1: the Sigma engine picks a rule's documents by the rule id they carry, never by file name.
const { rules, dist } = ownPack();
const run = (name: string) => ENGINES.find((e) => e.name === name)!;

function sigmaFiles(rs = rules): Artifact[] {
  return sigma.backend.compile(rs, { templateDir: 'templates/sigma', mapping: mappings.sigma }).files.map((f) => ({ ...f, target: 'sigma' }));
}
const verify = (rs: typeof rules, files: Artifact[]) => verifySigmaIdentity({ rules: rs, files, cwd: '.', templatesDir: 'templates', schemasDir: 'schemas/kql' });
function problems(rs: typeof rules, files: Artifact[]): string[] {
  try {
    verify(rs, files);
    return [];
  } catch (e) {
    if (!(e instanceof DiagnosticError)) throw e;
    return e.diagnostics.map((d) => d.message);
  }
}

describe('the Sigma engine reads only the rule\'s own documents', () => {
  it('scan-tool-execution does not run unix-scan-tool-execution (its file name ends alike)', async () => {
    const rule = rules.find((r) => r.slug === 'scan-tool-execution')!;
    const events = [{ time: at(5), host: 'lnx03', user: 'alice', process_name: 'bash', process_path: '/bin/bash', command_line: "bash -c 'nmap --top-ports 10 x'" }];
    const opts = engineOpts(dist, NOW);
    expect((await run('reference').run(rule, events, opts)).rows).toEqual([]);
    const out = await run('sigma').run(rule, events, opts);
    expect(out.rows).toEqual([]);
    expect(out.query).toContain('proc_creation_scan_tool_execution.yml');
    expect(out.query).not.toContain('proc_creation_unix_scan_tool_execution.yml');
    // The other rule does alert on it: the event is a real alert, of that rule.
    const unix = rules.find((r) => r.slug === 'unix-scan-tool-execution')!;
    expect((await run('sigma').run(unix, events, opts)).rows).toHaveLength(1);
  });
});

describe('build-time check: no two rules\' Sigma files can be confused', () => {
  it('passes on the founding rules, counting every document', () => {
    expect(verify(rules, sigmaFiles())).toMatchObject({ what: 'Sigma documents' });
    expect(verify(rules, sigmaFiles()).count).toBeGreaterThanOrEqual(16);
  });

  it('a correlation file whose documents lost the rule id (a template override without related:) is an error', () => {
    const files = sigmaFiles().map((f) => (f.path.endsWith('ip_block_scan.yml') ? { ...f, content: f.content.replace(/related:\n {4}- id: \S+\n {6}type: derived\n/g, '') } : f));
    expect(problems(rules, files).join('\n')).toMatch(/does not name the rule id 640d1803/);
  });

  it('a document another rule\'s file names this rule by is an error for this rule', () => {
    const files = sigmaFiles();
    const unix = rules.find((r) => r.slug === 'unix-scan-tool-execution')!;
    const mixed = files.map((f) => (f.path === 'sigma/proc_creation_unix_scan_tool_execution.yml' ? { ...f, content: f.content.replace(`id: ${unix.id}\n`, `id: ${unix.id}\nrelated:\n    - id: 5061ad07-508c-4322-85eb-1efd9c49c32f\n      type: derived\n`) } : f));
    expect(problems(rules, mixed).join('\n')).toMatch(/the Sigma engine would read dist-rules\/sigma\/proc_creation_unix_scan_tool_execution.yml/);
  });

  it('two rules whose names underscore alike write one file: an error, not a silent overwrite', () => {
    const a = ruleFromDoc(baseRuleDoc(), 'rules/test/odd-name.yml');
    const b = ruleFromDoc({ ...baseRuleDoc(), id: '11111111-2222-4333-8444-666666666666' }, 'rules/test/odd_name.yml');
    const msgs = problems([a, b], sigmaFiles([a, b]));
    expect(msgs.join('\n')).toMatch(/proc_creation_odd_name.yml is written for two rules/);
  });

  it('a correlation name shared by two rules (pySigma resolves names across the collection) is an error', () => {
    const files = sigmaFiles().map((f) => (f.path.endsWith('icmp_ping_sweep.yml') ? { ...f, content: f.content.replace(/icmp_ping_sweep_/g, 'ip_block_scan_') } : f));
    expect(problems(rules, files).join('\n')).toMatch(/Sigma name 'ip_block_scan_\w+' is used by two documents/);
  });
});
