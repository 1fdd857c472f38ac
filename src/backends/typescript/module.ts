// One rule → one TypeScript module: its exported API (api.ts: event and alert types, metadata, `detector`,
// `detect`), the helpers of templates/typescript/runtime.ts it needs (runtime-helpers.ts), and the rule compiled
// into code (branch.ts). Every statement of the rule's is a syntax tree printed by TypeScript's printer
// (printer.ts); the module is those printed statements, the runtime's and the fixed ones, in a fixed layout.
import type { Rule } from '../../ir/types.js';
import type { BackendMapping } from '../../mapping/types.js';
import { apiParts, eventMembers, headerComment } from './api.js';
import { constDecl, get, iface, lit, tref, withDoc, type Member, type Stmt } from './ast.js';
import { alertColumnTypes, branchCode, type BranchModule } from './branch.js';
import { ModuleScope } from './condition.js';
import { printStatement, usedParts, type Printed } from './printer.js';
import { runtimeParts } from './runtime-helpers.js';

/** Where a generated module is written, relative to dist-rules/. */
export function modulePath(rule: Rule): string {
  return `typescript/${rule.slug}.ts`;
}

/** Builds the module text of one rule. `runtime` is the text of templates/typescript/runtime.ts. */
export function buildModule(rule: Rule, mapping: BackendMapping, runtime: string): string {
  const scope = new ModuleScope();
  const external = rule.sharedLists.filter((l) => l.external);
  const m: BranchModule = {
    rule,
    scope,
    native: (source, field) => mapping.sources[source]!.fields[field]!.name,
    externalRanges: (list) => (external.some((l) => l.name === list) ? get('lists', list) : undefined),
  };
  const alertMembers = alertColumnTypes(rule.branches[0]!);
  const branches = rule.branches.map((b, i) => branchCode(m, b, i, rule.branches[0]!.output));
  const readPeriod = rule.schedule.lookbackSeconds + Math.max(0, ...rule.branches.map((b) => b.firstSeen?.baselineSeconds ?? 0));
  const api = apiParts(rule, eventMembers(rule, mapping), alertMembers, external.map((l) => l.name), branches);
  const constants: Stmt[] = [
    withDoc(constDecl('READ_PERIOD_MS', lit(readPeriod * 1000)), 'How far back a run reads: the lookback, plus a first-seen baseline.'),
    withDoc(constDecl('LOOKBACK_MS', lit(rule.schedule.lookbackSeconds * 1000)), 'Events of the lookback raise alerts; earlier ones only form the baseline.'),
  ];
  if (external.length) {
    constants.push(iface('ListRanges', external.map((l): Member => ({ name: l.name, type: tref('IpRanges'), readonly: true }))));
  }
  const code = [...constants, ...scope.decls, ...branches.flatMap((b) => b.decls)].map(printStatement);
  const helpers = runtimeParts(runtime);
  // Only the helpers the rule's code needs, and none of its own declarations that nothing reads (noUnusedLocals).
  const kept = usedParts([...api.declarations, api.detector, api.detect, ...code], helpers);
  const only = (parts: readonly Printed[]) => parts.filter((p) => kept.has(p)).map((p) => p.text);
  // The layout modules have had since ts-morph assembled them (kept byte for byte, so that no module changes): the
  // helpers, with their own comments and blank lines, between `detector` and `detect`; the rule's code after.
  return [
    `${headerComment(rule)}\n${only(api.declarations).join('\n\n')}\n${api.detector.text}\n${only(helpers.parts).join('')}\n\n${api.detect.text}\n`,
    only(code).join('\n\n'),
    '\n',
  ].join('');
}
