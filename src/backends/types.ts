import type { Rule } from '../ir/types.js';

/** One generated file, relative to the output directory (`dist-rules/`), with `/` separators. */
export interface Artifact {
  path: string;
  content: string;
  /** The templates (by name, in the backend's folder) the file was rendered from, for `detc templates list`. */
  templates?: string[];
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

/** A field of a canonical source as one backend names it. */
export interface MappedField {
  name: string;
  /** Placeholder values the backend's data model writes for an absent value (CIM: "unknown", 0). */
  missing: string[];
  /** `basename`: the backend only has the full path; the canonical field is its last segment. */
  transform?: 'basename';
}

/** templates/<backend>/mapping.yml after loading: per canonical source, backend-specific settings and fields. */
export interface SourceMapping {
  /** Everything under the source except `fields` (table, connectors, datamodel, logsource, ...). */
  settings: Record<string, unknown>;
  fields: Record<string, MappedField>;
}

export interface BackendMapping {
  file: string;
  sources: Record<string, SourceMapping>;
  /**
   * Alternative mappings of some sources (`network_connection@asim` in mapping.yml): each variant compiles every
   * rule it can map into a further deployable rule (Sentinel: the same logic over ASIM instead of CEF).
   */
  variants?: Record<string, Record<string, SourceMapping>>;
}

/** Compiles all rules at once (an app's savedsearches.conf holds every rule). Throws DiagnosticError on rule errors. */
export interface Backend {
  name: 'sentinel' | 'splunk' | 'sigma';
  compile(rules: Rule[], ctx: BackendContext): BackendResult;
}

export interface BackendContext {
  /** Directory holding this backend's templates (`templates/<backend>`). */
  templateDir: string;
  /** detc's own templates for the backend: used for every template `templateDir` does not override. */
  fallbackTemplateDir?: string;
  mapping: BackendMapping;
  /** Deployment settings from detc.config (`sentinel:`, `splunk:`), already validated against its schema. */
  settings?: object;
}
