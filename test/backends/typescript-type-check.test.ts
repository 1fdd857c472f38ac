import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { typescriptBackend } from '../../src/backends/typescript/index.js';
import { findNativeTsc, NativeTscUnusable, parseTscOutput, typeCheckNative, type NativeTsc } from '../../src/backends/typescript/native-tsc.js';
import { typeCheckInProcess, type TypeProblem } from '../../src/backends/typescript/type-check.js';
import { inProcess, native, typeChecker, verifyTypescriptWith, type TypeChecker } from '../../src/backends/typescript/verify.js';
import type { Artifact } from '../../src/backends/types.js';
import { DiagnosticError } from '../../src/load/diagnostics.js';
import { loadRules } from '../../src/load/load-rules.js';
import { run } from '../helpers/cli.js';
import { mappings } from '../helpers/dist.js';

const ROOT = path.resolve(__dirname, '../..');
const { rules } = loadRules(path.join(ROOT, 'rules'), ROOT);
const rule = rules.find((r) => r.slug === 'distributed-port-probe')!;
const other = rules.find((r) => r.slug === 'ip-block-scan')!;
const compile = (r: typeof rule) => typescriptBackend.compile([r], { templateDir: path.join(ROOT, 'templates/typescript'), mapping: mappings.typescript }).files[0]!;
const base = compile(rule).content;
const found = findNativeTsc();
const tsc = found as NativeTsc;
const listed = Object.keys((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> }).optionalDependencies);
// The tests that run the native compiler need it installed: on a platform detc lists, the first test demands it.
const itNative = 'missing' in found ? it.skip : it;
const show = (ps: TypeProblem[]) => ps.map((p) => `${p.path}:${p.line}:${p.column} TS${p.code} ${p.message}`);

// Modules broken in the ways a template or printer bug breaks them, each found by both compilers.
const broken: Record<string, string> = {
  'a type error': base.replace('const LOOKBACK_MS = ', 'const LOOKBACK_MS: string = '),
  'an unused declaration': `${base}\nconst unusedThing = 1;\n`,
  'a Node global': `${base}\nexport const pid: number = process.pid;\n`,
  'a DOM global': `${base}\nexport const title = document.title;\n`,
  'a library newer than ES2022': `${base}\nexport const last = [1, 2].findLast((x: number) => x > 1);\n`,
  'a case falling through': `${base}\nexport function ft(n: number): number { let r = 0; switch (n) { case 1: r = 1; case 2: r = 2; break; } return r; }\n`,
  'an implicit any': `${base}\nexport function ia(x) { return x; }\n`,
  'a possibly undefined value': `${base}\nexport function u(m: Map<string, number>): number { return m.get("a") + 1; }\n`,
  'a chain of messages': `${base}\nexport const f: (x: { a: number }) => void = (x: { a: string }) => {};\n`,
  'a syntax error': `${base}\nexport const s = ;\n`,
  // Lines the compiler counts and editors do not (U+2028, a lone CR), and characters of two UTF-16 units before the error.
  'a U+2028 and a CR above the error': base.replace('/** The rule this module detects. */', '/** The rule\u2028 this\r module detects. */').replace('const LOOKBACK_MS = ', 'const LOOKBACK_MS: string = '),
  'astral characters before the error': base.replace(/const LOOKBACK_MS = (\d+);/, 'const EMOJI = "😀é"; const LOOKBACK_MS: string = $1; export const e = EMOJI;'),
};

describe('the type check of the TypeScript modules', () => {
  it('uses TypeScript\'s native compiler where its package for this platform is installed', () => {
    const name = `@typescript/typescript-${process.platform}-${process.arch}`;
    if (!listed.includes(name)) return; // a platform without a native compiler: checked in process (below)
    expect(found).toMatchObject({ exe: expect.stringContaining('typescript-') as unknown, version: '7.0.2' });
    expect(typeChecker({}).id).toBe(`native tsc 7.0.2 ${process.platform}-${process.arch}`);
    expect(typeChecker({}).note).toBeUndefined();
    expect(typeChecker({ DETC_TYPESCRIPT_CHECK: 'in-process' }).id).toMatch(/^in-process /);
    expect(findNativeTsc('plan9', 'mips')).toEqual({ missing: '@typescript/typescript-plan9-mips is not installed (no native TypeScript compiler for plan9-mips)' });
  });

  itNative('judges a module as the in-process compiler does: the same errors at the same line:column, in the same words', () => {
    expect(typeCheckNative(tsc, [{ path: 'typescript/a.ts', content: base }])).toEqual([]);
    for (const [what, content] of Object.entries(broken)) {
      const modules = [{ path: `typescript/${rule.slug}.ts`, content }];
      const here = typeCheckInProcess(modules);
      expect(here.length, what).toBeGreaterThan(0);
      expect(show(typeCheckNative(tsc, modules)), what).toEqual(show(here));
    }
    // The line the editor shows: the U+2028 and the CR above do not count, the two-unit emoji before the error does.
    const shifted = typeCheckNative(tsc, [{ path: 'm.ts', content: broken['a U+2028 and a CR above the error']! }])[0]!;
    const lines = broken['a U+2028 and a CR above the error']!.split('\n');
    expect(lines[shifted.line - 1]!.slice(shifted.column - 1)).toMatch(/^LOOKBACK_MS: string/);
    const astral = typeCheckNative(tsc, [{ path: 'm.ts', content: broken['astral characters before the error']! }])[0]!;
    expect(broken['astral characters before the error']!.split('\n')[astral.line - 1]!.slice(astral.column - 1)).toMatch(/^LOOKBACK_MS: string/);
  });

  itNative('finds an import an error, whatever is installed around the check (the messages of the two compilers differ)', () => {
    const modules = [{ path: 'typescript/a.ts', content: `import { readFileSync } from "node:fs";\nimport { x } from "./other.js";\n${base}\nexport const r = [readFileSync, x];\n` }];
    const at = (ps: TypeProblem[]) => ps.map((p) => `${p.line}:${p.column}`);
    expect(at(typeCheckNative(tsc, modules))).toEqual(['1:30', '2:19']);
    expect(at(typeCheckInProcess(modules))).toEqual(['1:30', '2:19']);
  });

  itNative('reports the problems of several modules in the order the modules were given, whichever compiler found them first', () => {
    const a = { path: 'typescript/a.ts', content: broken['an unused declaration']! };
    const b = { path: 'typescript/b.ts', content: broken['a type error']! };
    const c = { path: 'typescript/c.ts', content: compile(other).content };
    for (const order of [[a, b, c], [c, b, a]]) {
      const expected = order.flatMap((m) => typeCheckInProcess([m]));
      expect(show(typeCheckNative(tsc, order))).toEqual(show(expected));
      expect(show(typeCheckInProcess(order))).toEqual(show(expected));
    }
  });

  it('reads the compiler\'s output line by line and refuses a line it does not understand', () => {
    const files = new Map([['m0.ts', { path: 'typescript/x.ts', content: 'let a = 1;\nlet b = 2;\n' }]]);
    const out = "m0.ts(2,5): error TS2322: Type 'number' is not assignable to type 'string'.\n  Types of x are incompatible.\nerror TS5023: Unknown compiler option 'y'.\n";
    expect(parseTscOutput(out, files)).toEqual([
      { path: 'typescript/x.ts', line: 2, column: 5, code: 2322, message: "Type 'number' is not assignable to type 'string'. Types of x are incompatible." },
      { path: undefined, line: 1, column: 1, code: 5023, message: "Unknown compiler option 'y'." },
    ]);
    expect(() => parseTscOutput('Found 3 errors.\n', files)).toThrow(/does not understand: Found 3 errors/);
  });

  itNative('never takes a compiler that printed nothing understood, or failed, for a clean check', () => {
    const modules = [{ path: 'typescript/a.ts', content: base }];
    // Exits 1 without a word: no judgement.
    expect(() => typeCheckNative({ exe: '/bin/false', version: 'x' }, modules)).toThrow(/ended with exit code 1/);
    expect(() => typeCheckNative({ exe: path.join(os.tmpdir(), 'no-such-tsc'), version: 'x' }, modules)).toThrow(NativeTscUnusable);
  });

  describe('through the verifier', () => {
    const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'detc-tscheck-'));
    afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
    const files = (content: string): Artifact[] => [{ path: `typescript/${rule.slug}.ts`, content, rule: rule.id, target: 'typescript' }];
    const ctx = (content: string, cache = true) => ({ rules: [rule], files: files(content), cwd: ROOT, templatesDir: 'templates', schemasDir: '', ...(cache ? { cacheDir } : {}) });
    const unusable: TypeChecker = {
      id: 'broken native',
      check: () => {
        throw new NativeTscUnusable('/x/tsc: spawn ENOEXEC');
      },
    };

    itNative('falls back to the in-process check when the native compiler does not start, says so, and still fails on a type error', () => {
      const result = verifyTypescriptWith(ctx(base, false), unusable);
      expect(result).toMatchObject({ count: 1, cached: 0 });
      expect(result.note).toBe('TypeScript modules checked in process by TypeScript 5.9: the native TypeScript compiler could not be used (/x/tsc: spawn ENOEXEC)');
      try {
        verifyTypescriptWith(ctx(broken['a type error']!, false), unusable);
        expect.unreachable('a type error must fail the build');
      } catch (e) {
        expect(e).toBeInstanceOf(DiagnosticError);
        expect((e as DiagnosticError).diagnostics[0]!.message).toMatch(new RegExp(`^dist-rules/typescript/${rule.slug}\\.ts:\\d+:7: TS2322: `));
      }
      expect(verifyTypescriptWith(ctx(base, false), native(tsc)).note).toBeUndefined();
    });

    itNative('judges in process when no temporary folder can be written for the native compiler (the machine\'s fault, not a bug)', () => {
      const before = process.env.TMPDIR;
      process.env.TMPDIR = path.join(ROOT, 'package.json', 'not-a-folder');
      try {
        expect(() => typeCheckNative(tsc, [{ path: 'typescript/a.ts', content: base }])).toThrow(NativeTscUnusable);
        expect(verifyTypescriptWith(ctx(base, false), native(tsc)).note).toMatch(/^TypeScript modules checked in process by TypeScript 5\.9: the native TypeScript compiler could not be used \(the modules could not be written to a temporary folder/);
        expect(() => verifyTypescriptWith(ctx(broken['a type error']!, false), native(tsc))).toThrow(DiagnosticError);
      } finally {
        if (before === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = before;
      }
    });

    itNative('keys the modules found clean by the compiler that judged them', () => {
      expect(verifyTypescriptWith(ctx(base), native(tsc))).toMatchObject({ count: 1, cached: 0 });
      expect(verifyTypescriptWith(ctx(base), native(tsc))).toMatchObject({ count: 1, cached: 1 });
      expect(verifyTypescriptWith(ctx(base), inProcess())).toMatchObject({ count: 1, cached: 0 });
      expect(verifyTypescriptWith(ctx(base), native({ ...tsc, version: '7.0.3' }))).toMatchObject({ count: 1, cached: 0 });
    });
  });

  it('prints one line when the build checks in process', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-tscheck-cli-'));
    const saved = process.env.DETC_TYPESCRIPT_CHECK;
    try {
      cpSync(path.join(ROOT, 'rules/lists'), path.join(dir, 'rules/lists'), { recursive: true });
      cpSync(rule.file.startsWith('/') ? rule.file : path.join(ROOT, rule.file), path.join(dir, 'rules', path.basename(rule.file)));
      writeFileSync(path.join(dir, 'detc.config.yaml'), 'backends: [typescript]\n');
      process.env.DETC_TYPESCRIPT_CHECK = 'in-process';
      const r = await run(dir, 'build', '--no-cache');
      expect(r.code, r.err).toBe(0);
      expect(r.err.split('\n').filter((l) => l.startsWith('detc: note:'))).toEqual(['detc: note: TypeScript modules checked in process by TypeScript 5.9: DETC_TYPESCRIPT_CHECK=in-process']);
      delete process.env.DETC_TYPESCRIPT_CHECK;
      const n = await run(dir, 'build', '--no-cache');
      expect(n.code, n.err).toBe(0);
      if (!('missing' in found)) expect(n.err).not.toContain('note:');
    } finally {
      if (saved === undefined) delete process.env.DETC_TYPESCRIPT_CHECK;
      else process.env.DETC_TYPESCRIPT_CHECK = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
