import { sentinelBackend } from '../backends/sentinel/index.js';
import { sigmaBackend } from '../backends/sigma/index.js';
import { splunkBackend } from '../backends/splunk/index.js';
import type { Backend } from '../backends/types.js';

/** Every backend, in output order. */
export const BACKENDS: Backend[] = [sentinelBackend, splunkBackend, sigmaBackend];
