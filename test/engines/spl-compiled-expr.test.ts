import { describe, expect, it } from 'vitest';
import { ExprParser } from '../../src/engines/spl/eval-expr.js';
import { generated } from '../../src/engines/spl/expr-codegen.js';
import type { SEvent, SValue } from '../../src/engines/spl/values.js';

// eval/where functions prepare literal arguments once (a range, a value list, a pattern, a comparison's right
// side). The same call with the argument read from a field takes the general path: both must give the same
// answer on every value, the awkward ones included.

const VALUES: SValue[] = [
  null, '', '5', '05', '5.0', ' 5 ', 5, 0, -0, '0', '-0', 1e21, '1e+21', 'NaN', NaN, Infinity, 'Infinity', true, 'true', 'True',
  'abc', 'ABC', 'a%c', 'a_c', '10.1.2.3', '10.01.2.3', '172.31.255.255', '172.32.0.0', 'fd00::1', '::ffff:10.1.2.3', '\u00a05', '\u16805',
  ['5', 'x'], ['x', 'y'], [], ['10.1.2.3'],
];

const LITERALS = ['"5"', '"05"', '5', '5.0', '"NaN"', '"true"', '"abc"', '"a%"', '"a_c"', '"10.0.0.0/8"', '"172.16.0.0/12"', '"fc00::/7"', '"::ffff:0:0/96"', '"10.0.0.1/8"', '""', '0', '"-0"', '"Infinity"'];

/** The literal's value as eval reads it, to put in a field. */
function valueOf(literal: string): SValue {
  return ExprParser.parse(literal)({});
}

describe('SPL expressions with literal arguments', () => {
  const shapes: [string, (lit: string) => string, (field: string) => string][] = [
    ['in', (l) => `in(x, ${l}, "zzz")`, (f) => `in(x, ${f}, "zzz")`],
    ['cidrmatch', (l) => `cidrmatch(${l}, x)`, (f) => `cidrmatch(${f}, x)`],
    ['like', (l) => `like(x, ${l})`, (f) => `like(x, ${f})`],
    ['=', (l) => `x=${l}`, (f) => `x=${f}`],
    ['!=', (l) => `x!=${l}`, (f) => `x!=${f}`],
    ['<', (l) => `x<${l}`, (f) => `x<${f}`],
    ['>=', (l) => `x>=${l}`, (f) => `x>=${f}`],
  ];
  for (const [name, literal, general] of shapes) {
    it(`${name}: a literal argument gives what the same value read from a field gives`, () => {
      for (const lit of LITERALS) {
        const fast = ExprParser.parse(literal(lit));
        const slow = ExprParser.parse(general('y'));
        for (const x of VALUES) {
          const row: SEvent = { y: valueOf(lit) };
          if (x !== null) row.x = x;
          expect(fast(row), `${literal(lit)} with x=${JSON.stringify(x)}`).toEqual(slow(row));
        }
      }
    });
  }

  it('match: a literal pattern is compiled once and means what the same pattern from a field means', () => {
    const fast = ExprParser.parse('match(x, "(?i)^a.c$")');
    const slow = ExprParser.parse('match(x, y)');
    for (const x of VALUES) {
      const row: SEvent = { y: '(?i)^a.c$' };
      if (x !== null) row.x = x;
      expect(fast(row), JSON.stringify(x)).toEqual(slow(row));
    }
  });
});

describe('SPL boolean logic', () => {
  // Three-valued logic as documented (null is unknown), with OR/XOR < AND < NOT, checked on random expressions
  // against a plain left-nested binary evaluator.
  type Node = { op: 'OR' | 'XOR' | 'AND'; l: Node; r: Node } | { op: 'NOT'; x: Node } | { op: 'field'; name: string };
  const model = (n: Node, row: SEvent): boolean | null => {
    switch (n.op) {
      case 'field': return (row[n.name] ?? null) as boolean | null;
      case 'NOT': { const v = model(n.x, row); return v === null ? null : !v; }
      case 'AND': { const a = model(n.l, row); if (a === false) return false; const b = model(n.r, row); if (b === false) return false; return a === null || b === null ? null : true; }
      case 'OR': { const a = model(n.l, row); if (a === true) return true; const b = model(n.r, row); if (b === true) return true; return a === null || b === null ? null : false; }
      case 'XOR': { const a = model(n.l, row); const b = model(n.r, row); return a === null || b === null ? null : a !== b; }
    }
  };
  const text = (n: Node): string => (n.op === 'field' ? n.name : n.op === 'NOT' ? `NOT (${text(n.x)})` : `(${text(n.l)}) ${n.op} (${text(n.r)})`);
  // Also the flat spelling, where precedence decides: OR and XOR chains left to right, AND tighter.
  const flat = (ops: string[], names: string[]) => names.map((f, i) => (i ? `${ops[i - 1]} ${f}` : f)).join(' ');
  const flatModel = (ops: string[], names: string[]): Node => {
    // AND binds tighter: group AND runs first, then fold OR/XOR left to right.
    const terms: Node[] = [{ op: 'field', name: names[0]! }];
    const between: ('OR' | 'XOR')[] = [];
    ops.forEach((op, i) => {
      const f: Node = { op: 'field', name: names[i + 1]! };
      if (op === 'AND') terms[terms.length - 1] = { op: 'AND', l: terms[terms.length - 1]!, r: f };
      else { between.push(op as 'OR' | 'XOR'); terms.push(f); }
    });
    return between.reduce<Node>((acc, op, i) => ({ op, l: acc, r: terms[i + 1]! }), terms[0]!);
  };
  it('n-ary AND and OR runs give the left-nested binary answers, with XOR and NOT mixed in', () => {
    let s = 5;
    const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const names = ['a', 'b', 'c', 'd', 'e'];
    const gen = (depth: number): Node => {
      const k = r();
      if (depth === 0 || k < 0.3) return { op: 'field', name: names[Math.floor(r() * names.length)]! };
      if (k < 0.4) return { op: 'NOT', x: gen(depth - 1) };
      return { op: (['OR', 'XOR', 'AND'] as const)[Math.floor(r() * 3)]!, l: gen(depth - 1), r: gen(depth - 1) };
    };
    const rows: SEvent[] = [];
    for (let i = 0; i < 40; i++) {
      const row: SEvent = {};
      for (const f of names) { const v = [true, false, null][Math.floor(r() * 3)]!; if (v !== null) row[f] = v; }
      rows.push(row);
    }
    for (let i = 0; i < 300; i++) {
      const n = gen(4);
      const e = ExprParser.parse(text(n));
      const g = generated(e);
      for (const row of rows) {
        expect(e(row), text(n)).toBe(model(n, row));
        expect(g(row), `generated: ${text(n)}`).toBe(model(n, row));
      }
      const len = 2 + Math.floor(r() * 5);
      const ops = Array.from({ length: len - 1 }, () => ['OR', 'XOR', 'AND'][Math.floor(r() * 3)]!);
      const fs = Array.from({ length: len }, () => names[Math.floor(r() * names.length)]!);
      const f = ExprParser.parse(flat(ops, fs));
      for (const row of rows) expect(f(row), flat(ops, fs)).toBe(model(flatModel(ops, fs), row));
    }
  });
});

describe('SPL generated boolean expressions', () => {
  it('give what the closures give, on random expressions over every kind of leaf', () => {
    let s = 9;
    const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const pick = <T,>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
    const leaves = ['a', 'b', 'isnull(a)', 'isnotnull(b)', 'a="x"', 'b!=2', 'c>=10', 'true()', 'false()', 'null()', '"x"', '0', '1', '-0', 'cidrmatch("10.0.0.0/8", c)', 'cidrmatch("fc00::/7", a)', 'a<"x"', 'c>"10"', 'b<=1e400', 'a=true()', 'c!=-0', 'b>-2.5', 'in(a, "x", "y")', 'if(a="x", b, null())', "'__proto__'", '"say \\"hi\\""'];
    const gen = (d: number): string => {
      const k = r();
      if (d === 0 || k < 0.3) return pick(leaves);
      if (k < 0.45) return `NOT (${gen(d - 1)})`;
      if (k < 0.55) return `isnull(${gen(d - 1)})`;
      if (k < 0.6) return `isnotnull(${gen(d - 1)})`;
      return Array.from({ length: 2 + Math.floor(r() * 3) }, () => `(${gen(d - 1)})`).join(` ${pick(['AND', 'OR', 'XOR'])} `);
    };
    const values: (SValue | undefined)[] = [undefined, null, true, false, 'x', 'y', '', 0, -0, 2, '2', 10, ' 10', Infinity, NaN, 'True', '10.1.2.3', 'fd00::1', ['x', 'z'], ['10.1.2.3', 'y'], ['10.1.2.3'], [], ['1', 3]];
    const rows: SEvent[] = Array.from({ length: 60 }, () => ({ a: pick(values), b: pick(values), c: pick(values) }));
    for (let i = 0; i < 400; i++) {
      const text = gen(4);
      const e = ExprParser.parse(text);
      const g = generated(e);
      for (const row of rows) expect(g(row), text).toEqual(e(row));
    }
  });
});
