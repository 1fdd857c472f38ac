import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAll } from '../../src/compile/compile.js';
import { kustoLoaded, loadKusto } from '../../src/kql-check/kusto.js';
import { standbySize } from '../../src/kql-check/pool.js';
import { loadProject } from '../../src/project.js';
import type { Target } from '../../src/targets/target.js';
import { nextTurn } from '../helpers/next-turn.js';
import { stubTarget } from '../helpers/stub-target.js';

// What a target's `prepare` starts before the rules are loaded (Sentinel: Kusto.Language workers) is released once
// the build no longer wants it: right after the target's own verifier ran (which took it or will not), or as soon as
// every rule came unchanged from the cache (a thread loading alongside slows the build's own).

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

  it("is released right after its target's verifier ran, before the later targets compile, and once", () => {
    const events: string[] = [];
    const base = loadProject(ROOT, { noCache: true });
    const setup = base.targets[0]!;
    const stub = (name: string, verify: Target['verify']): Target =>
      stubTarget(setup.target, events, name, { verify, prepare: () => (events.push(`${name}.prepare`), () => events.push(`${name}.release`)) });
    const started = stub('started', () => (events.push('started.verify'), { finish: () => (events.push('started.finish'), { count: 0, what: 'x', by: 'x' }), cancel: () => undefined }));
    const done = stub('done', () => (events.push('done.verify'), { count: 0, what: 'y', by: 'y' }));
    const none = stub('none', undefined);
    compileAll({ ...base, targets: [started, done, none].map((target) => ({ ...setup, target })) }, RULES);
    expect(events).toEqual([
      'started.prepare', 'done.prepare', 'none.prepare',
      'started.compile', 'started.verify', 'started.release',
      'done.compile', 'done.verify', 'done.release',
      'none.compile', 'none.release',
      'started.finish',
    ]);
  });
});

describe("Sentinel's spare Kusto.Language worker", () => {
  it('is neither started nor left running when this thread has Kusto.Language loaded (detc test and build in one process)', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'detc-spare-'));
    try {
      mkdirSync(path.join(d, 'rules/network'), { recursive: true });
      cpSync(path.join(ROOT, 'rules/lists'), path.join(d, 'rules/lists'), { recursive: true });
      const file = path.join(d, 'rules/network/icmp-ping-sweep.yml');
      cpSync(path.join(ROOT, 'rules/network/icmp-ping-sweep.yml'), file);
      // As after `detc test` or `check` in the same process: the analysis of a few queries runs on this thread.
      loadKusto();
      expect(kustoLoaded()).toBe(true);
      const base = loadProject(d, { cache: path.join(d, 'cache') });
      const sentinel = base.targets.find((t) => t.target.name === 'sentinel')!;
      // A target after Sentinel sees how many workers wait, unused, while the build goes on.
      const waiting: number[] = [];
      const probe: Target = {
        ...sentinel.target,
        name: 'probe',
        backend: { name: 'probe', compile: () => (waiting.push(standbySize()), { files: [], notes: [] }) },
        prepare: undefined,
        verify: undefined,
      };
      const project = { ...base, targets: [sentinel, { ...sentinel, target: probe }] };
      const build = () => compileAll(project, path.join(d, 'rules')).verified[0]!;
      build();
      await nextTurn();
      // A rebuild after one rule's query changed (the result cache has entries, some queries miss it).
      writeFileSync(file, readFileSync(file, 'utf8').replace(/(host_threshold:\n    type: int\n    value: )\d+\n/, '$1121\n'));
      const rebuilt = build();
      expect(rebuilt.count).toBeGreaterThan(rebuilt.cached ?? 0);
      expect(waiting).toEqual([0, 0]);
      expect(standbySize()).toBe(0);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
