import type { Rule } from '../ir/types.js';
import type { Row } from '../events/model.js';
import type { EngineResult, Events, RunOptions, Runner } from '../engines/types.js';
import { evaluateBranch } from './evaluate.js';
import { eventReads } from '../events/passes.js';

/** The reference evaluator as an engine: every branch of the rule IR, rows concatenated in branch order. */
export const referenceEngine: Runner = {
  name: 'reference',
  async run(rule: Rule, events: Events, opts: Pick<RunOptions, 'now'>): Promise<EngineResult> {
    const rows: Row[] = [];
    const reads = eventReads(events, 'reference evaluator');
    for (const b of rule.branches) rows.push(...(await evaluateBranch(rule, b, reads(), { now: opts.now })));
    return { engine: 'reference', rows, keys: rule.branches[0]!.output.map((o) => o.name) };
  },
};
