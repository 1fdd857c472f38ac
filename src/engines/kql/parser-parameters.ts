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

interface ParameterSemantics {
  name: string;
  /** The row test the parameter's value asks for, or undefined when the value filters nothing (its default). */
  test: (value: KValue, all: Map<string, KValue>) => Test | undefined;
}

/** The parameters of the ASIM NetworkSession parser, in its declared order (schemas/kql/_Im_NetworkSession.csl). */
const NETWORK_SESSION: ParameterSemantics[] = [
  { name: 'starttime', test: (v) => (v === null ? undefined : timeTest(v, (t, bound) => t >= bound)) },
  { name: 'endtime', test: (v) => (v === null ? undefined : timeTest(v, (t, bound) => t <= bound)) },
  // The three prefix lists act together: a row passes when its source matches the source or any-address prefixes,
  // or its destination the destination or any-address prefixes. They are read once, under srcipaddr_has_any_prefix.
  { name: 'srcipaddr_has_any_prefix', test: (_v, all) => prefixTest(all) },
  { name: 'dstipaddr_has_any_prefix', test: () => undefined },
  { name: 'ipaddr_has_any_prefix', test: () => undefined },
  { name: 'dstportnumber', test: (v) => (v === null ? undefined : (r) => r.DstPortNumber === intValue(v, 'dstportnumber')) },
  {
    name: 'hostname_has_any',
    test: (v) => {
      const names = stringList(v, 'hostname_has_any');
      if (!names.length) return undefined;
      // has_any: whole terms, case-insensitive.
      return (r) => names.some((n) => hasTerm(String(r.SrcHostname ?? ''), n, false) || hasTerm(String(r.DstHostname ?? ''), n, false));
    },
  },
  {
    name: 'dvcaction',
    test: (v) => {
      const actions = new Set(stringList(v, 'dvcaction'));
      // `DvcAction in (dvcaction)`: exact and case-sensitive.
      return actions.size ? (r) => actions.has(String(r.DvcAction ?? '')) : undefined;
    },
  },
  {
    name: 'eventresult',
    test: (v) => {
      if (typeof v !== 'string') throw new KqlRuntimeError(`_Im_NetworkSession: eventresult must be a string, not ${JSON.stringify(v)}`);
      return v === '*' ? undefined : (r) => r.EventResult === v;
    },
  },
];

const PARSERS: Record<string, ParameterSemantics[]> = { _Im_NetworkSession: NETWORK_SESSION };

/**
 * The row test of a workspace function's arguments, or undefined when they filter nothing. A call with arguments
 * of a function whose parameters are unknown, an unknown parameter name or a value of the wrong kind is an error.
 */
export function parserFilter(fn: string, args: ParserArgument[]): ((row: Row) => boolean) | undefined {
  if (!args.length) return undefined;
  const params = PARSERS[fn];
  if (!params) throw new KqlRuntimeError(`${fn}(...): the arguments of this function are outside the supported subset`);
  const values = new Map<string, KValue>();
  args.forEach((a, i) => {
    const name = a.name ?? params[i]?.name;
    if (!name || !params.some((p) => p.name === name)) throw new KqlRuntimeError(`${fn}: no parameter ${a.name ? `'${a.name}'` : `at position ${i + 1}`}`);
    if (values.has(name)) throw new KqlRuntimeError(`${fn}: parameter '${name}' given twice`);
    values.set(name, a.value);
  });
  const tests = params.flatMap((p) => {
    const t = values.has(p.name) || p.name === 'srcipaddr_has_any_prefix' ? p.test(values.get(p.name) ?? null, values) : undefined;
    return t ? [t] : [];
  });
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
