// THE list of targets. Adding a target is one descriptor (targets/<name>.ts, with its backend and engine folders)
// and one line here; every command, the build, the harness and coverage iterate this list.
import { referenceEngine } from '../reference/index.js';
import { targetRunner } from '../engines/harness.js';
import type { Runner } from '../engines/types.js';
import { sentinel } from './sentinel.js';
import { sigma } from './sigma.js';
import { splunk } from './splunk.js';
import type { Target } from './target.js';
import { typescript } from './typescript.js';

export type { Target } from './target.js';

const registry: Target[] = [sentinel, splunk, sigma, typescript];

/** Every registered target, in output order. */
export function allTargets(): readonly Target[] {
  return registry;
}

/**
 * Registers a further target (a plugin, or a test's stub) after the built-in ones; returns the function that
 * removes it again. Its name must be new: it names folders and settings.
 */
export function registerTarget(t: Target): () => void {
  if (registry.some((x) => x.name === t.name)) throw new Error(`a target named '${t.name}' is registered already`);
  registry.push(t);
  return () => {
    const i = registry.indexOf(t);
    if (i >= 0) registry.splice(i, 1);
  };
}

/** The enabled targets, in registry order: those named (detc.config `backends`), or all of them. */
export function enabledTargets(names?: readonly string[]): Target[] {
  return registry.filter((t) => !names || names.includes(t.name));
}

/** The reference evaluator, then the engine of each target that has one, in registry order. */
export function runners(targets: readonly Target[] = registry): Runner[] {
  return [referenceEngine, ...targets.flatMap((t) => (t.engine ? [targetRunner(t, t.engine)] : []))];
}
