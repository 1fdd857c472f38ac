import { windowMatch } from '../ir/analysis.js';
import type { Branch, Condition, Predicate } from '../ir/types.js';
import { cidrContains, parseCidr, parseIp, type ParsedCidr } from '../util/ip.js';
import { hasTerm } from '../events/terms.js';
import { isMissing, toNumber, type Row } from '../events/model.js';

export { hasTerm };

/** Compiles a condition once into a function over rows (cidr ranges parsed up front). */
export function compileCondition(c: Condition): (row: Row) => boolean {
  switch (c.kind) {
    case 'and': {
      const fs = c.exprs.map(compileCondition);
      return (r) => fs.every((f) => f(r));
    }
    case 'or': {
      const fs = c.exprs.map(compileCondition);
      return (r) => fs.some((f) => f(r));
    }
    case 'not': {
      const f = compileCondition(c.expr);
      return (r) => !f(r);
    }
    default:
      return compilePredicate(c);
  }
}

function compilePredicate(p: Predicate): (row: Row) => boolean {
  const field = p.field;
  switch (p.kind) {
    case 'exists':
      return (r) => isMissing(r[field]) !== p.exists;
    case 'cidr': {
      const ranges = p.ranges.map((x) => parseCidr(x.text) as ParsedCidr);
      return (r) => {
        const v = r[field];
        if (typeof v !== 'string') return false;
        const ip = parseIp(v);
        return !!ip && ranges.some((c) => cidrContains(c, ip));
      };
    }
    case 'number': {
      const [x] = p.values;
      const test: (n: number) => boolean = {
        gt: (n: number) => n > x!, gte: (n: number) => n >= x!, lt: (n: number) => n < x!, lte: (n: number) => n <= x!,
        eq: (n: number) => n === x, in: (n: number) => p.values.includes(n),
      }[p.op];
      return (r) => {
        const v = toNumber(r[field]);
        return v !== undefined && test(v);
      };
    }
    case 'string': {
      const norm = (s: string) => (p.cased ? s : s.toLowerCase());
      const values = p.values.map(norm);
      const one: (s: string) => boolean = {
        eq: (s: string) => s === values[0],
        in: (s: string) => values.includes(s),
        startswith: (s: string) => values.some((v) => s.startsWith(v)),
        endswith: (s: string) => values.some((v) => s.endsWith(v)),
        contains: (s: string) => values.some((v) => s.includes(v)),
        has: (s: string) => p.values.some((v) => hasTerm(s, v, p.cased)),
      }[p.op];
      return (r) => {
        const v = r[field];
        if (isMissing(v)) return false;
        const s = String(v);
        return one(p.op === 'has' ? s : norm(s));
      };
    }
  }
}

/** True when an event (at time `t`, ms) falls in one of the branch's suppression windows. */
export function compileSuppressions(branch: Branch): (row: Row, t: number) => boolean {
  const tests = branch.suppressions.flatMap((s) =>
    s.windows.map((w) => {
      const match = compilePredicate(windowMatch(s, w));
      return (r: Row, t: number) => t >= w.startMs && t < w.endMs && match(r);
    }),
  );
  return tests.length ? (r, t) => tests.some((f) => f(r, t)) : () => false;
}
