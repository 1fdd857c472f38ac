// The build's type check of the generated modules: all of them in ONE TypeScript program under `strict`, with no
// library but ES2022 (a module that reached for Node or the DOM would fail here). A type error is a build error on
// the rule's file, naming the module's line.
//
// Which compiler: TypeScript's native one (TypeScript 7, native-tsc.ts) where its package for this platform is
// installed, else the TypeScript 5.9 compiler ts-morph bundles, in process, and the build says so in one line. At a
// thousand modules the in-process check costs ~20 CPU s (three quarters of it the checker, on the runtime helpers
// every module carries); the native compiler ~5 CPU s on its own threads, and ~0.05 s for one module where the
// in-process check loads the compiler and parses the library first. Both judge the same options (CHECK_OPTIONS)
// against TypeScript's own ES2022 library; the cache of clean modules is keyed by the compiler that judged them.
import { createRequire } from 'node:module';
import type { Rule } from '../../ir/types.js';
import { CleanFiles } from '../../kql-check/clean-files.js';
import { facts } from '../../load/diagnostic-facts.js';
import { DiagnosticError, diagnosticAt, type Diagnostic } from '../../load/diagnostics.js';
import type { VerifyContext, VerifyResult } from '../types.js';
import { findNativeTsc, NativeTscUnusable, typeCheckNative, type NativeTsc } from './native-tsc.js';
import { typeCheckInProcess, type TypeCheckInput, type TypeProblem } from './type-check.js';

/** A compiler that type-checks modules: its name in the cache key and the check. */
export interface TypeChecker {
  id: string;
  check(modules: TypeCheckInput, threads?: number): TypeProblem[];
  /** Said once in the build's output when this checker is used (why the native compiler is not). */
  note?: string;
}

/** The modules among `files` (written by the TypeScript target) type-checked together; throws on any error. */
export function verifyTypescript(ctx: VerifyContext): VerifyResult {
  return verifyTypescriptWith(ctx, typeChecker());
}

/** verifyTypescript with a given checker (the tests compare the two compilers' judgements). */
export function verifyTypescriptWith(ctx: VerifyContext, checker: TypeChecker): VerifyResult {
  const all = ctx.files.filter((f) => f.target === 'typescript' && f.path.endsWith('.ts'));
  // A module imports nothing, so its type check does not depend on the others: one found clean before with the same
  // path and bytes (and the same detc, compiler and options) is not checked again; the rest are checked together.
  const clean = new CleanFiles(ctx.cacheDir, 'typescript-verified', checker.id);
  const modules = all.filter((f) => !clean.has([f]));
  const result: VerifyResult = { count: all.length, what: 'TypeScript modules', by: 'tsc --strict', cached: all.length - modules.length };
  if (!modules.length) return result;
  let used = checker;
  let problems: TypeProblem[];
  try {
    problems = checker.check(modules, ctx.workers);
  } catch (e) {
    // A native binary that does not run on this machine (another libc, a blocked executable), or no temporary folder to
    // hand it the modules in: judged in process.
    if (!(e instanceof NativeTscUnusable)) throw e;
    used = inProcess(`the native TypeScript compiler could not be used (${e.message})`);
    problems = used.check(modules);
  }
  if (used.note) result.note = `TypeScript modules checked in process by TypeScript 5.9: ${used.note}`;
  const byPath = new Map(modules.map((f) => [f.path, f]));
  const diagnostics: Diagnostic[] = problems.map((p) => {
    const artifact = p.path === undefined ? undefined : byPath.get(p.path);
    const rule = ctx.rules.find((r) => r.id === artifact?.rule);
    return diagnosticAt(at(rule), facts.typescriptTypeError(p.path ?? 'typescript', p.line, p.column, p.code, p.message));
  });
  if (diagnostics.length) throw new DiagnosticError(diagnostics);
  const cleanUsed = used === checker ? clean : new CleanFiles(ctx.cacheDir, 'typescript-verified', used.id);
  for (const f of modules) cleanUsed.add([f]);
  return result;
}

let found: ReturnType<typeof findNativeTsc> | undefined;

/**
 * The native compiler of this platform if installed (looked for once per process), else the in-process one.
 * DETC_TYPESCRIPT_CHECK=in-process chooses the in-process one (a native binary that misbehaves on some machine).
 */
export function typeChecker(env: NodeJS.ProcessEnv = process.env): TypeChecker {
  if (env.DETC_TYPESCRIPT_CHECK === 'in-process') return inProcess('DETC_TYPESCRIPT_CHECK=in-process');
  found ??= findNativeTsc();
  return 'missing' in found ? inProcess(found.missing) : native(found);
}

/** TypeScript's native compiler (native-tsc.ts). */
export function native(tsc: NativeTsc): TypeChecker {
  return { id: `native tsc ${tsc.version} ${process.platform}-${process.arch}`, check: (modules, threads) => typeCheckNative(tsc, modules, threads) };
}

/** The TypeScript 5.9 compiler ts-morph bundles, in process; `why`: why not the native one. */
export function inProcess(why?: string): TypeChecker {
  return { id: `in-process ts-morph ${tsMorphVersion()}`, check: (modules) => typeCheckInProcess(modules), ...(why ? { note: why } : {}) };
}

/** ts-morph's version (it bundles the TypeScript compiler), read from its package file without loading it. */
function tsMorphVersion(): string {
  const require = createRequire(import.meta.url);
  return String((require('ts-morph/package.json') as { version: string }).version);
}

/** The rule's query (where its logic is written), or its file's first line. */
function at(rule: Rule | undefined): { file: string; line: number; col: number; path: string } {
  const pos = rule?.branches[0]?.pos;
  return { file: rule?.file ?? 'dist-rules/typescript', line: pos?.line ?? 1, col: pos?.col ?? 1, path: pos?.path ?? '' };
}
