// The benchmark first asks every engine what it expresses of the rule, on no events at the bench's `now`. An engine
// that cannot run on no events (the TypeScript engine refused a missing `now`) stopped the whole benchmark before
// it measured anything, so every engine and every benchmarked rule is asked here.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expressed } from '../../scripts/bench/expressed.mjs';
import { NOW } from '../../scripts/bench/generate.mjs';
import { loadRules } from '../../src/load/load-rules.js';
import { loadProject, runOptions } from '../../src/project.js';
import { runners } from '../../src/targets/index.js';

const root = path.resolve(__dirname, '../..');
const project = loadProject(root);
const rules = loadRules(project.rulesDir, root).rules;

describe('the benchmark asks each engine what it expresses', () => {
  for (const slug of ['ip-block-scan', 'scan-followed-by-access']) {
    for (const engine of runners(project.targets.map((t) => t.target))) {
      it(`${engine.name} on ${slug}`, async () => {
        const rule = rules.find((r) => r.slug === slug)!;
        const e = await expressed(engine, rule, runOptions(project), NOW);
        // Sigma has no followed_by (REPORT.md says so): it declares the rule not expressible instead.
        if (engine.name === 'sigma' && slug === 'scan-followed-by-access') expect(e).toBeUndefined();
        else expect(e?.keys.length).toBeGreaterThan(0);
      });
    }
  }
});
