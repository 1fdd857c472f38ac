import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TemplateSet } from '../../src/backends/render.js';
import { RuleOutputs } from '../../src/backends/rule-outputs.js';
import type { BackendContext } from '../../src/backends/types.js';
import type { Rule } from '../../src/ir/types.js';

// What a backend printed for a rule is taken from the cache only when everything the printing read is unchanged, and
// only when JSON gives it back exactly (issue 12).
const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-rule-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const templatesDir = path.join(dir, 'templates');
const ctx: BackendContext = { templateDir: templatesDir, mapping: { file: 'mapping.yml', sources: {} }, cacheDir: path.join(dir, 'cache') };
const rule = (name: string) => ({ id: 'r1', name, file: 'rules/r1.yml', sharedLists: [] }) as unknown as Rule;
const valid = (v: unknown): v is { text: string; extra?: unknown } => typeof (v as { text?: unknown })?.text === 'string';

/** A counting printer: how often it ran, and what it printed. */
function printer(make: (r: Rule) => { text: string; extra?: unknown }) {
  let runs = 0;
  return { runs: () => runs, print: (r: Rule) => () => (runs++, make(r)) };
}

describe('RuleOutputs', () => {
  it('prints a rule once, then again when the rule, the templates or the mapping changed', () => {
    rmSync(templatesDir, { recursive: true, force: true });
    const write = (text: string) => {
      rmSync(templatesDir, { recursive: true, force: true });
      mkdirSync(templatesDir, { recursive: true });
      writeFileSync(path.join(templatesDir, 'query.hbs'), text);
    };
    write('{{a}}');
    const p = printer((r) => ({ text: (r as unknown as { name: string }).name }));
    const outputs = (c = ctx) => new RuleOutputs(c, 'test-rule', new TemplateSet(templatesDir), valid);
    expect(outputs().of(rule('a'), p.print(rule('a')))).toEqual({ text: 'a' });
    expect(outputs().of(rule('a'), p.print(rule('a')))).toEqual({ text: 'a' });
    expect(p.runs()).toBe(1);
    expect(outputs().of(rule('b'), p.print(rule('b')))).toEqual({ text: 'b' });
    expect(p.runs()).toBe(2);
    write('{{b}}');
    outputs().of(rule('a'), p.print(rule('a')));
    expect(p.runs()).toBe(3);
    outputs({ ...ctx, mapping: { file: 'mapping.yml', sources: { s: { settings: {}, fields: {} } } } }).of(rule('a'), p.print(rule('a')));
    expect(p.runs()).toBe(4);
    // A corrupt entry is a miss.
    const folder = path.join(ctx.cacheDir!, 'test-rule');
    for (const f of readdirSync(folder)) writeFileSync(path.join(folder, f), '{"format":1');
    outputs().of(rule('a'), p.print(rule('a')));
    expect(p.runs()).toBe(5);
  });

  it('never remembers what JSON would give back otherwise (an undefined property), nor uses a cache it was not given', () => {
    const p = printer(() => ({ text: 'x', extra: undefined }));
    const outputs = new RuleOutputs(ctx, 'test-undefined', new TemplateSet(templatesDir), valid);
    const first = outputs.of(rule('u'), p.print(rule('u')));
    expect('extra' in first).toBe(true);
    expect('extra' in outputs.of(rule('u'), p.print(rule('u')))).toBe(true);
    expect(p.runs()).toBe(2);
    const q = printer(() => ({ text: 'y' }));
    const none = new RuleOutputs({ ...ctx, cacheDir: undefined }, 'test-none', new TemplateSet(templatesDir), valid);
    none.of(rule('n'), q.print(rule('n')));
    none.of(rule('n'), q.print(rule('n')));
    expect(q.runs()).toBe(2);
  });
});
