import type { Rule } from '../../ir/types.js';
import { facts, type Finding } from '../../load/diagnostic-facts.js';
import { diagnosticAt, type Diagnostic } from '../../load/diagnostics.js';
import { SENTINEL_MAX_SECONDS, SENTINEL_MIN_SECONDS } from './schedule.js';

const LEGACY_TI = 'ThreatIntelligenceIndicator';

/** What Microsoft Sentinel refuses in a scheduled analytics rule, as errors on the rule's (or its list's) lines. */
export function sentinelLimits(rule: Rule): Diagnostic[] {
  const out: Diagnostic[] = [];
  const error = (pos: Rule['schedule']['pos']['frequency'], finding: Finding) => out.push(diagnosticAt(pos, finding));
  const { frequencySeconds: frequency, lookbackSeconds: lookback, pos } = rule.schedule;
  const outside = (s: number) => s < SENTINEL_MIN_SECONDS || s > SENTINEL_MAX_SECONDS;
  if (outside(frequency)) error(pos.frequency, facts.sentinelSchedule('frequency'));
  if (outside(lookback)) error(pos.lookback, facts.sentinelSchedule('lookback'));
  for (const b of rule.branches) {
    if (b.firstSeen && lookback + b.firstSeen.baselineSeconds > SENTINEL_MAX_SECONDS) {
      error(b.firstSeen.baselinePos, facts.sentinelQueryPeriod(duration(lookback)));
    }
  }
  for (const k of ['title', 'description'] as const) {
    const cols = [...rule.alert[k].matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]!);
    if (new Set(cols).size > 3) error(rule.alert.pos[k], facts.sentinelPlaceholders());
  }
  for (const l of rule.sharedLists) {
    const at = l.externalPos?.['sentinel.table'];
    if (l.external?.sentinel?.table === LEGACY_TI && at) {
      error(at, facts.sentinelRetiredTi(LEGACY_TI));
    }
  }
  return out;
}

function duration(seconds: number): string {
  for (const [unit, n] of [['d', 86400], ['h', 3600], ['m', 60]] as const) if (seconds % n === 0) return `${seconds / n}${unit}`;
  return `${seconds}s`;
}
