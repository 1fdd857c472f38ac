import { describe, expect, it } from 'vitest';
import { compileAll } from '../../src/build/compile.js';
import { coverage, coverageMarkdown, navigatorLayer } from '../../src/coverage/layer.js';

describe('detc coverage', () => {
  const build = compileAll({ cwd: process.cwd(), rulesDir: 'rules' });
  const cov = coverage(build.rules, build.notes);
  it('writes an ATT&CK Navigator 4.5 enterprise layer scoring T1595.001 by its rules', () => {
    const layer = navigatorLayer(cov) as { versions: { layer: string; navigator: string }; domain: string; techniques: Record<string, unknown>[]; gradient: { maxValue: number } };
    expect(layer.versions).toEqual({ navigator: '5.1.0', layer: '4.5' });
    expect(layer.domain).toBe('enterprise-attack');
    for (const t of layer.techniques) expect(t.techniqueID).toMatch(/^T\d{4}(\.\d{3})?$/);
    const sub = layer.techniques.find((t) => t.techniqueID === 'T1595.001')!;
    expect(sub).toMatchObject({ score: 5, comment: '5 rules: ip-block-scan, renamed-scan-tool, scan-tool-execution, scan-tool-from-script, unix-scan-tool-execution' });
    // Not pinned to a tactic: the endpoint rules name reconnaissance and discovery (T1046) together.
    expect(sub).not.toHaveProperty('tactic');
    expect(sub.metadata).toEqual([
      { name: 'IP block scan from a public source', value: 'sentinel, splunk, sigma (partial)' },
      { name: 'Network scanner run under another file name', value: 'sentinel, splunk, sigma (partial)' },
      { name: 'Network scanning tool executed on an endpoint', value: 'sentinel, splunk, sigma (partial)' },
      { name: 'Network scanner launched by a script interpreter or shell', value: 'sentinel, splunk, sigma (partial)' },
      { name: 'Network scanning with Unix tools or port-sweep one-liners', value: 'sentinel, splunk, sigma (partial)' },
    ]);
    expect(layer.techniques.find((t) => t.techniqueID === 'T1595')).toMatchObject({ showSubtechniques: true });
    expect(layer.gradient.maxValue).toBe(5);
  });
  it('prints a Markdown table with one row per technique and rule', () => {
    const md = coverageMarkdown(cov);
    expect(md).toContain('| T1595.001 | reconnaissance | IP block scan from a public source (`rules/network/ip-block-scan.yml`) | yes | yes | partial |');
    expect(md.match(/^\| T1595\.001/gm)).toHaveLength(5);
  });
});
