import type { BackendMapping } from '../backends/types.js';
import type { Rule } from '../ir/types.js';
import type { TableSchema } from '../kql-check/table-schemas.js';
import type { Row } from './reference/predicates.js';

/** Canonical events: an array, or a stream read once. */
export type Events = Iterable<Row> | AsyncIterable<Row>;

export type EngineName = 'reference' | 'kql' | 'spl' | 'sigma';

export interface EngineOptions {
  /** The scheduler's "now" (ms since epoch). Engines apply the rule's lookback as the SIEM scheduler would. */
  now: number;
  /** Where the emitted queries are read from (dist-rules/). Interpreters read the files as they are on disk. */
  distDir: string;
  /** Backend field mappings, for turning canonical events into each backend's native events. */
  mappings: Record<'sentinel' | 'splunk' | 'sigma', BackendMapping>;
  /** KQL table schemas: the column types of the native Sentinel rows. */
  kqlTables: TableSchema[];
}

/**
 * Alerts as one engine sees them. `rows` use the rule's output column names; timestamps are ISO 8601 strings,
 * numbers are numbers, value sets are arrays. `keys` names the columns this engine can express for comparison
 * (Sigma: the alert keys, i.e. group-by columns and the window; others: every output column).
 */
export interface EngineResult {
  engine: EngineName;
  rows: Row[];
  keys: string[];
  /** The query text the engine executed (for side-by-side failure reports). */
  query?: string;
  /** Parts of the rule this engine's backend could not express and so did not apply (e.g. `suppress`). */
  ignores?: string[];
}

export interface Engine {
  name: EngineName;
  /**
   * Runs the rule over the events. A one-shot stream (an async iterable) is read once, so memory stays bounded by
   * the open groups; rules with several branches need a re-iterable input (an array).
   */
  run(rule: Rule, events: Events, opts: EngineOptions): Promise<EngineResult>;
}
