import { conditionFields, impliesExists, windowMatch } from '../../ir/analysis.js';
import { DATA_SOURCES } from '../../ir/sources.js';
import type { Aggregate, Aggregation, Branch, Condition, Rule } from '../../ir/types.js';
import { fieldsRead } from '../../mapping/mapping.js';
import type { BackendNote } from '../types.js';
import type { SourceMapping } from '../../mapping/types.js';
import { splField, splSpan, splString } from './escape.js';
import { splCondition, type SplScope } from './expr.js';
import { assertNever } from '../../util/assert-never.js';
import { FILLNULL, SUMMARIES_MACRO, reaggregate, renamePrefix, tstatsCommand, tstatsPlan, type QueryForm, type TstatsPlan } from './tstats.js';

/** The filter macro of a rule: `<slug_with_underscores>_filter` (Splunk content's local-tuning hook). */
export function filterMacro(rule: Rule): string {
  return `${rule.slug.replace(/[^A-Za-z0-9]/g, '_')}_filter`;
}

/** The window column of the followed_by subsearches (renamed to the rule's window column when they return). */
const JOIN_WINDOW = 'detc_window';
/** The first time a scan reached a value of `same` (the probe), per window, key and value. */
const PROBE = 'detc_probe';

/** What every part of a branch's search shares: the rule, the branch, and its native field names. */
interface BranchContext {
  rule: Rule;
  branch: Branch;
  sm: SourceMapping;
  /** Native name of a canonical field. */
  name(f: string): string;
  /** The native time field, escaped. */
  time: string;
  /** Read through tstats (the plan), or through `| datamodel ... flat` (undefined). */
  tstats?: TstatsPlan;
}

/** The SPL of one branch as pipeline commands (without the leading `| `); the template joins them. */
export function buildSplCommands(rule: Rule, branch: Branch, sm: SourceMapping, notes: BackendNote[], form: QueryForm = 'tstats'): string[] {
  const source = DATA_SOURCES[branch.source]!;
  const name = (f: string) => sm.fields[f]!.name;
  const note = (message: string) => notes.push({ rule: rule.file, branch: branch.name, backend: 'splunk', kind: 'approximated', message });
  const plan = form === 'tstats' ? tstatsPlan(branch, name) : undefined;
  if (typeof plan === 'string') {
    note(`tstats: ${plan}; the search reads raw events with | datamodel ${sm.settings.datamodel} ${sm.settings.dataset} flat instead (slower on a busy index: no accelerated summaries)`);
  } else if (plan) {
    if (branch.firstSeen) note('tstats: first_seen compares each event\'s time with now() minus the lookback, so the first tstats buckets _time by the second (exact since now() is a whole second) and its filter is not pushed into WHERE (the baseline counts every event of a key)');
    note(`tstats: a missing by-field comes back as fillnull_value "${FILLNULL}" (macro ${SUMMARIES_MACRO}) and is turned back into null, so a real value "${FILLNULL}" counts as missing; with summariesonly=true, events not yet in the accelerated summaries are not searched`);
  }
  const bc: BranchContext = { rule, branch, sm, name, time: splField(name(source.time)), tstats: typeof plan === 'object' ? plan : undefined };
  const placeholders = placeholderFields(bc);
  if (placeholders.length) {
    note(`CIM writes placeholders for missing values, so a real value equal to one counts as missing: ${placeholders.map((f) => `${f} (${name(f)} ${sm.fields[f]!.missing.map((m) => JSON.stringify(m)).join('/')})`).join(', ')}`);
  }
  const cmds = scanEvents(bc);

  const agg = branch.aggregation;
  const renames: string[] = [];
  const copies: string[] = [];
  if (agg) {
    // Bucket a copy: binning _time itself would make min(_time)/max(_time) return the bucket start.
    const window = splField(agg.windowAs);
    cmds.push(`bin span=${splSpan(agg.windowSeconds)} ${bc.time} AS ${window}`);
    if (agg.windowSeconds >= 86400) {
      note(`window: bin span=${splSpan(agg.windowSeconds)} aligns day-sized buckets to the local day boundary of the search's time zone, not to the Unix epoch (exact only when the search runs in UTC)`);
    }
    const aggregates = bc.tstats
      ? agg.aggregates.map((a) => `${reaggregate(a, source.time, name)} AS ${splField(a.as)}`).join(' ')
      : statsAggregates(agg.aggregates, name);
    cmds.push(`stats ${aggregates} BY ${window} ${keyFields(bc, agg)}`);
    const caps = valuesCaps(agg.aggregates);
    if (caps) cmds.push(caps);
    const all = [...agg.aggregates, ...(branch.followedBy?.aggregates ?? [])];
    if (all.some((a) => a.fn === 'distinct_count')) {
      note('distinct_count: dc() is exact but counts distinct string forms ("22" and "022" are two values)');
    }
    if (all.some((a) => a.fn === 'any')) {
      note(bc.tstats
        ? 'any: first() takes the value of the first tstats row of the group (tstats orders its rows by their by-fields), one of the group\'s values as the rule allows'
        : 'any: first() takes the value of the first event Splunk returns (the most recent), one of the group\'s values as the rule allows');
    }
    for (const k of agg.by) if (name(k.field) !== k.as) renames.push(`${splField(name(k.field))} AS ${splField(k.as)}`);
  }
  // Before the rename, a group key's column still has its native name.
  const columnScope: SplScope = { field: agg ? columnName(bc, agg, agg.windowAs) : (c) => c, nullable: false };
  if (branch.having) cmds.push(`where ${splCondition(branch.having, columnScope)}`);
  if (agg && branch.followedBy) {
    cmds.push(followedByJoin(bc, agg));
    note("followed_by: the probes and the follow-ups are read by two nested join subsearches, which limits.conf [join] bounds: subsearch_maxout (rows a subsearch returns, default 50000) and subsearch_maxtime (seconds it may run, default 60); a subsearch cut short loses follow-ups without an error. The inner one returns a row per window, source and probed host of the scans that pass 'having', the outer one a row per window and source with a follow-up; where scans can reach more hosts than that in one run, or the subsearches need longer, raise subsearch_maxout and subsearch_maxtime in limits.conf [join] on the search heads");
  }
  for (const c of branch.classifications) {
    const arms = c.cases.map((k) => `${splCondition(k.when, columnScope)}, ${splString(k.then)}`);
    cmds.push(`eval ${splField(c.as)}=case(${[...arms, `true(), ${splString(c.otherwise)}`].join(', ')})`);
  }
  for (const d of branch.derived) cmds.push(`eval ${splField(d.as)}=floor(${splField(columnScope.field(d.to))}-${splField(columnScope.field(d.from))})`);
  if (renames.length) cmds.push(`rename ${renames.join(', ')}`);
  if (!agg) {
    for (const o of branch.output) copies.push(`${splField(o.name)}=${splField(name(o.field!))}`);
  }
  if (copies.length) cmds.push(`eval ${copies.join(', ')}`);
  if (branch.sort.length) cmds.push(`sort 0 ${branch.sort.map((s) => `${s.order === 'desc' ? '-' : '+'} ${splField(s.column)}`).join(' ')}`);
  cmds.push(`table ${branch.output.map((o) => splField(o.name)).join(' ')}`);
  return cmds;
}

/** Fields the branch reads that CIM fills with placeholders when missing (dest_port 0, user "unknown"). */
function placeholderFields(bc: BranchContext): string[] {
  const time = DATA_SOURCES[bc.branch.source]!.time;
  return fieldsRead(bc.branch).filter((f) => bc.sm.fields[f]!.missing.length && f !== time);
}

/**
 * The events (or tstats rows) a branch reads, filtered: the data model, placeholders turned back into null, the suppression
 * windows, the lookups `where` needs, then `where`. The scan (`scan`: true) adds first_seen and the group-key
 * checks; followed_by's follow-ups pass its own `where` instead.
 */
function eventFilter(bc: BranchContext, where: Condition | undefined, scan: boolean): string[] {
  const { rule, branch, name, time } = bc;
  const cmds = readDataModel(bc);
  const agg = branch.aggregation;
  if (scan && branch.firstSeen && agg) {
    // No prior interaction: the search reads lookback + baseline; a key's first event must fall in the lookback.
    const since = `relative_time(now(), "-${splSpan(rule.schedule.lookbackSeconds)}")`;
    cmds.push(`eventstats min(${time}) AS detc_first_seen BY ${keyFields(bc, agg)}`);
    cmds.push(`where ${time}>=${since} AND detc_first_seen>=${since}`);
  }
  const lookups = new Map<string, string>();
  const eventScope: SplScope = { field: name, nullable: true, lookups, lists: new Map(rule.sharedLists.map((l) => [l.name, l])) };
  const windows = branch.suppressions.flatMap((s) => s.windows.map((w) =>
    `(${time}>=${w.startMs / 1000} AND ${time}<${w.endMs / 1000} AND ${splCondition(windowMatch(s, w), { field: name, nullable: true })})`));
  if (windows.length) cmds.push(`where NOT (${windows.join(' OR ')})`);
  const condition = where ? splCondition(where, eventScope) : undefined;
  cmds.push(...lookups.values());
  if (condition) cmds.push(`where ${condition}`);
  if (scan && agg) {
    const keyChecks = agg.by
      .filter((k) => !impliesExists(branch.where, k.field))
      .map((k) => present(splField(name(k.field))));
    if (keyChecks.length) cmds.push(`where ${keyChecks.join(' AND ')}`);
  }
  return cmds;
}

/**
 * The start of every search of a branch: the data model's events (or tstats rows), with the dataset prefix
 * dropped and placeholders turned back into null: CIM fills some missing fields (dest_port 0, user "unknown"), and
 * tstats writes its fillnull_value for a missing by-field.
 */
function readDataModel(bc: BranchContext): string[] {
  const { branch, sm, name } = bc;
  const cmds: string[] = [];
  let missing: [string, string[]][];
  if (bc.tstats) {
    cmds.push(tstatsCommand(branch, sm, bc.tstats, name));
    const rename = renamePrefix(sm, bc.tstats, name);
    if (rename) cmds.push(rename);
    missing = bc.tstats.by.map((f) => [f, [...sm.fields[f]!.missing, FILLNULL]]);
  } else {
    cmds.push(`datamodel ${sm.settings.datamodel} ${sm.settings.dataset} flat`);
    missing = placeholderFields(bc).map((f) => [f, sm.fields[f]!.missing]);
  }
  const resets = missing.map(([f, values]) => {
    const n = splField(name(f));
    return `${n}=if(in(tostring(${n}), ${values.map(splString).join(', ')}), null(), ${n})`;
  });
  if (resets.length) cmds.push(`eval ${resets.join(', ')}`);
  return cmds;
}

/** The events of the scan: the branch's own event filter. */
function scanEvents(bc: BranchContext): string[] {
  return eventFilter(bc, bc.branch.where, true);
}

/**
 * followed_by as an inner join on the window and the group keys. Its subsearch reads the follow-ups (suppressions
 * and followed_by's where), joins each with every probe of its key and `same` value (max=0: a follow-up can follow
 * probes of several windows), keeps those within `within` after the probe, and aggregates them per window and key.
 * The probes come from the scan's own events, restricted to the groups that pass `having` (eventstats), so the
 * inner subsearch stays small.
 */
function followedByJoin(bc: BranchContext, agg: Aggregation): string {
  const follow = bc.branch.followedBy!;
  const { name, time } = bc;
  const keys = keyFields(bc, agg);
  const same = splField(name(follow.same));
  const window = splField(JOIN_WINDOW);

  const probes = scanEvents(bc);
  probes.push(`bin span=${splSpan(agg.windowSeconds)} ${time} AS ${window}`);
  if (bc.branch.having) {
    const read = conditionFields(bc.branch.having);
    const needed = agg.aggregates.filter((a) => read.has(a.as));
    if (needed.length) {
      probes.push(`eventstats ${statsAggregates(needed, name)} BY ${window} ${keys}`);
      const caps = valuesCaps(needed);
      if (caps) probes.push(caps);
    }
    probes.push(`where ${splCondition(bc.branch.having, { field: columnName(bc, agg, JOIN_WINDOW), nullable: false })}`);
  }
  probes.push(`where ${present(same)}`);
  probes.push(`stats min(${time}) AS ${PROBE} BY ${window} ${keys} ${same}`);

  const followUps = eventFilter(bc, follow.where, false);
  followUps.push(`join type=inner max=0 ${keys} ${same} ${subsearch(probes)}`);
  followUps.push(`where ${time}>${PROBE} AND ${time}<=${PROBE}+${follow.withinSeconds}`);
  followUps.push(`stats ${statsAggregates(follow.aggregates, name)} BY ${window} ${keys}`);
  const caps = valuesCaps(follow.aggregates);
  if (caps) followUps.push(caps);
  followUps.push(`rename ${window} AS ${splField(agg.windowAs)}`);
  return `join type=inner ${splField(agg.windowAs)} ${keys} ${subsearch(followUps)}`;
}

/** A subsearch of pipeline commands, one per line, indented under its bracket. */
function subsearch(cmds: string[]): string {
  return `[\n${cmds.map((c) => `    | ${c.replace(/\n/g, '\n    ')}`).join('\n')}\n]`;
}

function present(f: string): string {
  return `(isnotnull(${f}) AND ${f}!="")`;
}

/** The group keys' native names, space-separated, for BY clauses and join field lists. */
function keyFields(bc: BranchContext, agg: Aggregation): string {
  return agg.by.map((k) => splField(bc.name(k.field))).join(' ');
}

/** A column of the aggregate rows before the keys are renamed: a key by its native name, the window as `window`. */
function columnName(bc: BranchContext, agg: Aggregation, window: string): (c: string) => string {
  return (c) => {
    if (c === agg.windowAs) return window;
    const key = agg.by.find((k) => k.as === c);
    return key ? bc.name(key.field) : c;
  };
}

function statsAggregates(aggregates: Aggregate[], name: (f: string) => string): string {
  return aggregates.map((a) => `${splAggregate(a, name)} AS ${splField(a.as)}`).join(' ');
}

/** values() keeps every value: `eval x=mvindex(x, 0, limit-1)` caps it, or undefined when there is no values(). */
function valuesCaps(aggregates: Aggregate[]): string | undefined {
  const caps = aggregates.filter((a) => a.fn === 'values').map((a) => `${splField(a.as)}=mvindex(${splField(a.as)}, 0, ${a.limit! - 1})`);
  return caps.length ? `eval ${caps.join(', ')}` : undefined;
}

function splAggregate(a: Aggregate, name: (f: string) => string): string {
  const f = a.field ? splField(name(a.field)) : '';
  switch (a.fn) {
    case 'count': return 'count';
    case 'distinct_count': return `dc(${f})`;
    case 'values': return `values(${f})`;
    case 'min': return `min(${f})`;
    case 'max': return `max(${f})`;
    case 'any': return `first(${f})`;
    default: return assertNever(a.fn, 'aggregate function');
  }
}
