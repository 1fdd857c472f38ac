import { cidrMatcher } from '../../util/cidr-match.js';
import { fieldReader } from './field-access.js';
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

/** The test of one value against a search pattern (case-insensitive, `*` wildcards, a CIDR range), built once. */
function valueMatcher(pattern: string): (v: SValue) => boolean {
  const slash = pattern.includes('/');
  const inRange = slash ? cidrMatcher(pattern) : undefined;
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*')}$`, 'iu');
  const one = (x: SValue): boolean => {
    if (x === null) return false;
    const s = asString(x);
    if (inRange && inRange(s)) return true;
    // A pattern holding a '/' matches as text only a text holding one (no other character folds to '/'): an
    // address outside the range needs no regular expression.
    if (slash && !s.includes('/')) return false;
    return re.test(s);
  };
  return (v) => (Array.isArray(v) ? v.some(one) : one(v));
}

function term(text: string, fields: Set<string> | undefined): (e: SEvent) => boolean {
  if (text === '*') return () => true;
  const m = /^([^\s=!<>]+)(!=|<=|>=|=|<|>)(.*)$/.exec(text);
  if (!m) throw new SplRuntimeError(`free-text search term '${text}' is outside the supported subset; use field=value`);
  const [, field, op, raw] = m as unknown as [string, string, string, string];
  fields?.add(field);
  const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(["\\])/g, '$1') : raw;
  const read = fieldReader(field);
  // A field with a value: not missing, null or empty.
  const present = (v: SValue): v is NonNullable<SValue> => v !== null && v !== '';
  switch (op) {
    case '=': {
      if (value === '*') return (e) => present(read(e));
      const matches = valueMatcher(value);
      return (e) => {
        const v = read(e);
        return present(v) && matches(v);
      };
    }
    case '!=': {
      const matches = valueMatcher(value);
      return (e) => {
        const v = read(e);
        return present(v) && !matches(v);
      };
    }
    default: {
      const n = Number(value);
      return (e) => {
        const v = read(e);
        const x = Number(asString(v));
        if (!present(v) || Number.isNaN(x) || Number.isNaN(n)) return false;
        return op === '<' ? x < n : op === '<=' ? x <= n : op === '>' ? x > n : x >= n;
      };
    }
  }
}

/** A search expression as a test of a row; `fields` collects the names of the fields it reads. */
export function compileSearch(text: string, fields?: Set<string>): (e: SEvent) => boolean {
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
    if (t.t === 'term') return term(t.v, fields);
    throw new SplRuntimeError(`unexpected '${t.v}' in search: ${text}`);
  };
  // OR binds tighter than AND in the search command.
  const disj = () => {
    const parts = [atom()];
    while (toks[i]?.t === 'OR') {
      i++;
      parts.push(atom());
    }
    return parts.length === 1 ? parts[0]! : anyOf(parts);
  };
  const conj = () => {
    const parts = [disj()];
    while (i < toks.length && toks[i]!.t !== ')') {
      if (toks[i]!.t === 'AND') i++;
      parts.push(disj());
    }
    return parts.length === 1 ? parts[0]! : allOf(parts);
  };
  const result = toks.length ? conj() : () => true;
  if (i !== toks.length) throw new SplRuntimeError(`unexpected '${toks[i]!.v}' in search: ${text}`);
  return result;
}

function anyOf(parts: ((e: SEvent) => boolean)[]): (e: SEvent) => boolean {
  const n = parts.length;
  return (e) => {
    for (let i = 0; i < n; i++) if (parts[i]!(e)) return true;
    return false;
  };
}

function allOf(parts: ((e: SEvent) => boolean)[]): (e: SEvent) => boolean {
  const n = parts.length;
  return (e) => {
    for (let i = 0; i < n; i++) if (!parts[i]!(e)) return false;
    return true;
  };
}
