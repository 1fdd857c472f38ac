import { describe, expect, it } from 'vitest';
import { ExprParser } from '../../src/engines/spl/eval-expr.js';
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
