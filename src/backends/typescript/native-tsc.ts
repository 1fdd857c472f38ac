// The type check with TypeScript's native compiler (TypeScript 7, a Go binary, multi-threaded): the modules are
// written to a temporary folder with a tsconfig.json carrying CHECK_OPTIONS and `tsc -p` runs on it. detc depends on
// the per-platform packages that hold the binary (optionalDependencies: npm installs only the one of this platform)
// rather than on the `typescript@7` package, whose `tsc` command would take the place of the project's TypeScript 5.9
// in node_modules/.bin.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { CHECK_OPTIONS, editorPosition, sortProblems, type TypeCheckInput, type TypeProblem } from './type-check.js';

/** The native compiler found for this platform: its executable and version. */
export interface NativeTsc {
  exe: string;
  version: string;
}

/** The native compiler of this platform, or why there is none (an unsupported platform, a failed optional install). */
export function findNativeTsc(platform: string = process.platform, arch: string = process.arch): NativeTsc | { missing: string } {
  const name = `@typescript/typescript-${platform}-${arch}`;
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve(`${name}/package.json`);
  } catch {
    return { missing: `${name} is not installed (no native TypeScript compiler for ${platform}-${arch})` };
  }
  const exe = path.join(path.dirname(manifest), 'lib', platform === 'win32' ? 'tsc.exe' : 'tsc');
  if (!existsSync(exe)) return { missing: `${name} has no ${path.basename(exe)}` };
  const version = String((JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown }).version);
  return { exe, version };
}

/** The compiler could not be run at all (not an executable for this machine): the caller checks in process instead. */
export class NativeTscUnusable extends Error {}

/**
 * The native compiler's errors over `modules`, in sortProblems' order, with `line:column` counted as the in-process
 * check counts them. `threads`: 1 runs the compiler single-threaded (`--workers 1`); otherwise it picks its own.
 * Throws NativeTscUnusable when the executable does not start, Error when its output is not what it should be.
 */
export function typeCheckNative(tsc: NativeTsc, modules: TypeCheckInput, threads?: number): TypeProblem[] {
  // Numbered names: a module's path never has to be quoted, and `name(line,col)` in the output parses unambiguously.
  const names = modules.map((_, i) => `m${i}.ts`);
  let dir: string | undefined;
  try {
    dir = mkdtempSync(path.join(os.tmpdir(), 'detc-tsc-'));
    modules.forEach((m, i) => writeFileSync(path.join(dir!, names[i]!), m.content));
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...CHECK_OPTIONS, pretty: false }, files: names }));
  } catch (e) {
    // A full or read-only temporary folder is the machine's, not a bug of detc's: the in-process check needs no disk.
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw new NativeTscUnusable(`the modules could not be written to a temporary folder for it (${(e as Error).message})`);
  }
  try {
    const args = ['-p', path.join(dir, 'tsconfig.json'), ...(threads === 1 ? ['--singleThreaded'] : [])];
    const r = spawnSync(tsc.exe, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28, windowsHide: true });
    if (r.error) throw new NativeTscUnusable(`${tsc.exe}: ${r.error.message}`);
    const output = `${r.stdout}${r.stderr}`;
    const problems = parseTscOutput(output, new Map(names.map((n, i) => [n, modules[i]!])));
    // tsc exits 0 with no error, 1 or 2 with errors reported; anything else (a crash, a signal) is no judgement at all.
    const judged = r.status === 0 ? problems.length === 0 : (r.status === 1 || r.status === 2) && problems.length > 0;
    if (!judged) throw new Error(`the native TypeScript compiler ${tsc.version} (${tsc.exe}) ended with ${r.signal ?? `exit code ${r.status}`}:\n${output.slice(0, 4000)}`);
    return sortProblems(problems, modules);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const LOCATED = /^(.+)\((\d+),(\d+)\): error TS(\d+): (.*)$/;
const GLOBAL = /^error TS(\d+): (.*)$/;

/**
 * `tsc --pretty false` output: one `file(line,col): error TSnnnn: message` (or `error TSnnnn: message`) per error, the
 * further lines of a message indented below it (joined with a space, as the in-process check flattens them). `files`
 * maps the names in the folder to the modules. A line of any other shape throws: an output not understood is never
 * taken for a clean check.
 */
export function parseTscOutput(output: string, files: ReadonlyMap<string, { path: string; content: string }>): TypeProblem[] {
  const problems: TypeProblem[] = [];
  const starts = new Map<string, number[]>();
  for (const line of output.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const last = problems[problems.length - 1];
    if (/^\s/.test(line) && last) {
      last.message += ` ${line.trim()}`;
      continue;
    }
    const located = LOCATED.exec(line);
    if (located) {
      const [, name, l, c, code, message] = located;
      const m = files.get(name!);
      if (m && !starts.has(name!)) starts.set(name!, compilerLineStarts(m.content));
      const at = m ? fromCompiler(m.content, starts.get(name!)!, Number(l), Number(c)) : { line: Number(l), column: Number(c) };
      problems.push({ path: m?.path ?? path.basename(name!), ...at, code: Number(code), message: message! });
      continue;
    }
    const global = GLOBAL.exec(line);
    if (!global) throw new Error(`the native TypeScript compiler printed a line detc does not understand: ${line}`);
    problems.push({ path: undefined, line: 1, column: 1, code: Number(global[1]), message: global[2]! });
  }
  return problems;
}

/**
 * Where each line starts as the compiler counts lines, as the language does: CR, LF, CRLF, U+2028 and U+2029 all end
 * one.
 */
function compilerLineStarts(text: string): number[] {
  const starts = [0];
  const ends = /\r\n|[\r\n\u2028\u2029]/g;
  for (let m = ends.exec(text); m; m = ends.exec(text)) starts.push(m.index + m[0].length);
  return starts;
}

/** The compiler's line and column (UTF-16 units) as an offset into `text`, then counted as detc reports positions. */
function fromCompiler(text: string, starts: readonly number[], line: number, column: number): { line: number; column: number } {
  return editorPosition(text, Math.min((starts[Math.min(line, starts.length) - 1] ?? 0) + column - 1, text.length));
}
