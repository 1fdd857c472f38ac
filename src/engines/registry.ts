import { kqlEngine } from './kql/index.js';
import { referenceEngine } from './reference/index.js';
import { sigmaEngine } from './sigma/index.js';
import { splEngine } from './spl/index.js';
import type { Engine, EngineName } from './types.js';

/** Every engine; the reference evaluator first (the others are compared with it). */
export const ENGINES: Engine[] = [referenceEngine, kqlEngine, splEngine, sigmaEngine];

// The backend whose emitted files an engine reads (the reference evaluator reads the rules themselves).
const BACKEND_OF: Record<EngineName, string | undefined> = { reference: undefined, kql: 'sentinel', spl: 'splunk', sigma: 'sigma' };

/** The engines that can run when only `backends` are compiled (all of them when undefined). */
export function enginesFor(backends?: string[]): Engine[] {
  return ENGINES.filter((e) => !backends || BACKEND_OF[e.name] === undefined || backends.includes(BACKEND_OF[e.name]!));
}
