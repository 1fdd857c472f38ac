import type { Aggregate, Branch, Rule } from '../ir/types.js';
import { DATA_SOURCES } from '../ir/sources.js';
import { compileCondition, compileSuppressions } from './predicates.js';
import { lookbackWindow } from '../events/time.js';
import { compareValues, isMissing, toEpochMs, toNumber, type Row } from '../events/model.js';
import { output, projectEvent } from '../events/output.js';
import { assertNever } from '../util/assert-never.js';

export interface EvaluateOptions {
  /** The scheduler's "now" (ms since epoch): events in [now - lookback, now) are read. */
  now: number;
}


interface GroupState {
  window: number;
  keys: unknown[];
  count: number;
  distinct: Map<string, Set<string>>;
  values: Map<string, Map<string, unknown>>;
  min: Map<string, number>;
  max: Map<string, number>;
  any: Map<string, unknown>;
  /** followed_by: the group's first event time per value of the `same` field (the probe of that host). */
  probes?: Map<string, number>;
}

/** A follow-up candidate: an event of the lookback that passes the suppressions and followed_by's where. */
interface FollowUp {
  same: string;
  t: number;
  event: Row;
}

function newGroup(window: number, keys: unknown[]): GroupState {
  return { window, keys, count: 0, distinct: new Map(), values: new Map(), min: new Map(), max: new Map(), any: new Map() };
}

/**
 * The reference evaluator: runs one branch of the Rule IR over a stream of canonical events and returns its alert
 * rows (output columns only). It is the executable form of docs/semantics.md. Events are read once; memory grows
 * with the number of open groups (key × window), not with the number of events.
 */
export async function evaluateBranch(rule: Rule, branch: Branch, events: AsyncIterable<Row> | Iterable<Row>, opts: EvaluateOptions): Promise<Row[]> {
  const source = DATA_SOURCES[branch.source]!;
  const inWindow = lookbackWindow(rule, opts.now);
  const where = branch.where ? compileCondition(branch.where) : () => true;
  const suppressed = compileSuppressions(branch);
  const agg = branch.aggregation;
  const rows: Row[] = [];
  const groups = new Map<string, GroupState>();
  const follow = branch.followedBy;
  const followWhere = follow?.where ? compileCondition(follow.where) : () => true;
  // Follow-ups by group key: kept until the end, since a scan can qualify after its follow-ups were read.
  const followUps = new Map<string, FollowUp[]>();
  const followFields = [...new Set([source.time, ...(follow?.aggregates.flatMap((a) => (a.field ? [a.field] : [])) ?? [])])];

  // First seen: keys with any event in the baseline (before the lookback) cannot alert.
  const detectFrom = opts.now - rule.schedule.lookbackSeconds * 1000;
  const seenBefore = new Set<string>();
  for await (const e of events) {
    const t = inWindow(e[source.time]);
    if (t === undefined) continue;
    if (t < detectFrom) {
      const keys = branch.firstSeen && agg ? agg.by.map((k) => e[k.field]) : undefined;
      if (keys && !keys.some(isMissing)) seenBefore.add(JSON.stringify(keys));
      continue;
    }
    if (suppressed(e, t)) continue;
    if (follow && agg && followWhere(e)) {
      const keys = agg.by.map((k) => e[k.field]);
      const same = e[follow.same];
      if (!keys.some(isMissing) && !isMissing(same)) {
        const id = JSON.stringify(keys);
        const list = followUps.get(id) ?? [];
        // Only what the follow-up aggregates read: follow-ups are kept to the end, so their size is the memory.
        const event: Row = {};
        for (const f of followFields) event[f] = e[f];
        list.push({ same: String(same), t, event });
        followUps.set(id, list);
      }
    }
    if (!where(e)) continue;
    if (!agg) {
      rows.push(projectEvent(branch, e, source.time));
      continue;
    }
    const keys = agg.by.map((k) => e[k.field]);
    if (keys.some(isMissing)) continue;
    const size = agg.windowSeconds * 1000;
    const window = Math.floor(t / size) * size;
    const id = JSON.stringify([window, ...keys]);
    let g = groups.get(id);
    if (!g) {
      g = newGroup(window, keys);
      groups.set(id, g);
    }
    accumulate(g, agg.aggregates, e, source.time);
    if (follow && !isMissing(e[follow.same])) {
      g.probes ??= new Map();
      const k = String(e[follow.same]);
      const first = g.probes.get(k);
      if (first === undefined || t < first) g.probes.set(k, t);
    }
  }

  if (agg) {
    const having = branch.having ? compileCondition(branch.having) : () => true;
    for (const g of groups.values()) {
      if (seenBefore.has(JSON.stringify(g.keys))) continue;
      const row: Row = { [agg.windowAs]: g.window };
      agg.by.forEach((k, i) => (row[k.as] = g.keys[i]));
      for (const a of agg.aggregates) row[a.as] = finish(g, a);
      if (!having(row)) continue;
      if (follow) {
        // Follow-ups to a probed value, after the probe and at most `within` later.
        const f = newGroup(g.window, g.keys);
        for (const c of followUps.get(JSON.stringify(g.keys)) ?? []) {
          const probe = g.probes?.get(c.same);
          if (probe !== undefined && c.t > probe && c.t <= probe + follow.withinSeconds * 1000) accumulate(f, follow.aggregates, c.event, source.time);
        }
        if (!f.count) continue;
        for (const a of follow.aggregates) row[a.as] = finish(f, a);
      }
      rows.push(row);
    }
  }
  // Each classification's cases are compiled once, not once per row.
  const classify = branch.classifications.map((c) => ({ as: c.as, otherwise: c.otherwise, cases: c.cases.map((k) => ({ test: compileCondition(k.when), then: k.then })) }));
  for (const row of rows) {
    for (const c of classify) row[c.as] = c.cases.find((k) => k.test(row))?.then ?? c.otherwise;
    for (const d of branch.derived) {
      const a = toNumber(row[d.from]);
      const b = toNumber(row[d.to]);
      row[d.as] = a === undefined || b === undefined ? null : Math.trunc((b - a) / 1000);
    }
  }
  sortRows(rows, branch);
  return rows.map((r) => output(branch, r));
}

function accumulate(g: GroupState, aggregates: Aggregate[], e: Row, timeField: string) {
  g.count++;
  for (const a of aggregates) {
    if (!a.field) continue;
    const v = e[a.field];
    if (isMissing(v)) continue;
    switch (a.fn) {
      case 'distinct_count': {
        const s = g.distinct.get(a.as) ?? new Set<string>();
        s.add(distinctKey(v));
        g.distinct.set(a.as, s);
        break;
      }
      case 'values': {
        const m = g.values.get(a.as) ?? new Map<string, unknown>();
        m.set(distinctKey(v), v);
        g.values.set(a.as, m);
        break;
      }
      case 'min':
      case 'max': {
        const n = a.field === timeField ? toEpochMs(v) : toNumber(v);
        if (n === undefined) break;
        const cur = (a.fn === 'min' ? g.min : g.max).get(a.as);
        if (cur === undefined || (a.fn === 'min' ? n < cur : n > cur)) (a.fn === 'min' ? g.min : g.max).set(a.as, n);
        break;
      }
      case 'any':
        if (!g.any.has(a.as)) g.any.set(a.as, v);
        break;
      case 'count':
        break; // counted above, whatever the field holds
      default:
        assertNever(a.fn, 'aggregate function');
    }
  }
}

/** Numbers and numeric strings count as the same value ("22" and 22); other values by their text. */
function distinctKey(v: unknown): string {
  const n = toNumber(v);
  return n !== undefined ? `n:${n}` : `s:${String(v)}`;
}

function finish(g: GroupState, a: Aggregate): unknown {
  switch (a.fn) {
    case 'count':
      return g.count;
    case 'distinct_count':
      return g.distinct.get(a.as)?.size ?? 0;
    case 'values': {
      // The first `limit` values in text order (UTF-16 code units), numbers too: what Splunk's values() keeps, and
      // so what every backend keeps (docs/semantics.md, "values"). Numbers stay numbers.
      const vals = [...(g.values.get(a.as)?.values() ?? [])].map((v) => toNumber(v) ?? String(v));
      return vals.sort((x, y) => (String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0)).slice(0, a.limit);
    }
    case 'min':
      return g.min.get(a.as) ?? null;
    case 'max':
      return g.max.get(a.as) ?? null;
    case 'any':
      return g.any.get(a.as) ?? null;
    default:
      return assertNever(a.fn, 'aggregate function');
  }
}

function sortRows(rows: Row[], branch: Branch) {
  if (!branch.sort.length) return;
  rows.sort((x, y) => {
    for (const s of branch.sort) {
      const c = compareValues(x[s.column], y[s.column]);
      if (c) return s.order === 'asc' ? c : -c;
    }
    return 0;
  });
}
