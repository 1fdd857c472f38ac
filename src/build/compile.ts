import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadMapping } from '../backends/mapping.js';
import type { Artifact, BackendNote } from '../backends/types.js';
import type { Rule, Severity } from '../ir/types.js';
import { KqlChecker } from '../kql-check/check-kql.js';
import { loadFunctionSchemas, loadTableSchemas } from '../kql-check/table-schemas.js';
import { DiagnosticError, type Diagnostic } from '../load/diagnostics.js';
import { loadRules } from '../load/load-rules.js';
import { BACKENDS } from './backends.js';
import { renderReport } from './report.js';
import { PACKAGE_ROOT, resolveDir } from '../paths.js';

export { resolveDir };


export interface BuildOptions {
  /** Project root; relative paths below are resolved against it and diagnostics are relative to it. */
  cwd: string;
  rulesDir: string;
  templatesDir?: string;
  schemasDir?: string;
  /** Backends to compile (default: all). */
  backends?: string[];
  /** Severity of rules that leave it out (detc.config defaultSeverity). */
  defaultSeverity?: Severity;
  /** Deployment settings per backend (detc.config `sentinel:` / `splunk:`). */
  settings?: Partial<Record<string, object>>;
}

export interface BuildResult {
  rules: Rule[];
  files: Artifact[];
  notes: BackendNote[];
  /** Warnings (errors are thrown as DiagnosticError). */
  diagnostics: Diagnostic[];
  kqlChecked: number;
}

/** Loads, compiles every backend and checks every KQL query, all in memory. Throws DiagnosticError on any error. */
export function compileAll(opts: BuildOptions): BuildResult {
  const { cwd } = opts;
  const loaded = loadRules(path.resolve(cwd, opts.rulesDir), cwd, { defaultSeverity: opts.defaultSeverity });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new DiagnosticError(loaded.diagnostics);
  const rules = [...loaded.rules].sort((a, b) => a.slug.localeCompare(b.slug));
  const templatesDir = resolveDir(cwd, opts.templatesDir, 'templates');
  const rel = (p: string) => path.relative(cwd, p).split(path.sep).join('/');

  const files: Artifact[] = [];
  const notes: BackendNote[] = [];
  for (const backend of BACKENDS.filter((b) => !opts.backends || opts.backends.includes(b.name))) {
    const dir = path.join(templatesDir, backend.name);
    // A project's template folder overrides detc's templates by name; anything it lacks comes from detc's own.
    const fallback = path.join(PACKAGE_ROOT, 'templates', backend.name);
    const mappingFile = existsSync(path.join(dir, 'mapping.yml')) ? path.join(dir, 'mapping.yml') : path.join(fallback, 'mapping.yml');
    const mapping = loadMapping(mappingFile, rel(mappingFile));
    const result = backend.compile(rules, { templateDir: dir, mapping, fallbackTemplateDir: fallback === dir ? undefined : fallback, settings: opts.settings?.[backend.name] ?? {} });
    files.push(...result.files);
    notes.push(...result.notes);
  }
  const kqlChecked = opts.backends && !opts.backends.includes('sentinel') ? 0 : checkKql(rules, files, resolveDir(cwd, opts.schemasDir, 'schemas/kql'), rel(templatesDir));
  files.push({ path: 'REPORT.md', content: renderReport(rules, notes) });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { rules, files, notes, diagnostics: loaded.diagnostics, kqlChecked };
}

/**
 * Runs Kusto.Language over the query in every Sentinel file as it will be deployed: the raw .kql, the `query` of
 * the analytics-rule YAML and the `query` property of the ARM template (each parsed back from the emitted text,
 * so an escaping bug in YAML or JSON shows up here too).
 */
function checkKql(rules: Rule[], files: Artifact[], schemasDir: string, templatesDir: string): number {
  // Workspace functions (_GetWatchlist) come from detc's own schemas unless the project's folder redefines them.
  const own = loadFunctionSchemas(schemasDir);
  const builtin = loadFunctionSchemas(path.join(PACKAGE_ROOT, 'schemas/kql')).filter((f) => !own.some((o) => o.name === f.name));
  const checker = new KqlChecker(loadTableSchemas(schemasDir), [...own, ...builtin]);
  const diags: Diagnostic[] = [];
  let checked = 0;
  for (const rule of rules) {
    const sources: [string, string | undefined][] = [];
    // The rule's files and those of its mapping variants (sentinel/<slug>.<variant>.kql, ...).
    const stems = new Set([`sentinel/${rule.slug}`, ...files.filter((f) => f.path.startsWith(`sentinel/${rule.slug}.`) && /^[a-z][a-z0-9_]*\.kql$/.test(f.path.slice(`sentinel/${rule.slug}.`.length))).map((f) => f.path.slice(0, -4))]);
    for (const f of files) {
      const stem = f.path.replace(/\.(kql|yaml|arm\.json)$/, '');
      if (!stems.has(stem)) continue;
      if (f.path.endsWith('.kql')) sources.push([f.path, f.content]);
      else if (f.path.endsWith('.yaml')) sources.push([f.path, (parseYaml(f.content) as { query?: string }).query]);
      else {
        const arm = JSON.parse(f.content) as { resources: { properties: { query: string } }[] };
        sources.push([f.path, arm.resources[0]?.properties.query]);
      }
    }
    for (const [file, query] of sources) {
      checked++;
      if (!query) {
        diags.push({ file: rule.file, line: 1, col: 1, path: '', severity: 'error', message: `sentinel: ${file} has no query` });
        continue;
      }
      for (const p of checker.check(query)) {
        diags.push({
          file: rule.file, line: rule.branches[0]!.pos.line, col: rule.branches[0]!.pos.col, path: rule.branches[0]!.pos.path,
          severity: 'error',
          message: `KQL ${p.code} in dist-rules/${file} (query line ${p.line}, col ${p.col}): ${p.message} [templates: ${templatesDir}/sentinel, tables: ${path.basename(schemasDir)}]`,
        });
      }
    }
  }
  if (diags.length) throw new DiagnosticError(diags);
  return checked;
}
