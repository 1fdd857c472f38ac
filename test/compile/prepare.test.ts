import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAll } from '../../src/compile/compile.js';
import { loadProject } from '../../src/project.js';
import type { Target } from '../../src/targets/target.js';

// What a target's `prepare` starts before the rules are loaded (Sentinel: Kusto.Language workers) is released once
// the build no longer wants it: at its end, or as soon as every rule came unchanged from the cache (a thread loading
// alongside slows the build's own).

const ROOT = path.resolve(__dirname, '../..');
const RULES = path.join(ROOT, 'rules');

describe("a target's prepare", () => {
  it('is released at the end of a build that loaded rules, before compiling when every rule came from the cache', () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'detc-prepare-'));
    try {
      const events: string[] = [];
      const base = loadProject(ROOT, { cache });
      const setup = base.targets[0]!;
      const stub: Target = {
        ...setup.target,
        name: 'stub',
        backend: { name: 'stub', compile: () => (events.push('compile'), { files: [], notes: [] }) },
        prepare: () => (events.push('prepare'), () => events.push('release')),
        verify: undefined,
        startVerify: undefined,
      };
      const project = { ...base, targets: [{ ...setup, target: stub }] };
      compileAll(project, RULES);
      expect(events.splice(0)).toEqual(['prepare', 'compile', 'release']);
      expect(compileAll(project, RULES).reused).toBeGreaterThan(0);
      expect(events).toEqual(['prepare', 'release', 'compile']);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
