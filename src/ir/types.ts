// The Rule IR: a few plain types that every stage shares (loader → backends → evaluator).
// It is fully resolved: parameters and lists are substituted, durations are in seconds,
// and every node keeps the source position it came from so later stages can point at the rule file.

/** Where a node came from in its rule file (1-based line and column). */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
  /** JSON-pointer-like path of the YAML node, e.g. `query.where.all[1].not.cidr`. */
  path: string;
}

export type FieldType = 'string' | 'ip' | 'int' | 'timestamp';

/** A literal after parameter and list substitution. */
export type Scalar = string | number;

// ── Conditions over events (canonical field names) or over aggregate columns ──

export type StringOp = 'eq' | 'in' | 'startswith' | 'endswith' | 'contains' | 'has';
export type NumberOp = 'gt' | 'gte' | 'lt' | 'lte';

/**
 * String comparison. `values` are ORed (`in`, or a list given to startswith/endswith/contains/has).
 * `has` is a whole-term match (see docs/semantics.md): the value must appear with no ASCII letter or digit
 * immediately before its first char (when that char is alphanumeric) or after its last char (when alphanumeric).
 * Case-insensitive unless `cased`.
 */
export interface StringPredicate {
  kind: 'string';
  op: StringOp;
  field: string;
  values: string[];
  cased: boolean;
  /** The shared list (rules/lists/) the values come from: backends that can read it natively (watchlist, lookup) do. */
  list?: string;
  pos: SourcePos;
}

/** Numeric comparison (also `eq`/`in` on numeric fields). Missing values never match. */
export interface NumberPredicate {
  kind: 'number';
  op: NumberOp | 'eq' | 'in';
  field: string;
  values: number[];
  pos: SourcePos;
}

/** IP membership in any of the CIDR ranges (IPv4 and IPv6). A value that is not an IP of a range's family never matches it. */
export interface CidrPredicate {
  kind: 'cidr';
  field: string;
  ranges: Cidr[];
  /** The shared list (rules/lists/) the ranges come from: backends that can read it natively (watchlist, lookup) do. */
  list?: string;
  pos: SourcePos;
}

/** `exists: true` ⇔ the field is present, not null and not the empty string. */
export interface ExistsPredicate {
  kind: 'exists';
  field: string;
  exists: boolean;
  pos: SourcePos;
}

export interface Not {
  kind: 'not';
  expr: Condition;
  pos: SourcePos;
}
export interface And {
  kind: 'and';
  exprs: Condition[];
  pos: SourcePos;
}
export interface Or {
  kind: 'or';
  exprs: Condition[];
  pos: SourcePos;
}

export type Predicate = StringPredicate | NumberPredicate | CidrPredicate | ExistsPredicate;
export type Condition = Predicate | Not | And | Or;

export interface Cidr {
  /** Normalised text, e.g. `172.16.0.0/12`, `fc00::/7`. */
  text: string;
  family: 4 | 6;
  /** Network address as text (the part before `/`). */
  network: string;
  prefix: number;
}

// ── Aggregation ──

export type AggregateFn = 'count' | 'distinct_count' | 'values' | 'min' | 'max' | 'any';

export interface Aggregate {
  /** Output column name. */
  as: string;
  fn: AggregateFn;
  /** Canonical field; absent for `count`. */
  field?: string;
  /** For `values`: at most this many distinct values (ascending order, then truncated). */
  limit?: number;
  pos: SourcePos;
}

export interface GroupKey {
  field: string;
  as: string;
  pos: SourcePos;
}

export interface Aggregation {
  /** Tumbling window aligned to the Unix epoch; its start is emitted as column `windowAs`. */
  windowSeconds: number;
  windowAs: string;
  by: GroupKey[];
  aggregates: Aggregate[];
  pos: SourcePos;
}

/** `as` = the first case whose condition holds, else `otherwise`. Conditions read output columns. */
export interface Classification {
  as: string;
  cases: { when: Condition; then: string }[];
  otherwise: string;
  pos: SourcePos;
}

/** Whole seconds from `from` to `to` (both timestamp columns), truncated toward zero. */
export interface DurationColumn {
  kind: 'duration_seconds';
  as: string;
  from: string;
  to: string;
  pos: SourcePos;
}

export type Derived = DurationColumn;

/** One output column: either an event field (no aggregation) or a column made by aggregate/classify/derive. */
export interface OutputColumn {
  name: string;
  /** For event rules: the canonical field it shows. */
  field?: string;
  type: FieldType | 'number' | 'string[]' | 'number[]';
}

export interface SortKey {
  column: string;
  order: 'asc' | 'desc';
}

/** One suppression window of a window list: events of `match` between `start` (inclusive) and `end` (exclusive). */
export interface SuppressionWindow {
  /** An IP range (ip fields) or a value compared case-insensitively (other fields). */
  match: Cidr | string;
  startMs: number;
  endMs: number;
  ticket: string;
}

/**
 * Events whose `field` matches a window while their time is inside it are dropped before anything else (e.g. an
 * announced red-team exercise). The windows are compiled into the queries: a backend without time conditions
 * (Sigma) drops the suppression and says so in REPORT.md.
 */
export interface Suppression {
  field: string;
  list: string;
  windows: SuppressionWindow[];
  pos: SourcePos;
}

/**
 * No prior interaction: a group alerts only if its key (the aggregate's `by` fields) has no event of the source in
 * the `baselineSeconds` before the lookback, whatever the `where` says. The SIEM then reads lookback + baseline.
 */
export interface FirstSeen {
  baselineSeconds: number;
  pos: SourcePos;
  /** Where the baseline duration is written. */
  baselinePos: SourcePos;
}

/**
 * Scan followed by access: a group row alerts only if later events of the same key reach a value of `same` that
 * the group's own events had (a scanned host), each within `withinSeconds` after the group's first event to that
 * value (the probe): probe < t <= probe + within, whatever window t falls in. Follow-ups are the events inside the
 * lookback that pass the suppressions and `where` (not the branch's where) and have every key field and `same`
 * (matched exactly, as text); `aggregates` over the matched follow-ups are added to the row. A group with no
 * follow-up does not alert.
 */
export interface FollowedBy {
  withinSeconds: number;
  same: string;
  where?: Condition;
  aggregates: Aggregate[];
  pos: SourcePos;
}

/** One branch: a query over one canonical data source. */
export interface Branch {
  name: string;
  source: string;
  suppressions: Suppression[];
  firstSeen?: FirstSeen;
  where?: Condition;
  followedBy?: FollowedBy;
  aggregation?: Aggregation;
  having?: Condition;
  classifications: Classification[];
  derived: Derived[];
  output: OutputColumn[];
  sort: SortKey[];
  pos: SourcePos;
}

// ── Metadata ──

export type Severity = 'informational' | 'low' | 'medium' | 'high' | 'critical';
export type EntityType = 'ip' | 'host' | 'account' | 'process' | 'file' | 'url' | 'hash';

export interface EntityMapping {
  type: EntityType;
  column: string;
}

export interface FalsePositive {
  class: string;
  description: string;
}

export interface Triage {
  questions: string[];
  escalation: string[];
  l1: string[];
  l2: string[];
  containment: string[];
}

export interface Parameter {
  name: string;
  type: 'int' | 'duration' | 'string';
  /** int: number; duration: seconds; string: text. */
  value: number | string;
  /** The duration as written (`5m`), kept for readable output. */
  text: string;
  description?: string;
}

export interface NamedList {
  name: string;
  type: 'string' | 'cidr' | 'int';
  description?: string;
  values: string[];
}

/** One row of a shared list. Value lists use `value`; window lists `value` (the source), `start`, `end`, `ticket`. */
export interface ListEntry {
  value: string;
  comment?: string;
  owner?: string;
  expires?: string;
  start?: string;
  end?: string;
  ticket?: string;
  /** Line (and column, for YAML lists) in the list file. */
  line: number;
  col?: number;
}

/**
 * A list shared by rules, from rules/lists/<name>.(yml|csv): reviewed in git like the rules and shipped to each
 * backend natively (Sentinel watchlist, Splunk lookup; Sigma inlines the values).
 */
export interface SharedList {
  name: string;
  type: 'string' | 'cidr' | 'int' | 'window';
  description: string;
  /** Where the values come from (published ranges, an internal inventory, ...). */
  provenance?: string;
  /** The list file, relative like rule files. */
  file: string;
  entries: ListEntry[];
  /**
   * The list lives in the SIEM (threat intelligence): queries read its store, detc ships nothing for it, and the
   * entries are samples for fixtures. Sigma, which has no lookups, cannot express a rule that reads one.
   */
  external?: ExternalStores;
  /** Where each setting of `external` is written, by dotted path (`sentinel.table`). */
  externalPos?: Record<string, SourcePos>;
}

/**
 * Where each target reads an external list, by target name: settings that target's backend and engine understand
 * (Sentinel: the threat-intelligence table; Splunk: the lookup and its field). The list schema names them.
 */
export interface ExternalStores {
  [target: string]: Record<string, string> | undefined;
}

export interface Rule {
  /** Path of the rule file relative to the rules root's parent, with `/` separators. */
  file: string;
  /** Kebab-case stem used for output file names (`ip-block-scan`). */
  slug: string;
  id: string;
  name: string;
  version: string;
  status: 'experimental' | 'test' | 'stable' | 'deprecated';
  author: string;
  date: string;
  modified?: string;
  description: string;
  severity: Severity;
  tactics: string[];
  techniques: string[];
  references: string[];
  falsePositives: FalsePositive[];
  triage: Triage;
  schedule: { frequencySeconds: number; lookbackSeconds: number; pos: { frequency: SourcePos; lookback: SourcePos } };
  parameters: Parameter[];
  lists: NamedList[];
  /** Shared lists (rules/lists/) this rule reads, by name order. */
  sharedLists: SharedList[];
  branches: Branch[];
  entities: EntityMapping[];
  /** Columns surfaced as alert custom details. */
  details: string[];
  alert: { title: string; description: string; pos: { title: SourcePos; description: SourcePos } };
  tags: string[];
  /** Where `version`, `attack.tactics`, `attack.techniques` and `entities` are written, for a target's checks. */
  keyPos?: Partial<Record<'version' | 'attack.tactics' | 'attack.techniques' | 'entities', SourcePos>>;
}

/** Canonical data sources: what each field means and its type. */
export interface DataSource {
  name: string;
  description: string;
  /** The event-time field. */
  time: string;
  fields: Record<string, { type: FieldType; description: string }>;
}
