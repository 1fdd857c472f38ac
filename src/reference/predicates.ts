import { windowMatch } from '../ir/analysis.js';
import type { Branch, Condition, NumberPredicate, Predicate, StringOp } from '../ir/types.js';
import { cidrContains, ipv4Number, parseCidr, parseIp, type IpAddress, type ParsedCidr } from '../util/ip.js';
import { hasTerm } from '../events/terms.js';
import { isMissing, toNumber, type Row } from '../events/model.js';
import { assertNever } from '../util/assert-never.js';

export { hasTerm };

/** Compiles a condition once into a function over rows (cidr ranges parsed up front). */
export function compileCondition(c: Condition): (row: Row) => boolean {
  switch (c.kind) {
    case 'and': {
      const fs = c.exprs.map(compileCondition);
      // Plain loops: this runs per event, and `every` with a closure costs a call more per test.
      return (r) => {
        for (let i = 0; i < fs.length; i++) if (!fs[i]!(r)) return false;
        return true;
      };
    }
    case 'or': {
      const fs = c.exprs.map(compileCondition);
      return (r) => {
        for (let i = 0; i < fs.length; i++) if (fs[i]!(r)) return true;
        return false;
      };
    }
    case 'not': {
      const f = compileCondition(c.expr);
      return (r) => !f(r);
    }
    case 'string':
    case 'number':
    case 'cidr':
    case 'exists':
      return compilePredicate(c);
    default:
      return assertNever(c, 'condition');
  }
}

function compilePredicate(p: Predicate): (row: Row) => boolean {
  const field = p.field;
  switch (p.kind) {
    case 'exists':
      return (r) => isMissing(r[field]) !== p.exists;
    case 'cidr': {
      const ranges = p.ranges.map((x) => parseCidr(x.text) as ParsedCidr);
      // IPv4 ranges as 32-bit network and mask: no big integers per event.
      const v4 = ranges.filter((c) => c.family === 4).map((c) => ({ net: Number(c.network), mask: c.prefix ? (~0 << (32 - c.prefix)) >>> 0 : 0 }));
      const v6 = ranges.filter((c) => c.family === 6);
      return (r) => {
        const v = r[field];
        if (typeof v !== 'string') return false;
        const ip = lastIp(v);
        if (ip === 4) {
          for (const c of v4) if (((last.v4 & c.mask) >>> 0) === c.net) return true;
          return false;
        }
        return ip !== null && v6.some((c) => cidrContains(c, ip));
      };
    }
    case 'number': {
      const test = numberTest(p.op, p.values);
      return (r) => {
        const v = toNumber(r[field]);
        return v !== undefined && test(v);
      };
    }
    case 'string': {
      const norm = (s: string) => (p.cased ? s : s.toLowerCase());
      const values = p.values.map(norm);
      const one = stringTest(p.op, values, p.values, p.cased);
      return (r) => {
        const v = r[field];
        if (isMissing(v)) return false;
        const s = String(v);
        return one(p.op === 'has' ? s : norm(s));
      };
    }
    default:
      return assertNever(p, 'predicate');
  }
}

/**
 * The last address parsed: the CIDR tests of a rule read the same field in turn. An IPv4 address is `4`, its value
 * a number in `last.v4`; any other address is parsed whole (IPv6), and text that is no address is null.
 */
const last: { text?: string; ip: 4 | IpAddress | null; v4: number } = { ip: null, v4: 0 };
function lastIp(text: string): 4 | IpAddress | null {
  if (text !== last.text) {
    last.text = text;
    last.v4 = ipv4Number(text);
    last.ip = last.v4 >= 0 ? 4 : parseIp(text);
  }
  return last.ip;
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

/** The test of one string operator over a value (already case-folded unless `has`, which folds itself). */
function stringTest(op: StringOp, folded: string[], raw: string[], cased: boolean): (s: string) => boolean {
  switch (op) {
    case 'eq': return (s) => s === folded[0];
    case 'in': return (s) => folded.includes(s);
    case 'startswith': return (s) => folded.some((v) => s.startsWith(v));
    case 'endswith': return (s) => folded.some((v) => s.endsWith(v));
    case 'contains': return (s) => folded.some((v) => s.includes(v));
    case 'has': return (s) => raw.some((v) => hasTerm(s, v, cased));
    default: return assertNever(op, 'string operator');
  }
}

/** The test of one numeric operator (`values[0]` is the operand of a comparison; `in` takes them all). */
function numberTest(op: NumberPredicate['op'], values: number[]): (n: number) => boolean {
  const x = values[0]!;
  switch (op) {
    case 'gt': return (n) => n > x;
    case 'gte': return (n) => n >= x;
    case 'lt': return (n) => n < x;
    case 'lte': return (n) => n <= x;
    case 'eq': return (n) => n === x;
    case 'in': return (n) => values.includes(n);
    default: return assertNever(op, 'number operator');
  }
}
