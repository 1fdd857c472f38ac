import { describe, expect, it } from 'vitest';
import { compileCondition } from '../../src/engines/sigma/condition.js';
import { compileItem, compileSelection, wildcardToRegex } from '../../src/engines/sigma/values.js';

const ev = (o: Record<string, unknown>) => o;

describe('Sigma value matching (specification semantics)', () => {
  it('is case-insensitive unless |cased, with * and ? wildcards', () => {
    expect(compileItem('Image|endswith', '\\nmap.exe')(ev({ Image: 'C:\\Tools\\NMAP.EXE' }))).toBe(true);
    expect(compileItem('Image|endswith|cased', '\\nmap.exe')(ev({ Image: 'C:\\Tools\\NMAP.EXE' }))).toBe(false);
    expect(compileItem('CommandLine', 'nmap*-sS')(ev({ CommandLine: 'NMAP x -ss' }))).toBe(true);
    expect(compileItem('CommandLine', 'a?c')(ev({ CommandLine: 'abc' }))).toBe(true);
    expect(compileItem('CommandLine', 'a?c')(ev({ CommandLine: 'abbc' }))).toBe(false);
  });
  it('honours escapes: \\* literal star, \\\\* backslash then wildcard, plain \\ is a backslash', () => {
    expect(compileItem('F', 'a\\*b')(ev({ F: 'a*b' }))).toBe(true);
    expect(compileItem('F', 'a\\*b')(ev({ F: 'axb' }))).toBe(false);
    expect(compileItem('F', 'a\\\\*')(ev({ F: 'a\\xyz' }))).toBe(true);
    expect(compileItem('F', 'C:\\x')(ev({ F: 'C:\\x' }))).toBe(true);
    expect(wildcardToRegex('a\\?')).toBe('a\\?');
  });
  it('lists are ORed, |all ANDs them; maps AND; lists of maps OR', () => {
    expect(compileItem('F|contains', ['x', 'y'])(ev({ F: 'ay' }))).toBe(true);
    expect(compileItem('F|contains|all', ['x', 'y'])(ev({ F: 'ay' }))).toBe(false);
    expect(compileSelection('s', { A: 1, B: 'b' })(ev({ A: 1, B: 'B' }))).toBe(true);
    expect(compileSelection('s', { A: 1, B: 'b' })(ev({ A: 1, B: 'c' }))).toBe(false);
    expect(compileSelection('s', [{ A: 2 }, { B: 'c' }])(ev({ A: 1, B: 'c' }))).toBe(true);
  });
  it('cidr, exists, numeric comparisons, re with i', () => {
    expect(compileItem('src_ip|cidr', ['172.16.0.0/12', 'fc00::/7'])(ev({ src_ip: '172.31.0.1' }))).toBe(true);
    expect(compileItem('src_ip|cidr', ['172.16.0.0/12'])(ev({ src_ip: '172.160.0.1' }))).toBe(false);
    expect(compileItem('src_ip|cidr', ['fc00::/7'])(ev({ src_ip: 'fd00::1' }))).toBe(true);
    expect(compileItem('src_ip|exists', true)(ev({}))).toBe(false);
    expect(compileItem('dst_port|gte', 20)(ev({ dst_port: 20 }))).toBe(true);
    expect(compileItem('dst_port|gte', 20)(ev({}))).toBe(false);
    expect(compileItem('CommandLine|re|i', '(^|[^A-Za-z0-9])nmap([^A-Za-z0-9]|$)')(ev({ CommandLine: 'C:\\NMAP.exe' }))).toBe(true);
    expect(compileItem('CommandLine|re', '(^|[^A-Za-z0-9])nmap([^A-Za-z0-9]|$)')(ev({ CommandLine: 'xnmap' }))).toBe(false);
    expect(compileItem('F', '')(ev({ F: '' }))).toBe(true);
    expect(compileItem('F', '')(ev({}))).toBe(false);
  });
  it('rejects modifiers outside the subset', () => {
    expect(() => compileItem('F|base64offset|contains', 'x')).toThrow(/modifier 'base64offset' is outside the supported Sigma subset/);
  });
});

describe('Sigma condition grammar', () => {
  const sels = new Map([
    ['selection', (e: Record<string, unknown>) => e.a === 1],
    ['filter_main_x', (e: Record<string, unknown>) => e.b === 1],
    ['filter_main_y', (e: Record<string, unknown>) => e.c === 1],
    ['_hidden', () => true],
  ]);
  it('precedence: not binds tighter than and, and tighter than or', () => {
    const c = compileCondition('selection or filter_main_x and not filter_main_y', sels);
    expect(c({ a: 1, c: 1 })).toBe(true);
    expect(c({ b: 1, c: 1 })).toBe(false);
    expect(c({ b: 1 })).toBe(true);
  });
  it('1 of / all of patterns and them (which skips _names)', () => {
    expect(compileCondition('selection and not 1 of filter_main_*', sels)({ a: 1, c: 1 })).toBe(false);
    expect(compileCondition('selection and not 1 of filter_main_*', sels)({ a: 1 })).toBe(true);
    expect(compileCondition('all of filter_main_*', sels)({ b: 1, c: 1 })).toBe(true);
    expect(compileCondition('all of them', sels)({ a: 1, b: 1, c: 1 })).toBe(true);
    expect(compileCondition('all of them', sels)({ a: 1, b: 1 })).toBe(false);
  });
  it('reports unknown selections and syntax errors', () => {
    expect(() => compileCondition('selection and nope', sels)).toThrow(/unknown selection 'nope'/);
    expect(() => compileCondition('selection and', sels)).toThrow(/ends early/);
    expect(() => compileCondition('(selection', sels)).toThrow(/expected \)/);
  });
});

import { afterAll } from 'vitest';
import { ENGINES } from '../helpers/dist.js';
import { projectRows } from '../../src/events/model.js';
import { buildDist, cleanDists, engineOpts } from '../helpers/dist.js';
import { ruleWithWhere } from '../helpers/rules.js';

describe('emitted Sigma agrees with the reference evaluator on file-name fields', () => {
  afterAll(cleanDists);
  // Regression: `exists` on process_name (the last segment of Sigma's Image) was compiled as Image|exists, so a
  // path ending in a separator (no file name) counted as having one.
  for (const exists of [true, false]) {
    it(`process_name exists: ${exists}`, async () => {
      const rule = ruleWithWhere({ field: 'process_name', exists });
      const dist = buildDist([rule]);
      const now = Date.parse('2026-11-23T12:00:00Z');
      const events = [
        { time: '2026-11-23T11:59:00Z', host: 'a', process_name: '', process_path: 'C:\\x\\' },
        { time: '2026-11-23T11:59:01Z', host: 'b', process_name: 'nmap.exe', process_path: 'C:\\x\\nmap.exe' },
        { time: '2026-11-23T11:59:02Z', host: 'c' },
      ];
      const [ref, ...others] = await Promise.all(ENGINES.map((e) => e.run(rule, events, engineOpts(dist, now))));
      expect(ref!.rows.map((r) => r.DeviceName)).toEqual(exists ? ['b'] : ['a', 'c']);
      for (const o of others) expect(projectRows(o.rows, o.keys), o.engine).toEqual(projectRows(ref!.rows, o.keys));
    });
  }
});

describe('a parent named only by its file name (no canonical parent path)', () => {
  // Regression: ParentImage was never set, so Sigma could not match parent_process_name while the others did.
  it('matches in every engine', async () => {
    const { ruleFromDoc, baseRuleDoc } = await import('../helpers/rules.js');
    const { buildDist, cleanDists, engineOpts } = await import('../helpers/dist.js');
    const { ENGINES } = await import('../helpers/dist.js');
    const doc = baseRuleDoc();
    (doc.query as Record<string, unknown>).where = { all: [{ field: 'parent_process_name', in: ['python3', 'powershell.exe'] }, { field: 'command_line', has: 'nmap' }] };
    const rule = ruleFromDoc(doc);
    const dist = buildDist([rule]);
    try {
      const events = [
        { time: '2026-11-23T11:00:00Z', host: 'a', parent_process_name: 'python3', command_line: 'nmap -sS 10.0.0.0/24' },
        { time: '2026-11-23T11:01:00Z', host: 'b', parent_process_name: 'POWERSHELL.EXE', command_line: 'nmap.exe -p 445 10.0.0.0/24' },
        { time: '2026-11-23T11:02:00Z', host: 'c', parent_process_name: 'python3.11', command_line: 'nmap -sS 10.0.0.0/24' },
        { time: '2026-11-23T11:03:00Z', host: 'd', command_line: 'nmap -sS 10.0.0.0/24' },
      ];
      for (const e of ENGINES) {
        const r = await e.run(rule, events, engineOpts(dist, Date.parse('2026-11-23T12:00:00Z')));
        expect(r.rows.map((x) => x.DeviceName).sort(), e.name).toEqual(['a', 'b']);
      }
    } finally {
      cleanDists();
    }
  });
});
