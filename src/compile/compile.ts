import path from 'node:path';
import type { Artifact, BackendNote } from '../backends/types.js';
import type { Rule } from '../ir/types.js';
import { DiagnosticError, type Diagnostic } from '../load/diagnostics.js';
import { findRuleFiles, loadRules } from '../load/load-rules.js';
import type { Project } from '../project.js';
import type { VerifyResult } from '../targets/target.js';
import { renderReport } from './report-md.js';

export interface BuildResult {
  rules: Rule[];
  files: Artifact[];
  notes: BackendNote[];
  /** Warnings (errors are thrown as DiagnosticError). */
  diagnostics: Diagnostic[];
  /** What each enabled target's verifier checked, in target order (Sentinel: the KQL queries). */
  verified: VerifyResult[];
  /** How many rules were taken unchanged from the cache instead of being loaded again. */
  reused: number;
}

/**
 * Loads the rules, checks each enabled target's limits, compiles every enabled target and runs its verifier, all in
 * memory. Throws DiagnosticError on any error. `rulesDir` overrides the project's (a rules tree at a git ref).
 */
export function compileAll(project: Project, rulesDir = project.rulesDir): BuildResult {
  const { cwd } = project;
  // Verifiers that start slowly start now, alongside the loading and compiling below.
  const rules = findRuleFiles(rulesDir, [], cwd).length;
  const prepared = project.targets.map(({ target }) => target.prepare?.({ rules, cacheDir: project.cacheDir, workers: project.workers }));
  try {
    return compilePrepared(project, rulesDir);
  } finally {
    for (const release of prepared) release?.();
  }
}

function compilePrepared(project: Project, rulesDir: string): BuildResult {
  const { cwd } = project;
  const loaded = loadRules(rulesDir, cwd, { defaultSeverity: project.defaultSeverity }, project.cacheDir);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new DiagnosticError(loaded.diagnostics);
  const rules = [...loaded.rules].sort((a, b) => a.slug.localeCompare(b.slug));
  // What a platform refuses (Sentinel's schedule limits) is an error only where that target is enabled.
  const refused = project.targets.flatMap(({ target, mapping }) => rules.flatMap((r) => target.limits(r, mapping).errors));
  if (refused.length) throw new DiagnosticError([...loaded.diagnostics.filter((d) => d.severity !== 'error'), ...refused]);

  const files: Artifact[] = [];
  const notes: BackendNote[] = [];
  for (const setup of project.targets) {
    const result = setup.target.backend.compile(rules, {
      templateDir: setup.templateDir, fallbackTemplateDir: setup.fallbackTemplateDir, mapping: setup.mapping, settings: setup.settings, cacheDir: project.cacheDir,
    });
    files.push(...result.files.map((f) => ({ ...f, target: setup.target.name })));
    notes.push(...result.notes);
  }
  const templatesDir = path.relative(cwd, project.templatesDir).split(path.sep).join('/');
  const verified = project.targets.flatMap(({ target }) => (target.verify ? [target.verify({ rules, files, cwd, templatesDir, schemasDir: project.schemasDir, cacheDir: project.cacheDir, workers: project.workers })] : []));
  files.push({ path: 'REPORT.md', content: renderReport(rules, notes) });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { rules, files, notes, diagnostics: loaded.diagnostics, verified, reused: loaded.reused };
}

/** "66 KQL queries checked" (or "... pass Kusto.Language" with `passed`) for each verifier, joined. */
export function verifiedLine(verified: VerifyResult[], passed = false): string {
  return verified.map((v) => (passed ? `${v.count} ${v.what} pass ${v.by}` : `${v.count} ${v.what} checked`)).join(', ');
}
