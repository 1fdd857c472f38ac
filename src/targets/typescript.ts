import { typescriptBackend, typescriptUnexpressible } from '../backends/typescript/index.js';
import { verifyTypescript } from '../backends/typescript/verify.js';
import { TYPESCRIPT_NATIVE, typescriptEngine } from '../engines/typescript/index.js';
import { readPeriodSeconds } from '../ir/analysis.js';
import type { Target } from './target.js';

/** TypeScript: one dependency-free detection module per rule (docs/typescript.md); run as it is on disk. */
export const typescript: Target = {
  name: 'typescript',
  title: 'TypeScript detection modules (dependency-free)',
  backend: typescriptBackend,
  engine: typescriptEngine,
  limits: (rule, mapping) => ({ errors: [], cannotExpress: typescriptUnexpressible(rule, mapping), drops: [] }),
  verify: verifyTypescript,
  // The module reads canonical values under the mapping's names; a missing value is simply absent.
  native: TYPESCRIPT_NATIVE,
  readPeriodSeconds,
};
