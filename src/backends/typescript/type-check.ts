// The type check of generated modules with TypeScript's own compiler API: one program over in-memory files, no
// ts-morph project around it. At a thousand rules ts-morph's wrappers (a wrapped source file and diagnostic per
// module) cost a third of the check and most of its memory; the compiler, options and library files are the ones
// ts-morph bundles, so the judgement is the same.
import { createRequire } from 'node:module';
import type { ts as TS } from 'ts-morph';
import { tsMorph } from '../../util/ts-morph.js';

/** One error the compiler reports: the module it is in (undefined: not in a module), 1-based line and column. */
export interface TypeProblem {
  path: string | undefined;
  line: number;
  column: number;
  code: number;
  message: string;
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

/**
 * The compiler's errors over `modules` (paths relative to dist-rules/) checked together under `strict`, with the ES2022
 * library alone (a module that reached for Node or the DOM fails), in the compiler's order.
 */
export function typeCheck(modules: readonly { path: string; content: string }[]): TypeProblem[] {
  const { ts: t } = tsMorph();
  const options: TS.CompilerOptions = {
    strict: true,
    target: t.ScriptTarget.ES2022,
    module: t.ModuleKind.ES2022,
    lib: ['lib.es2022.d.ts'],
    types: [],
    noEmit: true,
    isolatedModules: true,
    noFallthroughCasesInSwitch: true,
    // A module must also compile in projects that refuse unused declarations.
    noUnusedLocals: true,
    // The library files are TypeScript's own and the same in every build: checking them finds nothing, every time.
    skipLibCheck: true,
  };
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
  return t.getPreEmitDiagnostics(program).map((d) => {
    const m = d.file ? own.get(d.file.fileName) : undefined;
    const text = d.file?.text ?? '';
    const pos = d.start ?? 0;
    return {
      path: m?.path ?? (d.file ? d.file.fileName.slice(d.file.fileName.lastIndexOf('/') + 1) : undefined),
      line: d.file && d.start !== undefined ? lineAt(text, pos) : 1,
      column: d.file && d.start !== undefined ? pos - lineStart(text, pos) + 1 : 1,
      code: d.code,
      message: t.flattenDiagnosticMessageText(d.messageText, ' '),
    };
  });
}

/** 1-based line of `pos`: the line feeds before it, plus one. */
function lineAt(text: string, pos: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Where the line of `pos` starts (after a line feed or a carriage return). */
function lineStart(text: string, pos: number): number {
  while (pos > 0 && text[pos - 1] !== '\n' && text[pos - 1] !== '\r') pos--;
  return pos;
}
