import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generated } from '../../src/engines/kql/codegen.js';
import { Frame, Layout, computedCol } from '../../src/engines/kql/layout.js';
import { compileScalar } from '../../src/engines/kql/scalar.js';
import { list, type Node } from '../../src/engines/kql/syntax.js';
import { queryTree } from '../../src/engines/kql/syntax-tree.js';
import { T, type KValue, type StaticType } from '../../src/engines/kql/values.js';
import { NOW } from '../helpers/events.js';

// The generated function of an expression must give what its closures give, on every row: the closures are the
// meaning (scalar.ts, functions.ts), the generator only writes the plain steps among them inline.

const COLUMNS: [string, StaticType][] = [['S', T.string], ['N', T.long], ['R', T.real], ['D', T.datetime], ['B', T.bool], ['Y', T.dynamic]];

/** Random conditions and values over the columns, in the emitted subset's shapes. */
const leaf = fc.constantFrom(
  'isnull(N)', 'isnotnull(R)', 'isempty(S)', 'isnotempty(S)', 'isnull(B)', 'B', 'N >= 5', 'N < 0', 'R <= 1.5', 'R > -0.5',
  'D >= datetime(2026-11-23T11:00:00Z)', 'D < ago(30m)', 'S == "x"', 'S != "x"', 'N == 5', 'N != 0', 'S =~ "X"', 'S !~ "a"',
  'S in ("x", "a", "")', 'S !in~ ("X", "B C X")', 'S has "x"', 'S contains "c"', 'S startswith "10."', 'S endswith_cs "x"',
  'ipv4_is_in_any_range(S, dynamic(["10.0.0.0/8", "192.168.1.0/24"]))', 'ipv4_is_private(S)', 'ipv4_is_in_range(S, "10.1.0.0/16")',
  'isnull(parse_ipv4(S))', 'ipv6_is_in_any_range(S, dynamic(["fc00::/7"]))', 'Y == 1', 'tostring(N) == "5"', 'bin(N, 2) == 4',
  'coalesce(B, false)', 'coalesce(ipv4_is_in_any_range(S, dynamic(["10.0.0.0/8"])), false)', 'true', 'false', 'tolong(S) > 3',
  'strlen(S) > 1', 'iff(B, N > 1, R > 1)', 'case(N > 3, "big", N > 0, "small", "none") == "small"',
);
const condition: fc.Arbitrary<string> = fc.letrec<{ c: string }>((tie) => ({
  c: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.tuple(tie('c'), tie('c')).map(([a, b]) => `(${a} and ${b})`),
    fc.tuple(tie('c'), tie('c')).map(([a, b]) => `(${a} or ${b})`),
    tie('c').map((a) => `not(${a})`),
    tie('c').map((a) => `coalesce(${a}, false)`),
    tie('c').map((a) => `isnull(${a})`),
    fc.tuple(tie('c'), tie('c')).map(([a, b]) => `(${a}) == (${b})`)),
})).c;
const value = fc.constantFrom(
  'N', 'S', 'tostring(N)', 'bin(D, 5m)', 'coalesce(S, "none")', 'tolower(S)', 'parse_ipv4(S)', 'N + 1', 'strcat(S, "-", N)', 'bin(N, 3)',
);

const row = fc.tuple(
  fc.constantFrom('', 'x', 'X', 'a', 'B C X', '10.1.2.3', '192.168.1.9', ' 10.0.0.1', 'fd00::1', '5', 'cx'),
  fc.constantFrom(null, 0, 5, -1, 4, 7),
  fc.constantFrom(null, 0, 1.5, -0.5, 2),
  fc.constantFrom(null, NOW - 3_600_000, NOW - 600_000, NOW - 7_200_000),
  fc.constantFrom(null, true, false),
  fc.constantFrom<KValue>(null, 1, '1', [1], { a: 1 }),
);

/** Each expression compiled as the interpreter does, over a row of the columns above: [closure, generated]. */
function compile(exprs: string[]): [(r: KValue[]) => KValue, (r: KValue[]) => KValue][] {
  const frame = new Frame();
  const layout = new Layout(frame, COLUMNS.map(([name, type]) => computedCol(frame, name, type)));
  const query = `T | extend ${exprs.map((e, i) => `e${i} = ${e}`).join(', ')}`;
  const tree = queryTree(query, undefined);
  const extend = list(tree.Statements)[0]!.Expression.Operator as Node;
  return list(extend.Expressions).map((e) => {
    const f = compileScalar(e.Expression, { now: NOW, lets: new Map(), layout }).f;
    return [f, generated(f)];
  });
}

describe('generated scalar expressions', () => {
  it('give what their closures give, on random conditions and rows (nulls, empty strings, other kinds)', () => {
    fc.assert(fc.property(fc.array(fc.oneof(condition, value), { minLength: 20, maxLength: 20 }), fc.array(row, { minLength: 30, maxLength: 30 }), (exprs, rows) => {
      for (const [f, g] of compile(exprs)) {
        for (const r of rows) expect(g(r as KValue[])).toEqual(f(r as KValue[]));
      }
    }), { numRuns: 40 });
  });

  it('inline the plain steps and call the rest (a constant text stays a JSON literal, never code)', () => {
    const [[f, g]] = compile(['(S == "\\"); throw 1; //" or N >= 5) and not(isempty(S))']) as [[(r: KValue[]) => KValue, (r: KValue[]) => KValue]];
    expect(g).not.toBe(f);
    expect(String(g)).toContain('"\\"); throw 1; //"');
    for (const s of ['"); throw 1; //', 'x', '']) for (const n of [null, 5, 1]) expect(g([s, n])).toEqual(f([s, n]));
  });
});
