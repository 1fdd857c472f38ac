import { conditionFields } from '../../ir/analysis.js';
import { DATA_SOURCES } from '../../ir/sources.js';
import type { Aggregate, Branch, Condition } from '../../ir/types.js';
import { fieldsRead } from '../../mapping/mapping.js';
import type { SourceMapping } from '../../mapping/types.js';
import { assertNever } from '../../util/assert-never.js';
import { splField, splSpan } from './escape.js';

// A branch read through `| tstats` over the CIM data model (the accelerated summaries in production) instead of
// `| datamodel ... flat` (raw events). tstats returns one row per combination of its by-fields, so it carries a
// rule exactly only when every filter, lookup and suppression can run on those rows: the first tstats groups by
// every field the branch reads and by `_time` in buckets that no boundary of the rule cuts, and a `stats` over its
// rows computes the rule's aggregates (counts become sums of counts; dc/values over a by-field are exact).

/** How the Splunk searches read a data model (detc.config `splunk.queryForm`). */
export type QueryForm = 'tstats' | 'datamodel';

/** The macro holding tstats' summariesonly, allow_old_summaries and fillnull_value (shipped in macros.conf). */
export const SUMMARIES_MACRO = 'detc_summariesonly';
/** Its definition as detc ships it: the defaults of Splunk's own content (security_content_summariesonly). */
export const SUMMARIES_DEFAULT = 'summariesonly=false allow_old_summaries=true fillnull_value=null';
/** What tstats writes for a missing by-field under that definition; the search turns it back into null. */
export const FILLNULL = 'null';

/** How one branch is read through tstats. */
export interface TstatsPlan {
  /** The `_time` bucket of the first tstats, in seconds: it divides the window and every suppression boundary. */
  spanSeconds: number;
  /** Canonical fields the first tstats groups by: every field the branch reads but the time, group keys first. */
  by: string[];
  /**
   * Whether the filter may be pushed into tstats' WHERE: not with first_seen, whose baseline counts every event of
   * a key before the filter runs.
   */
  pushdown: boolean;
}

/**
 * The plan for reading a branch through tstats, or the reason it cannot be (for REPORT.md). `name` gives a
 * canonical field's native name.
 */
export function tstatsPlan(branch: Branch, name: (f: string) => string): TstatsPlan | string {
  const time = DATA_SOURCES[branch.source]!.time;
  const agg = branch.aggregation;
  if (!agg) return 'the rule returns one row per event, and tstats returns one row per combination of its by-fields (identical events would merge)';
  if (branch.followedBy) return "followed_by compares each follow-up's time with its probe's, which tstats' time buckets do not carry";
  if (conditionFields(branch.where).has(time)) return "the filter reads the event time, which tstats' time buckets do not carry";
  if (name(time) !== '_time') return `the time field is mapped to ${name(time)}, and tstats buckets _time`;
  if (!Number.isInteger(agg.windowSeconds)) return `the window (${agg.windowSeconds}s) is not a whole number of seconds`;
  // first_seen compares each event's time with now() minus the lookback: with one-second buckets a bucket lies
  // wholly on one side of that instant, since now() is a whole second.
  let span = branch.firstSeen ? 1 : agg.windowSeconds;
  for (const s of branch.suppressions) {
    for (const w of s.windows) {
      for (const ms of [w.startMs, w.endMs]) {
        if (ms % 1000 !== 0) return `a suppression window of $${s.list} starts or ends inside a second, which tstats' time buckets do not carry`;
        span = gcd(span, Math.abs(ms / 1000));
      }
    }
  }
  // The rule's group keys first (as Splunk's own searches read), then the other fields the branch reads.
  const keys = agg.by.map((k) => k.field);
  const by = [...keys, ...fieldsRead(branch).filter((f) => f !== time && !keys.includes(f))];
  const odd = by.find((f) => splField(name(f)) !== name(f));
  if (odd) return `the field ${name(odd)} is not a plain name, which tstats' by-clause needs`;
  const clash = agg.aggregates.find((a) => by.some((f) => name(f) === a.as));
  if (clash) return `the column ${clash.as} has the name of a field the first tstats groups by`;
  return { spanSeconds: span, by, pushdown: !branch.firstSeen };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** A data model field as tstats names it: `All_Traffic.src_ip`; `_time` is not prefixed. */
export function datasetField(sm: SourceMapping, native: string): string {
  return native === '_time' ? native : `${sm.settings.dataset}.${native}`;
}

/**
 * The aggregates of the first tstats: a count per row for each `count`, and the exact first and last time for
 * min/max of the time field (the rows' `_time` is a bucket). Everything else is computed by the stats after it,
 * over by-fields. tstats needs one function at least: `count` when the rule asks for none of these.
 */
export function tstatsAggregates(aggregates: Aggregate[], time: string): string {
  const out = aggregates.flatMap((a) => {
    const as = splField(a.as);
    if (a.fn === 'count') return [`count AS ${as}`];
    if ((a.fn === 'min' || a.fn === 'max') && a.field === time) return [`${a.fn}(_time) AS ${as}`];
    return [];
  });
  return out.length ? out.join(' ') : 'count';
}

/**
 * One aggregate of the rule over the first tstats' rows: a count is the sum of the rows' counts, min/max of the
 * time the min/max of the rows' exact times; the others read a by-field, so stats over the rows is exact (a value
 * is in a row's by-fields exactly when an event of the row has it).
 */
export function reaggregate(a: Aggregate, time: string, name: (f: string) => string): string {
  const as = splField(a.as);
  const f = a.field ? splField(name(a.field)) : '';
  switch (a.fn) {
    case 'count': return `sum(${as})`;
    case 'min':
    case 'max': return a.field === time ? `${a.fn}(${as})` : `${a.fn}(${f})`;
    case 'distinct_count': return `dc(${f})`;
    case 'values': return `values(${f})`;
    case 'any': return `first(${f})`;
    default: return assertNever(a.fn, 'aggregate function');
  }
}

/**
 * The part of the branch's filter that tstats' WHERE applies (search-command syntax over the data model): the
 * top-level ANDed conditions whose search form holds for every event the filter keeps (the full filter still runs
 * after tstats, so pushing a looser test is safe and a tighter one never happens). Pushed: equality and IN on
 * strings, CIDR membership, their OR, and NOT CIDR; never a shared list read through a lookup (the lookup changes
 * without a rebuild), a negated string test (a CIM placeholder would then be excluded where the rule keeps it), or a
 * value search syntax would read as a pattern.
 */
export function pushdown(where: Condition | undefined, sm: SourceMapping, name: (f: string) => string): string | undefined {
  if (!where) return undefined;
  const conjuncts = where.kind === 'and' ? where.exprs : [where];
  const parts = conjuncts.map((c) => searchForm(c, sm, name)).filter((s): s is string => s !== undefined);
  return parts.length ? parts.join(' ') : undefined;
}

function searchForm(c: Condition, sm: SourceMapping, name: (f: string) => string): string | undefined {
  const field = (f: string) => datasetField(sm, name(f));
  switch (c.kind) {
    case 'string': {
      if (c.list || (c.op !== 'eq' && c.op !== 'in') || !c.values.every(plainValue)) return undefined;
      return inList(field(c.field), c.values);
    }
    case 'cidr':
      return c.list ? undefined : inList(field(c.field), c.ranges.map((r) => r.text));
    case 'not':
      return c.expr.kind === 'cidr' && !c.expr.list ? `NOT ${searchForm(c.expr, sm, name)}` : undefined;
    case 'or': {
      const parts = c.exprs.map((e) => searchForm(e, sm, name));
      return parts.every((p) => p !== undefined) ? `(${parts.join(' OR ')})` : undefined;
    }
    case 'and': {
      const parts = c.exprs.map((e) => searchForm(e, sm, name));
      return parts.every((p) => p !== undefined) ? `(${parts.join(' AND ')})` : undefined;
    }
    case 'number':
    case 'exists':
      return undefined;
    default:
      return assertNever(c, 'condition');
  }
}

/** A value the search command reads literally: printable ASCII without the `*` wildcard or a macro backtick. */
function plainValue(v: string): boolean {
  return v !== '' && /^[\x20-\x7e]+$/.test(v) && !/[*`]/.test(v);
}

function searchString(v: string): string {
  return `"${v.replace(/[\\"]/g, (ch) => '\\' + ch)}"`;
}

function inList(field: string, values: string[]): string {
  return values.length === 1 ? `${field}=${searchString(values[0]!)}` : `${field} IN (${values.map(searchString).join(', ')})`;
}

/** The first tstats of a branch, without its leading `| `. */
export function tstatsCommand(branch: Branch, sm: SourceMapping, plan: TstatsPlan, name: (f: string) => string): string {
  const time = DATA_SOURCES[branch.source]!.time;
  const where = plan.pushdown ? pushdown(branch.where, sm, name) : undefined;
  const by = plan.by.map((f) => datasetField(sm, name(f)));
  return [
    `tstats \`${SUMMARIES_MACRO}\` ${tstatsAggregates(branch.aggregation!.aggregates, time)}`,
    `from datamodel=${sm.settings.datamodel}.${sm.settings.dataset}`,
    ...(where ? [`where ${where}`] : []),
    `by ${[...by, '_time'].join(' ')} span=${splSpan(plan.spanSeconds)}`,
  ].join(' ');
}

/** Drops the dataset prefix of the by-fields: `rename All_Traffic.src_ip AS src_ip, ...`. */
export function renamePrefix(sm: SourceMapping, plan: TstatsPlan, name: (f: string) => string): string | undefined {
  const pairs = plan.by.map((f) => `${datasetField(sm, name(f))} AS ${name(f)}`);
  return pairs.length ? `rename ${pairs.join(', ')}` : undefined;
}
