import type { Rule } from '../ir/types.js';
import type { Row } from '../events/model.js';
import type { BackendMapping } from '../mapping/types.js';

/** Canonical events: an array, or a stream read once. */
export type Events = Iterable<Row> | AsyncIterable<Row>;

/** The name of an engine: `reference`, or a target's engine (`kql`, `spl`, `sigma`). */
export type EngineName = string;

/** What every run of a rule over events is given, whichever engine runs it. */
export interface RunOptions {
  /** The scheduler's "now" (ms since epoch). Engines apply the target scheduler's read period before it. */
  now: number;
  /** Where the emitted files are read from (dist-rules/). Interpreters read them as they are on disk. */
  distDir: string;
  /** Each target's field mapping, by target name: the one the build compiled with. */
  mappings: Record<string, BackendMapping>;
  /** The project's table schemas folder (schemas/kql, else detc's own): the column types of native Sentinel rows. */
  schemasDir: string;
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
  /** Parts of the rule this engine's target could not express and so did not apply (`rule`: all of it). */
  ignores?: string[];
}

/** An engine as the verification harness and `detc run` see it: the reference evaluator, or a target's engine. */
export interface Runner {
  name: EngineName;
  /** The target whose emitted files it reads (none for the reference evaluator). */
  target?: string;
  /**
   * Runs the rule over the events. A one-shot stream (an async iterable) is read once, so memory stays bounded by
   * the open groups; rules whose query reads the events twice need a re-iterable input (an array).
   */
  run(rule: Rule, events: Events, opts: RunOptions): Promise<EngineResult>;
}

/** One event of a target engine's input: as the target's store holds it, with its canonical form and time (ms). */
export interface NativeEvent {
  native: Row;
  event: Row;
  time: number;
}

/** What the harness gives a target's engine for one run. */
export interface EngineRun {
  rule: Rule;
  now: number;
  distDir: string;
  /** The target's field mapping. */
  mapping: BackendMapping;
  schemasDir: string;
  /** An emitted file (path relative to dist-rules/), as it is on disk; a missing file says to run 'detc build'. */
  readEmitted(rel: string): string;
  /**
   * The events of `source` in the target scheduler's read period, mapped to the store's fields through `mapping`
   * (or a variant's). Each call is a new read: a one-shot stream allows one, and a second throws.
   */
  read(source: string, mapping?: BackendMapping): AsyncIterable<NativeEvent>;
  /** Whether `read` may be called more than once. */
  rereadable: boolean;
}

/** What a target's engine returns: alert rows (plain values), the text it executed, and its comparison keys. */
export interface EngineOutput {
  rows: Row[];
  query: string;
  /** The output columns it can express (default: all of them). */
  keys?: string[];
}

/** A target's interpreter of its emitted text. It only interprets: the harness reads, windows, maps and shapes. */
export interface Engine {
  name: EngineName;
  run(run: EngineRun): Promise<EngineOutput>;
}
