// What a target is: one SIEM or rule format detc compiles to (a backend that prints files), runs (an engine that
// interprets those files as they are on disk), and checks (its platform's limits, a verifier of the emitted text).
// Every stage that needs "each target" iterates targets/index.ts; nothing else names a target.
import type { Artifact, Backend } from '../backends/types.js';
import type { Engine } from '../engines/types.js';
import type { Rule } from '../ir/types.js';
import type { Diagnostic } from '../load/diagnostics.js';
import type { NativeConventions } from '../mapping/native.js';
import type { BackendMapping } from '../mapping/types.js';

/** What a target cannot take from a rule. */
export interface TargetLimits {
  /** The platform refuses the rule as written (Sentinel: frequency below 5 minutes): errors on the rule's lines. */
  errors: Diagnostic[];
  /** Why the target cannot express the rule at all (it emits nothing for it, and its engine is skipped). */
  cannotExpress?: { branch: string; message: string };
  /** Parts of the rule the target's output leaves out (REPORT.md says so), which its engine then does not apply. */
  drops: 'suppress'[];
}

/** What a target's verifier is given: the compiled rules and files, and the project's folders. */
export interface VerifyContext {
  rules: Rule[];
  /** Every generated file (all targets), paths relative to the output folder. */
  files: Artifact[];
  /** Project root (diagnostics are relative to it). */
  cwd: string;
  /** The templates folder in use, relative to cwd (for messages). */
  templatesDir: string;
  /** The project's table schemas folder (`schemas/kql`, else detc's own). */
  schemasDir: string;
}

/** What a verifier checked, for the build's summary line ("66 KQL queries checked", "... pass Kusto.Language"). */
export interface VerifyResult {
  count: number;
  /** What was checked, plural ("KQL queries"). */
  what: string;
  /** By what ("Kusto.Language"). */
  by: string;
}

export interface Target {
  /** Its name: the folder under templates/ and dist-rules/, the key of its settings in detc.config, its event format. */
  name: string;
  /** What the target is, for help texts ("Microsoft Sentinel analytics rules (KQL)"). */
  title: string;
  backend: Backend;
  /** The interpreter of the emitted files; a target without one is compiled but not run. */
  engine?: Engine;
  /** The platform's limits and what the target cannot express, for one rule compiled with `mapping`. */
  limits(rule: Rule, mapping: BackendMapping): TargetLimits;
  /** Checks the emitted text (Kusto.Language for KQL); throws DiagnosticError with the rule's file:line on a problem. */
  verify?(ctx: VerifyContext): VerifyResult;
  /** How the target's store holds a canonical event: the two directions of its field mapping read these. */
  native: NativeConventions;
  /** The layout of the target's own event exports (`--format <name>`), if users export events from it. */
  exportLayout?: 'json-lines' | 'json-or-csv';
  /**
   * How far back the target's scheduler reads for one run, in seconds (Sentinel's queryPeriod may be longer than the
   * rule's lookback): the engine harness hands the engine the events of that period only.
   */
  readPeriodSeconds(rule: Rule): number;
}
