import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { KqlChecker } from '../../kql-check/check-kql.js';
import { loadFunctionSchemas, loadTableSchemas } from '../../kql-check/table-schemas.js';
import { facts } from '../../load/diagnostic-facts.js';
import { DiagnosticError, diagnosticAt, type Diagnostic } from '../../load/diagnostics.js';
import { PACKAGE_ROOT } from '../../util/paths.js';
import type { VerifyContext, VerifyResult } from '../types.js';

/**
 * Runs Kusto.Language over the query in every Sentinel file as it will be deployed: the raw .kql, the `query` of
 * the analytics-rule YAML and the `query` property of the ARM template (each parsed back from the emitted text,
 * so an escaping bug in YAML or JSON shows up here too).
 */
export function verifyKql(ctx: VerifyContext): VerifyResult {
  const { rules, files, schemasDir, templatesDir } = ctx;
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
        diags.push(diagnosticAt({ file: rule.file, line: 1, col: 1 }, facts.sentinelNoQuery(file)));
        continue;
      }
      for (const p of checker.check(query)) {
        diags.push(diagnosticAt(rule.branches[0]!.pos, facts.kqlFinding(p.code, file, p.line, p.col, p.message, `${templatesDir}/sentinel`, path.basename(schemasDir))));
      }
    }
  }
  if (diags.length) throw new DiagnosticError(diags);
  return { count: checked, what: 'KQL queries', by: 'Kusto.Language' };
}
