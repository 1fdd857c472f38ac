import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAll } from '../../src/compile/compile.js';
import { loadProject } from '../../src/project.js';
import type { Target } from '../../src/targets/target.js';
import { stubTarget } from '../helpers/stub-target.js';

// A verifier that comes back started (Sentinel's Kusto.Language analyses on worker threads) runs while the build
// compiles the later targets and runs their verifiers; the outcome must be what running them in target order gives.

const ROOT = path.resolve(__dirname, '../..');
const RULES = path.join(ROOT, 'rules');

/** Two targets with stub backends: `early` verifies in the background, `late` the ordinary way. */
function build(opts: { earlyFails?: boolean; lateFails?: boolean; lateCompileFails?: boolean }) {
  const events: string[] = [];
  const base = loadProject(ROOT, { noCache: true });
  const setup = base.targets[0]!;
  const stub = (name: string, compileFails = false): Target => stubTarget(setup.target, events, name, { files: [{ path: `${name}/x.txt`, content: 'x' }], compileFails });
  const early: Target = {
    ...stub('early'),
    verify: (ctx) => {
      events.push(`early.start(${ctx.files.map((f) => f.path).join(',')})`);
      return {
        finish: () => {
          events.push('early.finish');
          if (opts.earlyFails) throw new Error('early verify');
          return { count: 1, what: 'early files', by: 'early' };
        },
        cancel: () => events.push('early.cancel'),
      };
    },
  };
  const late: Target = {
    ...stub('late', opts.lateCompileFails),
    verify: () => {
      events.push('late.verify');
      if (opts.lateFails) throw new Error('late verify');
      return { count: 2, what: 'late files', by: 'late' };
    },
  };
  const project = { ...base, targets: [{ ...setup, target: early }, { ...setup, target: late }] };
  let outcome: unknown;
  try {
    outcome = compileAll(project, RULES).verified;
  } catch (e) {
    outcome = (e as Error).message;
  }
  return { events, outcome };
}

describe('a verifier started as soon as its target compiled', () => {
  it('runs while the later targets compile and verify, and reports in target order', () => {
    expect(build({})).toEqual({
      events: ['early.compile', 'early.start(early/x.txt)', 'late.compile', 'late.verify', 'early.finish'],
      outcome: [{ count: 1, what: 'early files', by: 'early' }, { count: 2, what: 'late files', by: 'late' }],
    });
  });

  it('fails the build with the first failure in target order, whichever finished first', () => {
    expect(build({ earlyFails: true, lateFails: true }).outcome).toBe('early verify');
    expect(build({ lateFails: true }).outcome).toBe('late verify');
  });

  it('is not run after an earlier target\'s verifier failed, whose failure is the one thrown; later targets still compile', () => {
    const events: string[] = [];
    const base = loadProject(ROOT, { noCache: true });
    const setup = base.targets[0]!;
    const stub = (name: string, verify: Target['verify']): Target => stubTarget(setup.target, events, name, { verify });
    const first = stub('first', () => {
      events.push('first.verify');
      throw new Error('first verify');
    });
    const second = stub('second', () => (events.push('second.start'), { finish: () => (events.push('second.finish'), { count: 0, what: 'x', by: 'x' }), cancel: () => events.push('second.cancel') }));
    expect(() => compileAll({ ...base, targets: [first, second].map((target) => ({ ...setup, target })) }, RULES)).toThrow('first verify');
    expect(events).toEqual(['first.compile', 'first.verify', 'second.compile']);
  });

  it('is stopped when a later target fails to compile', () => {
    expect(build({ lateCompileFails: true })).toEqual({
      events: ['early.compile', 'early.start(early/x.txt)', 'late.compile', 'early.cancel'],
      outcome: 'late compile',
    });
  });
});
