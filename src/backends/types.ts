import type { Rule } from '../ir/types.js';
import type { BackendMapping } from '../mapping/types.js';

/** One generated file, relative to the output directory (`dist-rules/`), with `/` separators. */
export interface Artifact {
  path: string;
  content: string;
  /** The templates (by name, in the backend's folder) the file was rendered from, for `detc templates list`. */
  templates?: string[];
  /** The target that wrote it (set by the build). */
  target?: string;
  /** The id of the rule the file is of alone (a query, an analytics rule); absent for files shared by rules. */
  rule?: string;
}

/**
 * Something a backend could not express exactly. `dropped`: the feature is absent from that backend's output
 * (e.g. Sigma has no classification); `approximated`: present with a documented difference.
 */
export interface BackendNote {
  rule: string; // rule file, e.g. rules/network/ip-block-scan.yml
  branch: string;
  backend: string;
  kind: 'dropped' | 'approximated';
  message: string;
  /** The backend emits nothing for the rule (e.g. Sigma for an AND of thresholds). */
  wholeRule?: boolean;
}

export interface BackendResult {
  files: Artifact[];
  notes: BackendNote[];
}

/** Compiles all rules at once (an app's savedsearches.conf holds every rule). Throws DiagnosticError on rule errors. */
export interface Backend {
  name: string;
  compile(rules: Rule[], ctx: BackendContext): BackendResult;
}

export interface BackendContext {
  /** Directory holding this backend's templates (`templates/<backend>`). */
  templateDir: string;
  /** detc's own templates for the backend: used for every template `templateDir` does not override. */
  fallbackTemplateDir?: string;
  mapping: BackendMapping;
  /** Where a backend may keep what it printed for a given rule (content-addressed), or undefined for no cache. */
  cacheDir?: string;
  /** Deployment settings from detc.config (`sentinel:`, `splunk:`), already validated against its schema. */
  settings?: object;
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
  /** Where a verifier may cache what it found for a given input (content-addressed), or undefined for no cache. */
  cacheDir?: string;
  /** Threads a verifier may use for heavy checks (`--workers N`), or undefined for its own choice (one per core). */
  workers?: number;
}

/** What a verifier checked, for the build's summary line ("66 KQL queries checked", "... pass Kusto.Language"). */
export interface VerifyResult {
  count: number;
  /** What was checked, plural ("KQL queries"). */
  what: string;
  /** By what ("Kusto.Language"). */
  by: string;
  /** How many of the checks were answered from the cache. */
  cached?: number;
  /** One line the build prints about how it checked (TypeScript: checked in process, where no native compiler runs). */
  note?: string;
}

/** A verification under way on other threads (what a target's `verify` may return): `finish` waits for it, then returns what it checked or throws its findings. */
export interface PendingVerify {
  finish(): VerifyResult;
  /** Stops it without a result (the build failed before it was needed). */
  cancel(): void;
}
