// The build's type check of the generated modules: all of them in ONE TypeScript program under `strict`, with no
// library but ES2022 (a module that reached for Node or the DOM would fail here). A type error is a build error on
// the rule's file, naming the module's line.
import { createRequire } from 'node:module';
import type { Rule } from '../../ir/types.js';
import { CleanFiles } from '../../kql-check/clean-files.js';
import { facts } from '../../load/diagnostic-facts.js';
import { DiagnosticError, diagnosticAt, type Diagnostic } from '../../load/diagnostics.js';
import type { VerifyContext, VerifyResult } from '../types.js';
import { typeCheck } from './type-check.js';

/** The modules among `files` (written by the TypeScript target) type-checked together; throws on any error. */
export function verifyTypescript(ctx: VerifyContext): VerifyResult {
  const all = ctx.files.filter((f) => f.target === 'typescript' && f.path.endsWith('.ts'));
  // A module imports nothing, so its type check does not depend on the others: one found clean before with the same
  // path and bytes (and the same detc, compiler and options) is not checked again; the rest are checked together.
  const clean = new CleanFiles(ctx.cacheDir, 'typescript-verified', `typescript ${tsVersion()}`);
  const modules = all.filter((f) => !clean.has([f]));
  const result = { count: all.length, what: 'TypeScript modules', by: 'tsc --strict', cached: all.length - modules.length };
  if (!modules.length) return result;
  const byPath = new Map(modules.map((f) => [f.path, f]));
  const problems: Diagnostic[] = typeCheck(modules).map((p) => {
    const artifact = p.path === undefined ? undefined : byPath.get(p.path);
    const rule = ctx.rules.find((r) => r.id === artifact?.rule);
    return diagnosticAt(at(rule), facts.typescriptTypeError(p.path ?? 'typescript', p.line, p.column, p.code, p.message));
  });
  if (problems.length) throw new DiagnosticError(problems);
  for (const f of modules) clean.add([f]);
  return result;
}

/** ts-morph's version (it bundles the TypeScript compiler), read from its package file without loading it. */
function tsVersion(): string {
  const require = createRequire(import.meta.url);
  return String((require('ts-morph/package.json') as { version: string }).version);
}

/** The rule's query (where its logic is written), or its file's first line. */
function at(rule: Rule | undefined): { file: string; line: number; col: number; path: string } {
  const pos = rule?.branches[0]?.pos;
  return { file: rule?.file ?? 'dist-rules/typescript', line: pos?.line ?? 1, col: pos?.col ?? 1, path: pos?.path ?? '' };
}
