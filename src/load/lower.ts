import path from 'node:path';
import type {
  Aggregate, Aggregation, Branch, Cidr, Classification, Condition, DataSource, Derived, FieldType,
  FirstSeen, FollowedBy, NamedList, OutputColumn, Parameter, Rule, SharedList, SortKey, SourcePos, StringOp, Suppression,
} from '../ir/types.js';
import { DATA_SOURCES } from '../ir/sources.js';
import { parseCidr } from '../util/ip.js';
import { facts, type Finding } from './diagnostic-facts.js';
import type { Diagnostic } from './diagnostics.js';
import { parseDuration } from './duration.js';
import type { LoadOptions } from './options.js';
import { oneLineField } from './text-checks.js';
import { formatPath, type PathPart, type YamlSource } from './yaml-source.js';

// Raw shapes after schema validation (the schema guarantees the types; lowering checks meaning).
type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const STRING_OPS: StringOp[] = ['eq', 'in', 'startswith', 'endswith', 'contains', 'has'];
const NUMBER_OPS = ['gt', 'gte', 'lt', 'lte'] as const;
const OPERATORS = [...STRING_OPS, 'cidr', 'exists', ...NUMBER_OPS];
const REF = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;

type ColumnType = OutputColumn['type'];

/** Column scope for conditions: event fields of a source, or the columns built so far after aggregation. */
/** `counts`: the columns that are a count or distinct_count (whole numbers, never negative). */
type Scope = { kind: 'event'; source: DataSource } | { kind: 'columns'; columns: Map<string, ColumnType>; counts?: Set<string> };

export class RuleLowering {
  readonly diagnostics: Diagnostic[] = [];
  private params = new Map<string, Parameter>();
  private lists = new Map<string, NamedList>();
  private used = new Set<string>();
  /** Shared lists (rules/lists/) this rule reads. */
  private sharedUsed = new Set<string>();

  constructor(private readonly src: YamlSource, private readonly opts: LoadOptions = {}) {}

  private error(p: PathPart[], finding: Finding, key?: string) {
    this.diagnostics.push(this.src.diagnostic(p, finding, key));
  }

  private pos(p: PathPart[]): SourcePos {
    const { line, col } = this.src.locate(p);
    return { file: this.src.file, line, col, path: formatPath(p) };
  }

  lower(raw: Raw): Rule | undefined {
    this.lowerParameters(raw.parameters ?? {});
    this.lowerLists(raw.lists ?? {});
    const branches: Branch[] = raw.query
      ? [this.lowerBranch(raw.query, ['query'], 'main')].filter((b): b is Branch => !!b)
      : (raw.branches as Raw[]).map((b, i) => this.lowerBranch(b, ['branches', i], b.name)).filter((b): b is Branch => !!b);
    const names = new Set<string>();
    (raw.branches ?? []).forEach((b: Raw, i: number) => {
      if (names.has(b.name)) this.error(['branches', i, 'name'], facts.duplicateBranch(b.name));
      names.add(b.name);
    });

    const frequency = parseDuration(raw.schedule.frequency)!;
    const lookback = parseDuration(raw.schedule.lookback)!;
    if (lookback < frequency) this.error(['schedule', 'lookback'], facts.lookbackBelowFrequency(raw.schedule.lookback, raw.schedule.frequency));

    const outputs = new Map<string, ColumnType>();
    for (const b of branches) for (const c of b.output) outputs.set(c.name, c.type);
    const entities = (raw.entities ?? []).map((e: Raw, i: number) => {
      if (!outputs.has(e.column)) this.error(['entities', i, 'column'], facts.notOutputColumn('entity', e.column));
      return { type: e.type, column: e.column };
    });
    const details: string[] = raw.details ?? [];
    details.forEach((d, i) => {
      if (!outputs.has(d)) this.error(['details', i], facts.notOutputColumn('detail', d));
    });
    const alert = raw.alert ?? { title: raw.name, description: firstSentence(raw.description) };
    // Names and titles land in comments, stanza headers and conf lines: one line each.
    const oneLine: [PathPart[], unknown][] = [[['name'], raw.name], [['alert', 'title'], raw.alert?.title]];
    for (const [p, v] of oneLine) {
      const d = v === undefined ? undefined : oneLineField(String(v), formatPath(p), this.pos(p));
      if (d) this.diagnostics.push(d);
    }
    for (const k of ['title', 'description'] as const) {
      const cols = [...String(alert[k]).matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]!);
      for (const c of cols) if (!outputs.has(c)) this.error(['alert', k], facts.placeholderNotOutput(c));
    }
    for (const name of [...this.params.keys(), ...this.lists.keys()]) {
      if (!this.used.has(name)) {
        const where = this.params.has(name) ? 'parameters' : 'lists';
        this.diagnostics.push(this.src.diagnostic([where], facts.unused(name), name));
      }
    }
    const severity = raw.severity ?? this.opts.defaultSeverity;
    if (!severity) this.error([], facts.missingSeverity(), 'severity');
    if (this.diagnostics.some((d) => d.severity === 'error')) return undefined;

    const file = this.src.file;
    return {
      file,
      slug: path.basename(file).replace(/\.ya?ml$/, ''),
      id: raw.id,
      name: raw.name,
      version: raw.version,
      status: raw.status ?? 'experimental',
      author: raw.author ?? 'unknown',
      date: raw.date ?? '1970-01-01',
      modified: raw.modified,
      description: String(raw.description).trimEnd(),
      severity,
      tactics: raw.attack.tactics,
      techniques: raw.attack.techniques,
      references: raw.references ?? [],
      falsePositives: raw.false_positives,
      triage: raw.triage,
      schedule: { frequencySeconds: frequency, lookbackSeconds: lookback, pos: { frequency: this.pos(['schedule', 'frequency']), lookback: this.pos(['schedule', 'lookback']) } },
      parameters: [...this.params.values()],
      lists: [...this.lists.values()],
      sharedLists: [...this.sharedUsed].sort().map((n) => this.opts.sharedLists!.get(n)!),
      branches,
      entities,
      details,
      alert: { title: String(alert.title), description: String(alert.description), pos: { title: this.pos(raw.alert ? ['alert', 'title'] : ['name']), description: this.pos(raw.alert ? ['alert', 'description'] : ['description']) } },
      tags: raw.tags ?? [],
      keyPos: {
        version: this.pos(['version']),
        'attack.tactics': this.pos(['attack', 'tactics']),
        'attack.techniques': this.pos(['attack', 'techniques']),
        entities: this.pos(raw.entities ? ['entities'] : []),
      },
    };
  }

  private lowerParameters(raw: Raw) {
    for (const [name, p] of Object.entries(raw)) {
      let value: number | string = p.value;
      if (p.type === 'duration') value = parseDuration(p.value) ?? 0;
      if (p.type === 'int' && typeof value === 'number' && !Number.isSafeInteger(value)) this.error(['parameters', name, 'value'], facts.numberNotExact(value));
      this.params.set(name, { name, type: p.type, value, text: String(p.value), description: p.description });
    }
  }

  private lowerLists(raw: Raw) {
    for (const [name, l] of Object.entries(raw)) {
      if (this.params.has(name)) this.error(['lists', name], facts.paramAndList(name));
      const values: string[] = [];
      (l.values as unknown[]).forEach((v, i) => {
        const at: PathPart[] = ['lists', name, 'values', i];
        if (l.type === 'int') {
          if (typeof v !== 'number' || !Number.isInteger(v)) this.error(at, facts.listValueNotInt(name, v));
          else if (!Number.isSafeInteger(v)) this.error(at, facts.numberNotExact(v));
          values.push(String(v));
        } else if (typeof v !== 'string') {
          this.error(at, facts.listValueNotString(name, l.type, v));
        } else if (l.type === 'cidr') {
          const c = parseCidr(v);
          if (typeof c === 'string') this.error(at, facts.listValueBadCidr(name, c));
          values.push(v);
        } else {
          values.push(v);
        }
      });
      const dup = values.find((v, i) => values.indexOf(v) !== i);
      if (dup !== undefined) this.error(['lists', name, 'values'], facts.listValueTwice(name, dup));
      this.lists.set(name, { name, type: l.type, description: l.description, values });
    }
  }

  private lowerBranch(q: Raw, at: PathPart[], name: string): Branch | undefined {
    const source = DATA_SOURCES[q.source];
    if (!source) {
      this.error([...at, 'source'], facts.unknownSource(q.source, Object.keys(DATA_SOURCES)));
      return undefined;
    }
    const eventScope: Scope = { kind: 'event', source };
    const suppressions = ((q.suppress ?? []) as Raw[]).map((s, i) => this.lowerSuppression(s, [...at, 'suppress', i], source)).filter((s): s is Suppression => !!s);
    const where = q.where ? this.lowerCondition(q.where, [...at, 'where'], eventScope) : undefined;
    const columns = new Map<string, ColumnType>();
    let aggregation: Aggregation | undefined;
    if (q.aggregate) aggregation = this.lowerAggregation(q.aggregate, [...at, 'aggregate'], source, columns);
    let firstSeen: FirstSeen | undefined;
    if (q.first_seen) {
      const seconds = this.duration(q.first_seen.baseline, [...at, 'first_seen', 'baseline']);
      if (!aggregation) this.error([...at, 'first_seen'], facts.needsAggregate('first_seen', 'its by fields are the key that must be new'));
      if (seconds !== undefined) firstSeen = { baselineSeconds: seconds, pos: this.pos([...at, 'first_seen']), baselinePos: this.pos([...at, 'first_seen', 'baseline']) };
    }
    const counts = new Set(aggregation?.aggregates.filter((a) => a.fn === 'count' || a.fn === 'distinct_count').map((a) => a.as));
    const colScope: Scope = { kind: 'columns', columns, counts };
    let having: Condition | undefined;
    if (q.having) {
      if (!aggregation) this.error([...at], facts.needsAggregate('having'), 'having');
      else having = this.lowerCondition(q.having, [...at, 'having'], colScope);
    }
    // After having: the threshold picks the scans; the follow-up columns exist only for classify and output.
    const followedBy = q.followed_by ? this.lowerFollowedBy(q.followed_by, [...at, 'followed_by'], source, aggregation, columns) : undefined;
    const classifications: Classification[] = (q.classify ?? []).map((c: Raw, i: number): Classification => {
      const cat: PathPart[] = [...at, 'classify', i];
      // The backends classify aggregate rows only; a per-event label is not compiled yet, so it is refused here
      // rather than emitted broken.
      if (!aggregation) this.error(cat, facts.needsAggregate('classify', 'it labels aggregate rows'));
      const scope: Scope = aggregation ? colScope : eventScope;
      const cases = (c.cases as Raw[]).map((k, j) => ({ when: this.lowerCondition(k.when, [...cat, 'cases', j, 'when'], scope)!, then: String(k.then) }));
      this.addColumn(columns, c.as, 'string', [...cat, 'as']);
      return { as: c.as, cases, otherwise: c.else, pos: this.pos(cat) };
    });
    const derived: Derived[] = (q.derive ?? []).map((d: Raw, i: number): Derived => {
      const dat: PathPart[] = [...at, 'derive', i, 'duration_seconds'];
      for (const k of ['from', 'to'] as const) {
        const t = columns.get(d.duration_seconds[k]);
        if (t !== 'timestamp') this.error([...dat, k], facts.notTimestampColumn(d.duration_seconds[k]));
      }
      this.addColumn(columns, d.as, 'number', [...at, 'derive', i, 'as']);
      return { kind: 'duration_seconds', as: d.as, from: d.duration_seconds.from, to: d.duration_seconds.to, pos: this.pos([...at, 'derive', i]) };
    });
    const output: OutputColumn[] = [];
    (q.output as (string | Raw)[]).forEach((o, i) => {
      const oat: PathPart[] = [...at, 'output', i];
      if (typeof o === 'string') {
        const t = columns.get(o);
        if (!t) this.error(oat, facts.unknownOutputColumn(o, !!aggregation));
        else output.push({ name: o, type: t });
      } else {
        if (aggregation) this.error(oat, facts.outputFieldAfterAggregate());
        const f = source.fields[o.field];
        if (!f) this.error([...oat, 'field'], unknownField(o.field, source));
        else {
          if (output.some((c) => c.name === o.as)) this.error([...oat, 'as'], facts.duplicateOutputColumn(o.as));
          output.push({ name: o.as, field: o.field, type: f.type });
          columns.set(o.as, f.type);
        }
      }
    });
    const sort: SortKey[] = (q.sort ?? []).map((s: Raw, i: number) => {
      if (!output.some((c) => c.name === s.column)) this.error([...at, 'sort', i, 'column'], facts.notOutputColumn('sort', s.column));
      return { column: s.column, order: s.order };
    });
    return { name, source: source.name, suppressions, firstSeen, where, followedBy, aggregation, having, classifications, derived, output, sort, pos: this.pos(at) };
  }

  private lowerSuppression(s: Raw, at: PathPart[], source: DataSource): Suppression | undefined {
    const f = source.fields[s.field];
    if (!f) {
      this.error([...at, 'field'], unknownField(s.field, source));
      return undefined;
    }
    if (f.type !== 'ip' && f.type !== 'string') this.error([...at, 'field'], facts.suppressFieldType(s.field, f.type));
    const list = this.shared(s.windows);
    if (!list) {
      this.error([...at, 'windows'], facts.notWindowList(s.windows));
      return undefined;
    }
    if (list.type !== 'window') {
      this.error([...at, 'windows'], facts.suppressWrongListType(list.name, list.type, list.file));
      return undefined;
    }
    this.sharedUsed.add(list.name);
    const windows = list.entries.flatMap((e) => {
      let match: Cidr | string = e.value;
      if (f.type === 'ip') {
        const c = parseCidr(e.value);
        if (typeof c === 'string') {
          this.error([...at, 'windows'], facts.windowNotIpRange(list.file, e.line, e.value, s.field));
          return [];
        }
        match = { text: c.text, family: c.family, network: c.networkText, prefix: c.prefix };
      }
      return [{ match, startMs: Date.parse(e.start!), endMs: Date.parse(e.end!), ticket: e.ticket ?? '' }];
    });
    return { field: s.field, list: list.name, windows, pos: this.pos(at) };
  }

  private addColumn(columns: Map<string, ColumnType>, name: string, type: ColumnType, at: PathPart[]) {
    if (columns.has(name)) this.error(at, facts.duplicateColumn(name));
    // The backends name their helper columns detc_* (detc_window, detc_probe, ...).
    if (name.startsWith('detc_')) this.error(at, facts.reservedColumn());
    columns.set(name, type);
  }

  private lowerAggregation(a: Raw, at: PathPart[], source: DataSource, columns: Map<string, ColumnType>): Aggregation {
    const windowSeconds = this.duration(a.window.size, [...at, 'window', 'size']) ?? 300;
    this.addColumn(columns, a.window.as, 'timestamp', [...at, 'window', 'as']);
    const by = (a.by as Raw[]).map((k, i) => {
      const f = source.fields[k.field];
      if (!f) this.error([...at, 'by', i, 'field'], unknownField(k.field, source));
      this.addColumn(columns, k.as, f?.type ?? 'string', [...at, 'by', i, 'as']);
      return { field: k.field, as: k.as, pos: this.pos([...at, 'by', i]) };
    });
    const aggregates = this.lowerCompute(a.compute as Raw[], [...at, 'compute'], source, columns);
    return { windowSeconds, windowAs: a.window.as, by, aggregates, pos: this.pos(at) };
  }

  /** `compute:` items (aggregate and followed_by): each adds a column. */
  private lowerCompute(items: Raw[], at: PathPart[], source: DataSource, columns: Map<string, ColumnType>): Aggregate[] {
    return items.map((c, i) => {
      const cat: PathPart[] = [...at, i];
      let type: ColumnType = 'number';
      if (c.fn === 'count') {
        if (c.field) this.error(cat, facts.countTakesNoField(), 'field');
      } else if (!c.field) {
        this.error(cat, facts.fnNeedsField(c.fn));
      } else {
        const f = source.fields[c.field];
        if (!f) this.error([...cat, 'field'], unknownField(c.field, source));
        else if (c.fn === 'values') type = f.type === 'int' ? 'number[]' : 'string[]';
        else if (c.fn === 'min' || c.fn === 'max' || c.fn === 'any') type = f.type;
      }
      if (c.limit !== undefined && c.fn !== 'values') this.error(cat, facts.limitOnlyForValues(), 'limit');
      if (c.fn === 'values' && c.limit === undefined) this.error(cat, facts.valuesNeedsLimit());
      this.addColumn(columns, c.as, type, [...cat, 'as']);
      return { as: c.as, fn: c.fn, field: c.field, limit: c.limit, pos: this.pos(cat) };
    });
  }

  private lowerFollowedBy(f: Raw, at: PathPart[], source: DataSource, aggregation: Aggregation | undefined, columns: Map<string, ColumnType>): FollowedBy | undefined {
    if (!aggregation) {
      this.error(at, facts.needsAggregate('followed_by', 'its by fields are the key the follow-ups share'));
      return undefined;
    }
    const withinSeconds = this.duration(f.within, [...at, 'within']);
    const same = source.fields[f.same];
    if (!same) this.error([...at, 'same'], unknownField(f.same, source));
    else if (aggregation.by.some((k) => k.field === f.same)) this.error([...at, 'same'], facts.sameIsGroupKey(f.same));
    // Values are matched exactly, as text: SPL's join compares strings, so a number's forms ("22", 22.0) would differ.
    else if (same.type !== 'ip' && same.type !== 'string') this.error([...at, 'same'], facts.sameType(f.same, same.type));
    const where = f.where ? this.lowerCondition(f.where, [...at, 'where'], { kind: 'event', source }) : undefined;
    const aggregates = this.lowerCompute(f.compute as Raw[], [...at, 'compute'], source, columns);
    if (withinSeconds === undefined || !same) return undefined;
    return { withinSeconds, same: f.same, where, aggregates, pos: this.pos(at) };
  }

  /** A duration written in place (`5m`) or as a `$parameter` of type duration, in seconds; undefined when invalid. */
  private duration(value: unknown, at: PathPart[]): number | undefined {
    const text = String(value);
    const m = REF.exec(text);
    if (!m) return parseDuration(text);
    const v = this.param(m[1]!, at, 'duration')?.value;
    return typeof v === 'number' ? v : undefined;
  }

  private param(name: string, at: PathPart[], type: Parameter['type']): Parameter | undefined {
    const p = this.params.get(name);
    if (!p) {
      this.error(at, this.lists.has(name) ? facts.listWhereValueExpected(name, type) : facts.unknownParameter(name));
      return undefined;
    }
    this.used.add(name);
    if (p.type !== type) this.error(at, facts.paramWrongType(name, p.type, type));
    return p;
  }

  /** The shared list a `$name` value refers to (a rule's own list of that name wins). */
  private shared(v: unknown): SharedList | undefined {
    const m = typeof v === 'string' ? REF.exec(v) : null;
    if (!m || this.lists.has(m[1]!) || this.params.has(m[1]!)) return undefined;
    return this.opts.sharedLists?.get(m[1]!);
  }

  private listValues(v: unknown, at: PathPart[], type: NamedList['type'] | 'string|number'): string[] {
    if (Array.isArray(v)) return v.map(String);
    const s = String(v);
    const m = REF.exec(s);
    if (!m) return [s];
    const shared = this.shared(s);
    if (shared) {
      this.sharedUsed.add(shared.name);
      if (shared.type === 'window') this.error(at, facts.windowListInCondition(shared.name, shared.file));
      else if (type !== 'string|number' && shared.type !== type) this.error(at, facts.listWrongType(shared.name, shared.type, type, shared.file));
      return shared.entries.map((e) => e.value);
    }
    const l = this.lists.get(m[1]!);
    if (!l) {
      const p = this.params.get(m[1]!);
      if (p && p.type === 'string') {
        this.used.add(p.name);
        return [String(p.value)];
      }
      this.error(at, p ? facts.paramWhereListExpected(m[1]!, p.type) : facts.unknownList(m[1]!, !!this.opts.sharedLists?.size));
      return [];
    }
    this.used.add(l.name);
    if (type !== 'string|number' && l.type !== type) this.error(at, facts.listWrongType(l.name, l.type, type));
    return l.values;
  }

  /** A comparison of a count (a whole number, at least 0) that every group passes, or none: a threshold that is not one. */
  private checkCountCompare(op: string, values: number[], cond: string, value: number | undefined, column: string, at: PathPart[]) {
    const always = (op === 'gte' && values[0]! <= 0) || (op === 'gt' && values[0]! < 0);
    const never = (op === 'lt' && values[0]! <= 0) || (op === 'lte' && values[0]! < 0) || ((op === 'eq' || op === 'in') && values.every((v) => v < 0));
    if (always || never) this.error(at, facts.countCompareVacuous(cond, value, column, always));
  }

  lowerCondition(c: Raw, at: PathPart[], scope: Scope): Condition | undefined {
    const pos = this.pos(at);
    const keys = Object.keys(c);
    const logical = keys.filter((k) => k === 'all' || k === 'any' || k === 'not');
    if (logical.length) {
      if (keys.length > 1) {
        this.error(at, facts.logicalNotAlone(logical[0]!, keys.filter((k) => k !== logical[0])));
        return undefined;
      }
      const k = logical[0]!;
      if (k === 'not') {
        const e = this.lowerCondition(c.not, [...at, 'not'], scope);
        return e && { kind: 'not', expr: e, pos };
      }
      const exprs = (c[k] as Raw[]).map((x, i) => this.lowerCondition(x, [...at, k, i], scope)).filter((x): x is Condition => !!x);
      return { kind: k === 'all' ? 'and' : 'or', exprs, pos };
    }
    const ops = keys.filter((k) => OPERATORS.includes(k));
    if (!('field' in c)) {
      this.error(at, facts.notACondition());
      return undefined;
    }
    if (ops.length !== 1) {
      this.error(at, ops.length ? facts.severalOperators(ops) : facts.missingOperator(OPERATORS));
      return undefined;
    }
    const op = ops[0]!;
    const opAt: PathPart[] = [...at, op];
    const field: string = c.field;
    const type = this.fieldType(field, [...at, 'field'], scope);
    if (!type) return undefined;
    if ('cased' in c && !STRING_OPS.includes(op as StringOp)) this.error(at, facts.casedNotString(op), 'cased');

    if (op === 'exists') return { kind: 'exists', field, exists: c.exists, pos };
    if (op === 'cidr') {
      if (type !== 'ip' && type !== 'string') this.error(opAt, facts.cidrFieldType(field, type));
      const ranges: Cidr[] = [];
      const values = this.listValues(c.cidr, opAt, 'cidr');
      values.forEach((v, i) => {
        const parsed = parseCidr(v);
        // Values from a named list were already checked (and reported) where the list is defined.
        const fromList = typeof c.cidr === 'string' && REF.test(c.cidr); // incl. shared lists, checked at load
        if (typeof parsed === 'string') {
          if (!fromList) this.error(Array.isArray(c.cidr) ? [...opAt, i] : opAt, facts.invalidCidr(parsed));
        }
        else ranges.push({ text: parsed.text, family: parsed.family, network: parsed.networkText, prefix: parsed.prefix });
      });
      return { kind: 'cidr', field, ranges, list: this.shared(c.cidr)?.name, pos };
    }
    if ((NUMBER_OPS as readonly string[]).includes(op)) {
      if (type !== 'int' && type !== 'number') this.error(opAt, facts.numberOpOnNonNumber(op, field, type));
      const raw = c[op];
      let n: number | undefined = typeof raw === 'number' ? raw : undefined;
      const m = typeof raw === 'string' ? REF.exec(raw) : null;
      if (m) {
        const p = this.param(m[1]!, opAt, 'int');
        if (p && typeof p.value === 'number') n = p.value;
      } else if (n !== undefined && Math.abs(n) > Number.MAX_SAFE_INTEGER) this.error(opAt, facts.numberNotExact(n));
      if (n === undefined) return undefined;
      if (scope.kind === 'columns' && scope.counts?.has(field)) this.checkCountCompare(op, [n], `${op}: ${m ? raw : n}`, m ? n : undefined, field, opAt);
      return { kind: 'number', op: op as (typeof NUMBER_OPS)[number], field, values: [n], pos };
    }
    // eq / in / startswith / endswith / contains / has
    const numericField = type === 'int' || type === 'number';
    if (numericField) {
      if (op !== 'eq' && op !== 'in') {
        this.error(opAt, facts.stringOpOnNumber(op, field));
        return undefined;
      }
      const vals = this.listValues(c[op], opAt, 'string|number');
      const nums = vals.map(Number);
      const bad = vals.find((v, i) => !Number.isFinite(nums[i]) || v.trim() === '');
      if (bad !== undefined) this.error(opAt, facts.notANumber(field, bad));
      // Values of a named list were checked where the list is defined.
      const huge = typeof c[op] === 'string' && REF.test(c[op]) ? undefined : nums.find((x) => Math.abs(x) > Number.MAX_SAFE_INTEGER);
      if (huge !== undefined) this.error(opAt, facts.numberNotExact(huge));
      if (scope.kind === 'columns' && scope.counts?.has(field)) this.checkCountCompare(op, nums, `${op}: ${vals.join(', ')}`, undefined, field, opAt);
      return { kind: 'number', op: op as 'eq' | 'in', field, values: nums, pos };
    }
    if (type === 'timestamp') {
      this.error(opAt, facts.timestampCompare(op, field));
      return undefined;
    }
    const values = this.listValues(c[op], opAt, 'string');
    if (op === 'eq' && values.length !== 1) this.error(opAt, facts.eqOneValue());
    if (op === 'has') {
      values.forEach((v) => {
        if (!/[A-Za-z0-9]/.test(v)) this.error(opAt, facts.hasNoTerm(v));
      });
    }
    values.forEach((v) => {
      if (v === '') this.error(opAt, facts.emptyString(op));
    });
    const list = this.shared(c[op])?.name;
    return { kind: 'string', op: op as StringOp, field, values, cased: c.cased === true, ...(list ? { list } : {}), pos };
  }

  private fieldType(field: string, at: PathPart[], scope: Scope): FieldType | ColumnType | undefined {
    if (scope.kind === 'event') {
      const f = scope.source.fields[field];
      if (!f) this.error(at, unknownField(field, scope.source));
      return f?.type;
    }
    const t = scope.columns.get(field);
    if (!t) this.error(at, facts.unknownColumn(field, [...scope.columns.keys()]));
    if (t === 'string[]' || t === 'number[]') {
      this.error(at, facts.valueSetInCondition(field));
      return undefined;
    }
    return t;
  }
}

function unknownField(field: string, source: DataSource): Finding {
  return facts.unknownField(field, source.name, Object.keys(source.fields));
}

function firstSentence(s: string): string {
  const t = String(s).trim().split(/(?<=\.)\s/)[0] ?? '';
  return t.length > 5000 ? t.slice(0, 4997) + '...' : t;
}
