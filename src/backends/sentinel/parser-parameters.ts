import type { Cidr, Condition } from '../../ir/types.js';
import { kqlDynamicStrings, kqlNumber, kqlString, kqlTimespan } from './escape.js';

// The filtering parameters of a workspace parser function (ASIM's _Im_NetworkSession): a pre-filter that each source
// parser applies before normalising, so a rule that passes them reads less. They never replace the rule's own
// filters, which stay in the query; so a parameter is passed only where the rule's filter implies it exactly, with
// the parser's semantics (docs/semantics.md, "ASIM parser parameters"): the rows it drops are rows the rule drops.

/** How a parameter filters the parser's rows, as the parser's own query does. */
type ParameterKind =
  /** `TimeGenerated >= starttime` / `TimeGenerated <= endtime` (both inclusive). */
  | 'start'
  | 'end'
  /** `Column in (list)`: exact, case-sensitive; an empty list filters nothing. */
  | 'string_in'
  /** `Column == value`, case-sensitive; `'*'` filters nothing. */
  | 'string_eq'
  /** `Column == value` for an int column; null filters nothing. */
  | 'int_eq'
  /** `has_any_ipv4_prefix(Column, list)`: an IPv4 address starting with a whole-octet prefix (`10.1.`) or equal to a full address. */
  | 'ipv4_prefix';

interface ParameterSpec {
  name: string;
  kind: ParameterKind;
  /** The parser's column it filters (a column of the function's result). */
  column: string;
}

/**
 * The parameters detc derives, by function. Left out of _Im_NetworkSession: `ipaddr_has_any_prefix` (source or
 * destination: the two specific lists are always at least as narrow) and `hostname_has_any` (SrcHostname or
 * DstHostname by term, columns no canonical field maps to).
 */
const PARSER_PARAMETERS: Record<string, ParameterSpec[]> = {
  _Im_NetworkSession: [
    { name: 'starttime', kind: 'start', column: 'TimeGenerated' },
    { name: 'endtime', kind: 'end', column: 'TimeGenerated' },
    { name: 'srcipaddr_has_any_prefix', kind: 'ipv4_prefix', column: 'SrcIpAddr' },
    { name: 'dstipaddr_has_any_prefix', kind: 'ipv4_prefix', column: 'DstIpAddr' },
    { name: 'dstportnumber', kind: 'int_eq', column: 'DstPortNumber' },
    { name: 'dvcaction', kind: 'string_in', column: 'DvcAction' },
    { name: 'eventresult', kind: 'string_eq', column: 'EventResult' },
  ],
};

/** At most this many prefixes stand for one filter's ranges (the parser accepts 10,000; a query stays readable). */
const MAX_PREFIXES = 256;

/** The time range one read of the parser covers, in seconds before now: [from, to] (to 0 is now()). */
export interface ReadRange {
  fromSeconds: number;
  toSeconds: number;
}

/** How the rule's canonical fields reach the parser's columns. */
export interface ParameterScope {
  /** The column a canonical field maps to. */
  column: (field: string) => string;
  /** The canonical time field. */
  time: string;
}

/**
 * The call of a workspace function with the parameters `where` and `range` imply, e.g.
 * `_Im_NetworkSession(starttime=ago(1h), endtime=now(), dvcaction=dynamic(["Deny"]))`; `name()` for a function
 * whose parameters detc does not know.
 */
export function parserCall(name: string, where: Condition | undefined, range: ReadRange, scope: ParameterScope): string {
  const args: string[] = [];
  for (const p of PARSER_PARAMETERS[name] ?? []) {
    const value = parameterValue(p, where, range, scope);
    if (value !== undefined) args.push(`${p.name}=${value}`);
  }
  return `${name}(${args.join(', ')})`;
}

/**
 * Why a parameter whose column the rule does filter on is not passed (for REPORT.md): the filter is required but
 * says more, or other, than the parameter could, so passing it would drop rows the rule keeps.
 */
export function withheldParameters(name: string, where: Condition | undefined, scope: ParameterScope): string[] {
  const out: string[] = [];
  const range = { fromSeconds: 1, toSeconds: 0 };
  for (const p of PARSER_PARAMETERS[name] ?? []) {
    if (p.kind === 'start' || p.kind === 'end' || parameterValue(p, where, range, scope) !== undefined) continue;
    const filters = conjuncts(where).filter((c) => onlyColumn(c, p.column, scope));
    if (!filters.length) continue;
    const leaves = filters.flatMap(leavesOf);
    const why = leaves.some((c) => 'list' in c && c.list) ? `the rule reads its values from a list kept in the workspace (a watchlist or threat intelligence), which changes without a rebuild`
      : p.kind === 'string_in' || p.kind === 'string_eq' ? (leaves.some((c) => c.kind === 'string' && !c.cased)
        ? `the rule compares ${p.column} case-insensitively, the parser's ${p.name} case-sensitively (it would drop '${upperOf(leaves)}')`
        : `the rule's ${p.column} filter is not ${p.kind === 'string_eq' ? 'one exact value' : 'a list of exact values'}`)
      : p.kind === 'int_eq' ? `the rule allows more than one ${p.column}`
      : `the rule's ${p.column} ranges are not all IPv4 (or need more than ${MAX_PREFIXES} whole-octet prefixes)`;
    out.push(`${p.name} not passed: ${why}`);
  }
  return out;
}

/** A condition that asks `column` for values (an `or` of such conditions included; `exists` and `not` ask for none). */
function onlyColumn(c: Condition, column: string, scope: ParameterScope): boolean {
  if (c.kind === 'or' || c.kind === 'and') return c.exprs.every((e) => onlyColumn(e, column, scope));
  return (c.kind === 'string' || c.kind === 'number' || c.kind === 'cidr') && scope.column(c.field) === column;
}

function leavesOf(c: Condition): Condition[] {
  return c.kind === 'or' || c.kind === 'and' ? c.exprs.flatMap(leavesOf) : [c];
}

/** An upper-case spelling of the first string value among the filters: one the case-insensitive rule keeps. */
function upperOf(leaves: Condition[]): string {
  const first = leaves.find((c) => c.kind === 'string');
  return first?.kind === 'string' ? (first.values[0] ?? '').toUpperCase() : '';
}

function parameterValue(p: ParameterSpec, where: Condition | undefined, range: ReadRange, scope: ParameterScope): string | undefined {
  // The parser filters its own column: a rule whose time (or field) maps elsewhere implies nothing about it.
  const fieldsOf = (column: string) => (c: Condition) => 'field' in c && scope.column(c.field) === column;
  switch (p.kind) {
    case 'start':
      return scope.column(scope.time) === p.column ? `ago(${kqlTimespan(range.fromSeconds)})` : undefined;
    case 'end':
      if (scope.column(scope.time) !== p.column) return undefined;
      return range.toSeconds === 0 ? 'now()' : `ago(${kqlTimespan(range.toSeconds)})`;
    case 'string_in': {
      const values = impliedStrings(where, fieldsOf(p.column));
      return values?.length ? kqlDynamicStrings(values) : undefined;
    }
    case 'string_eq': {
      const values = impliedStrings(where, fieldsOf(p.column));
      // '*' is the parameter's "any": passing it would say nothing.
      return values?.length === 1 && values[0] !== '*' ? kqlString(values[0]!) : undefined;
    }
    case 'int_eq': {
      const values = impliedNumbers(where, fieldsOf(p.column));
      const v = values?.length === 1 ? values[0]! : undefined;
      return v !== undefined && Number.isInteger(v) && Math.abs(v) < 2 ** 31 ? `int(${kqlNumber(v)})` : undefined;
    }
    case 'ipv4_prefix': {
      const prefixes = impliedIpv4Prefixes(where, fieldsOf(p.column));
      return prefixes?.length ? kqlDynamicStrings(prefixes) : undefined;
    }
  }
}

/** The conditions that must all hold for `where` to hold. */
function conjuncts(c: Condition | undefined): Condition[] {
  if (!c) return [];
  return c.kind === 'and' ? c.exprs.flatMap(conjuncts) : [c];
}

/**
 * The exact values (case-sensitive) a field must take for `where` to hold, or undefined when they are not a finite
 * list: a required case-sensitive `eq`/`in`, or an `or` of them on the same field. A list read from a watchlist is
 * left out: the SOC edits it in the workspace, and a value compiled into the call would go stale.
 */
function impliedStrings(where: Condition | undefined, onColumn: (c: Condition) => boolean): string[] | undefined {
  const exact = (c: Condition): string[] | undefined => {
    if (c.kind === 'or') {
      const parts = c.exprs.map(exact);
      return parts.every((p) => p !== undefined) ? [...new Set(parts.flat() as string[])] : undefined;
    }
    return c.kind === 'string' && (c.op === 'eq' || c.op === 'in') && c.cased && !c.list && onColumn(c) ? c.values : undefined;
  };
  return intersect(conjuncts(where).map(exact));
}

/** The numbers a field must equal for `where` to hold (a required numeric `eq`/`in`), or undefined. */
function impliedNumbers(where: Condition | undefined, onColumn: (c: Condition) => boolean): number[] | undefined {
  const exact = (c: Condition): number[] | undefined => (c.kind === 'number' && (c.op === 'eq' || c.op === 'in') && onColumn(c) ? c.values : undefined);
  return intersect(conjuncts(where).map(exact));
}

/** The values every defined list holds, in the first list's order; undefined when no list is defined. */
function intersect<T>(lists: (T[] | undefined)[]): T[] | undefined {
  const defined = lists.filter((l): l is T[] => l !== undefined);
  if (!defined.length) return undefined;
  return [...new Set(defined[0])].filter((v) => defined.every((l) => l.includes(v)));
}

/**
 * The whole-octet prefixes equivalent to a required CIDR membership over IPv4 ranges only (10.0.0.0/8 → "10.",
 * 172.16.0.0/12 → "172.16." … "172.31.", a /32 → the address), or undefined. An IPv6 range, /0 or a list from a
 * watchlist cannot be said this way.
 */
function impliedIpv4Prefixes(where: Condition | undefined, onColumn: (c: Condition) => boolean): string[] | undefined {
  for (const c of conjuncts(where)) {
    if (c.kind !== 'cidr' || c.list || !onColumn(c) || !c.ranges.length) continue;
    if (c.ranges.some((r) => r.family !== 4 || r.prefix === 0)) continue;
    const prefixes = [...new Set(c.ranges.flatMap(octetPrefixes))];
    if (prefixes.length <= MAX_PREFIXES) return prefixes;
  }
  return undefined;
}

function octetPrefixes(r: Cidr): string[] {
  const octets = r.network.split('.').map(Number);
  const whole = Math.ceil(r.prefix / 8);
  const spread = 2 ** (whole * 8 - r.prefix);
  const out: string[] = [];
  for (let i = 0; i < spread; i++) {
    const head = octets.slice(0, whole);
    head[whole - 1] = (head[whole - 1]! & (256 - spread)) + i;
    out.push(whole === 4 ? head.join('.') : `${head.join('.')}.`);
  }
  return out;
}
