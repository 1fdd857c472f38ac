// The TypeScript target's printer: one dependency-free module per rule (dist-rules/typescript/<rule>.ts), built as
// syntax trees printed by TypeScript's printer (module.ts), plus the notes REPORT.md shows for what is fixed at build
// time.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Rule } from '../../ir/types.js';
import { facts } from '../../load/diagnostic-facts.js';
import { DiagnosticError, diagnosticAt } from '../../load/diagnostics.js';
import { requireMapping } from '../../mapping/mapping.js';
import type { Artifact, Backend, BackendContext, BackendNote, BackendResult } from '../types.js';
import { typescriptUnexpressible } from './limits.js';
import { buildModule, modulePath } from './module.js';
import { parseRuntime } from './runtime-helpers.js';
import { ts } from './ast.js';
import { RuleOutputs } from '../rule-outputs.js';

export { typescriptUnexpressible } from './limits.js';

const RUNTIME = 'runtime.ts';

/** templates/typescript/runtime.ts: the project's, else detc's own. */
function readRuntime(ctx: BackendContext): { file: string; text: string } {
  const own = path.join(ctx.templateDir, RUNTIME);
  const file = existsSync(own) || !ctx.fallbackTemplateDir ? own : path.join(ctx.fallbackTemplateDir, RUNTIME);
  return { file, text: readFileSync(file, 'utf8') };
}

/**
 * Throws DETC431 when the runtime does not parse as TypeScript. Called before the first module is printed, not
 * before a module is taken from the cache: the runtime's text keys the cache, so a module found there was printed
 * from this very text after it parsed (by the same TypeScript: detc's code version names ts-morph's), and a build
 * whose modules all come from the cache need not load the compiler at all.
 */
function checkRuntimeParses({ file, text }: { file: string; text: string }): void {
  const parsed = parseRuntime(text) as unknown as { parseDiagnostics?: { start?: number; messageText: unknown }[] };
  const problem = parsed.parseDiagnostics?.[0];
  if (problem) {
    const line = problem.start === undefined ? 1 : text.slice(0, problem.start).split('\n').length;
    throw new DiagnosticError([diagnosticAt({ file, line, col: 1 }, facts.typescriptRuntime(file, `${ts().flattenDiagnosticMessageText(problem.messageText as string, ' ')} (line ${line})`))]);
  }
}

/** What the module fixes at build time, for REPORT.md (the other targets say the same of their queries). */
function notesOf(rule: Rule): BackendNote[] {
  const note = (branch: string, message: string): BackendNote => ({ rule: rule.file, branch, backend: 'typescript', kind: 'approximated', message });
  const notes: BackendNote[] = [];
  for (const b of rule.branches) {
    for (const s of b.suppressions) notes.push(note(b.name, `suppress: the ${s.windows.length} window(s) of $${s.list} are compiled into the module; rebuild and redeploy when the list changes`));
  }
  for (const l of rule.sharedLists.filter((x) => x.external)) {
    notes.push(note('*', `list ${l.name} is read from a live store: the module takes its current entries as detector options (options.lists.${l.name}); detc test gives it the list's sample entries`));
  }
  const built = rule.sharedLists.filter((l) => !l.external && l.type !== 'window');
  if (built.length) notes.push(note('*', `shared lists compiled into the module: ${built.map((l) => `${l.name} (${l.entries.length} entries)`).join(', ')}; rebuild and redeploy when one changes`));
  return notes;
}

export const typescriptBackend: Backend = {
  name: 'typescript',
  compile(rules, ctx): BackendResult {
    const diags = rules.flatMap((r) => requireMapping(r, ctx.mapping, 'typescript'));
    if (diags.length) throw new DiagnosticError(diags);
    const files: Artifact[] = [];
    const notes: BackendNote[] = [];
    const expressible = rules.filter((rule) => {
      const why = typescriptUnexpressible(rule, ctx.mapping);
      if (why) notes.push({ rule: rule.file, branch: why.branch, backend: 'typescript', kind: 'dropped', wholeRule: true, message: why.message });
      return !why;
    });
    if (!expressible.length) return { files, notes };
    const runtime = readRuntime(ctx);
    // A module depends only on its rule, the mapping, the runtime and detc's code: one printed before from the same
    // is taken as it was (rule-outputs.ts).
    const printed = new RuleOutputs(ctx, 'typescript-module', { fingerprint: () => runtime.text }, (v): v is string => typeof v === 'string');
    for (const rule of expressible) {
      const content = printed.of(rule, () => {
        checkRuntimeParses(runtime);
        return buildModule(rule, ctx.mapping, runtime.text);
      });
      files.push({ path: modulePath(rule), content, templates: [RUNTIME], rule: rule.id });
      notes.push(...notesOf(rule));
    }
    return { files, notes };
  },
};
