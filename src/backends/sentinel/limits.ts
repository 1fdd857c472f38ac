import type { Rule } from '../../ir/types.js';
import { facts, type Finding } from '../../load/diagnostic-facts.js';
import { diagnosticAt, type Diagnostic } from '../../load/diagnostics.js';
import { placeholderCount } from './deployable.js';
import { sentinelTactic } from './index.js';
import { MAX_PLACEHOLDERS, tacticsOf } from './platform.js';
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
    const n = placeholderCount(rule.alert[k]);
    if (n > MAX_PLACEHOLDERS) error(rule.alert.pos[k], facts.sentinelPlaceholders(n));
  }
  out.push(...techniqueTactics(rule));
  for (const l of rule.sharedLists) {
    const at = l.externalPos?.['sentinel.table'];
    if (l.external?.sentinel?.table === LEGACY_TI && at) {
      error(at, facts.sentinelRetiredTi(LEGACY_TI));
    }
  }
  return out;
}

/** The Azure-Sentinel CI refuses a technique none of whose tactics the rule names (sub-techniques count as their parent). */
function techniqueTactics(rule: Rule): Diagnostic[] {
  const tactics = rule.tactics.map(sentinelTactic);
  const at = rule.keyPos?.['attack.techniques'] ?? { file: rule.file, line: 1, col: 1 };
  return rule.techniques.flatMap((t) => {
    const want = tacticsOf(t);
    return want.some((w) => tactics.includes(w)) ? [] : [diagnosticAt(at, facts.sentinelTechniqueTactic(t, want.map(attackName)))];
  });
}

/** Sentinel's tactic name in the rule's spelling (CommandAndControl → command-and-control). */
function attackName(tactic: string): string {
  return tactic.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}

function duration(seconds: number): string {
  for (const [unit, n] of [['d', 86400], ['h', 3600], ['m', 60]] as const) if (seconds % n === 0) return `${seconds / n}${unit}`;
  return `${seconds}s`;
}
