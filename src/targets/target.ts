// What a target is: one SIEM or rule format detc compiles to (a backend that prints files), runs (an engine that
// interprets those files as they are on disk), and checks (its platform's limits, a verifier of the emitted text).
// Every stage that needs "each target" iterates targets/index.ts; nothing else names a target.
import type { Backend, VerifyContext, VerifyResult } from '../backends/types.js';
import type { Engine, RunTarget } from '../engines/types.js';

export type { TargetLimits } from '../engines/types.js';
export type { VerifyContext, VerifyResult } from '../backends/types.js';

export interface Target extends RunTarget {
  /** What the target is, for help texts ("Microsoft Sentinel analytics rules (KQL)"). */
  title: string;
  backend: Backend;
  /** The interpreter of the emitted files; a target without one is compiled but not run. */
  engine?: Engine;
  /** Checks the emitted text (Kusto.Language for KQL); throws DiagnosticError with the rule's file:line on a problem. */
  verify?(ctx: VerifyContext): VerifyResult;
  /** The layout of the target's own event exports (`--format <name>`), if users export events from it. */
  exportLayout?: 'json-lines' | 'json-or-csv';
}
