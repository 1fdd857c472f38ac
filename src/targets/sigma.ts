import { sigmaUnexpressible } from '../backends/sigma/limits.js';
import { sigmaBackend } from '../backends/sigma/index.js';
import { sigmaEngine } from '../engines/sigma/index.js';
import { ownersOf } from '../engines/sigma/select.js';
import { readPeriodSeconds } from '../ir/analysis.js';
import type { Rule } from '../ir/types.js';
import { facts } from '../load/diagnostic-facts.js';
import { DiagnosticError, diagnosticAt, type Diagnostic } from '../load/diagnostics.js';
import { sigmaDocs } from './sigma-docs.js';
import type { Target, VerifyContext, VerifyResult } from './target.js';

/**
 * No two rules' Sigma files can be confused: the documents the Sigma engine selects for each rule (by the rule id
 * they carry, engines/sigma/select.ts) are exactly those of the files the backend wrote for that rule; document ids
 * and names are unique across the output (pySigma resolves a correlation's `rules:` by name in the whole
 * collection, so a shared name would join another rule's events); every correlation refers to its own rule's
 * documents.
 */
export function verifySigmaIdentity(ctx: VerifyContext): VerifyResult {
  const files = ctx.files.filter((f) => f.target === 'sigma' || (f.target === undefined && f.path.startsWith('sigma/')));
  const problems: { rule?: Rule; message: string }[] = [];
  const docs = sigmaDocs(files, ctx.cacheDir);
  const ruleOfFile = new Map(files.map((f) => [f.path, f.rule]));
  const seen = (key: 'id' | 'name') => {
    const first = new Map<string, string>();
    for (const d of docs) {
      const v = d.doc[key];
      if (typeof v !== 'string') continue;
      const prev = first.get(v);
      if (prev !== undefined) problems.push({ rule: ctx.rules.find((r) => r.id === ruleOfFile.get(d.file)), message: `Sigma ${key} '${v}' is used by two documents (dist-rules/${prev} and dist-rules/${d.file})` });
      else first.set(v, d.file);
    }
  };
  seen('id');
  seen('name');
  // Two rules whose names underscore alike (a-b, a_b) would write one file: the second would replace the first.
  const paths = new Map<string, string | undefined>();
  for (const f of files) {
    if (paths.has(f.path)) problems.push({ rule: ctx.rules.find((r) => r.id === f.rule), message: `dist-rules/${f.path} is written for two rules (${paths.get(f.path)} and ${f.rule})` });
    else paths.set(f.path, f.rule);
  }
  // Each document's owners and each rule's files, worked out once (not once per rule: repositories hold thousands).
  const ruleIds = new Set(ctx.rules.map((r) => r.id));
  const docsOf = new Map<string, typeof docs>();
  const filesOf = new Map<string, Set<string>>();
  for (const d of docs) for (const o of ownersOf(d.doc)) docsOf.set(o, [...(docsOf.get(o) ?? []), d]);
  for (const f of files) if (f.rule !== undefined) filesOf.set(f.rule, (filesOf.get(f.rule) ?? new Set()).add(f.path));
  // Each file's documents with their place in `docs`, so that a rule's are found from its files in document order.
  const docsIn = new Map<string, { d: (typeof docs)[number]; at: number }[]>();
  docs.forEach((d, at) => docsIn.set(d.file, [...(docsIn.get(d.file) ?? []), { d, at }]));
  for (const d of docs) {
    if (!ownersOf(d.doc).some((o) => ruleIds.has(o))) problems.push({ message: `dist-rules/${d.file}: a Sigma document that names no rule's id (neither as id nor under related)` });
  }
  for (const rule of ctx.rules) {
    const own = filesOf.get(rule.id) ?? new Set<string>();
    // As docsOfRule selects them: the documents naming the rule id, in file order.
    const mine = docsOf.get(rule.id) ?? [];
    const picked = new Set(mine.map((d) => d.file));
    for (const f of picked) if (!own.has(f)) problems.push({ rule, message: `the Sigma engine would read dist-rules/${f}, which is not this rule's file` });
    const inOwn = [...own].flatMap((f) => docsIn.get(f) ?? []).sort((a, b) => a.at - b.at);
    for (const { d } of inOwn) if (!mine.includes(d)) problems.push({ rule, message: `a document of dist-rules/${d.file} ('${String(d.doc.title)}') does not name the rule id ${rule.id}` });
    const names = new Set(mine.map((d) => d.doc.name).filter((n): n is string => typeof n === 'string'));
    for (const d of mine) {
      const refs = ((d.doc.correlation as Record<string, unknown> | undefined)?.rules ?? []) as unknown[];
      for (const r of refs) if (!(typeof r === 'string' && names.has(r)) && !mine.some((m) => m.doc.id === r)) problems.push({ rule, message: `dist-rules/${d.file}: correlation refers to '${String(r)}', which is not one of this rule's documents` });
    }
  }
  if (problems.length) throw new DiagnosticError(problems.map(identityDiagnostic));
  return { count: docs.length, what: 'Sigma documents', by: 'rule identity' };
}

/** The one place the identity check builds its diagnostics. */
function identityDiagnostic(p: { rule?: Rule; message: string }): Diagnostic {
  const pos = p.rule?.branches[0]?.pos;
  return diagnosticAt({ file: p.rule?.file ?? 'dist-rules/sigma', line: pos?.line ?? 1, col: pos?.col ?? 1, path: pos?.path ?? '' }, facts.sigmaIdentity(p.message));
}

/** Sigma: detection and correlation rules in SigmaHQ conventions; run by the Sigma interpreter. */
export const sigma: Target = {
  name: 'sigma',
  title: 'Sigma rules and correlations',
  backend: sigmaBackend,
  engine: sigmaEngine,
  limits: (rule, mapping) => ({
    errors: [],
    cannotExpress: sigmaUnexpressible(rule, mapping),
    // Sigma has no time conditions: suppression windows are dropped (REPORT.md says so).
    drops: rule.branches.some((b) => b.suppressions.length) ? ['suppress'] : [],
  }),
  verify: verifySigmaIdentity,
  // Sigma rules are converted for stores that keep '' for a missing string (Log Analytics): the interpreter sees
  // them so, and the emitted rules must say what they mean by empty (an absent field is `F: null` in the same rules).
  native: { time: 'iso', missing: 'empty-string' },
  readPeriodSeconds,
};
