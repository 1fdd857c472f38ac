import { sentinelBackend } from '../backends/sentinel/index.js';
import { sentinelLimits } from '../backends/sentinel/limits.js';
import { sentinelQueryPeriodSeconds } from '../backends/sentinel/schedule.js';
import { startKqlVerify } from '../backends/sentinel/verify.js';
import { kqlEngine } from '../engines/kql/index.js';
import { prestartFor } from '../kql-check/schedule.js';
import type { Target } from './target.js';

/** Microsoft Sentinel: KQL analytics rules (YAML, ARM), watchlists; run by the KQL interpreter. */
export const sentinel: Target = {
  name: 'sentinel',
  title: 'Microsoft Sentinel analytics rules (KQL)',
  backend: sentinelBackend,
  engine: kqlEngine,
  limits: (rule) => ({ errors: sentinelLimits(rule), drops: [] }),
  verify: startKqlVerify,
  prepare: ({ rules, cacheDir, workers }) => prestartFor(rules, cacheDir, workers),
  // Log Analytics: ISO 8601 times; string columns are never null, so a missing value is "".
  native: { time: 'iso', missing: 'empty-string' },
  exportLayout: 'json-or-csv',
  readPeriodSeconds: sentinelQueryPeriodSeconds,
};
