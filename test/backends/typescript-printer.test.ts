import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { typescriptBackend } from '../../src/backends/typescript/index.js';
import { block, constDecl, fn, ifStmt, kw, lit, param, ret, ts as compilerOfModules } from '../../src/backends/typescript/ast.js';
import { printNode, printStatement, usedParts, type Printed } from '../../src/backends/typescript/printer.js';
import { importModule } from '../../src/engines/typescript/index.js';
import type { Rule } from '../../src/ir/types.js';
import { tsMorph } from '../../src/util/ts-morph.js';
import { mappings } from '../helpers/dist.js';
import { baseRuleDoc, ruleFromDoc } from '../helpers/rules.js';

const ROOT = path.resolve(__dirname, '../..');
const compile = (rules: Rule[]) => typescriptBackend.compile(rules, { templateDir: path.join(ROOT, 'templates/typescript'), mapping: mappings.typescript });

/** The value of the string literal initialising the first variable of `text`. */
function literalOf(text: string): string {
  const sf = ts.createSourceFile('m.ts', text, ts.ScriptTarget.ES2022, true);
  let found: string | undefined;
  const walk = (n: ts.Node): void => {
    if (found === undefined && ts.isStringLiteral(n)) found = n.text;
    n.forEachChild(walk);
  };
  walk(sf);
  return found!;
}

describe('the TypeScript module printer', () => {
  it('prints with the very compiler ts-morph bundles (whose version keys the caches), loaded without ts-morph', () => {
    // ts-morph hands on a namespace copy of the compiler's exports: the same functions, the same version.
    expect(compilerOfModules().createPrinter).toBe(tsMorph().ts.createPrinter);
    expect(compilerOfModules().factory).toBe(tsMorph().ts.factory);
    expect(compilerOfModules().version).toBe(tsMorph().ts.version);
  });

  it('indents by two spaces a level, and changes no character of a literal (line breaks and spaces inside it)', () => {
    const value = 'a\n    b\r\n        c\u2028    d    ';
    const text = printNode(fn('f', [param('v', kw('unknown'))], kw('boolean'), [
      ifStmt(lit(true), [constDecl('x', lit(value)), ret(lit(true))]),
      block([ret(lit(false))]),
    ]));
    expect(text.split('\n').map((l) => l.length - l.trimStart().length)).toEqual([0, 2, 4, 4, 2, 2, 4, 2, 0]);
    expect(literalOf(text)).toBe(value);
  });

  it('keeps what is exported or used, and leaves out what nothing uses, then what only that used', () => {
    const t = compilerOfModules();
    const part = (src: string): Printed => printStatement(t.createSourceFile('p.ts', src, t.ScriptTarget.ES2022, true).statements[0]!);
    const api = part('export function detect(): number { return used(); }');
    const used = part('function used(): number { return 1; }');
    const unused = part('function unused(): number { return onlyByUnused(); }');
    const onlyByUnused = part('function onlyByUnused(): number { return 2; }');
    const constant = part('const A = 1, B = used();');
    const kept = usedParts([api, used, unused, onlyByUnused, constant]);
    expect([api, used, unused, onlyByUnused, constant].map((p) => kept.has(p))).toEqual([true, true, false, false, false]);
  });

  it('leaves out a declaration of the rule\'s own code that nothing reads, with what only it needed', async () => {
    // A classification no output column shows: its test is compiled, then nothing reads it.
    const doc = baseRuleDoc();
    doc.query = {
      source: 'process_creation',
      where: { field: 'process_name', eq: 'nmap.exe' },
      aggregate: { window: { size: '5m', as: 'TimeGenerated' }, by: [{ field: 'host', as: 'DeviceName' }], compute: [{ as: 'Events', fn: 'count' }] },
      classify: [{ as: 'Hidden', cases: [{ when: { field: 'DeviceName', contains: ['zz-one', 'zz-two', 'zz-three', 'zz-four'] }, then: 'x' }], else: 'y' }],
      output: ['TimeGenerated', 'DeviceName', 'Events'],
    };
    const { files } = compile([ruleFromDoc(doc)]);
    const text = files[0]!.content;
    expect(text).not.toMatch(/zz-one|containsTest|TEXTS_/);
    expect(text).not.toMatch(/\n\n\n/);
    const mod = (await importModule(text, files[0]!.path)) as unknown as { detect(events: unknown[], now: number): Promise<unknown[]> };
    const now = Date.parse('2026-11-23T12:00:00Z');
    expect(await mod.detect([{ time: now - 60_000, host: 'h', process_name: 'nmap.exe', command_line: 'zz-one' }], now)).toHaveLength(1);
  });
});
