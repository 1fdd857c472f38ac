import { impliesExists, windowMatch } from '../../ir/analysis.js';
import { DATA_SOURCES } from '../../ir/sources.js';
import type { Aggregate, Branch, Rule } from '../../ir/types.js';
import { fieldsRead } from '../mapping.js';
import type { BackendNote, SourceMapping } from '../types.js';
import { splField, splSpan, splString } from './escape.js';
import { splCondition, type SplScope } from './expr.js';

/** The filter macro of a rule: `<slug_with_underscores>_filter` (Splunk content's local-tuning hook). */
export function filterMacro(rule: Rule): string {
  return `${rule.slug.replace(/[^A-Za-z0-9]/g, '_')}_filter`;
}

/** The SPL of one branch as pipeline commands (without the leading `| `); the template joins them. */
export function buildSplCommands(rule: Rule, branch: Branch, sm: SourceMapping, notes: BackendNote[]): string[] {
  const source = DATA_SOURCES[branch.source]!;
  const name = (f: string) => sm.fields[f]!.name;
  const cmds: string[] = [`datamodel ${sm.settings.datamodel} ${sm.settings.dataset} flat`];
  const time = splField(name(source.time));
  // CIM fills some missing fields with placeholders (dest_port 0, user "unknown"): turn them back into null.
  const resets = fieldsRead(branch)
    .filter((f) => sm.fields[f]!.missing.length && f !== source.time)
    .map((f) => {
      const n = splField(name(f));
      return `${n}=if(in(tostring(${n}), ${sm.fields[f]!.missing.map(splString).join(', ')}), null(), ${n})`;
    });
  if (resets.length) {
    cmds.push(`eval ${resets.join(', ')}`);
    const which = fieldsRead(branch).filter((f) => sm.fields[f]!.missing.length && f !== source.time);
    notes.push({
      rule: rule.file, branch: branch.name, backend: 'splunk', kind: 'approximated',
      message: `CIM writes placeholders for missing values, so a real value equal to one counts as missing: ${which.map((f) => `${f} (${name(f)} ${sm.fields[f]!.missing.map((m) => JSON.stringify(m)).join('/')})`).join(', ')}`,
    });
  }
  if (branch.firstSeen && branch.aggregation) {
    // No prior interaction: the search reads lookback + baseline; a key's first event must fall in the lookback.
    const since = `relative_time(now(), "-${splSpan(rule.schedule.lookbackSeconds)}")`;
    cmds.push(`eventstats min(${time}) AS detc_first_seen BY ${branch.aggregation.by.map((k) => splField(name(k.field))).join(' ')}`);
    cmds.push(`where ${time}>=${since} AND detc_first_seen>=${since}`);
  }
  const lookups = new Map<string, string>();
  const eventScope: SplScope = { field: name, nullable: true, lookups, lists: new Map(rule.sharedLists.map((l) => [l.name, l])) };
  const windows = branch.suppressions.flatMap((s) => s.windows.map((w) =>
    `(${time}>=${w.startMs / 1000} AND ${time}<${w.endMs / 1000} AND ${splCondition(windowMatch(s, w), { field: name, nullable: true })})`));
  if (windows.length) cmds.push(`where NOT (${windows.join(' OR ')})`);
  const where = branch.where ? splCondition(branch.where, eventScope) : undefined;
  cmds.push(...lookups.values());
  if (where) cmds.push(`where ${where}`);

  const agg = branch.aggregation;
  const renames: string[] = [];
  const copies: string[] = [];
  if (agg) {
    const keyChecks = agg.by
      .filter((k) => !impliesExists(branch.where, k.field))
      .map((k) => `(isnotnull(${splField(name(k.field))}) AND ${splField(name(k.field))}!="")`);
    if (keyChecks.length) cmds.push(`where ${keyChecks.join(' AND ')}`);
    // Bucket a copy: binning _time itself would make min(_time)/max(_time) return the bucket start.
    const window = splField(agg.windowAs);
    cmds.push(`bin span=${splSpan(agg.windowSeconds)} ${time} AS ${window}`);
    if (agg.windowSeconds >= 86400) {
      notes.push({ rule: rule.file, branch: branch.name, backend: 'splunk', kind: 'approximated', message: `window: bin span=${splSpan(agg.windowSeconds)} aligns day-sized buckets to the local day boundary of the search's time zone, not to the Unix epoch (exact only when the search runs in UTC)` });
    }
    cmds.push(`stats ${agg.aggregates.map((a) => `${splAggregate(a, name)} AS ${splField(a.as)}`).join(' ')} BY ${window} ${agg.by.map((k) => splField(name(k.field))).join(' ')}`);
    const caps = agg.aggregates.filter((a) => a.fn === 'values').map((a) => `${splField(a.as)}=mvindex(${splField(a.as)}, 0, ${a.limit! - 1})`);
    if (caps.length) {
      cmds.push(`eval ${caps.join(', ')}`);
      notes.push({ rule: rule.file, branch: branch.name, backend: 'splunk', kind: 'approximated', message: 'values: values() sorts as strings before the cap ("10" before "9"), so above the limit the kept values can differ from KQL, which sorts numbers numerically' });
    }
    if (agg.aggregates.some((a) => a.fn === 'distinct_count')) {
      notes.push({ rule: rule.file, branch: branch.name, backend: 'splunk', kind: 'approximated', message: 'distinct_count: dc() is exact but counts distinct string forms ("22" and "022" are two values)' });
    }
    if (agg.aggregates.some((a) => a.fn === 'any')) {
      notes.push({ rule: rule.file, branch: branch.name, backend: 'splunk', kind: 'approximated', message: 'any: first() takes the value of the first event Splunk returns (the most recent), one of the group\'s values as the rule allows' });
    }
    for (const k of agg.by) if (name(k.field) !== k.as) renames.push(`${splField(name(k.field))} AS ${splField(k.as)}`);
  }
  const columnScope: SplScope = { field: (c) => c, nullable: false };
  if (branch.having) cmds.push(`where ${splCondition(branch.having, columnScope)}`);
  for (const c of branch.classifications) {
    const arms = c.cases.map((k) => `${splCondition(k.when, columnScope)}, ${splString(k.then)}`);
    cmds.push(`eval ${splField(c.as)}=case(${[...arms, `true(), ${splString(c.otherwise)}`].join(', ')})`);
  }
  for (const d of branch.derived) cmds.push(`eval ${splField(d.as)}=floor(${splField(d.to)}-${splField(d.from)})`);
  if (renames.length) cmds.push(`rename ${renames.join(', ')}`);
  if (!agg) {
    for (const o of branch.output) copies.push(`${splField(o.name)}=${splField(name(o.field!))}`);
  }
  if (copies.length) cmds.push(`eval ${copies.join(', ')}`);
  if (branch.sort.length) cmds.push(`sort 0 ${branch.sort.map((s) => `${s.order === 'desc' ? '-' : '+'} ${splField(s.column)}`).join(' ')}`);
  cmds.push(`table ${branch.output.map((o) => splField(o.name)).join(' ')}`);
  return cmds;
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
  }
}
