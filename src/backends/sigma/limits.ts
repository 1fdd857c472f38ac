import type { Rule } from '../../ir/types.js';
import type { BackendMapping } from '../../mapping/types.js';
import { planCorrelations } from './correlation.js';

/** Why Sigma cannot express a rule at all (the backend emits nothing for it), or undefined when it can. */
export function sigmaUnexpressible(rule: Rule, mapping: BackendMapping): { branch: string; message: string } | undefined {
  if (rule.branches.some((b) => b.firstSeen)) {
    return { branch: '*', message: 'first_seen: Sigma cannot look back for prior interaction (no baseline, no anti-join), so the rule is not emitted for Sigma' };
  }
  if (rule.branches.some((b) => b.followedBy)) {
    return { branch: '*', message: "followed_by: Sigma's temporal correlations group only on fields all their rules share, so the follow-up cannot be tied to a host the scan reached (the scan counts hosts, it does not group by them); the rule is not emitted for Sigma" };
  }
  const external = rule.sharedLists.filter((l) => l.external);
  if (external.length) {
    return { branch: '*', message: `reads threat intelligence from the SIEM (${external.map((l) => `$${l.name}`).join(', ')}); Sigma has no lookups, so the rule is not emitted for Sigma` };
  }
  for (const b of rule.branches) {
    const plan = b.aggregation && planCorrelations(b.having, b.aggregation, mapping.sources[b.source]!);
    if (plan && !plan.ok) return { branch: b.name, message: `${plan.reason}: Sigma correlations express one threshold each (or an OR of them as separate rules); the rule is not emitted for Sigma` };
  }
  return undefined;
}
