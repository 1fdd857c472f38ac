import { SigmaRuntimeError, allOf, anyOf, type ItemMatcher } from './values.js';

// The Sigma condition grammar: `or` < `and` < `not` < `x of` < parentheses; `1 of pattern`, `all of pattern`,
// `them` (every selection not starting with `_`); patterns use `*`.

type Tok = { t: 'id' | 'and' | 'or' | 'not' | '(' | ')' | 'of1' | 'ofall'; v: string };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(\(|\)|[A-Za-z0-9_*]+)/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(s))) {
    last = re.lastIndex;
    const w = m[1]!;
    const lw = w.toLowerCase();
    if (w === '(' || w === ')') out.push({ t: w, v: w });
    else if (lw === 'and' || lw === 'or' || lw === 'not') out.push({ t: lw, v: w });
    else out.push({ t: 'id', v: w });
  }
  if (s.slice(last).trim()) throw new SigmaRuntimeError(`cannot parse condition near '${s.slice(last).trim()}'`);
  // Fold `1 of` / `all of` into quantifier tokens.
  const folded: Tok[] = [];
  for (let i = 0; i < out.length; i++) {
    const a = out[i]!;
    const b = out[i + 1];
    if (a.t === 'id' && (a.v === '1' || a.v.toLowerCase() === 'all') && b?.t === 'id' && b.v.toLowerCase() === 'of') {
      folded.push({ t: a.v === '1' ? 'of1' : 'ofall', v: `${a.v} of` });
      i++;
    } else folded.push(a);
  }
  return folded;
}

export function compileCondition(condition: string, selections: Map<string, ItemMatcher>): ItemMatcher {
  const toks = tokenize(condition);
  let i = 0;
  const peek = () => toks[i];
  const expect = (t: Tok['t']) => {
    if (peek()?.t !== t) throw new SigmaRuntimeError(`condition '${condition}': expected ${t}`);
    i++;
  };
  const names = (pattern: string): ItemMatcher[] => {
    const keys = [...selections.keys()].filter((k) => (pattern === 'them' ? !k.startsWith('_') : new RegExp(`^${pattern.replace(/\*/g, '.*')}$`).test(k)));
    if (!keys.length) throw new SigmaRuntimeError(`condition '${condition}': '${pattern}' matches no selection`);
    return keys.map((k) => selections.get(k)!);
  };
  const primary = (): ItemMatcher => {
    const t = peek();
    if (!t) throw new SigmaRuntimeError(`condition '${condition}' ends early`);
    if (t.t === '(') {
      i++;
      const e = orExpr();
      expect(')');
      return e;
    }
    if (t.t === 'of1' || t.t === 'ofall') {
      i++;
      const p = peek();
      if (p?.t !== 'id') throw new SigmaRuntimeError(`condition '${condition}': '${t.v}' needs a pattern`);
      i++;
      const ms = names(p.v);
      return t.t === 'of1' ? anyOf(ms) : allOf(ms);
    }
    if (t.t === 'id') {
      i++;
      const m = selections.get(t.v);
      if (!m) throw new SigmaRuntimeError(`condition '${condition}': unknown selection '${t.v}'`);
      return m;
    }
    throw new SigmaRuntimeError(`condition '${condition}': unexpected '${t.v}'`);
  };
  const notExpr = (): ItemMatcher => {
    if (peek()?.t === 'not') {
      i++;
      const e = notExpr();
      return (ev) => !e(ev);
    }
    return primary();
  };
  const andExpr = (): ItemMatcher => {
    const parts = [notExpr()];
    while (peek()?.t === 'and') {
      i++;
      parts.push(notExpr());
    }
    return allOf(parts);
  };
  const orExpr = (): ItemMatcher => {
    const parts = [andExpr()];
    while (peek()?.t === 'or') {
      i++;
      parts.push(andExpr());
    }
    return anyOf(parts);
  };
  const result = orExpr();
  if (i !== toks.length) throw new SigmaRuntimeError(`condition '${condition}': unexpected '${toks[i]!.v}'`);
  return result;
}
