import type { Rule } from '../../ir/types.js';
import type { Row } from './predicates.js';
import type { Engine, EngineOptions, EngineResult, Events } from '../types.js';
import { evaluateBranch } from './evaluate.js';
import { eventReads } from '../passes.js';

/** The reference evaluator as an engine: every branch of the rule IR, rows concatenated in branch order. */
export const referenceEngine: Engine = {
  name: 'reference',
  async run(rule: Rule, events: Events, opts: EngineOptions): Promise<EngineResult> {
    const rows: Row[] = [];
    const reads = eventReads(events, 'reference evaluator');
    for (const b of rule.branches) rows.push(...(await evaluateBranch(rule, b, reads(), { now: opts.now })));
    return { engine: 'reference', rows, keys: rule.branches[0]!.output.map((o) => o.name) };
  },
};
