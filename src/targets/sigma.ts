import { sigmaUnexpressible } from '../backends/sigma/limits.js';
import { sigmaBackend } from '../backends/sigma/index.js';
import { sigmaEngine } from '../engines/sigma/index.js';
import { readPeriodSeconds } from '../ir/analysis.js';
import type { Target } from './target.js';

/** Sigma: detection and correlation rules in SigmaHQ conventions; run by the Sigma interpreter. */
export const sigma: Target = {
  name: 'sigma',
  title: 'Sigma rules and correlations',
  backend: sigmaBackend,
  engine: sigmaEngine,
  limits: (rule, mapping) => ({
    errors: [],
    cannotExpress: sigmaUnexpressible(rule, mapping),
    // Sigma has no time conditions: suppression windows are dropped (REPORT.md says so).
    drops: rule.branches.some((b) => b.suppressions.length) ? ['suppress'] : [],
  }),
  native: { time: 'iso', missing: 'absent' },
  readPeriodSeconds,
};
