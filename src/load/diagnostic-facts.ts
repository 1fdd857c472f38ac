// The catalogue of every problem detc reports, after Kusto.Language's DiagnosticFacts: one small factory per message,
// each with a stable code that reporters (SARIF ruleId, JUnit failure type) and docs/diagnostics.md name.
//
// Codes are never renumbered or reused: a retired message keeps its code out of circulation, so a CI filter or a
// search for DETC113 means the same thing in every release. Groups:
//   0xx  YAML and JSON Schema (any detc file)      1xx  rule semantics
//   2xx  shared lists (rules/lists/)               3xx  config, mappings, templates
//   4xx  target limits and verifiers               5xx  fixtures
//   6xx  detc check (stale output, versions)

export type Severity = 'error' | 'warning';

/** What a fact says about one case, before it is given a place. */
export interface Finding {
  code: string;
  severity: Severity;
  message: string;
}

export interface FactInfo {
  readonly code: string;
  readonly title: string;
  readonly severity: Severity;
}

export type Fact<A extends unknown[]> = ((...args: A) => Finding) & FactInfo;

function fact<A extends unknown[]>(code: string, title: string, severity: Severity, message: (...args: A) => string): Fact<A> {
  return Object.assign((...args: A): Finding => ({ code, severity, message: message(...args) }), { code, title, severity });
}

const error = <A extends unknown[]>(code: string, title: string, message: (...args: A) => string) => fact(code, title, 'error', message);
const warning = <A extends unknown[]>(code: string, title: string, message: (...args: A) => string) => fact(code, title, 'warning', message);

/** Each loader words ajv's finding its own way (rules say "unknown field", config "unknown setting"); the class is shared. */
const worded = (text: string) => text;

export const facts = {
  // 0xx — YAML and JSON Schema
  yamlError: error('DETC001', 'YAML syntax error', (text: string) => `YAML: ${text}`),
  yamlWarning: warning('DETC002', 'YAML warning', (text: string) => `YAML: ${text}`),
  ruleNotMapping: error('DETC003', 'Rule file is not a mapping', () => 'a rule file holds one mapping (id, name, query, ...)'),
  queryOrBranches: error('DETC004', "Neither or both of 'query' and 'branches'", () => "a rule needs exactly one of 'query' (one branch) or 'branches' (several)"),
  noRuleFiles: error('DETC005', 'No rule files', () => 'no rule files (*.yml) found'),
  ruleFileNameControl: error('DETC006', 'Control character in a rule file name', (char: string) => `the file name holds ${char}; rule files are named after their output files: rename it`),
  notUtf8: error('DETC007', 'File is not UTF-8', (byte: number) => `byte 0x${byte.toString(16).padStart(2, '0').toUpperCase()} is not UTF-8: save the file as UTF-8 (it would reach every output as U+FFFD)`),
  schemaUnknownKey: error('DETC010', 'Unknown key', worded),
  schemaRequired: error('DETC011', 'Missing required key', worded),
  schemaType: error('DETC012', 'Wrong type', worded),
  schemaEnum: error('DETC013', 'Not an allowed value', worded),
  schemaPattern: error('DETC014', 'Does not match the expected form', worded),
  schemaOther: error('DETC015', 'Schema constraint not met', worded),
  cannotRead: error('DETC020', 'Cannot read a file or folder', (reason: string, hint?: string) => `cannot read: ${reason}${hint ? `; ${hint}` : ''}`),
  cannotWrite: error('DETC021', 'Cannot write the output', (reason: string) => `cannot write: ${reason}; the previous output is unchanged`),
  outputLocked: error('DETC022', 'Output folder in use by another build', (pid: number, since: string, lock: string) => `another detc build (pid ${pid}, since ${since}) is writing this folder; wait for it to finish, or delete ${lock} if that process is not detc`),

  // 1xx — rule semantics
  duplicateRuleId: error('DETC101', 'Duplicate rule id', (id: string, other: string) => `duplicate rule id ${id}: already used by ${other}`),
  duplicateSlug: error('DETC102', 'Duplicate rule file name', (slug: string, other: string) => `duplicate rule file name '${slug}': ${other} has it too, and output files are named after it`),
  duplicateBranch: error('DETC103', 'Duplicate branch name', (name: string) => `duplicate branch name '${name}'`),
  lookbackBelowFrequency: error('DETC104', 'Lookback shorter than frequency', (lookback: string, frequency: string) => `lookback (${lookback}) must be at least the frequency (${frequency}), or events are never read`),
  missingSeverity: error('DETC105', 'Missing severity', () => "missing 'severity': set it in the rule, or defaultSeverity in detc.config"),
  unused: warning('DETC106', 'Parameter or list never used', (name: string) => `'${name}' is defined but never used`),
  notOutputColumn: error('DETC107', 'Not an output column', (what: 'entity' | 'detail' | 'sort', column: string) => `${what} column '${column}' is not an output column`),
  placeholderNotOutput: error('DETC108', 'Alert placeholder is not an output column', (column: string) => `placeholder {{${column}}} is not an output column`),
  oneLineText: error('DETC109', 'Line break or control character in a one-line field', (what: string, at: number, char: string) => `${what} is one line of text: character ${at} is ${char}, which would end a comment or a line in the outputs (KQL header, savedsearches.conf, YAML); remove it`),
  paramAndList: error('DETC110', 'Name is both a parameter and a list', (name: string) => `'${name}' is both a parameter and a list`),
  listValueNotInt: error('DETC111', 'List value is not an integer', (list: string, value: unknown) => `list '${list}' is of type int; ${JSON.stringify(value)} is not an integer`),
  listValueNotString: error('DETC112', 'List value is not a string', (list: string, type: string, value: unknown) => `list '${list}' is of type ${type}; ${JSON.stringify(value)} is not a string (quote it)`),
  listValueBadCidr: error('DETC113', 'Invalid CIDR in a rule list', (list: string, why: string) => `invalid CIDR in list '${list}': ${why}`),
  listValueTwice: error('DETC114', 'Value twice in a rule list', (list: string, value: string) => `list '${list}' has ${JSON.stringify(value)} twice`),
  unknownSource: error('DETC120', 'Unknown data source', (source: string, known: string[]) => `unknown data source '${source}' (known: ${known.join(', ')})`),
  unknownField: error('DETC121', 'Unknown field', (field: string, source: string, known: string[]) => `unknown field '${field}' for source ${source} (known: ${known.join(', ')})`),
  needsAggregate: error('DETC122', "Needs an 'aggregate'", (clause: string, why?: string) => `'${clause}' needs an 'aggregate'${why ? ` (${why})` : ''}`),
  notTimestampColumn: error('DETC123', 'Not a timestamp column', (column: string) => `'${column}' must be a timestamp column (min/max of the time field)`),
  unknownOutputColumn: error('DETC124', 'Unknown output column', (column: string, aggregated: boolean) => `unknown column '${column}'${aggregated ? '' : ' (without aggregate, output items are {field, as})'}`),
  outputFieldAfterAggregate: error('DETC125', 'Event field in output after aggregate', () => 'after aggregate, output lists column names; event fields are gone'),
  duplicateOutputColumn: error('DETC126', 'Duplicate output column', (name: string) => `duplicate output column '${name}'`),
  duplicateColumn: error('DETC127', 'Duplicate column', (name: string) => `duplicate column '${name}'`),
  reservedColumn: error('DETC128', "Column name starts with 'detc_'", () => "column names starting with 'detc_' are reserved for detc's generated helper columns"),
  countTakesNoField: error('DETC130', "'count' with a field", () => "'count' counts events; it takes no field"),
  fnNeedsField: error('DETC131', 'Aggregate function without a field', (fn: string) => `'${fn}' needs a field`),
  limitOnlyForValues: error('DETC132', "'limit' on a function other than values", () => "'limit' applies only to fn: values"),
  valuesNeedsLimit: error('DETC133', "fn: values without 'limit'", () => "fn: values needs a 'limit' (the SIEMs cap value sets)"),
  sameIsGroupKey: error('DETC134', "followed_by 'same' is a group key", (field: string) => `'${field}' is already a group key; 'same' names a field the group's events spread over (e.g. dst_ip)`),
  sameType: error('DETC135', "followed_by 'same' is not an IP or string field", (field: string, type: string) => `'same' must be an IP or string field; '${field}' is ${type}`),
  suppressFieldType: error('DETC140', 'Suppression field is not an IP or string', (field: string, type: string) => `windows match an IP or a name; '${field}' is ${type}`),
  notWindowList: error('DETC141', 'Not a window list', (value: unknown) => `${JSON.stringify(value)} is not a window list in rules/lists/ (a file with type: window)`),
  suppressWrongListType: error('DETC142', 'Suppression reads a list that is not a window list', (list: string, type: string, file: string) => `$${list} is a ${type} list (${file}); suppress needs a window list`),
  windowNotIpRange: error('DETC143', 'Window source is not an IP range', (file: string, line: number, value: string, field: string) => `${file}:${line}: '${value}' is not an IP range, and '${field}' is an IP field`),
  listWhereValueExpected: error('DETC150', 'List where a single value is expected', (name: string, type: string) => `$${name} is a list; a single ${type} value is expected here`),
  unknownParameter: error('DETC151', 'Unknown parameter', (name: string) => `unknown parameter $${name}`),
  paramWrongType: error('DETC152', 'Parameter of the wrong type', (name: string, type: string, expected: string) => `$${name} is a ${type} parameter; a ${expected} is expected here`),
  windowListInCondition: error('DETC153', 'Window list in a condition', (name: string, file: string) => `$${name} is a window list (${file}): use it in query.suppress`),
  listWrongType: error('DETC154', 'List of the wrong type', (name: string, type: string, expected: string, file?: string) => `$${name} is a ${type} list${file ? ` (${file})` : ''}; a ${expected} list is expected here`),
  paramWhereListExpected: error('DETC155', 'Parameter where a list is expected', (name: string, type: string) => `$${name} is a ${type} parameter; a list is expected here`),
  unknownList: error('DETC156', 'Unknown list', (name: string, sharedFound: boolean) => `unknown list $${name}: not in this rule's lists nor in ${sharedFound ? 'rules/lists/' : 'rules/lists/ (no shared lists found)'} (to match a literal '$', write the value in a list)`),
  logicalNotAlone: error('DETC160', 'all/any/not mixed with other keys', (logical: string, others: string[]) => `'${logical}' must stand alone in its mapping; found also ${others.map((k) => `'${k}'`).join(', ')}`),
  notACondition: error('DETC161', 'Not a condition', () => 'a condition is all:, any:, not: or {field: ..., <operator>: ...}'),
  severalOperators: error('DETC162', 'More than one operator', (ops: string[]) => `one operator per condition, found ${ops.join(', ')}; combine them with all:`),
  missingOperator: error('DETC163', 'Missing operator', (operators: string[]) => `missing operator: one of ${operators.join(', ')}`),
  casedNotString: error('DETC164', "'cased' on a non-string operator", (op: string) => `'cased' applies only to string operators, not '${op}'`),
  cidrFieldType: error('DETC165', 'cidr on a field that is not an IP', (field: string, type: string) => `cidr needs an IP field; '${field}' is ${type}`),
  invalidCidr: error('DETC166', 'Invalid CIDR in a condition', (why: string) => `invalid CIDR: ${why}`),
  numberOpOnNonNumber: error('DETC167', 'Number comparison on a non-number field', (op: string, field: string, type: string) => `'${op}' compares numbers; '${field}' is ${type}`),
  stringOpOnNumber: error('DETC168', 'String operator on a number field', (op: string, field: string) => `'${op}' is a string operator; '${field}' is a number`),
  notANumber: error('DETC169', 'Value of a number field is not a number', (field: string, value: string) => `'${field}' is a number; ${JSON.stringify(value)} is not`),
  timestampCompare: error('DETC170', 'Comparison on a timestamp', (op: string, field: string) => `'${op}' cannot compare the timestamp '${field}'`),
  eqOneValue: error('DETC171', "'eq' with several values", () => "'eq' takes one value; use 'in' for a list"),
  hasNoTerm: error('DETC172', "'has' value without a letter or digit", (value: string) => `has ${JSON.stringify(value)}: a whole-term match needs at least one letter or digit`),
  emptyString: error('DETC173', 'Empty string value', (op: string) => `empty string in '${op}': use exists: false to match a missing value`),
  unknownColumn: error('DETC174', 'Unknown column in a condition', (column: string, known: string[]) => `unknown column '${column}' (known here: ${known.join(', ')})`),
  valueSetInCondition: error('DETC175', 'Value set in a condition', (column: string) => `'${column}' is a value set; conditions compare single values`),
  numberNotExact: error('DETC176', 'Number beyond the exact range', (value: number) => `${String(value)} is beyond ±9007199254740991 (2^53 - 1), where numbers are no longer exact (99999999999999999999 reads as 1e20, beyond KQL's long)`),
  countCompareVacuous: error('DETC177', 'Count comparison that every group passes or none', (cond: string, value: number | undefined, column: string, always: boolean) => `'${cond}'${value === undefined ? '' : ` (${value})`} on the count '${column}' ${always ? 'holds for every group: a threshold is at least 1' : 'never holds: counts are never negative'}`),

  // 2xx — shared lists
  listFileName: error('DETC201', 'List file name is not snake_case', (stem: string) => `list file name '${stem}' must be snake_case (a-z, 0-9, _), the name rules refer to as $${stem}`),
  listDefinedTwice: error('DETC202', 'List defined twice', (name: string, first: string, second: string) => `list '${name}' is defined twice (${first} and ${second}); keep one`),
  csvType: error('DETC203', 'CSV list without a type', (found?: string) => `a CSV list starts with '# type: cidr|string|int|window'${found ? `; '${found}' is not a list type` : ''}`),
  csvDescription: error('DETC204', 'CSV list without a description', () => "a CSV list needs a '# description: ...' line before its header"),
  csvHeaderValue: error('DETC205', "CSV header does not start with 'value'", (columns: string[]) => `the header's first column must be 'value' (columns: ${columns.join(', ')})`),
  csvUnknownColumn: error('DETC206', 'Unknown CSV column', (column: string, type: string, columns: string[]) => `unknown column '${column}' for a ${type} list (columns: ${columns.join(', ')})`),
  csvColumnCount: error('DETC207', 'Wrong number of CSV columns', (expected: string[], found: number | undefined) => `expected ${expected.length} columns (${expected.join(', ')}), found ${found ?? 'an unterminated quote'}`),
  entryEmpty: error('DETC210', 'Empty list value', () => 'empty value'),
  entryBadCidr: error('DETC211', 'Invalid CIDR in a shared list', (why: string) => `invalid CIDR: ${why}`),
  entryNotInt: error('DETC212', 'Shared list value is not an integer', (value: string) => `'${value}' is not an integer`),
  entryTwice: error('DETC213', 'Value twice in a shared list', (value: string, line: number) => `'${value}' is already on line ${line}`),
  windowTime: error('DETC214', 'Window without a valid start or end', (key: 'start' | 'end', found: string) => `${key}: an ISO 8601 time with a zone is required (e.g. 2026-11-24T08:00:00Z), found ${JSON.stringify(found)}`),
  windowOrder: error('DETC215', 'Window ends before it starts', (start: string, end: string) => `end ${end} is not after start ${start}`),
  windowTicket: error('DETC216', 'Window without a ticket', () => 'ticket: a window names the change or engagement ticket that announced it'),
  expiresFormat: error('DETC217', 'Expiry is not a date', (found: string) => `expires: a date YYYY-MM-DD, found '${found}'`),
  expired: warning('DETC218', 'List entry past its expiry', (value: string, date: string, owner?: string) => `'${value}' expired on ${date}${owner ? ` (owner ${owner})` : ''}: review it, then renew its expiry or remove it`),
  listCellControl: error('DETC219', 'Line break or control character in a list entry', (key: string, at: number, char: string) => `${key}: character ${at} is ${char}; list entries are CSV cells that Sentinel watchlists and Splunk lookups read one line at a time: remove it`),

  // 3xx — config, mappings, templates
  twoConfigFiles: error('DETC301', 'Two config files', (files: string[]) => `two config files: ${files.join(' and ')}; keep one`),
  unknownBackend: error('DETC302', 'Unknown backend', (name: string, known: string[]) => `unknown backend '${name}' (${known.join(', ')})`),
  mappingNoSources: error('DETC310', "Mapping file without 'sources'", () => "a mapping file needs a 'sources' mapping"),
  mappingUnknownSource: error('DETC311', 'Mapping names an unknown data source', (source: string) => `unknown data source '${source}'`),
  mappingVariantName: error('DETC312', 'Invalid mapping variant name', (variant: string, source: string) => `variant '${variant}' of ${source}: lower-case letters, digits and _ (it names output files)`),
  mappingUnknownField: error('DETC313', 'Mapping names an unknown field', (field: string, source: string) => `'${field}' is not a field of ${source}`),
  mappingTransform: error('DETC314', 'Unknown field transform', (transform: string) => `unknown transform '${transform}' (known: basename, hash)`),
  mappingHashAlgorithm: error('DETC316', "Hash transform without its algorithm", () => "transform 'hash' needs the algorithm's name in the list (algorithm: SHA256)"),
  mappingFieldShape: error('DETC315', 'Field mapping of the wrong shape', () => 'a field maps to a name, or to {name, missing?, transform?}'),
  sourceNotMapped: error('DETC320', 'Data source has no mapping', (backend: string, source: string, file: string) => `${backend}: data source '${source}' has no mapping in ${file}`),
  fieldNotMapped: error('DETC321', 'Field has no mapping', (backend: string, field: string, source: string, file: string) => `${backend}: field '${field}' of ${source} has no mapping in ${file}`),

  // 4xx — target limits and verifiers
  sentinelSchedule: error('DETC401', 'Schedule outside Sentinel limits', (which: 'frequency' | 'lookback') => `${which} must be between 5m and 14d (Sentinel scheduled-rule limits)`),
  sentinelQueryPeriod: error('DETC402', 'Lookback and baseline exceed 14 days', (lookback: string) => `lookback ${lookback} + baseline must be at most 14d: Sentinel reads at most 14 days per run (queryPeriod)`),
  sentinelPlaceholders: error('DETC403', 'More than 3 alert placeholders', (n: number) => `${n} {{Column}} placeholders: at most 3, a repeated column counting each time (Sentinel alertDetailsOverride limit)`),
  sentinelRetiredTi: error('DETC404', 'Retired threat-intelligence table', (table: string) => `${table} stopped receiving data on 2025-08-31 and was retired on 2026-05-31, so a rule reading it never fires: use ThreatIntelIndicators`),
  sentinelTechniqueTactic: error('DETC405', "Technique without one of its tactics", (technique: string, tactics: string[]) => tactics.length ? `technique ${technique} needs one of its tactics in attack.tactics: ${tactics.join(', ')} (Azure-Sentinel CI: no techniques without matching tactics)` : `technique ${technique} is not an ATT&CK technique Sentinel knows, so the Azure-Sentinel CI refuses the rule`),
  sentinelNoQuery: error('DETC410', 'Sentinel file without a query', (file: string) => `sentinel: ${file} has no query`),
  kqlFinding: error('DETC411', 'Kusto.Language finding in the emitted KQL', (kusto: string, file: string, line: number, col: number, message: string, templates: string, tables: string) => `KQL ${kusto} in dist-rules/${file} (query line ${line}, col ${col}): ${message} [templates: ${templates}, tables: ${tables}]`),
  sentinelEntityMappings: error('DETC412', 'Entity mappings Sentinel refuses', (file: string, why: string) => `dist-rules/${file}: ${why} (Sentinel: 1 to 10 entity mappings of 1 to 3 field mappings, each identifier valid for its entity type)`),
  sentinelFilePlaceholders: error('DETC413', 'More than 3 placeholders in an emitted alert format', (file: string, field: string, n: number) => `dist-rules/${file}: ${field} has ${n} {{Column}} placeholders; Sentinel allows at most 3`),
  sentinelFileSchedule: error('DETC414', 'Emitted schedule Sentinel refuses', (file: string, why: string) => `dist-rules/${file}: ${why} (Sentinel: queryFrequency and queryPeriod between 5m and 14d, queryPeriod at least queryFrequency)`),
  sentinelTriggerThreshold: error('DETC415', 'Trigger threshold outside 0..10000', (file: string, value: unknown) => `dist-rules/${file}: triggerThreshold ${JSON.stringify(value)} must be an integer from 0 to 10000`),
  sentinelVersion: error('DETC416', 'Version not X.Y.Z', (file: string, key: string, value: unknown) => `dist-rules/${file}: ${key} ${JSON.stringify(value)} must be X.Y.Z (digits), at most 20 characters`),
  sentinelFileTechniques: error('DETC417', 'Emitted techniques without matching tactics', (file: string, why: string) => `dist-rules/${file}: ${why}`),
  sentinelWatchlistSearchKey: error('DETC418', 'Watchlist search key is not a CSV column', (file: string, key: string, columns: string[]) => `dist-rules/${file}: itemsSearchKey ${JSON.stringify(key)} is not a column of its rawContent (columns: ${columns.join(', ') || 'none'})`),
  typescriptTypeError: error('DETC430', 'Type error in a generated TypeScript module', (file: string, line: number, col: number, code: number, message: string) => `dist-rules/${file}:${line}:${col}: TS${code}: ${message} (the module does not compile under strict)`),
  typescriptRuntime: error('DETC431', 'TypeScript runtime template is not valid TypeScript', (file: string, message: string) => `${file}: ${message}`),
  sigmaIdentity: error('DETC420', 'Sigma files of two rules could be confused', (why: string) => `sigma: ${why}`),
  splunkUndefinedMacro: error('DETC440', 'Search calls a macro its app does not define', (file: string, macro: string, conf: string) => `splunk: dist-rules/${file} calls \`${macro}\`, which dist-rules/${conf} does not define (a template override of macros.conf.hbs from before the macro?): Splunk would refuse the search`),

  // 5xx — fixtures
  eventsFileMissing: error('DETC501', 'Events file not found', (file: string) => `events file not found: ${file}`),
  duplicateCase: error('DETC502', 'Duplicate case name', (name: string) => `duplicate case name '${name}'`),
  noFixtures: warning('DETC503', 'Rule without fixtures', (file: string) => `no fixtures: add ${file}`),
  fixtureWithoutRule: error('DETC504', 'Fixture file without a rule', (rule: string) => `no rule ${rule} for these fixtures: rename this file with its rule (<rule>.test.yml), or remove it; its cases are not run`),
  fixtureFailed: error('DETC510', 'Fixture case failed', (message: string) => message),

  // 6xx — detc check
  staleOutput: error('DETC601', 'Output folder out of date', (why: string) => `${why}; run 'npx detc build' and commit the result`),
  versionNotBumped: error('DETC602', 'Output changed but version did not', (files: string[], ref: string, version: string, want: string, logic: boolean) => `the generated ${files.join(', ')} changed since ${ref} but version is still ${version}: bump it to ${want} (${logic ? 'logic changed' : 'metadata changed'})`),
} as const;

/** The fact an ajv error belongs to, by keyword class. */
export function schemaFact(keyword: string): Fact<[string]> {
  switch (keyword) {
    case 'additionalProperties': return facts.schemaUnknownKey;
    case 'required': return facts.schemaRequired;
    case 'type': return facts.schemaType;
    case 'enum':
    case 'const': return facts.schemaEnum;
    case 'pattern':
    case 'format':
    case 'propertyNames': return facts.schemaPattern;
    default: return facts.schemaOther;
  }
}

export interface CatalogueEntry extends FactInfo {
  /** The fact's name in PascalCase (SARIF's rule `name`). */
  readonly name: string;
}

/** Every fact, in code order. */
export const CATALOGUE: readonly CatalogueEntry[] = Object.entries(facts)
  .map(([key, f]) => ({ code: f.code, title: f.title, severity: f.severity, name: key[0]!.toUpperCase() + key.slice(1) }))
  .sort((a, b) => a.code.localeCompare(b.code));

export function factByCode(code: string): CatalogueEntry | undefined {
  return CATALOGUE.find((f) => f.code === code);
}
