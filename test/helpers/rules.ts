import { stringify } from 'yaml';
import type { Rule } from '../../src/ir/types.js';
import { formatDiagnostic } from '../../src/load/diagnostics.js';
import { loadRuleText } from '../../src/load/load-rules.js';

/** A complete, valid rule document (process_creation, event rule) to vary in tests. */
export function baseRuleDoc(): Record<string, unknown> {
  return {
    id: '11111111-2222-4333-8444-555555555555',
    name: 'Test rule',
    version: '1.0.0',
    description: 'A rule for tests.',
    severity: 'low',
    attack: { tactics: ['reconnaissance'], techniques: ['T1595.001'] },
    false_positives: [{ class: 'tests', description: 'Only tests.' }],
    triage: { questions: ['q'], escalation: ['e'], l1: ['a'], l2: ['b'], containment: ['c'] },
    schedule: { frequency: '1h', lookback: '1h' },
    query: {
      source: 'process_creation',
      where: { field: 'process_name', eq: 'nmap.exe' },
      output: [
        { field: 'time', as: 'TimeGenerated' },
        { field: 'host', as: 'DeviceName' },
        { field: 'command_line', as: 'ProcessCommandLine' },
      ],
    },
  };
}

/** Loads a rule document; throws with the diagnostics if it is not valid. */
export function ruleFromDoc(doc: Record<string, unknown>, file = 'rules/test/test-rule.yml'): Rule {
  const r = loadRuleText(file, stringify(doc));
  if (!r.rule) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.rule;
}

/** The base rule with another `where` condition. */
export function ruleWithWhere(where: unknown): Rule {
  const doc = baseRuleDoc();
  (doc.query as Record<string, unknown>).where = where;
  return ruleFromDoc(doc);
}
