import { impliesExists, windowMatch } from '../../ir/analysis.js';
import type { Aggregate, Branch, Condition, Rule } from '../../ir/types.js';
import { DATA_SOURCES } from '../../ir/sources.js';
import type { BackendNote } from '../types.js';
import type { SourceMapping } from '../../mapping/types.js';
import { kqlDatetime, kqlName, kqlNumber, kqlString, kqlTimespan } from './escape.js';
import { kqlCondition, type KqlScope } from './expr.js';
import { parserCall, withheldParameters, type ReadRange } from './parser-parameters.js';
import { assertNever } from '../../util/assert-never.js';

/** The KQL of one branch as a list of pipeline stages; the template joins them. */
export interface KqlQueryView {
  table: string;
  stages: string[];
  /** `let` statements the stages need (shared lists from watchlists), by name; they go before the query. */
  lets: Map<string, string>;
  /** Parser parameters the branch filters on but cannot pass, and why (for REPORT.md). */
  withheld: string[];
}

export function buildKqlQuery(rule: Rule, branch: Branch, sm: SourceMapping, notes: BackendNote[]): KqlQueryView {
  const source = DATA_SOURCES[branch.source]!;
  const col = (f: string) => sm.fields[f]!.name;
  // A workspace function (ASIM's _Im_NetworkSession()) is called with the filtering parameters each read allows;
  // a table is named.
  const fn = /^(.+)\(\)$/.exec(String(sm.settings.table))?.[1];
  const parameterScope = { column: col, time: source.time };
  const read = (where: Condition | undefined, range: ReadRange) =>
    (fn ? parserCall(kqlName(fn), where, range, parameterScope) : kqlName(String(sm.settings.table)));
  const lookback: ReadRange = { fromSeconds: rule.schedule.lookbackSeconds, toSeconds: 0 };
  const table = read(branch.where, lookback);
  const withheld = fn ? [...new Set([branch.where, branch.followedBy?.where].flatMap((w) => withheldParameters(kqlName(fn), w, parameterScope)))] : [];
  // Strings are never null in KQL (missing is ""), numbers and datetimes are.
  const present = (f: string) => {
    const t = source.fields[f]!.type;
    return t === 'int' || t === 'timestamp' ? `isnotnull(${kqlName(col(f))})` : `isnotempty(${kqlName(col(f))})`;
  };
  const lets = new Map<string, string>();
  const eventScope: KqlScope = {
    column: col,
    type: (f) => source.fields[f]!.type,
    nullable: true,
    lets,
    lists: new Map(rule.sharedLists.map((l) => [l.name, l])),
  };
  const time = kqlName(col(source.time));
  const windows = branch.suppressions.flatMap((s) => s.windows.map((w) =>
    `(${time} >= ${kqlDatetime(w.startMs)} and ${time} < ${kqlDatetime(w.endMs)} and ${kqlCondition(windowMatch(s, w), eventScope)})`));
  /** The events of the lookback that pass the suppressions and `where` (the scan's, or followed_by's). */
  const eventStages = (where: Condition | undefined): string[] => {
    // The lookback is also the Sentinel queryPeriod; writing it keeps the .kql correct when run by hand for hunting.
    const out = [`where ${time} >= ago(${kqlTimespan(rule.schedule.lookbackSeconds)})`];
    // Windows are compiled in (not read from a watchlist): a range join on time is not expressible without join.
    if (windows.length) out.push(`where not(${windows.join('\n    or ')})`);
    if (where) out.push(`where ${kqlCondition(where, eventScope)}`);
    return out;
  };
  const stages = eventStages(branch.where);

  const agg = branch.aggregation;
  // Canonical: a group needs a value for every key (SPL stats drops such rows; KQL would keep an empty group).
  const keyChecksFor = (where: Condition | undefined) => agg?.by.filter((k) => !impliesExists(where, k.field)).map((k) => present(k.field)) ?? [];
  const keyChecks = keyChecksFor(branch.where);
  const keyBy = agg?.by.map((k) => (col(k.field) === k.as ? kqlName(k.as) : `${kqlName(k.as)} = ${kqlName(col(k.field))}`)) ?? [];
  if (agg) {
    if (keyChecks.length) stages.push(`where ${keyChecks.join(' and ')}`);
    const aggs = agg.aggregates.map((a) => `${kqlName(a.as)} = ${kqlAggregate(a, col, source.fields[a.field ?? '']?.type)}`);
    const by = [...keyBy, `${kqlName(agg.windowAs)} = bin(${time}, ${kqlTimespan(agg.windowSeconds)})`];
    stages.push(`summarize ${aggs.join(', ')}\n    by ${by.join(', ')}`);
    if (branch.firstSeen) {
      // No prior interaction: drop the keys that have any event in the baseline before the lookback.
      const from = kqlTimespan(rule.schedule.lookbackSeconds + branch.firstSeen.baselineSeconds);
      // The baseline's read: its own time range, and no other parameter (the baseline counts any interaction).
      const baseline = read(undefined, { fromSeconds: rule.schedule.lookbackSeconds + branch.firstSeen.baselineSeconds, toSeconds: rule.schedule.lookbackSeconds });
      stages.push(`join kind=leftanti (${baseline}\n    | where ${time} >= ago(${from}) and ${time} < ago(${kqlTimespan(rule.schedule.lookbackSeconds)})\n    | where ${agg.by.map((k) => present(k.field)).join(' and ')}\n    | summarize by ${keyBy.join(', ')}) on ${agg.by.map((k) => kqlName(k.as)).join(', ')}`);
    }
    if ([...agg.aggregates, ...(branch.followedBy?.aggregates ?? [])].some((a) => a.fn === 'distinct_count')) {
      notes.push({
        rule: rule.file, branch: branch.name, backend: 'sentinel', kind: 'approximated',
        message: 'distinct_count compiles to dcount() (HyperLogLog, default accuracy: about 0.8% error); results can differ from an exact count at high cardinalities',
      });
    }
  }
  const columnScope: KqlScope = {
    column: (c) => c,
    type: (c) => branch.output.find((o) => o.name === c)?.type ?? columnType(branch, c),
    nullable: false,
  };
  if (branch.having) stages.push(`where ${kqlCondition(branch.having, columnScope)}`);
  if (agg && branch.followedBy) {
    const f = branch.followedBy;
    const same = kqlName(col(f.same));
    const keys = agg.by.map((k) => kqlName(k.as));
    // The probes: each group's first event to each value of `same` (a scanned host), per window.
    const probes = [
      ...eventStages(branch.where),
      `where ${[...keyChecks, present(f.same)].join(' and ')}`,
      `summarize detc_probe = min(${time}) by ${[...keyBy, `detc_same = ${same}`, `detc_window = bin(${time}, ${kqlTimespan(agg.windowSeconds)})`].join(', ')}`,
    ];
    // The follow-ups, named like the probes' keys so the join can match them.
    const renames = [...agg.by.filter((k) => col(k.field) !== k.as).map((k) => `${kqlName(k.as)} = ${kqlName(col(k.field))}`), `detc_same = ${same}`];
    const followChecks = [...keyChecksFor(f.where), present(f.same)];
    const follows = [...eventStages(f.where), `where ${followChecks.join(' and ')}`, `extend ${renames.join(', ')}`];
    const faggs = f.aggregates.map((a) => `${kqlName(a.as)} = ${kqlAggregate(a, col, source.fields[a.field ?? '']?.type)}`);
    const follow = subquery([read(f.where, lookback), ...follows.map((x) => `| ${x}`)]);
    const inner = subquery([
      table,
      ...probes.map((x) => `| ${x}`),
      `| join kind=inner ${follow} on ${[...keys, 'detc_same'].join(', ')}`,
      `| where ${time} > detc_probe and ${time} <= detc_probe + ${kqlTimespan(f.withinSeconds)}`,
      `| summarize ${faggs.join(', ')}\n    by ${[...keys, 'detc_window'].join(', ')}`,
    ]);
    // kind=inner: every scan row meets its one follow-up row (innerunique, the default, would dedupe the left side).
    stages.push(`join kind=inner ${inner} on ${[...keys.map((k) => `$left.${k} == $right.${k}`), `$left.${kqlName(agg.windowAs)} == $right.detc_window`].join(', ')}`);
  }
  for (const c of branch.classifications) {
    const arms = c.cases.map((k) => `${kqlCondition(k.when, columnScope)}, ${kqlString(k.then)}`);
    stages.push(`extend ${kqlName(c.as)} = case(\n    ${[...arms, kqlString(c.otherwise)].join(',\n    ')})`);
  }
  for (const d of branch.derived) {
    // Whole seconds, truncated: datetime_diff() would count second boundaries crossed instead.
    stages.push(`extend ${kqlName(d.as)} = tolong((${kqlName(d.to)} - ${kqlName(d.from)}) / 1s)`);
  }
  const project = branch.output.map((o) => {
    if (!o.field) return kqlName(o.name);
    const c = col(o.field);
    return c === o.name ? kqlName(c) : `${kqlName(o.name)} = ${kqlName(c)}`;
  });
  stages.push(`project ${project.join(', ')}`);
  if (branch.sort.length) stages.push(`sort by ${branch.sort.map((s) => `${kqlName(s.column)} ${s.order}`).join(', ')}`);
  return { table, stages, lets, withheld };
}

function columnType(branch: Branch, c: string) {
  const a = branch.aggregation?.aggregates.find((x) => x.as === c);
  if (a && (a.fn === 'min' || a.fn === 'max')) return 'timestamp';
  return 'number';
}

function kqlAggregate(a: Aggregate, col: (f: string) => string, type: string | undefined): string {
  const c = a.field ? kqlName(col(a.field)) : '';
  const present = type === 'int' || type === 'timestamp' ? `isnotnull(${c})` : `isnotempty(${c})`;
  switch (a.fn) {
    case 'count':
      return 'count()';
    case 'distinct_count':
      // dcount skips nulls but counts the empty string; canonical counts only present values.
      return type === 'int' || type === 'timestamp' ? `dcount(${c})` : `dcountif(${c}, isnotempty(${c}))`;
    case 'values':
      // Sorted, then capped: the same values on every run, unlike make_set(x, N) which keeps an arbitrary N. Sorted
      // as text, numbers too, because Splunk's values() can sort no other way: both keep the same N (semantics.md).
      return `array_slice(array_sort_asc(make_set_if(${type === 'int' ? `tostring(${c})` : c}, ${present})), 0, ${kqlNumber(a.limit! - 1)})`;
    case 'min':
      return `min(${c})`;
    case 'max':
      return `max(${c})`;
    case 'any':
      return `take_anyif(${c}, ${present})`;
    default:
      return assertNever(a.fn, 'aggregate function');
  }
}

/** A parenthesised tabular subquery, its lines indented one level more than the pipe that uses it. */
function subquery(lines: string[]): string {
  return `(\n${lines.join('\n').split('\n').map((l) => `    ${l}`).join('\n')}\n    )`;
}
