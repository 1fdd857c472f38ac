import { kqlEngine } from './kql/index.js';
import { referenceEngine } from './reference/index.js';
import { sigmaEngine } from './sigma/index.js';
import { splEngine } from './spl/index.js';
import type { Engine } from './types.js';

/** Every engine; the reference evaluator first (the others are compared with it). */
export const ENGINES: Engine[] = [referenceEngine, kqlEngine, splEngine, sigmaEngine];
