// Types of expressed.mjs for the TypeScript test that runs it (test/bench/expressed.test.ts).
import type { Runner, RunOptions } from '../../src/engines/types.js';
import type { Rule } from '../../src/ir/types.js';

export declare function expressed(
  engine: Runner,
  rule: Rule,
  options: Omit<RunOptions, 'now'>,
  now: string,
): Promise<{ keys: string[]; ignores: string[] } | undefined>;
