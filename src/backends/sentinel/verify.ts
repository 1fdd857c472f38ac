import path from 'node:path';
import { cachedChecker, kqlEnvironment, type CacheStats } from '../../kql-check/cache.js';
import { CleanFiles } from '../../kql-check/clean-files.js';
import { batchChecker } from '../../kql-check/schedule.js';
import { loadFunctionSchemas, loadTableSchemas } from '../../kql-check/table-schemas.js';
import { facts } from '../../load/diagnostic-facts.js';
import { parse as parseYaml } from '../../load/yaml-library.js';
import { checkRuleFile, checkWatchlist, type RuleKey } from './deployable.js';
import { DiagnosticError, diagnosticAt, type Diagnostic } from '../../load/diagnostics.js';
import { PACKAGE_ROOT } from '../../util/paths.js';
import type { Rule } from '../../ir/types.js';
import type { PendingVerify, VerifyContext, VerifyResult } from '../types.js';
import type { KqlProblem } from '../../kql-check/check-kql.js';

/**
 * Checks the query in every Sentinel file as it will be deployed: the raw .kql, the `query` of the analytics-rule
 * YAML and the `query` property of the ARM template, each parsed back from the emitted text (so an escaping bug in
 * YAML or JSON shows up here too). Each distinct query text is analysed by Kusto.Language once: a file whose query
 * is byte-identical to one already analysed (the ARM's to the YAML's; the .kql's once its `//` header lines are
 * set aside) takes that result. Results come from the content-addressed cache when it has them (kql-check/cache.ts).
 * In two steps: the files are read back, the cache looked up and the analyses started (on worker threads when there
 * are many) now; `finish` waits for them and reports.
 */
export function startKqlVerify(ctx: VerifyContext): PendingVerify {
  const { rules, files, schemasDir } = ctx;
  // Workspace functions (_GetWatchlist) come from detc's own schemas unless the project's folder redefines them.
  const own = loadFunctionSchemas(schemasDir);
  const builtin = loadFunctionSchemas(path.join(PACKAGE_ROOT, 'schemas/kql')).filter((f) => !own.some((o) => o.name === f.name));
  const tables = loadTableSchemas(schemasDir);
  const functions = [...own, ...builtin];
  const stats: CacheStats = { hits: 0, misses: 0, analysed: new Set() };
  const checker = cachedChecker((work) => batchChecker(tables, functions, work, ctx.workers), tables, functions, ctx.cacheDir, stats);
  // A rule's files (and those of its mapping variants, sentinel/<slug>.<variant>.kql, ...) found clean before with
  // the same bytes are not checked again; the others are parsed once, and every distinct query is looked up or
  // analysed in one batch (on several cores when there are many).
  const clean = new CleanFiles(ctx.cacheDir, 'sentinel-verified', kqlEnvironment(tables, functions));
  const byRule = emittedByRule(files);
  const perRule = rules.map((rule): RuleFiles => {
    const emitted = byRule.get(rule.id) ?? [];
    const reused = clean.has(emitted);
    return { rule, emitted, reused, own: reused ? [] : emitted.map(parseRuleFile) };
  });
  const distinct = [...new Set(perRule.flatMap(({ own }) => own.flatMap((f) => (f.query ? [f.query] : []))))];
  const pending = checker.startAll(distinct);
  return { finish: () => report(ctx, perRule, new Map(pending.wait().map((p, i) => [distinct[i]!, p])), stats.analysed!, clean), cancel: () => pending.cancel() };
}

/** The findings of the analyses and deployability checks, thrown as one DiagnosticError, or what was checked. */
function report(ctx: VerifyContext, perRule: RuleFiles[], analysed: Map<string, KqlProblem[]>, fresh: Set<string>, clean: CleanFiles): VerifyResult {
  const { schemasDir, templatesDir } = ctx;
  const diags: Diagnostic[] = [];
  const deploy: Diagnostic[] = [];
  let checked = 0;
  let reused = 0;
  for (const { rule, emitted, own, reused: skip } of perRule) {
    checked += emitted.length;
    if (skip) {
      reused += emitted.length;
      continue;
    }
    const found = diags.length + deploy.length;
    for (const f of own) {
      if (f.query && !fresh.has(f.query)) reused++;
      if (!f.query) {
        diags.push(diagnosticAt({ file: rule.file, line: 1, col: 1 }, facts.sentinelNoQuery(f.path)));
        continue;
      }
      for (const p of analysed.get(f.query)!) {
        diags.push(diagnosticAt(rule.branches[0]!.pos, facts.kqlFinding(p.code, f.path, p.line, p.col, p.message, `${templatesDir}/sentinel`, path.basename(schemasDir))));
      }
    }
    deploy.push(...deployability(rule, own));
    if (diags.length + deploy.length === found) clean.add(emitted);
  }
  diags.push(...deploy, ...watchlists(ctx));
  if (diags.length) throw new DiagnosticError(diags);
  return { count: checked, what: 'KQL queries', by: 'Kusto.Language', cached: reused };
}

/** One emitted Sentinel file of a rule, read back: its query, and for a rule YAML or ARM template its properties. */
interface RuleFile {
  path: string;
  query: string | undefined;
  /** The analytics rule's properties (`arm`: of the ARM template's resource), for the deployability checks. */
  rule?: { props: Record<string, unknown>; kind: 'arm' | 'yaml' };
}

type Emitted = VerifyContext['files'][number];

/** A rule's emitted Sentinel files, whether they were found clean before (`reused`), and, if not, read back. */
interface RuleFiles {
  rule: Rule;
  emitted: Emitted[];
  reused: boolean;
  own: RuleFile[];
}

/** The Sentinel files the backend wrote for each rule (its .kql, .yaml, .arm.json and its variants'), by rule id. */
function emittedByRule(files: VerifyContext['files']): Map<string, Emitted[]> {
  const byRule = new Map<string, Emitted[]>();
  for (const f of files) {
    if (!f.rule || !/^sentinel\/[^/]+\.(kql|yaml|arm\.json)$/.test(f.path)) continue;
    const list = byRule.get(f.rule) ?? [];
    list.push(f);
    byRule.set(f.rule, list);
  }
  return byRule;
}

/** One emitted file read back: its query and, for a rule YAML or ARM template, its properties. */
function parseRuleFile(f: Emitted): RuleFile {
  if (f.path.endsWith('.kql')) return { path: f.path, query: withoutHeader(f.content) };
  if (f.path.endsWith('.yaml')) {
    const props = (parseYaml(f.content) ?? {}) as Record<string, unknown>;
    return { path: f.path, query: props.query as string | undefined, rule: { props, kind: 'yaml' } };
  }
  const props = (JSON.parse(f.content) as ArmTemplate).resources?.[0]?.properties ?? {};
  return { path: f.path, query: props.query as string | undefined, rule: { props, kind: 'arm' } };
}

/**
 * A .kql file's query: the text after its leading `//` comment lines, when what follows starts a statement (so it
 * compares byte for byte with the YAML's); otherwise the whole file, which is then analysed on its own. Comments
 * change nothing Kusto.Language reports except line numbers, and a finding's line is the query's own.
 */
export function withoutHeader(text: string): string {
  const m = /^(?:\/\/[^\n]*\n)+/.exec(text);
  return m ? text.slice(m[0].length).replace(/\n$/, '') : text;
}

/**
 * What the Sentinel service and the Azure-Sentinel CI would refuse in a rule's emitted YAML and ARM templates
 * (deployable.ts), each on the line of the rule key it comes from.
 */
function deployability(rule: Rule, own: RuleFile[]): Diagnostic[] {
  const top = { file: rule.file, line: 1, col: 1 };
  const where = (key: RuleKey) => {
    switch (key) {
      case 'entities': return rule.keyPos?.entities ?? top;
      case 'alert.title': return rule.alert.pos.title;
      case 'alert.description': return rule.alert.pos.description;
      case 'schedule': return rule.schedule.pos.frequency;
      case 'version': return rule.keyPos?.version ?? top;
      case 'attack': return rule.keyPos?.['attack.techniques'] ?? top;
      case 'rule': return top;
    }
  };
  return own.flatMap((f) => (f.rule ? checkRuleFile(f.path, f.rule.props, f.rule.kind).map((p) => diagnosticAt(where(p.key), p.finding)) : []));
}

/** A watchlist's problems, on its list file. */
function watchlists({ rules, files }: VerifyContext): Diagnostic[] {
  const diags: Diagnostic[] = [];
  const lists = new Map(rules.flatMap((r) => r.sharedLists).map((l) => [l.name, l.file]));
  for (const f of files.filter((x) => /^sentinel\/watchlists\/[^/]+\.arm\.json$/.test(x.path))) {
    const props = (JSON.parse(f.content) as ArmTemplate).resources?.[0]?.properties ?? {};
    const file = lists.get(f.path.slice('sentinel/watchlists/'.length, -'.arm.json'.length)) ?? f.path;
    for (const finding of checkWatchlist(f.path, props)) diags.push(diagnosticAt({ file, line: 1, col: 1 }, finding));
  }
  return diags;
}

type ArmTemplate = { resources?: { properties?: Record<string, unknown> }[] };
