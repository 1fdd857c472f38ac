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
  const prepared = new Map(project.targets.map(({ target }) => [target, target.prepare?.({ rules, cacheDir: project.cacheDir, workers: project.workers })]));
  const release: Release = (only) => {
    for (const [target, r] of prepared) {
      if (only !== undefined && target !== only) continue;
      prepared.delete(target);
      r?.();
    }
  };
  try {
    return compilePrepared(project, rulesDir, release);
  } finally {
    release();
  }
}

/** Releases what `prepare` started for one target, or for all of them without one; each at most once. */
type Release = (only?: Target) => void;

function compilePrepared(project: Project, rulesDir: string, release: Release): BuildResult {
  const { cwd } = project;
  const loaded = loadRules(rulesDir, cwd, { defaultSeverity: project.defaultSeverity }, project.cacheDir);
  // Every rule came unchanged from the cache: what `prepare` started is most likely unwanted, and is released now
  // rather than after the verifier: a thread loading Kusto.Language alongside slows this one (measured: a tenth of a
  // no-op rebuild's wall time on 2 cores). A query can still have changed (a template, a mapping): the verifier then
  // starts what it needs, as without `prepare`.
  if (loaded.reused === loaded.rules.length) release();
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
  // Each verifier runs as soon as its target's files exist; one that works on other threads (the Kusto.Language
  // analyses) comes back started, and runs while this thread compiles and verifies the later targets.
  const outcomes: Outcome<VerifyResult | PendingVerify>[] = [];
  const started = new Set<PendingVerify>();
  try {
    for (const setup of project.targets) {
      const { target } = setup;
      const result = target.backend.compile(rules, {
        templateDir: setup.templateDir, fallbackTemplateDir: setup.fallbackTemplateDir, mapping: setup.mapping, settings: setup.settings, cacheDir: project.cacheDir,
      });
      files.push(...result.files.map((f) => ({ ...f, target: target.name })));
      notes.push(...result.notes);
      // After a verifier failed, later ones cannot change the outcome (the first failure in target order is thrown):
      // they are not run, but later targets still compile, since a compile error comes first.
      if (target.verify && !outcomes.some((o) => 'error' in o)) {
        const o = attempt(() => target.verify!(context()));
        if ('result' in o && isPending(o.result)) started.add(o.result);
        outcomes.push(o);
      }
      // The verifier has taken what `prepare` started for it, or will not: a worker left loading would only slow
      // this thread (Sentinel: every query in the result cache, or Kusto.Language loaded here already).
      release(target);
    }
    // The outcome is what running the verifiers one after the other in target order gives: the first failure in
    // that order is the one thrown.
    const verified = outcomes.map((o) => {
      if ('error' in o) throw o.error;
      if (!isPending(o.result)) return o.result;
      started.delete(o.result);
      return o.result.finish();
    });
    files.push({ path: 'REPORT.md', content: renderReport(rules, notes) });
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { rules, files, notes, diagnostics: loaded.diagnostics, verified, reused: loaded.reused };
  } finally {
    // Started and not finished: a later target failed to compile, or an earlier one's verifier failed.
    for (const p of started) p.cancel();
  }
}

/** Whether a verifier came back started (its work under way on other threads) rather than done. */
function isPending(r: VerifyResult | PendingVerify): r is PendingVerify {
  return 'finish' in r;
}

type Outcome<T> = { result: T } | { error: unknown };

/** What running `f` gave: its result or what it threw. */
function attempt<T>(f: () => T): Outcome<T> {
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
