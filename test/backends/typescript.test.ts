import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import ts from 'typescript';
import { typescriptBackend } from '../../src/backends/typescript/index.js';
import { verifyTypescript } from '../../src/backends/typescript/verify.js';
import type { Artifact } from '../../src/backends/types.js';
import { importModule } from '../../src/engines/typescript/index.js';
import type { Rule } from '../../src/ir/types.js';
import { DiagnosticError } from '../../src/load/diagnostics.js';
import { loadRules } from '../../src/load/load-rules.js';
import { mappings } from '../helpers/dist.js';
import { baseRuleDoc, ruleFromDoc } from '../helpers/rules.js';

const ROOT = path.resolve(__dirname, '../..');
const compile = (rules: Rule[]) => typescriptBackend.compile(rules, { templateDir: path.join(ROOT, 'templates/typescript'), mapping: mappings.typescript });
const NOW = Date.parse('2026-11-23T12:00:00Z');
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();

// Values that end a string, a template literal or a comment, or a line, in the text they land in.
const HOSTILE = ['a"b', "it's", 'C:\\x\\', 'back\\\\slash', '${process.exit(1)}', '`tick`', 'end */ here', '/* open', 'two\nlines', 'cr\r\nlf', '\u2028sep', "'); throw 1; ('"];

function hostileRule(): Rule {
  const doc = baseRuleDoc();
  doc.name = 'Evil */ name ${x} "q" \\';
  (doc.query as Record<string, unknown>).where = { field: 'command_line', in: HOSTILE, cased: true };
  return ruleFromDoc(doc);
}

async function load(rule: Rule) {
  const { files } = compile([rule]);
  expect(files.map((f) => f.path)).toEqual([`typescript/${rule.slug}.ts`]);
  const text = files[0]!.content;
  return { text, mod: (await importModule(text, files[0]!.path)) as unknown as { metadata: Record<string, unknown>; detect(events: unknown[], now: number): Promise<Record<string, unknown>[]> } };
}

describe('the TypeScript backend', () => {
  it('keeps every literal a value: hostile list entries and names come out exactly, as data', async () => {
    const rule = hostileRule();
    const { text, mod } = await load(rule);
    expect(mod.metadata.name).toBe(rule.name);
    // Each hostile value matches itself exactly (cased), and nothing else: no escape changed a character.
    const events = HOSTILE.flatMap((v, i) => [
      { time: at(i + 1), host: `hit${i}`, process_name: 'nmap.exe', command_line: v },
      { time: at(i + 1), host: `miss${i}`, process_name: 'nmap.exe', command_line: `${v} ` },
    ]);
    const alerts = await mod.detect(events, NOW);
    expect(alerts.map((a) => a.ProcessCommandLine).sort()).toEqual([...HOSTILE].sort());
    expect(alerts.every((a) => String(a.DeviceName).startsWith('hit'))).toBe(true);
    // The module's structure is that of a harmless rule: the values added no statement, only string literals.
    const plain = baseRuleDoc();
    (plain.query as Record<string, unknown>).where = { field: 'command_line', in: HOSTILE.map((_, i) => `v${i}`), cased: true };
    const { text: plainText } = await load(ruleFromDoc(plain));
    const shape = (t: string) => ts.createSourceFile('m.ts', t, ts.ScriptTarget.ES2022, true).statements.map((s) => ts.SyntaxKind[s.kind]);
    expect(shape(text)).toEqual(shape(plainText));
  });

  it('writes modules that import nothing, deterministically, and that parse without an error', () => {
    const { rules } = loadRules(path.join(ROOT, 'rules'), ROOT);
    const a = compile(rules);
    const b = compile(rules);
    expect(a.files.map((f) => f.content)).toEqual(b.files.map((f) => f.content));
    expect(a.files).toHaveLength(rules.length);
    for (const f of a.files) {
      const sf = ts.createSourceFile(f.path, f.content, ts.ScriptTarget.ES2022, true);
      expect((sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics, f.path).toEqual([]);
      expect(sf.statements.filter((s) => ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s)), f.path).toEqual([]);
      expect(f.content, f.path).not.toMatch(/\brequire\(|\bimport\(/);
      for (const name of ['metadata', 'detect', 'detector', 'DetectionEvent', 'Alert', 'RuleMetadata']) expect(f.content, `${f.path} exports ${name}`).toMatch(new RegExp(`export (const|async function|function|interface) ${name}\\b`));
    }
  });

  it('carries only the runtime helpers a rule uses, each with its own comment and nothing of the others', () => {
    const { rules } = loadRules(path.join(ROOT, 'rules'), ROOT);
    for (const f of compile(rules).files) {
      // A helper left out takes its comment along (removing it afterwards left a stray comment and a blank line).
      expect(f.content, f.path).not.toMatch(/\n\n\n/);
      const sf = ts.createSourceFile(f.path, f.content, ts.ScriptTarget.ES2022, true);
      const comments = sf.statements.flatMap((s) => (ts.getLeadingCommentRanges(f.content, s.getFullStart()) ?? []).map((c) => f.content.slice(c.pos, c.end)));
      if (!/\blastIpText\b/.test(f.content)) expect(comments.join('\n'), f.path).not.toMatch(/The address last parsed/);
      // Every helper a module declares is used somewhere else in it (strict projects build with noUnusedLocals).
      for (const s of sf.statements) {
        if (!ts.isFunctionDeclaration(s) || s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
        expect(f.content.split(new RegExp(`\\b${s.name!.text}\\b`)).length - 1, `${f.path}: ${s.name!.text}`).toBeGreaterThan(1);
      }
    }
  });

  it('fails the build on a type error, on the rule\'s file, naming the module line', () => {
    const rule = hostileRule();
    const { files } = compile([rule]);
    const good: Artifact[] = files.map((f) => ({ ...f, target: 'typescript' }));
    expect(verifyTypescript({ rules: [rule], files: good, cwd: ROOT, templatesDir: 'templates', schemasDir: '' })).toMatchObject({ count: 1 });
    const text = good[0]!.content.replace('const LOOKBACK_MS = ', 'const LOOKBACK_MS: string = ');
    expect(text).not.toBe(good[0]!.content);
    const line = text.split('\n').findIndex((l) => l.includes('LOOKBACK_MS: string')) + 1;
    try {
      verifyTypescript({ rules: [rule], files: [{ ...good[0]!, content: text }], cwd: ROOT, templatesDir: 'templates', schemasDir: '' });
      expect.unreachable('a type error must fail the build');
    } catch (e) {
      expect(e).toBeInstanceOf(DiagnosticError);
      const d = (e as DiagnosticError).diagnostics[0]!;
      expect(d.code).toBe('DETC430');
      expect(d.file).toBe(rule.file);
      expect(d.message).toContain(`dist-rules/typescript/${rule.slug}.ts:${line}:`);
    }
  });

  it('reads the field names of its mapping, also names that are not identifiers (source.ip)', async () => {
    const { rules } = loadRules(path.join(ROOT, 'rules'), ROOT);
    const rule = rules.find((r) => r.slug === 'ip-block-scan')!;
    const renamed = structuredClone(mappings.typescript);
    renamed.sources.network_connection!.fields.src_ip!.name = 'source.ip';
    renamed.sources.network_connection!.fields.dst_port!.name = "dst'port";
    const { files } = typescriptBackend.compile([rule], { templateDir: path.join(ROOT, 'templates/typescript'), mapping: renamed });
    const text = files[0]!.content;
    expect(text).toContain('readonly "source.ip"?: string | null;');
    expect(verifyTypescript({ rules: [rule], files: files.map((f) => ({ ...f, target: 'typescript' })), cwd: ROOT, templatesDir: 'templates', schemasDir: '' })).toMatchObject({ count: 1 });
    const plain = (await importModule(compile([rule]).files[0]!.content, 'a.ts')) as unknown as { detect(e: unknown[], now: number): Promise<unknown[]> };
    const mod = (await importModule(text, 'b.ts')) as unknown as { detect(e: unknown[], now: number): Promise<unknown[]> };
    const events = Array.from({ length: 40 }, (_, i) => ({ time: at(10 + (i % 3)), src_ip: '198.51.100.7', dst_ip: `203.0.113.${i % 5}`, dst_port: i }));
    const alerts = await plain.detect(events, NOW);
    expect(alerts).toHaveLength(1);
    expect(await mod.detect(events.map(({ src_ip, dst_port, ...e }) => ({ ...e, 'source.ip': src_ip, "dst'port": dst_port })), NOW)).toEqual(alerts);
  });

  it('keeps a follow-up\'s host and time apart from its fields, whatever the mapping names them (t, same, _same)', async () => {
    const { rules } = loadRules(path.join(ROOT, 'rules'), ROOT);
    const rule = rules.find((r) => r.slug === 'scan-followed-by-access')!;
    const renamed = structuredClone(mappings.typescript);
    const fields = renamed.sources.network_connection!.fields;
    const names: Record<string, string> = { time: 't', dst_ip: 'same', dst_port: '_same' };
    for (const [field, name] of Object.entries(names)) fields[field]!.name = name;
    const { files } = typescriptBackend.compile([rule], { templateDir: path.join(ROOT, 'templates/typescript'), mapping: renamed });
    expect(verifyTypescript({ rules: [rule], files: files.map((f) => ({ ...f, target: 'typescript' })), cwd: ROOT, templatesDir: 'templates', schemasDir: '' })).toMatchObject({ count: 1 });
    const plain = (await importModule(compile([rule]).files[0]!.content, 'a.ts')) as unknown as { detect(e: unknown[], now: number): Promise<unknown[]> };
    const mod = (await importModule(files[0]!.content, 'b.ts')) as unknown as { detect(e: unknown[], now: number): Promise<unknown[]> };
    const folder = path.join(ROOT, 'rules/network/scan-followed-by-access.fixtures');
    const events = readFileSync(path.join(folder, 'sweep-10.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
    const alerts = await plain.detect(events, NOW);
    expect(alerts).toMatchObject([{ AccessedHostList: ['203.0.113.13'], FirstAccess: '2026-11-23T11:30:03.000Z' }]);
    const renamedEvents = events.map((e) => Object.fromEntries(Object.entries(e).map(([k, v]) => [names[k] ?? k, v])));
    expect(await mod.detect(renamedEvents, NOW)).toEqual(alerts);
  });

  it('type-checks all modules in one strict program with only the ES2022 library (no Node, no DOM)', () => {
    const rule = hostileRule();
    const { files } = compile([rule]);
    const withNode = files.map((f) => ({ ...f, target: 'typescript', content: `${f.content}\nexport const pid: number = process.pid;\n` }));
    expect(() => verifyTypescript({ rules: [rule], files: withNode, cwd: ROOT, templatesDir: 'templates', schemasDir: '' })).toThrow(/Cannot find name 'process'/);
  });

  it('keeps one compact distinct state per field for distinct_count and values, exact from none to one to many values', async () => {
    const { rules } = loadRules(path.join(ROOT, 'rules'), ROOT);
    const rule = rules.find((r) => r.slug === 'ip-block-scan')!;
    const { text, mod } = await load(rule);
    // UniqueDestPorts and DestinationPorts read dst_port, UniqueDestHosts and SampledDestHosts dst_ip: two states.
    expect(text.match(/= addDistinct\(/g)).toHaveLength(2);
    expect(text).not.toMatch(/new Set<string \| number>\(\)/);
    // 22 and "22" are one value; a group with every dst_ip equal holds one host, another many.
    const events = [
      ...Array.from({ length: 25 }, (_, i) => ({ time: at(10), src_ip: '203.0.113.5', dst_ip: '10.1.1.1', dst_port: i === 0 ? '22' : i === 1 ? 22 : 1000 + i })),
      ...Array.from({ length: 16 }, (_, i) => ({ time: at(10), src_ip: '203.0.113.6', dst_ip: `10.1.2.${i}`, dst_port: 443 })),
      { time: at(10), src_ip: '203.0.113.7', dst_ip: '10.1.3.1', dst_port: 80 },
    ];
    const alerts = await mod.detect(events, NOW);
    const by = (ip: string) => alerts.find((a) => a.SourceIP === ip);
    expect(by('203.0.113.5')).toMatchObject({ UniqueDestPorts: 24, UniqueDestHosts: 1, SampledDestHosts: ['10.1.1.1'] });
    expect((by('203.0.113.5')!.DestinationPorts as unknown[]).slice(0, 3)).toEqual([1002, 1003, 1004]);
    expect(by('203.0.113.6')).toMatchObject({ UniqueDestPorts: 1, UniqueDestHosts: 16, DestinationPorts: [443] });
    expect((by('203.0.113.6')!.SampledDestHosts as unknown[])).toHaveLength(16);
    expect(by('203.0.113.7')).toBeUndefined();
  });

  it('reads event times across a change of day, month and year: the day kept from one event is never another event\'s', async () => {
    const { rules } = loadRules(path.join(ROOT, 'rules'), ROOT);
    const { mod } = await load(rules.find((r) => r.slug === 'ip-block-scan')!);
    const now = Date.parse('2027-01-01T00:30:00.000Z');
    // One source scanning 15 hosts in each of two 5-minute windows, its events alternating between the two days.
    const scan = Array.from({ length: 30 }, (_, i) => ({
      time: i % 2 ? `2027-01-01T00:0${Math.floor(i / 8)}:${10 + i}.${String(i).padStart(3, '0')}Z` : `2026-12-31T23:5${5 + Math.floor(i / 8)}:${10 + i}.${String(i).padStart(3, '0')}Z`,
      src_ip: '203.0.113.9',
      dst_ip: `10.1.4.${Math.floor(i / 2)}`,
      dst_port: 443,
    }));
    // Before each, an event of a day differing in the year alone, the month alone or the date alone: outside the
    // read period, so dropped, unless its day were taken for the next event's.
    const other = (time: string, k: number) => (k === 0 ? `${Number(time.slice(0, 4)) - 1}${time.slice(4)}` : k === 1 ? `${time.slice(0, 5)}${time.slice(5, 7) === '01' ? '03' : '10'}${time.slice(7)}` : `${time.slice(0, 8)}${time.slice(8, 10) === '01' ? '02' : '30'}${time.slice(10)}`);
    const events = scan.flatMap((e, i) => [{ ...e, time: other(e.time, i % 3), dst_ip: '10.1.5.1' }, e]);
    const times = (from: number) => scan.filter((_, i) => i % 2 === from).map((e) => Date.parse(e.time));
    const alerts = await mod.detect(events, now);
    expect(alerts.map((a) => [a.TimeGenerated, a.UniqueDestHosts, a.EarliestEvent, a.LatestEvent])).toEqual([
      ['2026-12-31T23:55:00.000Z', 15, new Date(Math.min(...times(0))).toISOString(), new Date(Math.max(...times(0))).toISOString()],
      ['2027-01-01T00:00:00.000Z', 15, new Date(Math.min(...times(1))).toISOString(), new Date(Math.max(...times(1))).toISOString()],
    ]);
  });
});

describe("the TypeScript backend's module cache", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-ts-runtime-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a module printed before from the same runtime, and still refuses a runtime that does not parse', () => {
    copyFileSync(path.join(ROOT, 'templates/typescript/runtime.ts'), path.join(dir, 'runtime.ts'));
    const ctx = { templateDir: dir, mapping: mappings.typescript, cacheDir: path.join(dir, 'cache') };
    const rule = ruleFromDoc(baseRuleDoc());
    const fresh = typescriptBackend.compile([rule], { ...ctx, cacheDir: undefined }).files[0]!.content;
    expect(typescriptBackend.compile([rule], ctx).files[0]!.content).toBe(fresh);
    expect(typescriptBackend.compile([rule], ctx).files[0]!.content).toBe(fresh);
    // The runtime is parsed only before a module is printed; an edited runtime keys other entries, so a broken one is
    // parsed, and refused, although every rule's module is in the cache.
    writeFileSync(path.join(dir, 'runtime.ts'), `${readFileSync(path.join(dir, 'runtime.ts'), 'utf8')}\nexport function broken( {\n`);
    let thrown: unknown;
    try {
      typescriptBackend.compile([rule], ctx);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(DiagnosticError);
    expect((thrown as DiagnosticError).diagnostics[0]).toMatchObject({ code: 'DETC431', file: path.join(dir, 'runtime.ts') });
  });
});
