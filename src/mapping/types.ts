// A target's field mapping (templates/<target>/mapping.yml): how each canonical source and field is named there.

/** A field of a canonical source as one backend names it. */
export interface MappedField {
  name: string;
  /** Placeholder values the backend's data model writes for an absent value (CIM: "unknown", 0). */
  missing: string[];
  /**
   * `basename`: the backend only has the full path; the canonical field is its last segment. `hash`: the backend
   * has a list of hashes (Sysmon's `Hashes`: `SHA1=...,MD5=...,SHA256=...`); the canonical field is the entry
   * named `algorithm`.
   */
  transform?: 'basename' | 'hash';
  /** For `transform: hash`: the entry's name in the list (SHA256). */
  algorithm?: string;
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
