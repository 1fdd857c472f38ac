// `having` over aggregate columns → Sigma correlation rules. Sigma expresses one threshold per correlation:
// `count` → event_count, `distinct_count` → value_count. An OR of thresholds becomes one correlation each.
import type { Aggregation, Condition } from '../../ir/types.js';
import type { SourceMapping } from '../../mapping/types.js';

export interface CorrelationPlan {
  /** The aggregate column the threshold reads (UniqueDestPorts). */
  column: string;
  type: 'event_count' | 'value_count';
  /** Sigma field for value_count. */
  field?: string;
  /** The canonical field value_count counts. */
  canonical?: string;
  op: 'gt' | 'gte';
  value: number;
}

export type HavingResult = { ok: true; plans: CorrelationPlan[] } | { ok: false; reason: string };

/**
 * Plans correlations for `having`: a threshold `{column gt|gte N}` or an OR (`any`) of them, each column a
 * `count` or `distinct_count` aggregate. No `having` means every group alerts: event_count >= 1.
 */
export function planCorrelations(having: Condition | undefined, agg: Aggregation, sm: SourceMapping): HavingResult {
  if (!having) return { ok: true, plans: [{ column: '(any group)', type: 'event_count', op: 'gte', value: 1 }] };
  const terms = having.kind === 'or' ? having.exprs : [having];
  const plans: CorrelationPlan[] = [];
  for (const t of terms) {
    if (t.kind !== 'number' || (t.op !== 'gte' && t.op !== 'gt') || t.values.length !== 1 || !Number.isInteger(t.values[0])) {
      return { ok: false, reason: 'having is not an OR of `column >= N` thresholds' };
    }
    const a = agg.aggregates.find((x) => x.as === t.field);
    if (!a || (a.fn !== 'count' && a.fn !== 'distinct_count')) {
      return { ok: false, reason: `having reads column '${t.field}', which is not a count or distinct_count aggregate` };
    }
    if (a.fn === 'count') plans.push({ column: a.as, type: 'event_count', op: t.op, value: t.values[0]! });
    else {
      const f = sm.fields[a.field!];
      if (!f || f.transform) return { ok: false, reason: `distinct_count of '${a.field}' has no plain Sigma field` };
      plans.push({ column: a.as, type: 'value_count', field: f.name, canonical: a.field!, op: t.op, value: t.values[0]! });
    }
  }
  return { ok: true, plans };
}
