import type { Condition, FieldType, OutputColumn, Predicate, SharedList, StringOp } from '../../ir/types.js';
import { kqlDynamicStrings, kqlName, kqlNumber, kqlString } from './escape.js';
import { SENTINEL_TI_DAYS } from './schedule.js';
import { assertNever } from '../../util/assert-never.js';

/** How a condition's field names resolve: event fields through the table mapping, or output columns as they are. */
export interface KqlScope {
  column(field: string): string;
  type(field: string): FieldType | OutputColumn['type'];
  /** Aggregate columns are never null; event columns can be. */
  nullable: boolean;
  /** `let` statements the condition needs (shared lists read from their watchlist), by name. */
  lets?: Map<string, string>;
  /** The rule's shared lists by name (an external one is read from the SIEM's store, not a watchlist). */
  lists?: Map<string, SharedList>;
}

/** The table expression of a list's values as SearchKey: its watchlist, or for threat intelligence the TI table. */
function listSource(scope: KqlScope, list: string): string {
  const l = scope.lists?.get(list);
  if (!l?.external) return `_GetWatchlist(${kqlString(list)})`;
  const table = l.external.sentinel?.table;
  if (!table) throw new Error(`${l.file}: the external list '${list}' names no Sentinel source (external.sentinel.table)`);
  // IP indicators (STIX ipv4-addr/ipv6-addr values, which may be CIDR ranges) in their latest state: Sentinel writes
  // a row per update and republishes each indicator weekly, so the newest row of each Id says whether it is still
  // active, not deleted and not past its valid_until (optional in STIX: none means no expiry).
  return `${kqlName(table)} | where TimeGenerated >= ago(${SENTINEL_TI_DAYS}d) | where ObservableKey in ("ipv4-addr:value", "ipv6-addr:value") | summarize arg_max(TimeGenerated, IsActive, IsDeleted, ValidUntil, ObservableValue) by Id | where IsActive == true and IsDeleted == false and (isnull(ValidUntil) or ValidUntil > now()) | extend SearchKey = ObservableValue | where isnotempty(SearchKey)`;
}

/** `let <list>[_v4|_v6] = toscalar(_GetWatchlist('<list>') | ...)`: the list's values as a dynamic array. */
function watchlistLet(scope: KqlScope, list: string, family?: 4 | 6): string {
  const name = family ? `${list}_v${family}` : list;
  const filter = family === 4 ? ' | where SearchKey !contains ":"' : family === 6 ? ' | where SearchKey contains ":"' : '';
  scope.lets?.set(name, `let ${kqlName(name)} = toscalar(${listSource(scope, list)}${filter} | summarize Values = make_list(SearchKey));`);
  return kqlName(name);
}

/** The KQL operator of a pattern-matching string operator: `_cs` is the case-sensitive one. */
function kqlStringOp(op: Exclude<StringOp, 'eq' | 'in'>, cased: boolean): string {
  switch (op) {
    case 'startswith':
    case 'endswith':
    case 'contains':
    case 'has':
      return cased ? `${op}_cs` : op;
    default:
      return assertNever(op, 'string operator');
  }
}

/**
 * Compiles a condition to a KQL boolean expression that is two-valued: a predicate on a missing value is false,
 * never null, so `not(...)` keeps the events the canonical rule keeps (KQL's not(null) is null and drops the row).
 */
export function kqlCondition(c: Condition, scope: KqlScope): string {
  switch (c.kind) {
    case 'and':
    case 'or': {
      const parts = c.exprs.map((e) => kqlCondition(e, scope));
      if (parts.length === 1) return parts[0]!;
      return `(${parts.join(c.kind === 'and' ? ' and ' : ' or ')})`;
    }
    case 'not':
      return `not(${kqlCondition(c.expr, scope)})`;
    case 'string':
    case 'number':
    case 'cidr':
    case 'exists':
      return kqlPredicate(c, scope);
    default:
      return assertNever(c, 'condition');
  }
}

function anyOf(parts: string[]): string {
  return parts.length === 1 ? parts[0]! : `(${parts.join(' or ')})`;
}

function kqlPredicate(p: Predicate, scope: KqlScope): string {
  const col = kqlName(scope.column(p.field));
  const type = scope.type(p.field);
  const numeric = type === 'int' || type === 'number';
  switch (p.kind) {
    case 'exists':
      // Strings in KQL are never null: the empty string is the missing value.
      if (numeric || type === 'timestamp') return p.exists ? `isnotnull(${col})` : `isnull(${col})`;
      return p.exists ? `isnotempty(${col})` : `isempty(${col})`;
    case 'number': {
      const cmp = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '==' } as const;
      let e: string;
      if (p.op === 'in') e = `${col} in (${p.values.map(kqlNumber).join(', ')})`;
      else e = `${col} ${cmp[p.op]} ${kqlNumber(p.values[0]!)}`;
      return scope.nullable ? `(isnotnull(${col}) and ${e})` : e;
    }
    case 'cidr': {
      // ipv4_* return null for anything that is not IPv4 (IPv6 included): coalesce keeps the predicate two-valued
      // so that `not(cidr)` keeps an IPv6 source instead of silently dropping it. ipv6_* also accept IPv4 text;
      // the parse_ipv4 guard keeps IPv6 ranges from matching IPv4 addresses (canonical: families never mix).
      if (p.list && scope.lets) {
        // The ranges come from the watchlist at run time (editable in the workspace); families split as below.
        const v4 = watchlistLet(scope, p.list, 4);
        const v6 = watchlistLet(scope, p.list, 6);
        return `(coalesce(ipv4_is_in_any_range(${col}, ${v4}), false) or (isnull(parse_ipv4(${col})) and coalesce(ipv6_is_in_any_range(${col}, ${v6}), false)))`;
      }
      const v4 = p.ranges.filter((r) => r.family === 4).map((r) => r.text);
      const v6 = p.ranges.filter((r) => r.family === 6).map((r) => r.text);
      const parts: string[] = [];
      if (v4.length) parts.push(`coalesce(ipv4_is_in_any_range(${col}, ${kqlDynamicStrings(v4)}), false)`);
      if (v6.length) parts.push(`(isnull(parse_ipv4(${col})) and coalesce(ipv6_is_in_any_range(${col}, ${kqlDynamicStrings(v6)}), false))`);
      return anyOf(parts);
    }
    case 'string': {
      const vals = p.values;
      if (p.list && scope.lets && !p.cased && (p.op === 'in' || p.op === 'eq')) return `${col} in~ (${watchlistLet(scope, p.list)})`;
      if (p.op === 'eq') return `${col} ${p.cased ? '==' : '=~'} ${kqlString(vals[0]!)}`;
      if (p.op === 'in') return `${col} ${p.cased ? 'in' : 'in~'} (${vals.map(kqlString).join(', ')})`;
      if (p.op === 'has' && !p.cased && vals.length > 1) return `${col} has_any (${vals.map(kqlString).join(', ')})`;
      const op = kqlStringOp(p.op, p.cased);
      return anyOf(vals.map((v) => `${col} ${op} ${kqlString(v)}`));
    }
    default:
      return assertNever(p, 'predicate');
  }
}
