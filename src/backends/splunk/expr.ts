import type { Condition, Predicate, SharedList } from '../../ir/types.js';
import { pcreLiteral, splField, splRegex, splString } from './escape.js';
import { assertNever } from '../../util/assert-never.js';

export interface SplScope {
  field(canonical: string): string;
  /** Columns after aggregation are never null; event fields can be. */
  nullable: boolean;
  /** `lookup` commands the condition needs (shared lists read from their lookup), by output field. */
  lookups?: Map<string, string>;
  /** The rule's shared lists by name (an external one is read from the SIEM's own lookup, e.g. ES ip_intel). */
  lists?: Map<string, SharedList>;
}

/**
 * Membership in a shared list through its lookup (transforms.conf: CIDR or case-insensitive match on `value`):
 * `| lookup <list> value AS <field> OUTPUT value AS <list>_<field>` runs before the condition, which then tests
 * that the output field is set.
 */
function lookupMatch(scope: SplScope, list: string, field: string): string {
  const out = splField(`${list}_${field}`.replace(/[^A-Za-z0-9_]/g, '_'));
  const l = scope.lists?.get(list);
  if (l?.external && !l.external.splunk) throw new Error(`${l.file}: the external list '${list}' names no Splunk source (external.splunk)`);
  const [name, key] = l?.external?.splunk ? [l.external.splunk.lookup, l.external.splunk.field] : [list, 'value'];
  scope.lookups?.set(out, `lookup ${name} ${key} AS ${splField(field)} OUTPUT ${key} AS ${out}`);
  return `isnotnull(${out})`;
}

const ALNUM = /[A-Za-z0-9]/;

/** Whole-term pattern for `has` (docs/semantics.md): boundaries only at the needle's alphanumeric ends. */
export function termPattern(needle: string): string {
  const before = ALNUM.test(needle[0] ?? '') ? '(?<![A-Za-z0-9])' : '';
  const after = ALNUM.test(needle[needle.length - 1] ?? '') ? '(?![A-Za-z0-9])' : '';
  return `${before}${pcreLiteral(needle)}${after}`;
}

/**
 * A condition as an eval/where expression, fully parenthesised and two-valued: every leaf on an event field is
 * guarded with isnotnull(), because in eval a comparison with a missing field is null and NOT null stays null,
 * which would drop events that `not` should keep.
 */
export function splCondition(c: Condition, scope: SplScope): string {
  switch (c.kind) {
    case 'and':
    case 'or': {
      const parts = c.exprs.map((e) => splCondition(e, scope));
      return parts.length === 1 ? parts[0]! : `(${parts.join(c.kind === 'and' ? ' AND ' : ' OR ')})`;
    }
    case 'not':
      return `NOT ${wrap(splCondition(c.expr, scope))}`;
    case 'string':
    case 'number':
    case 'cidr':
    case 'exists':
      return splPredicate(c, scope);
    default:
      return assertNever(c, 'condition');
  }
}

function wrap(s: string): string {
  return s.startsWith('(') && balancedOuter(s) ? s : `(${s})`;
}

function balancedOuter(s: string): boolean {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0 && i < s.length - 1) return false;
  }
  return true;
}

function guard(f: string, expr: string, scope: SplScope): string {
  return scope.nullable ? `(isnotnull(${f}) AND ${expr})` : expr;
}

function splPredicate(p: Predicate, scope: SplScope): string {
  const f = splField(scope.field(p.field));
  switch (p.kind) {
    case 'exists':
      return p.exists ? `(isnotnull(${f}) AND ${f}!="")` : `(isnull(${f}) OR ${f}="")`;
    case 'number': {
      const n = scope.nullable ? `tonumber(${f})` : f;
      const cmp = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=' } as const;
      const e = p.op === 'in' ? `in(${n}, ${p.values.join(', ')})` : `${n}${cmp[p.op]}${p.values[0]}`;
      return scope.nullable ? `(isnotnull(${n}) AND ${e})` : e;
    }
    case 'cidr': {
      if (p.list && scope.lookups) return lookupMatch(scope, p.list, scope.field(p.field));
      const parts = p.ranges.map((r) => `cidrmatch(${splString(r.text)}, ${f})`);
      return guard(f, parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`, scope);
    }
    case 'string': {
      const ci = !p.cased;
      if (p.list && scope.lookups && ci && (p.op === 'eq' || p.op === 'in')) return lookupMatch(scope, p.list, scope.field(p.field));
      if (p.op === 'eq' || p.op === 'in') {
        // in() compares strings exactly; lower() on both sides for case-insensitive matching.
        const vals = p.values.map((v) => splString(ci ? v.toLowerCase() : v));
        return guard(f, `in(${ci ? `lower(${f})` : f}, ${vals.join(', ')})`, scope);
      }
      const op = p.op;
      const pats = p.values.map((v) => {
        switch (op) {
          case 'startswith': return `\\A${pcreLiteral(v)}`;
          case 'endswith': return `${pcreLiteral(v)}\\z`;
          case 'contains': return pcreLiteral(v);
          case 'has': return termPattern(v);
          default: return assertNever(op, 'string operator');
        }
      });
      const body = pats.length === 1 ? pats[0]! : `(?:${pats.join('|')})`;
      return guard(f, `match(${f}, ${splRegex(`${ci ? '(?i)' : ''}${body}`)})`, scope);
    }
    default:
      return assertNever(p, 'predicate');
  }
}
