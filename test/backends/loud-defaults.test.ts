import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kqlCondition } from '../../src/backends/sentinel/expr.js';
import { compileDetection } from '../../src/backends/sigma/detection.js';
import { splCondition } from '../../src/backends/splunk/expr.js';
import type { Condition } from '../../src/ir/types.js';
import { loadMapping } from '../../src/mapping/mapping.js';
import { compileCondition } from '../../src/reference/predicates.js';

// An operator or a condition kind that the types do not know (a loader bug, a half-added operator) must stop the
// build loudly in every printer and in the reference evaluator, never compile as some default.
const ROOT = path.resolve(__dirname, '../..');
const pos = { file: 'r.yml', line: 1, col: 1, path: '' };
const badOp = { kind: 'string', op: 'matches', field: 'command_line', values: ['x'], cased: false, pos } as unknown as Condition;
const badKind = { kind: 'regex', field: 'command_line', pattern: 'x', pos } as unknown as Condition;
const sigmaSource = loadMapping(path.join(ROOT, 'templates/sigma/mapping.yml')).sources.process_creation!;

const compilers: [string, (c: Condition) => unknown][] = [
  ['kql', (c) => kqlCondition(c, { column: (f) => f, type: () => 'string', nullable: true })],
  ['spl', (c) => splCondition(c, { field: (f) => f, nullable: true })],
  ['sigma', (c) => compileDetection(c, sigmaSource)],
  ['reference', (c) => compileCondition(c)],
];

describe('an unknown operator or condition kind fails loudly everywhere', () => {
  for (const [name, compile] of compilers) {
    it(`${name}: unknown string operator`, () => {
      expect(() => compile(badOp)).toThrow(/unhandled string operator: "matches"|unhandled predicate/);
    });
    it(`${name}: unknown condition kind, also under not`, () => {
      expect(() => compile(badKind)).toThrow(/unhandled (condition|predicate)/);
      expect(() => compile({ kind: 'not', expr: badKind, pos })).toThrow(/unhandled (condition|predicate)/);
    });
  }
});
