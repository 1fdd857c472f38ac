// Issue 13, item 10(c): a long literal must match like a short one. V8 compiles a regular expression recursively,
// and the regex of a 10,000-character value overflowed its stack; plain values no longer go through a regex.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileItem, wildcardToRegex } from '../../src/engines/sigma/values.js';

describe('Sigma plain values without a regular expression', () => {
  it('matches 10,000- and 100,000-character literals with every modifier', () => {
    for (const lit of ['x.'.repeat(5000), 'A'.repeat(100_000)]) {
      const lower = lit.toLowerCase();
      expect(compileItem('F', lit)({ F: lower })).toBe(true);
      expect(compileItem('F', lit)({ F: `${lower}!` })).toBe(false);
      expect(compileItem('F|contains', lit)({ F: `>${lower}<` })).toBe(true);
      expect(compileItem('F|startswith', lit)({ F: `${lower}<` })).toBe(true);
      expect(compileItem('F|startswith', lit)({ F: `>${lower}` })).toBe(false);
      expect(compileItem('F|endswith', lit)({ F: `>${lower}` })).toBe(true);
      expect(compileItem('F|contains|cased', lit)({ F: `>${lower}<` })).toBe(lit === lower);
    }
  });

  it('agrees with the regular expression of the Sigma wildcard syntax on short values', () => {
    const alphabet = fc.constantFrom('a', 'B', 'b', '*', '?', '\\', 'é', 'É', '😀', '.', 'İ');
    const text = fc.array(alphabet, { maxLength: 8 }).map((a) => a.join(''));
    fc.assert(fc.property(text, text, fc.constantFrom('', '|contains', '|startswith', '|endswith', '|cased', '|contains|cased'), (pattern, value, mod) => {
      const cased = mod.includes('cased');
      // Case folding is toLowerCase on both sides (as the reference evaluator's), so the oracle folds too.
      const fold = (s: string) => (cased ? s : s.toLowerCase());
      let src = wildcardToRegex(fold(pattern));
      if (mod.includes('contains')) src = `[\\s\\S]*${src}[\\s\\S]*`;
      else if (mod.includes('startswith')) src = `${src}[\\s\\S]*`;
      else if (mod.includes('endswith')) src = `[\\s\\S]*${src}`;
      const oracle = new RegExp(`^${src}$`, 'u');
      expect(compileItem(`F${mod}`, pattern)({ F: value })).toBe(oracle.test(fold(value)));
    }), { numRuns: 3000 });
  });
});
