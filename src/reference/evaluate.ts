import type { Branch, Rule } from '../ir/types.js';
import { conditionFields } from '../ir/analysis.js';
import { DATA_SOURCES } from '../ir/sources.js';
import { compileCondition, compileSuppressions } from './predicates.js';
import { lookbackTest } from '../events/time.js';
import { batchesOf, compareValues, isMissing, toNumber, type Row } from '../events/model.js';
import { compileAggregates, type Slots } from './aggregators.js';
import { interner } from '../util/interner.js';
import { output, projectEvent } from '../events/output.js';
import { GroupTable } from './group-table.js';

export interface EvaluateOptions {
  /** The scheduler's "now" (ms since epoch): events in [now - lookback, now) are read. */
  now: number;
}


/** An open group: its window and key values, its aggregate slots, and for followed_by its probes. */
class GroupState implements Slots {
  count = 0;
  /** followed_by: the group's first event time per value of the `same` field (the probe of that host). */
  probes?: Map<string, number>;
  constructor(readonly window: number, readonly keys: unknown[], readonly slots: unknown[]) {}
}

/** A follow-up candidate: an event of the lookback that passes the suppressions and followed_by's where. */
interface FollowUp {
  same: string;
  t: number;
  event: Row;
}

/**
 * The reference evaluator: runs one branch of the Rule IR over a stream of canonical events and returns its alert
 * rows (output columns only). It is the executable form of docs/semantics.md. Events are read once; memory grows
 * with the number of open groups (key × window), not with the number of events.
 */
export async function evaluateBranch(rule: Rule, branch: Branch, events: AsyncIterable<Row> | Iterable<Row>, opts: EvaluateOptions): Promise<Row[]> {
  const source = DATA_SOURCES[branch.source]!;
  const inWindow = lookbackTest(rule, opts.now);
  const where = branch.where ? compileCondition(branch.where) : () => true;
  const suppressed = compileSuppressions(branch);
  const agg = branch.aggregation;
  const acc = agg && compileAggregates(agg.aggregates, source.time);
  const rows: Row[] = [];
  const groups = new GroupTable<GroupState>();
  const follow = branch.followedBy;
  const followWhere = follow?.where ? compileCondition(follow.where) : () => true;
  const followAcc = follow && compileAggregates(follow.aggregates, source.time);
  // Each key field, and followed_by's `same` field, interns its own texts (see interner).
  const internKey = (agg?.by ?? []).map(() => interner());
  const internSame = interner();
  // Follow-ups by group key: kept until the end, since a scan can qualify after its follow-ups were read.
  const followUps = new Map<string, FollowUp[]>();
  const followFields = [...new Set([source.time, ...(follow?.aggregates.flatMap((a) => (a.field ? [a.field] : [])) ?? [])])];
  const by = agg?.by.map((k) => k.field) ?? [];
  const size = (agg?.windowSeconds ?? 0) * 1000;

  // First seen: keys with any event in the baseline (before the lookback) cannot alert.
  const detectFrom = opts.now - rule.schedule.lookbackSeconds * 1000;
  const seenBefore = new Set<string>();
  const event = (e: Row, t: number) => {
    if (t < detectFrom) {
      const keys = branch.firstSeen && agg ? by.map((k) => e[k]) : undefined;
      if (keys && !keys.some(isMissing)) seenBefore.add(JSON.stringify(keys));
      return;
    }
    if (suppressed(e, t)) return;
    if (follow && agg && followWhere(e)) {
      const keys = by.map((k) => e[k]);
      const same = e[follow.same];
      if (!keys.some(isMissing) && !isMissing(same)) {
        const id = JSON.stringify(keys);
        const list = followUps.get(id) ?? [];
        // Only what the follow-up aggregates read: follow-ups are kept to the end, so their size is the memory.
        const kept: Row = {};
        for (const f of followFields) kept[f] = e[f];
        list.push({ same: internSame(String(same)), t, event: kept });
        followUps.set(id, list);
      }
    }
    if (!where(e)) return;
    if (!agg || !acc) {
      rows.push(projectEvent(branch, e, source.time));
      return;
    }
    const window = Math.floor(t / size) * size;
    let g: GroupState | undefined;
    if (by.length === 1) {
      const k = e[by[0]!];
      if (isMissing(k)) return;
      g = groups.one(window, k);
      if (!g) g = groups.addOne(window, k, new GroupState(window, [typeof k === 'string' ? internKey[0]!(k) : k], new Array(acc.size)));
    } else {
      const keys = by.map((k) => e[k]);
      if (keys.some(isMissing)) return;
      g = groups.many(window, keys);
      if (!g) g = groups.addMany(window, keys, new GroupState(window, keys.map((k, i) => (typeof k === 'string' ? internKey[i]!(k) : k)), new Array(acc.size)));
    }
    acc.add(g, e, t);
    if (follow && !isMissing(e[follow.same])) {
      g.probes ??= new Map();
      const k = internSame(String(e[follow.same]));
      const first = g.probes.get(k);
      if (first === undefined || t < first) g.probes.set(k, t);
    }
  };
  for await (const { rows: batch, times } of batchesOf(events, source.time)) {
    for (let i = 0; i < batch.length; i++) if (inWindow(times[i]!)) event(batch[i]!, times[i]!);
  }

  if (agg) {
    const having = branch.having ? compileCondition(branch.having) : () => true;
    // The columns `having` reads are made first: most groups fail it, and the rest (value sets: a sort each) is
    // then made for the alerts alone.
    const tested = conditionFields(branch.having);
    const first = agg.aggregates.flatMap((a, i) => (tested.has(a.as) ? [i] : []));
    const rest = agg.aggregates.flatMap((a, i) => (tested.has(a.as) ? [] : [i]));
    for (const g of groups.all) {
      if (seenBefore.size && seenBefore.has(JSON.stringify(g.keys))) continue;
      const row: Row = { [agg.windowAs]: g.window };
      agg.by.forEach((k, i) => (row[k.as] = g.keys[i]));
      for (const i of first) row[agg.aggregates[i]!.as] = acc!.finish(g, i);
      if (!having(row)) continue;
      for (const i of rest) row[agg.aggregates[i]!.as] = acc!.finish(g, i);
      if (follow) {
        // Follow-ups to a probed value, after the probe and at most `within` later.
        const f = followAcc!.newSlots();
        for (const c of followUps.get(JSON.stringify(g.keys)) ?? []) {
          const probe = g.probes?.get(c.same);
          if (probe !== undefined && c.t > probe && c.t <= probe + follow.withinSeconds * 1000) followAcc!.add(f, c.event, c.t);
        }
        if (!f.count) continue;
        follow.aggregates.forEach((a, i) => (row[a.as] = followAcc!.finish(f, i)));
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
