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
  /** Checks the emitted text (Kusto.Language for KQL); throws DiagnosticError with the rule's file:line on a problem. */
  verify?(ctx: VerifyContext): VerifyResult;
  /**
   * `verify` started as soon as the target's own files exist, its slow part on other threads (Sentinel: the
   * Kusto.Language analyses), so that it runs while the build compiles the other targets and runs their verifiers.
   * The build finishes it in the target's place: the outcome is the same as `verify`'s. Optional.
   */
  startVerify?(ctx: VerifyContext): PendingVerify;
  /**
   * Starts, before the rules are loaded, what `verify` will need and takes long to start (Sentinel: the
   * Kusto.Language worker threads), so that it loads alongside the build. Returns what releases it if `verify` did
   * not take it (the build failed before, or needed less; called as soon as every rule came unchanged from the cache),
   * or undefined when it started nothing.
   */
  prepare?(ctx: PrepareContext): (() => void) | undefined;
  /** The layout of the target's own event exports (`--format <name>`), if users export events from it. */
  exportLayout?: 'json-lines' | 'json-or-csv';
}
