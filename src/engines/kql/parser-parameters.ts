import { hasTerm } from '../../events/terms.js';
import { parseIpv4 } from '../../util/ip.js';
import type { Layout, Row } from './layout.js';
import { KqlRuntimeError, type KValue, type StaticType } from './values.js';

// The filtering parameters of the workspace parser functions a query may call in place of a table, with the
// semantics of the parser's own query (docs/semantics.md, "ASIM parser parameters"). _Im_NetworkSession filters in
// each source parser before normalising: a row outside the parameters is never returned, whatever the query does
// with the rows afterwards. The call's values are read once, when the query is compiled, and its columns resolved
// to their slots then: a row pays for the comparisons alone.

/** One argument of the call, as written (`name=value` or positional), evaluated once: its value and static type. */
export interface ParserArgument {
  name?: string;
  value: KValue;
  type: StaticType;
}

/** A row test built from the call's arguments once. */
type Test = (row: Row) => boolean;

/** The slot of a parser column in the rows the call returns (assigned when asked: the table then decodes it). */
type SlotOf = (column: string) => number;

/** A parser's parameters in declared order, and the row tests a call's values ask for. */
interface ParserSemantics {
  parameters: string[];
  /** One test per parameter that filters (a parameter at its default filters nothing). */
  tests: (values: Map<string, ParserArgument>, slot: SlotOf) => Test[];
}

/** ASIM NetworkSession (schemas/kql/_Im_NetworkSession.csl), as its source parsers filter. */
const NETWORK_SESSION: ParserSemantics = {
  parameters: ['starttime', 'endtime', 'srcipaddr_has_any_prefix', 'dstipaddr_has_any_prefix', 'ipaddr_has_any_prefix', 'dstportnumber', 'hostname_has_any', 'dvcaction', 'eventresult'],
  tests(values, slot) {
    const out: Test[] = [];
    const start = values.get('starttime');
    const end = values.get('endtime');
    const from = start ? datetimeValue(start) : null;
    const to = end ? datetimeValue(end) : null;
    if (from !== null || to !== null) {
      const t = slot('TimeGenerated');
      const lo = from ?? -Infinity;
      const hi = to ?? Infinity;
      // Both bounds inclusive, one test; a row without a time compares as null: dropped, as
      // `where TimeGenerated >= starttime` drops it.
      out.push((r) => {
        const v = r[t];
        return typeof v === 'number' && v >= lo && v <= hi;
      });
    }
    const prefixes = prefixTest(values, slot);
    if (prefixes) out.push(prefixes);
    const port = values.get('dstportnumber');
    if (port && port.value !== null) {
      const p = intValue(port, 'dstportnumber');
      const s = slot('DstPortNumber');
      out.push((r) => r[s] === p);
    }
    const names = stringList(values.get('hostname_has_any'), 'hostname_has_any');
    if (names.length) {
      const src = slot('SrcHostname');
      const dst = slot('DstHostname');
      // has_any: whole terms, case-insensitive, in the source or the destination host name.
      out.push((r) => names.some((n) => hasTerm(String(r[src] ?? ''), n, false) || hasTerm(String(r[dst] ?? ''), n, false)));
    }
    const actions = new Set(stringList(values.get('dvcaction'), 'dvcaction'));
    if (actions.size) {
      const s = slot('DvcAction');
      // `DvcAction in (dvcaction)`: exact and case-sensitive.
      out.push((r) => actions.has(String(r[s] ?? '')));
    }
    const result = values.get('eventresult');
    if (result) {
      if (typeof result.value !== 'string') throw new KqlRuntimeError(`_Im_NetworkSession: eventresult must be a string, not ${JSON.stringify(result.value)}`);
      const wanted = result.value;
      const s = slot('EventResult');
      // '*' is the parameter's "any".
      if (wanted !== '*') out.push((r) => r[s] === wanted);
    }
    return out;
  },
};

const PARSERS: Record<string, ParserSemantics> = { _Im_NetworkSession: NETWORK_SESSION };

/**
 * The row test of a workspace function's arguments over the rows of `layout` (the function's result columns), or
 * undefined when they filter nothing. A call with arguments of a function whose parameters are unknown, an unknown
 * parameter name, a value of the wrong kind or a parser column the table lacks is an error.
 */
export function parserFilter(fn: string, args: ParserArgument[], layout: Layout): Test | undefined {
  if (!args.length) return undefined;
  const parser = PARSERS[fn];
  if (!parser) throw new KqlRuntimeError(`${fn}(...): the arguments of this function are outside the supported subset`);
  const values = new Map<string, ParserArgument>();
  args.forEach((a, i) => {
    const name = a.name ?? parser.parameters[i];
    if (!name || !parser.parameters.includes(name)) throw new KqlRuntimeError(`${fn}: no parameter ${a.name ? `'${a.name}'` : `at position ${i + 1}`}`);
    if (values.has(name)) throw new KqlRuntimeError(`${fn}: parameter '${name}' given twice`);
    values.set(name, a);
  });
  const slot: SlotOf = (column) => {
    const col = layout.find(column);
    if (!col) throw new KqlRuntimeError(`${fn}: the parser filters column ${column}, which its table does not have`);
    return col.slot();
  };
  const tests = parser.tests(values, slot);
  if (tests.length <= 1) return tests[0];
  return (row) => {
    for (const t of tests) if (!t(row)) return false;
    return true;
  };
}

/** A datetime bound in ms, or null for the parameter's default `datetime(null)`. */
function datetimeValue(a: ParserArgument): number | null {
  // `datetime(null)` is the default whatever static type the literal gets.
  if (a.value === null) return null;
  if (a.type.type !== 'datetime') throw new KqlRuntimeError(`_Im_NetworkSession: starttime and endtime must be datetimes, not ${JSON.stringify(a.value)}`);
  return a.value as number;
}

function intValue(a: ParserArgument, name: string): number {
  const v = a.value;
  const integral = a.type.type === 'int' || a.type.type === 'long';
  if (!integral || typeof v !== 'number' || !Number.isInteger(v)) throw new KqlRuntimeError(`_Im_NetworkSession: ${name} must be an int, not ${JSON.stringify(v)}`);
  return v;
}

/** A parameter's dynamic array of strings; [] when not given (the parameter's default). */
function stringList(a: ParserArgument | undefined, name: string): string[] {
  if (!a) return [];
  const v = a.value;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new KqlRuntimeError(`_Im_NetworkSession: ${name} must be a dynamic array of strings, not ${JSON.stringify(v)}`);
  return v as string[];
}

/**
 * The three prefix lists act together, as the parser's ASimMatchingIpAddr: a row passes when its source matches the
 * source or any-address prefixes, or its destination the destination or any-address prefixes.
 */
function prefixTest(all: Map<string, ParserArgument>, slot: SlotOf): Test | undefined {
  const any = stringList(all.get('ipaddr_has_any_prefix'), 'ipaddr_has_any_prefix');
  const src = [...stringList(all.get('srcipaddr_has_any_prefix'), 'srcipaddr_has_any_prefix'), ...any].map(checkedPrefix);
  const dst = [...stringList(all.get('dstipaddr_has_any_prefix'), 'dstipaddr_has_any_prefix'), ...any].map(checkedPrefix);
  if (!src.length && !dst.length) return undefined;
  const s = slot('SrcIpAddr');
  const d = slot('DstIpAddr');
  return (r) => hasAnyIpv4Prefix(r[s] ?? null, src) || hasAnyIpv4Prefix(r[d] ?? null, dst);
}

/** A valid has_any_ipv4_prefix prefix: whole octets ending with a dot (`10.1.`), or a full address. */
function checkedPrefix(p: string): string {
  const octets = p.endsWith('.') ? p.slice(0, -1).split('.') : p.split('.');
  const ok = octets.length >= 1 && octets.length <= 4 && octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255) && (p.endsWith('.') ? octets.length < 4 : octets.length === 4);
  if (!ok) throw new KqlRuntimeError(`_Im_NetworkSession: '${p}' is not an IPv4 prefix (whole octets ending with '.', or a full address)`);
  return p;
}

/**
 * has_any_ipv4_prefix over a column holding one address: a valid IPv4 address that starts with a prefix ending in
 * a dot, or equals a full-address prefix. Anything else (IPv6, empty, text) matches nothing.
 */
function hasAnyIpv4Prefix(v: KValue, prefixes: string[]): boolean {
  if (typeof v !== 'string' || !prefixes.length) return false;
  const addr = v.trim();
  if (parseIpv4(addr) === null || !/^\d{1,3}(\.\d{1,3}){3}$/.test(addr)) return false;
  return prefixes.some((p) => (p.endsWith('.') ? addr.startsWith(p) : addr === p));
}
