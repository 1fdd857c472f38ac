import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, facts, schemaFact } from '../../src/load/diagnostic-facts.js';
import { diagnosticAt, formatDiagnostic } from '../../src/load/diagnostics.js';
import { fromDiagnostics, fromDrift } from '../../src/report/problems.js';
import { sarifReport } from '../../src/report/reporters.js';

const ROOT = path.resolve(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('the diagnostics catalogue', () => {
  it('has unique codes of the form DETCnnn, each with a title, in groups of a hundred', () => {
    const codes = CATALOGUE.map((f) => f.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const f of CATALOGUE) {
      expect(f.code).toMatch(/^DETC[0-6]\d\d$/);
      expect(f.title.trim()).not.toBe('');
      expect(['error', 'warning']).toContain(f.severity);
    }
  });

  it('keeps its codes: a code names the same fact in every release (this list only grows)', () => {
    // Renumbering would break CI filters and links to docs/diagnostics.md#detcNNN; add new facts with new codes.
    const pinned: Record<string, string> = {
      DETC001: 'YamlError', DETC010: 'SchemaUnknownKey', DETC012: 'SchemaType', DETC101: 'DuplicateRuleId', DETC106: 'Unused',
      DETC113: 'ListValueBadCidr', DETC120: 'UnknownSource', DETC121: 'UnknownField', DETC211: 'EntryBadCidr', DETC218: 'Expired',
      DETC321: 'FieldNotMapped', DETC401: 'SentinelSchedule', DETC411: 'KqlFinding', DETC510: 'FixtureFailed', DETC601: 'StaleOutput',
    };
    for (const [code, name] of Object.entries(pinned)) expect(CATALOGUE.find((f) => f.code === code)?.name, code).toBe(name);
  });

  it('every fact is created somewhere in src/ (no dead codes)', () => {
    const text = sourceFiles(path.join(ROOT, 'src'))
      .filter((f) => !f.endsWith(path.join('load', 'diagnostic-facts.ts')))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const viaSchemaFact = new Set(['additionalProperties', 'required', 'type', 'enum', 'pattern', 'minItems'].map((k) => schemaFact(k).code));
    for (const [key, f] of Object.entries(facts)) {
      if (viaSchemaFact.has(f.code)) continue;
      expect(new RegExp(`\\bfacts\\.${key}\\b`).test(text), `${f.code} ${key}`).toBe(true);
    }
  });

  it('ajv errors share one code per keyword class', () => {
    expect(schemaFact('additionalProperties').code).toBe('DETC010');
    expect(schemaFact('required').code).toBe('DETC011');
    expect(schemaFact('type').code).toBe('DETC012');
    expect(schemaFact('enum').code).toBe('DETC013');
    expect([schemaFact('pattern').code, schemaFact('format').code, schemaFact('propertyNames').code]).toEqual(['DETC014', 'DETC014', 'DETC014']);
    expect(schemaFact('minItems').code).toBe('DETC015');
  });

  it('a finding carries its fact code and severity, and prints tsc style', () => {
    const d = diagnosticAt({ file: 'rules/x.yml', line: 3, col: 7, path: 'query.where.field' }, facts.unknownField('image', 'process_creation', ['process_name']));
    expect(d).toMatchObject({ code: 'DETC121', severity: 'error' });
    expect(formatDiagnostic(d)).toBe("rules/x.yml:3:7: error DETC121: unknown field 'image' for source process_creation (known: process_name) (at query.where.field)");
    expect(formatDiagnostic(diagnosticAt({ file: 'rules/x.yml', line: 1, col: 1 }, facts.unused('spare')))).toBe("rules/x.yml:1:1: warning DETC106: 'spare' is defined but never used");
  });
});

describe('SARIF names the catalogue code', () => {
  it('ruleId is the code, ruleIndex points at its entry, and only the codes used are listed', () => {
    const problems = [
      ...fromDiagnostics([
        diagnosticAt({ file: 'rules/a.yml', line: 2, col: 3, path: 'lists.x.values[0]' }, facts.listValueBadCidr('x', '"10.0.0.0/33": prefix length must be 0..32 for IPv4')),
        diagnosticAt({ file: 'rules/a.yml', line: 9, col: 1, path: 'lists' }, facts.unused('y')),
      ]),
      ...fromDrift('dist-rules', [{ path: 'sentinel/a.kql', why: 'stale: differs from what the rules compile to' }]),
    ];
    const run = JSON.parse(sarifReport({ command: 'check', problems, results: [], summary: '' })).runs[0];
    expect(run.results.map((r: { ruleId: string }) => r.ruleId)).toEqual(['DETC113', 'DETC106', 'DETC601']);
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(run.results.map((r: { level: string }) => r.level)).toEqual(['error', 'warning', 'error']);
    expect(run.tool.driver.rules).toEqual([
      { id: 'DETC106', name: 'Unused', shortDescription: { text: 'Parameter or list never used' }, helpUri: 'https://github.com/detc/detc/blob/main/docs/diagnostics.md#detc106', defaultConfiguration: { level: 'warning' } },
      { id: 'DETC113', name: 'ListValueBadCidr', shortDescription: { text: 'Invalid CIDR in a rule list' }, helpUri: 'https://github.com/detc/detc/blob/main/docs/diagnostics.md#detc113', defaultConfiguration: { level: 'error' } },
      { id: 'DETC601', name: 'StaleOutput', shortDescription: { text: 'Output folder out of date' }, helpUri: 'https://github.com/detc/detc/blob/main/docs/diagnostics.md#detc601', defaultConfiguration: { level: 'error' } },
    ]);
  });
});

describe('docs/diagnostics.md', () => {
  const doc = readFileSync(path.join(ROOT, 'docs/diagnostics.md'), 'utf8');

  it('lists exactly the catalogue: one heading per code, in order, with its title and severity', () => {
    const entries = [...doc.matchAll(/^## (.+)\n\n\*\*(.+)\*\* · (\w+)\n/gm)].map((m) => ({ code: m[1], title: m[2], severity: m[3] }));
    expect(doc.match(/^## /gm)).toHaveLength(entries.length);
    expect(entries).toEqual(CATALOGUE.map((f) => ({ code: f.code, title: f.title, severity: f.severity })));
  });

  it('explains every code (each entry has text beyond its title)', () => {
    const sections = doc.split(/^## /m).slice(1);
    for (const s of sections) expect(s.split('\n').slice(3).join('\n').trim().length, s.split('\n')[0]).toBeGreaterThan(20);
  });
});
