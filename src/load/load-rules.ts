import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Rule } from '../ir/types.js';
import { loadSharedLists } from './shared-lists.js';
import { facts } from './diagnostic-facts.js';
import { fsReason, isFsError } from './file-problems.js';
import { DiagnosticError, diagnosticAt, type Diagnostic } from './diagnostics.js';
import { RuleLowering } from './lower.js';
import { RuleLoadCache } from './rule-cache.js';
import { readUtf8 } from './text-file.js';
import type { LoadOptions } from './options.js';

export type { LoadOptions } from './options.js';
import { validateRuleSchema } from './schema.js';
import { ruleFileName } from './text-checks.js';
import { YamlSource } from './yaml-source.js';


export interface LoadResult {
  rules: Rule[];
  diagnostics: Diagnostic[];
  /** How many rules came unchanged from the cache (not parsed or lowered again). */
  reused: number;
}

/**
 * Rule files under `dir`: *.yml / *.yaml, except fixtures (*.test.yml) and shared lists (lists/). Sorted for
 * determinism. An entry that cannot be read (a dangling symbolic link, a link loop, no permission) is a
 * diagnostic in `problems`, not an exception: the other rules are still checked.
 */
export function findRuleFiles(dir: string, problems: Diagnostic[] = [], cwd = process.cwd()): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch (e) {
      if (!isFsError(e)) throw e;
      const hint = d === dir && e.code === 'ENOENT' ? "--rules or 'rules' in detc.config names the rule folder" : undefined;
      problems.push(diagnosticAt({ file: rel(d, cwd), line: 1, col: 1 }, facts.cannotRead(fsReason(e), hint)));
      return;
    }
    for (const name of names) {
      const p = path.join(d, name);
      let isDir: boolean;
      try {
        isDir = statSync(p).isDirectory();
      } catch (e) {
        if (!isFsError(e)) throw e;
        const target = lstatSync(p).isSymbolicLink() ? readlinkSync(p) : undefined;
        const reason = target !== undefined && e.code === 'ENOENT' ? `dangling symbolic link to ${target} (ENOENT)` : fsReason(e);
        problems.push(diagnosticAt({ file: rel(p, cwd), line: 1, col: 1 }, facts.cannotRead(reason)));
        continue;
      }
      if (isDir) {
        if (name !== 'lists' && !name.startsWith('.')) walk(p);
      } else if (/\.ya?ml$/.test(name) && !/\.test\.ya?ml$/.test(name)) {
        out.push(p);
      }
    }
  };
  walk(dir);
  return out;
}

/** Fixture files under `dir` (*.test.yml), walked as findRuleFiles walks: lists/ and dot folders skipped. */
export function findFixtureFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'lists' && !name.startsWith('.')) walk(p);
      } else if (name.endsWith('.test.yml')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Loads one rule from text; `file` is the name used in diagnostics. */
export function loadRuleText(file: string, text: string, opts: LoadOptions = {}): { rule?: Rule; diagnostics: Diagnostic[]; src: YamlSource } {
  const src = new YamlSource(file, text);
  const badName = ruleFileName(file);
  if (badName) return { diagnostics: [badName], src };
  const syntax = src.syntaxDiagnostics();
  if (syntax.some((d) => d.severity === 'error')) return { diagnostics: syntax, src };
  let data: unknown;
  try {
    data = src.toJS();
  } catch (e) {
    if (e instanceof DiagnosticError) return { diagnostics: [...syntax, ...e.diagnostics], src };
    throw e;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { diagnostics: [...syntax, src.diagnostic([], facts.ruleNotMapping())], src };
  }
  const schema = validateRuleSchema(src, data);
  if (schema.length) return { diagnostics: [...syntax, ...schema], src };
  const lowering = new RuleLowering(src, opts);
  const rule = lowering.lower(data as Record<string, unknown>);
  return { rule, diagnostics: [...syntax, ...lowering.diagnostics], src };
}

/**
 * Loads every rule under `dir`. Paths in diagnostics are relative to `cwd`. With `cacheDir`, a rule loaded cleanly
 * before from the same text and lists is taken from there (rule-cache.ts).
 */
export function loadRules(dir: string, cwd = process.cwd(), opts: LoadOptions = {}, cacheDir?: string): LoadResult {
  const rules: Rule[] = [];
  const diagnostics: Diagnostic[] = [];
  const files = findRuleFiles(dir, diagnostics, cwd);
  if (!files.length && diagnostics.length) return { rules, diagnostics, reused: 0 };
  if (!files.length) {
    diagnostics.push(diagnosticAt({ file: rel(dir, cwd), line: 1, col: 1 }, facts.noRuleFiles()));
  }
  const shared = loadSharedLists(dir, cwd, opts.today, cacheDir);
  diagnostics.push(...shared.diagnostics);
  opts = { ...opts, sharedLists: opts.sharedLists ?? shared.lists };
  const cache = new RuleLoadCache(cacheDir, opts);
  const ids = new Map<string, string>();
  const slugs = new Map<string, string>();
  for (const f of files) {
    const file = rel(f, cwd);
    let read: ReturnType<typeof readUtf8>;
    try {
      read = readUtf8(f, file);
    } catch (e) {
      if (!isFsError(e)) throw e;
      diagnostics.push(diagnosticAt({ file, line: 1, col: 1 }, facts.cannotRead(fsReason(e))));
      continue;
    }
    if (read.diagnostic) {
      diagnostics.push(read.diagnostic);
      continue;
    }
    let r: { rule?: Rule; diagnostics: Diagnostic[]; src?: YamlSource } | undefined = cache.get(file, read.text);
    if (!r) cache.put(file, read.text, (r = loadRuleText(file, read.text, opts)));
    diagnostics.push(...r.diagnostics);
    if (!r.rule) continue;
    // A rule from the cache has no parsed source; the rare duplicate parses it for the position.
    const src = () => r.src ?? new YamlSource(file, read.text);
    const prevId = ids.get(r.rule.id.toLowerCase());
    if (prevId) {
      diagnostics.push(src().diagnostic(['id'], facts.duplicateRuleId(r.rule.id, prevId)));
      continue;
    }
    const prevSlug = slugs.get(r.rule.slug);
    if (prevSlug) {
      diagnostics.push(src().diagnostic([], facts.duplicateSlug(r.rule.slug, prevSlug)));
      continue;
    }
    ids.set(r.rule.id.toLowerCase(), file);
    slugs.set(r.rule.slug, file);
    rules.push(r.rule);
  }
  return { rules, diagnostics, reused: cache.reused };
}

function rel(p: string, cwd: string): string {
  return path.relative(cwd, p).split(path.sep).join('/');
}
