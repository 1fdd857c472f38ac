// What a target is: one SIEM or rule format detc compiles to (a backend that prints files), runs (an engine that
// interprets those files as they are on disk), and checks (its platform's limits, a verifier of the emitted text).
// Every stage that needs "each target" iterates targets/index.ts; nothing else names a target.
import type { Backend, PendingVerify, VerifyContext, VerifyResult } from '../backends/types.js';
import type { Engine, RunTarget } from '../engines/types.js';

export type { TargetLimits } from '../engines/types.js';
export type { PendingVerify, VerifyContext, VerifyResult } from '../backends/types.js';

/** What a target's `prepare` is told about the build to come. */
export interface PrepareContext {
  /** How many rule files the build is about to load. */
  rules: number;
  cacheDir?: string;
  workers?: number;
}

export interface Target extends RunTarget {
  /** What the target is, for help texts ("Microsoft Sentinel analytics rules (KQL)"). */
  title: string;
  backend: Backend;
  /** The interpreter of the emitted files; a target without one is compiled but not run. */
  engine?: Engine;
  /**
   * Checks the emitted text (Kusto.Language for KQL); called as soon as the target's own files exist, with the files
   * of the targets compiled so far. Returns what it checked, or throws DiagnosticError with the rule's file:line on a
   * problem. A check with a slow part it can run on other threads (Sentinel: the Kusto.Language analyses) returns a
   * PendingVerify instead, started, so that it runs while the build compiles and verifies the later targets; the
   * build finishes it after them. Either way the first failure in target order is the one reported. Optional.
   */
  verify?(ctx: VerifyContext): VerifyResult | PendingVerify;
  /**
   * Starts, before the rules are loaded, what `verify` will need and takes long to start (Sentinel: the
   * Kusto.Language worker threads), so that it loads alongside the build. Returns what releases it, or undefined when
   * it started nothing. The build releases it right after the target's `verify` ran (by then `verify` took it or will
   * not want it), sooner when every rule came unchanged from the cache, and at the latest when the build fails.
   */
  prepare?(ctx: PrepareContext): (() => void) | undefined;
  /** The layout of the target's own event exports (`--format <name>`), if users export events from it. */
  exportLayout?: 'json-lines' | 'json-or-csv';
}
