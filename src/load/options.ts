import type { Severity, SharedList } from '../ir/types.js';

/** How rules are loaded: what the project supplies that a rule file does not say itself. */
export interface LoadOptions {
  /** Severity of rules that leave it out (detc.config defaultSeverity); without it, severity is required. */
  defaultSeverity?: Severity;
  /** Lists from rules/lists/, by name (loadRules reads them). */
  sharedLists?: Map<string, SharedList>;
  /** The date (YYYY-MM-DD) list expiries are checked against (default: today). */
  today?: string;
}
