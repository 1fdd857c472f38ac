import { hasTerm } from '../../events/terms.js';
import { parseIpv4 } from '../../util/ip.js';
import { KDateTime, KqlRuntimeError, type KValue } from './values.js';

// The filtering parameters of the workspace parser functions a query may call in place of a table, with the
// semantics of the parser's own query (docs/semantics.md, "ASIM parser parameters"). _Im_NetworkSession filters in
// each source parser before normalising: a row outside the parameters is never returned, whatever the query does
// with the rows afterwards.

type Row = Record<string, KValue>;

/** One argument of the call, as written: `name=value` or positional. */
export interface ParserArgument {
  name?: string;
  value: KValue;
}

/** A row test built from the call's arguments once. */
type Test = (row: Row) => boolean;

/** A parser's parameters in declared order, and the row tests a call's values ask for. */
interface ParserSemantics {
  parameters: string[];
  /** One test per parameter that filters (a parameter at its default filters nothing). */
  tests: (values: Map<string, KValue>) => Test[];
}

/** ASIM NetworkSession (schemas/kql/_Im_NetworkSession.csl), as its source parsers filter. */
const NETWORK_SESSION: ParserSemantics = {
  parameters: ['starttime', 'endtime', 'srcipaddr_has_any_prefix', 'dstipaddr_has_any_prefix', 'ipaddr_has_any_prefix', 'dstportnumber', 'hostname_has_any', 'dvcaction', 'eventresult'],
  tests(values) {
    const out: Test[] = [];
    const given = (name: string) => values.get(name) ?? null;
    const start = given('starttime');
    if (start !== null) out.push(timeTest(start, (t, bound) => t >= bound));
    const end = given('endtime');
    if (end !== null) out.push(timeTest(end, (t, bound) => t <= bound));
    const prefixes = prefixTest(values);
    if (prefixes) out.push(prefixes);
    const port = given('dstportnumber');
    if (port !== null) {
      const p = intValue(port, 'dstportnumber');
      out.push((r) => r.DstPortNumber === p);
    }
    const names = values.has('hostname_has_any') ? stringList(given('hostname_has_any'), 'hostname_has_any') : [];
    // has_any: whole terms, case-insensitive, in the source or the destination host name.
    if (names.length) out.push((r) => names.some((n) => hasTerm(String(r.SrcHostname ?? ''), n, false) || hasTerm(String(r.DstHostname ?? ''), n, false)));
    const actions = new Set(values.has('dvcaction') ? stringList(given('dvcaction'), 'dvcaction') : []);
    // `DvcAction in (dvcaction)`: exact and case-sensitive.
    if (actions.size) out.push((r) => actions.has(String(r.DvcAction ?? '')));
    if (values.has('eventresult')) {
      const result = given('eventresult');
      if (typeof result !== 'string') throw new KqlRuntimeError(`_Im_NetworkSession: eventresult must be a string, not ${JSON.stringify(result)}`);
      // '*' is the parameter's "any".
      if (result !== '*') out.push((r) => r.EventResult === result);
    }
    return out;
  },
};

const PARSERS: Record<string, ParserSemantics> = { _Im_NetworkSession: NETWORK_SESSION };

/**
 * The row test of a workspace function's arguments, or undefined when they filter nothing. A call with arguments
 * of a function whose parameters are unknown, an unknown parameter name or a value of the wrong kind is an error.
 */
export function parserFilter(fn: string, args: ParserArgument[]): ((row: Row) => boolean) | undefined {
  if (!args.length) return undefined;
  const parser = PARSERS[fn];
  if (!parser) throw new KqlRuntimeError(`${fn}(...): the arguments of this function are outside the supported subset`);
  const values = new Map<string, KValue>();
  args.forEach((a, i) => {
    const name = a.name ?? parser.parameters[i];
    if (!name || !parser.parameters.includes(name)) throw new KqlRuntimeError(`${fn}: no parameter ${a.name ? `'${a.name}'` : `at position ${i + 1}`}`);
    if (values.has(name)) throw new KqlRuntimeError(`${fn}: parameter '${name}' given twice`);
    values.set(name, a.value);
  });
  const tests = parser.tests(values);
  if (!tests.length) return undefined;
  return (row) => tests.every((t) => t(row));
}

function timeTest(v: KValue, holds: (t: number, bound: number) => boolean): Test {
  if (!(v instanceof KDateTime)) throw new KqlRuntimeError(`_Im_NetworkSession: starttime and endtime must be datetimes, not ${JSON.stringify(v)}`);
  // A row without a time compares as null: dropped, as `where TimeGenerated >= starttime` drops it.
  return (r) => r.TimeGenerated instanceof KDateTime && holds(r.TimeGenerated.ms, v.ms);
}

function intValue(v: KValue, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new KqlRuntimeError(`_Im_NetworkSession: ${name} must be an int, not ${JSON.stringify(v)}`);
  return v;
}

function stringList(v: KValue, name: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new KqlRuntimeError(`_Im_NetworkSession: ${name} must be a dynamic array of strings, not ${JSON.stringify(v)}`);
  return v as string[];
}

/**
 * The three prefix lists act together, as the parser's ASimMatchingIpAddr: a row passes when its source matches the
 * source or any-address prefixes, or its destination the destination or any-address prefixes.
 */
function prefixTest(all: Map<string, KValue>): Test | undefined {
  const list = (name: string) => (all.has(name) ? stringList(all.get(name)!, name) : []);
  const any = list('ipaddr_has_any_prefix');
  const src = [...list('srcipaddr_has_any_prefix'), ...any].map(checkedPrefix);
  const dst = [...list('dstipaddr_has_any_prefix'), ...any].map(checkedPrefix);
  if (!src.length && !dst.length) return undefined;
  return (r) => hasAnyIpv4Prefix(r.SrcIpAddr ?? null, src) || hasAnyIpv4Prefix(r.DstIpAddr ?? null, dst);
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
