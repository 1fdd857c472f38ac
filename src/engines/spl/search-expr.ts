import { cidrContains, parseCidr, parseIp } from '../../util/ip.js';
import { SplRuntimeError, asString, type SEvent, type SValue } from './values.js';

// The `search` command's expression language (for filter macros users edit to tune a rule). Its rules differ from
// eval/where: values are case-insensitive with `*` wildcards and CIDR matching, AND is implicit, and OR binds
// tighter than AND (Search Manual, "Boolean expressions"). `NOT f=x` keeps events without f; `f!=x` drops them.

type Tok = { t: '(' | ')' | 'NOT' | 'OR' | 'AND' | 'term'; v: string };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(\(|\)|[^\s()"=!<>]+(?:(?:!=|<=|>=|=|<|>)(?:"(?:[^"\\]|\\.)*"|[^\s()]*))?|"(?:[^"\\]|\\.)*")/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(s))) {
    last = re.lastIndex;
    const w = m[1]!;
    if (w === '(' || w === ')') out.push({ t: w, v: w });
    else if (w === 'NOT' || w === 'OR' || w === 'AND') out.push({ t: w, v: w });
    else out.push({ t: 'term', v: w });
  }
  if (s.slice(last).trim()) throw new SplRuntimeError(`cannot parse search near '${s.slice(last).trim()}'`);
  return out;
}

function valueMatches(v: SValue, pattern: string): boolean {
  const xs = Array.isArray(v) ? v : [v];
  const cidr = pattern.includes('/') ? parseCidr(pattern) : undefined;
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*')}$`, 'iu');
  return xs.some((x) => {
    if (x === null) return false;
    const s = asString(x);
    if (cidr && typeof cidr !== 'string') {
      const ip = parseIp(s);
      if (ip) return cidrContains(cidr, ip);
    }
    return re.test(s);
  });
}

function term(text: string): (e: SEvent) => boolean {
  if (text === '*') return () => true;
  const m = /^([^\s=!<>]+)(!=|<=|>=|=|<|>)(.*)$/.exec(text);
  if (!m) throw new SplRuntimeError(`free-text search term '${text}' is outside the supported subset; use field=value`);
  const [, field, op, raw] = m as unknown as [string, string, string, string];
  const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(["\\])/g, '$1') : raw;
  const present = (e: SEvent) => e[field] !== undefined && e[field] !== null && e[field] !== '';
  switch (op) {
    case '=':
      return (e) => (value === '*' ? present(e) : present(e) && valueMatches(e[field]!, value));
    case '!=':
      return (e) => present(e) && !valueMatches(e[field]!, value);
    default: {
      const n = Number(value);
      return (e) => {
        const x = Number(asString(e[field] ?? null));
        if (!present(e) || Number.isNaN(x) || Number.isNaN(n)) return false;
        return op === '<' ? x < n : op === '<=' ? x <= n : op === '>' ? x > n : x >= n;
      };
    }
  }
}

export function compileSearch(text: string): (e: SEvent) => boolean {
  const toks = tokenize(text);
  let i = 0;
  const atom = (): ((e: SEvent) => boolean) => {
    const t = toks[i];
    if (!t) throw new SplRuntimeError(`search ends early: ${text}`);
    i++;
    if (t.t === 'NOT') {
      const x = atom();
      return (e) => !x(e);
    }
    if (t.t === '(') {
      const x = conj();
      if (toks[i]?.t !== ')') throw new SplRuntimeError(`missing ) in search: ${text}`);
      i++;
      return x;
    }
    if (t.t === 'term') return term(t.v);
    throw new SplRuntimeError(`unexpected '${t.v}' in search: ${text}`);
  };
  // OR binds tighter than AND in the search command.
  const disj = () => {
    const parts = [atom()];
    while (toks[i]?.t === 'OR') {
      i++;
      parts.push(atom());
    }
    return parts.length === 1 ? parts[0]! : (e: SEvent) => parts.some((p) => p(e));
  };
  const conj = () => {
    const parts = [disj()];
    while (i < toks.length && toks[i]!.t !== ')') {
      if (toks[i]!.t === 'AND') i++;
      parts.push(disj());
    }
    return parts.length === 1 ? parts[0]! : (e: SEvent) => parts.every((p) => p(e));
  };
  const result = toks.length ? conj() : () => true;
  if (i !== toks.length) throw new SplRuntimeError(`unexpected '${toks[i]!.v}' in search: ${text}`);
  return result;
}
