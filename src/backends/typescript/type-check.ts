// The type check of generated modules: what a module must pass (CHECK_OPTIONS), what a finding is (TypeProblem), and
// the in-process check with the TypeScript 5.9 compiler ts-morph bundles (one program over in-memory files, no
// ts-morph project around it). The build uses the native compiler (native-tsc.ts) where it is installed: at a thousand
// modules the in-process check costs ~20 CPU s, ~15 of them in the checker; the native one ~5 (verify.ts says why).
import { createRequire } from 'node:module';
import type { ts as TS } from 'ts-morph';
import { typescriptCompiler } from '../../util/ts-morph.js';

/** One error the compiler reports: the module it is in (undefined: not in a module), 1-based line and column. */
export interface TypeProblem {
  path: string | undefined;
  line: number;
  column: number;
  code: number;
  message: string;
}

/** The modules to check: paths relative to dist-rules/, and their text. */
export type TypeCheckInput = readonly { path: string; content: string }[];

/**
 * What a module must pass, as tsconfig.json's compilerOptions (the same for both compilers): `strict`, with the
 * ES2022 library alone (a module that reached for Node or the DOM fails), resolving nothing (a module imports
 * nothing; an import is an error, whatever is installed around the check).
 */
export const CHECK_OPTIONS = {
  strict: true,
  target: 'es2022',
  module: 'es2022',
  lib: ['es2022'],
  types: [],
  noResolve: true,
  noEmit: true,
  isolatedModules: true,
  noFallthroughCasesInSwitch: true,
  // A module must also compile in projects that refuse unused declarations.
  noUnusedLocals: true,
  // The library files are TypeScript's own and the same in every build: checking them finds nothing, every time.
  skipLibCheck: true,
} as const;

/**
 * The problems in a fixed order, whatever order the compiler (or its threads) found them in: those outside a module
 * first, then by module in the order given, line, column, code and message.
 */
export function sortProblems(problems: readonly TypeProblem[], modules: TypeCheckInput): TypeProblem[] {
  const rank = new Map(modules.map((m, i) => [m.path, i]));
  const at = (p: TypeProblem) => (p.path === undefined ? -1 : rank.get(p.path) ?? -1);
  return [...problems].sort(
    (a, b) => at(a) - at(b) || a.line - b.line || a.column - b.column || a.code - b.code || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

/** Where the library files live in the program (as in ts-morph's in-memory projects). */
const LIB_DIR = '/node_modules/typescript/lib';
const MODULE_DIR = '/dist-rules';

type LibFile = { fileName: string; text: string };

let libTexts: Map<string, string> | undefined;
const libSources = new Map<string, TS.SourceFile>();

/**
 * A library file by its path in the program, parsed once per process and only when the program asks for it (ES2022
 * and what it references, never the DOM): the same in every check, and a build in a process that built before (a test
 * run, `detc check`) would parse them again.
 */
function library(t: typeof TS, name: string): TS.SourceFile | undefined {
  if (!libTexts) {
    // The library files ts-morph's in-memory projects use, from the package that bundles its compiler.
    const require = createRequire(createRequire(import.meta.url).resolve('ts-morph'));
    const files = (require('@ts-morph/common') as { getLibFiles(): LibFile[] }).getLibFiles();
    libTexts = new Map(files.map((f) => [`${LIB_DIR}/${f.fileName}`, f.text]));
  }
  let sf = libSources.get(name);
  const text = sf ? undefined : libTexts.get(name);
  if (text !== undefined) libSources.set(name, (sf = t.createSourceFile(name, text, t.ScriptTarget.ES2022, false)));
  return sf;
}

/** The compiler's errors over `modules` checked together under CHECK_OPTIONS, in process, in sortProblems' order. */
export function typeCheckInProcess(modules: TypeCheckInput): TypeProblem[] {
  // The compiler alone, as the printer loads it (util/ts-morph.ts): ts-morph's own wrappers are not used here.
  const t = typescriptCompiler();
  const converted = t.convertCompilerOptionsFromJson(CHECK_OPTIONS, '/');
  if (converted.errors.length) throw new Error(`detc's own TypeScript options: ${converted.errors.map((e) => t.flattenDiagnosticMessageText(e.messageText, ' ')).join('; ')}`);
  const options = converted.options;
  const own = new Map(modules.map((m) => [`${MODULE_DIR}/${m.path}`, m]));
  const host: TS.CompilerHost = {
    getSourceFile: (name) => {
      const m = own.get(name);
      return m ? t.createSourceFile(name, m.content, t.ScriptTarget.ES2022, false, t.ScriptKind.TS) : library(t, name);
    },
    getDefaultLibFileName: () => `${LIB_DIR}/lib.d.ts`,
    getDefaultLibLocation: () => LIB_DIR,
    writeFile: () => undefined,
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (f) => own.has(f) || library(t, f) !== undefined,
    readFile: (f) => own.get(f)?.content,
    directoryExists: (d) => d === '/' || d === MODULE_DIR || d.startsWith(LIB_DIR) || MODULE_DIR.startsWith(`${d}/`) || LIB_DIR.startsWith(`${d}/`),
    getDirectories: () => [],
  };
  const program = t.createProgram({ rootNames: [...own.keys()], options, host });
  const problems = t.getPreEmitDiagnostics(program).map((d) => {
    const m = d.file ? own.get(d.file.fileName) : undefined;
    const text = d.file?.text ?? '';
    const pos = d.start ?? 0;
    return {
      path: m?.path ?? (d.file ? d.file.fileName.slice(d.file.fileName.lastIndexOf('/') + 1) : undefined),
      ...(d.file && d.start !== undefined ? editorPosition(text, pos) : { line: 1, column: 1 }),
      code: d.code,
      // A chain of messages on one line, each part trimmed (as native-tsc.ts joins the compiler's indented lines).
      message: t.flattenDiagnosticMessageText(d.messageText, '\n').split('\n').map((l) => l.trim()).filter(Boolean).join(' '),
    };
  });
  return sortProblems(problems, modules);
}

/**
 * The 1-based line and column of offset `pos` in `text` as detc reports a module's position (and editors show it): a
 * line ends at a line feed only; the column counts UTF-16 units from the last line feed or carriage return. Both
 * compilers' positions go through here (native-tsc.ts), so that they report alike.
 */
export function editorPosition(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) line++;
  let from = pos;
  while (from > 0 && text[from - 1] !== '\n' && text[from - 1] !== '\r') from--;
  return { line, column: pos - from + 1 };
}
