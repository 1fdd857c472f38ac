/** Deployment settings of the Splunk app and its saved searches. */
import type { QueryForm } from './tstats.js';

export interface SplunkSettings {
  /** How searches read the CIM data model: `tstats` (default; accelerated summaries) or `datamodel` (raw events). */
  queryForm?: QueryForm;
  app?: { id?: string; label?: string; version?: string; author?: string };
  notable?: boolean;
  risk?: boolean;
  scheduleWindow?: 'auto' | number;
  disabled?: boolean;
}
