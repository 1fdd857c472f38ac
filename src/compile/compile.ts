import path from 'node:path';
import type { Artifact, BackendNote } from '../backends/types.js';
import type { Rule } from '../ir/types.js';
import { DiagnosticError, type Diagnostic } from '../load/diagnostics.js';
import { findRuleFiles, loadRules } from '../load/load-rules.js';
import type { Project } from '../project.js';
import type { PendingVerify, Target, VerifyContext, VerifyResult } from '../targets/target.js';
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
  const release = () => prepared.splice(0).forEach((r) => r?.());
  try {
    return compilePrepared(project, rulesDir, release);
  } finally {
    release();
  }
}

/** `unchanged` is called when every rule was taken from the cache: what `prepare` started is most likely unwanted. */
function compilePrepared(project: Project, rulesDir: string, unchanged: () => void): BuildResult {
  const { cwd } = project;
  const loaded = loadRules(rulesDir, cwd, { defaultSeverity: project.defaultSeverity }, project.cacheDir);
  // Released now rather than when the verifier finds nothing to do: a thread loading Kusto.Language alongside slows
  // this one (measured: a tenth of a no-op rebuild's wall time on 2 cores). A query can still have changed (a
  // template, a mapping): the verifier then starts what it needs, as without `prepare`.
  if (loaded.reused === loaded.rules.length) unchanged();
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new DiagnosticError(loaded.diagnostics);
  const rules = [...loaded.rules].sort((a, b) => a.slug.localeCompare(b.slug));
  // What a platform refuses (Sentinel's schedule limits) is an error only where that target is enabled.
  const refused = project.targets.flatMap(({ target, mapping }) => rules.flatMap((r) => target.limits(r, mapping).errors));
  if (refused.length) throw new DiagnosticError([...loaded.diagnostics.filter((d) => d.severity !== 'error'), ...refused]);

  const files: Artifact[] = [];
  const notes: BackendNote[] = [];
  const templatesDir = path.relative(cwd, project.templatesDir).split(path.sep).join('/');
  const context = (): VerifyContext => ({ rules, files: [...files], cwd, templatesDir, schemasDir: project.schemasDir, cacheDir: project.cacheDir, workers: project.workers });
  // A verifier that can work on other threads starts as soon as its target's files exist (startVerify), so that the
  // Kusto.Language analyses run while this thread compiles the other targets and runs their verifiers.
  const started = new Map<Target, PendingVerify>();
  try {
    for (const setup of project.targets) {
      const result = setup.target.backend.compile(rules, {
        templateDir: setup.templateDir, fallbackTemplateDir: setup.fallbackTemplateDir, mapping: setup.mapping, settings: setup.settings, cacheDir: project.cacheDir,
      });
      files.push(...result.files.map((f) => ({ ...f, target: setup.target.name })));
      notes.push(...result.notes);
      if (setup.target.startVerify) started.set(setup.target, setup.target.startVerify(context()));
    }
    // The others run now, then the started ones are finished; the outcome is what running them in target order
    // gives: the first failure in that order is the one thrown.
    const verifiers = project.targets.flatMap(({ target }) => (target.verify || started.has(target) ? [target] : []));
    const ctx = context();
    const outcomes = new Map(verifiers.filter((t) => !started.has(t)).map((t) => [t, attempt(() => t.verify!(ctx))]));
    for (const [t, p] of started) {
      started.delete(t);
      outcomes.set(t, attempt(() => p.finish()));
    }
    const verified = verifiers.map((t) => {
      const o = outcomes.get(t)!;
      if ('error' in o) throw o.error;
      return o.result;
    });
    files.push({ path: 'REPORT.md', content: renderReport(rules, notes) });
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { rules, files, notes, diagnostics: loaded.diagnostics, verified, reused: loaded.reused };
  } finally {
    // Started and not finished: a later target failed to compile.
    for (const p of started.values()) p.cancel();
  }
}

/** What running `f` gave: its result or what it threw. */
function attempt<T>(f: () => T): { result: T } | { error: unknown } {
  try {
    return { result: f() };
  } catch (error) {
    return { error };
  }
}

/** "66 KQL queries checked" (or "... pass Kusto.Language" with `passed`) for each verifier, joined. */
export function verifiedLine(verified: VerifyResult[], passed = false): string {
  return verified.map((v) => (passed ? `${v.count} ${v.what} pass ${v.by}` : `${v.count} ${v.what} checked`)).join(', ');
}
