import { describe, expect, it } from 'vitest';
import { compileAll } from '../../src/compile/compile.js';
import { coverage, coverageMarkdown, navigatorLayer } from '../../src/coverage/layer.js';
import { loadProject } from '../../src/project.js';

const TARGETS = ['sentinel', 'splunk', 'sigma'];

describe('detc coverage', () => {
  const build = compileAll(loadProject(process.cwd()));
  const cov = coverage(build.rules, build.notes, TARGETS);
  it('writes an ATT&CK Navigator 4.5 enterprise layer scoring T1595.001 by its rules', () => {
    const layer = navigatorLayer(cov) as { versions: { layer: string; navigator: string }; domain: string; techniques: Record<string, unknown>[]; gradient: { maxValue: number } };
    expect(layer.versions).toEqual({ navigator: '5.1.0', layer: '4.5' });
    expect(layer.domain).toBe('enterprise-attack');
    for (const t of layer.techniques) expect(t.techniqueID).toMatch(/^T\d{4}(\.\d{3})?$/);
    const sub = layer.techniques.find((t) => t.techniqueID === 'T1595.001')!;
    const covering = build.rules.filter((r) => r.techniques.includes('T1595.001'));
    expect(covering.length).toBeGreaterThanOrEqual(7);
    expect(sub).toMatchObject({ score: covering.length, comment: `${covering.length} rules: ${covering.map((r) => r.slug).join(', ')}` });
    expect(sub.metadata).toContainEqual({ name: 'IP block scan from a public source', value: 'sentinel, splunk, sigma (partial)' });
    expect(sub.metadata).toContainEqual({ name: 'Network scanning tool executed on an endpoint', value: 'sentinel, splunk, sigma (partial)' });
    // A rule Sigma cannot express does not list Sigma at all.
    expect(sub.metadata).toContainEqual({ name: expect.stringMatching(/port/i), value: 'sentinel, splunk' });
    // The internal sweep also covers T1046 (Network Service Discovery).
    expect(layer.techniques.find((t) => t.techniqueID === 'T1046')).toMatchObject({ score: expect.any(Number) });
    expect(layer.techniques.find((t) => t.techniqueID === 'T1595')).toMatchObject({ showSubtechniques: true });
    expect(layer.gradient.maxValue).toBe(covering.length);
  });
  it('prints a Markdown table with one row per technique and rule', () => {
    const md = coverageMarkdown(cov, TARGETS);
    expect(md).toContain('| T1595.001 | reconnaissance | IP block scan from a public source (`rules/network/ip-block-scan.yml`) | yes | yes | partial |');
    expect(md.match(/^\| T1595\.001/gm)).toHaveLength(build.rules.filter((r) => r.techniques.includes('T1595.001')).length);
    expect(md).toMatch(/\| yes \| yes \| no \|$/m);
  });
});
