import type { Condition, Rule } from './types.js';

/** True when `c` can only hold for events where `field` is present (an ANDed `exists: true`). */
export function impliesExists(c: Condition | undefined, field: string): boolean {
  if (!c) return false;
  if (c.kind === 'exists') return c.exists && c.field === field;
  if (c.kind === 'and') return c.exprs.some((e) => impliesExists(e, field));
  return false;
}

/** How far back the SIEM reads for one run: the lookback, plus the longest first-seen baseline of any branch. */
export function readPeriodSeconds(rule: Rule): number {
  return rule.schedule.lookbackSeconds + Math.max(0, ...rule.branches.map((b) => b.firstSeen?.baselineSeconds ?? 0));
}
