import type { Condition, Predicate, Rule, Suppression, SuppressionWindow } from './types.js';

/** True when `c` can only hold for events where `field` is present (an ANDed `exists: true`). */
export function impliesExists(c: Condition | undefined, field: string): boolean {
  if (!c) return false;
  if (c.kind === 'exists') return c.exists && c.field === field;
  if (c.kind === 'and') return c.exprs.some((e) => impliesExists(e, field));
  return false;
}

/** The fields (event fields, or columns of aggregate rows) a condition reads, added to `into`. */
export function conditionFields(c: Condition | undefined, into = new Set<string>()): Set<string> {
  if (!c) return into;
  if (c.kind === 'and' || c.kind === 'or') c.exprs.forEach((e) => conditionFields(e, into));
  else if (c.kind === 'not') conditionFields(c.expr, into);
  else into.add(c.field);
  return into;
}

/** How far back the SIEM reads for one run: the lookback, plus the longest first-seen baseline of any branch. */
export function readPeriodSeconds(rule: Rule): number {
  return rule.schedule.lookbackSeconds + Math.max(0, ...rule.branches.map((b) => b.firstSeen?.baselineSeconds ?? 0));
}

/** What a suppression window matches, as the predicate every backend and engine compiles: CIDR, or `eq` ignoring case. */
export function windowMatch(s: Suppression, w: SuppressionWindow): Predicate {
  return typeof w.match === 'string'
    ? { kind: 'string', op: 'eq', field: s.field, values: [w.match], cased: false, pos: s.pos }
    : { kind: 'cidr', field: s.field, ranges: [w.match], pos: s.pos };
}
