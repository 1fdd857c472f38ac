import { readPeriodSeconds } from '../../ir/analysis.js';
import type { Rule } from '../../ir/types.js';

/** Days of ThreatIntelIndicators a query reads: Sentinel republishes every indicator at least once a week. */
export const SENTINEL_TI_DAYS = 14;

/** Sentinel's scheduled-rule limits: queryFrequency and queryPeriod between 5 minutes and 14 days. */
export const SENTINEL_MIN_SECONDS = 300;
export const SENTINEL_MAX_SECONDS = 14 * 86400;

/**
 * Sentinel's queryPeriod: the read period, or 14 days when the rule reads threat intelligence. The queryPeriod
 * bounds every table of the query, and an indicator's latest row can be up to a week old.
 */
export function sentinelQueryPeriodSeconds(rule: Rule): number {
  const ti = rule.sharedLists.some((l) => l.external?.sentinel);
  return Math.max(readPeriodSeconds(rule), ti ? SENTINEL_TI_DAYS * 86400 : 0);
}
