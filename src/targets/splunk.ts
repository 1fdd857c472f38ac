import { splunkBackend } from '../backends/splunk/index.js';
import { verifySplunkMacros } from '../backends/splunk/verify.js';
import { splEngine } from '../engines/spl/index.js';
import { readPeriodSeconds } from '../ir/analysis.js';
import type { Target } from './target.js';

/** Splunk: SPL saved searches on CIM data models in an app; run by the SPL interpreter. */
export const splunk: Target = {
  name: 'splunk',
  title: 'Splunk saved searches (SPL on CIM)',
  backend: splunkBackend,
  engine: splEngine,
  limits: () => ({ errors: [], drops: [] }),
  // Every macro a search calls is defined by the app's macros.conf (a template override may lack one).
  verify: verifySplunkMacros,
  // CIM: `_time` in epoch seconds; the data model fills some missing fields with its placeholders ("unknown", 0).
  native: { time: 'epoch-seconds', missing: 'placeholder' },
  exportLayout: 'json-lines',
  readPeriodSeconds,
};
