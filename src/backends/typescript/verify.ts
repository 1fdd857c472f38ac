// The build's type check of the generated modules: all of them in ONE TypeScript program under `strict`, with no
// library but ES2022 (a module that reached for Node or the DOM would fail here). A type error is a build error on
// the rule's file, naming the module's line.
import { createRequire } from 'node:module';
import type { Rule } from '../../ir/types.js';
import { CleanFiles } from '../../kql-check/clean-files.js';
import { facts } from '../../load/diagnostic-facts.js';
import { DiagnosticError, diagnosticAt, type Diagnostic } from '../../load/diagnostics.js';
import { tsMorph } from '../../util/ts-morph.js';
import type { Artifact, VerifyContext, VerifyResult } from '../types.js';

/** The modules among `files` (written by the TypeScript target) type-checked together; throws on any error. */
export function verifyTypescript(ctx: VerifyContext): VerifyResult {
  const all = ctx.files.filter((f) => f.target === 'typescript' && f.path.endsWith('.ts'));
  // A module imports nothing, so its type check does not depend on the others: one found clean before with the same
  // path and bytes (and the same detc, compiler and options) is not checked again; the rest are checked together.
  const clean = new CleanFiles(ctx.cacheDir, 'typescript-verified', `typescript ${tsVersion()}`);
  const modules = all.filter((f) => !clean.has([f]));
  const result = { count: all.length, what: 'TypeScript modules', by: 'tsc --strict', cached: all.length - modules.length };
  if (!modules.length) return result;
  const { Project, ts } = tsMorph();
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ES2022,
      lib: ['lib.es2022.d.ts'],
      types: [],
      noEmit: true,
      isolatedModules: true,
      noFallthroughCasesInSwitch: true,
      // A module must also compile in projects that refuse unused declarations.
      noUnusedLocals: true,
    },
  });
  const byPath = new Map<string, Artifact>();
  for (const f of modules) {
    const file = project.createSourceFile(`/dist-rules/${f.path}`, f.content);
    byPath.set(file.getFilePath(), f);
  }
  const problems: Diagnostic[] = [];
  for (const d of project.getPreEmitDiagnostics()) {
    const sf = d.getSourceFile();
    const artifact = sf ? byPath.get(sf.getFilePath()) : undefined;
    const rule = ctx.rules.find((r) => r.id === artifact?.rule);
    const start = d.getStart();
    const { line, column } = sf && start !== undefined ? sf.getLineAndColumnAtPos(start) : { line: 1, column: 1 };
    const message = ts.flattenDiagnosticMessageText(d.compilerObject.messageText, ' ');
    problems.push(diagnosticAt(at(rule), facts.typescriptTypeError(artifact?.path ?? sf?.getBaseName() ?? 'typescript', line, column, d.getCode(), message)));
  }
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
