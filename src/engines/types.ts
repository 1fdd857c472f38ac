import type { Rule } from '../ir/types.js';
import type { Row } from '../events/model.js';
import type { Diagnostic } from '../load/diagnostics.js';
import type { NativeConventions } from '../mapping/native.js';
import type { BackendMapping } from '../mapping/types.js';

export type { Events } from '../events/model.js';
import type { Events } from '../events/model.js';

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
  /**
   * detc's content cache (util/content-cache.ts), or undefined under `--no-cache`: engines keep there what they
   * derive from an emitted file's text alone (the TypeScript engine: the module's JavaScript).
   */
  cacheDir?: string;
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
  /** detc's content cache, or undefined when off (RunOptions.cacheDir). */
  cacheDir?: string;
  /** An emitted file (path relative to dist-rules/), as it is on disk; a missing file says to run 'detc build'. */
  readEmitted(rel: string): string;
  /**
   * The events of `source` in the target scheduler's read period, mapped to the store's fields through `mapping`
   * (or a variant's). Each call is a new read: a one-shot stream allows one, and a second throws.
   */
  read(source: string, mapping?: BackendMapping): AsyncIterable<NativeEvent>;
  /** The same read in batches (an array per chunk of the input): fewer async steps per event. */
  batches(source: string, mapping?: BackendMapping): AsyncIterable<NativeEvent[]>;
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

/** What a target cannot take from a rule. */
export interface TargetLimits {
  /** The platform refuses the rule as written (Sentinel: frequency below 5 minutes): errors on the rule's lines. */
  errors: Diagnostic[];
  /** Why the target cannot express the rule at all (it emits nothing for it, and its engine is skipped). */
  cannotExpress?: { branch: string; message: string };
  /** Parts of the rule the target's output leaves out (REPORT.md says so), which its engine then does not apply. */
  drops: 'suppress'[];
}

/** What the engine harness needs of the target whose engine it runs (targets/target.ts adds the rest). */
export interface RunTarget {
  /** Its name: the folder under templates/ and dist-rules/, the key of its settings in detc.config, its event format. */
  name: string;
  /** The platform's limits and what the target cannot express, for one rule compiled with `mapping`. */
  limits(rule: Rule, mapping: BackendMapping): TargetLimits;
  /** How the target's store holds a canonical event: the two directions of its field mapping read these. */
  native: NativeConventions;
  /**
   * How far back the target's scheduler reads for one run, in seconds (Sentinel's queryPeriod may be longer than the
   * rule's lookback): the engine harness hands the engine the events of that period only.
   */
  readPeriodSeconds(rule: Rule): number;
}
