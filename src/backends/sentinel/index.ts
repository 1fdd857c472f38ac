import type { EntityType, Rule, Severity } from '../../ir/types.js';
import type { SentinelSettings } from './settings.js';
import { SENTINEL_TI_DAYS, sentinelQueryPeriodSeconds } from './schedule.js';
import { DiagnosticError, type Diagnostic } from '../../load/diagnostics.js';
import { parseDuration } from '../../load/duration.js';
import { requireMapping, variantMapping } from '../../mapping/mapping.js';
import { uuidV5 } from '../../util/ids.js';
import { TemplateSet } from '../render.js';
import { isArtifact, isBackendNote } from '../result-shape.js';
import { RuleOutputs } from '../rule-outputs.js';
import type { Artifact, Backend, BackendContext, BackendNote, BackendResult } from '../types.js';
import type { BackendMapping } from '../../mapping/types.js';
import { armString, isoDuration, kqlTimespan, yamlAscii, yamlText } from './escape.js';
import { listCsv } from '../list-csv.js';
import { oneLine } from '../quote.js';
import { buildKqlQuery } from './query.js';

const SEVERITY: Record<Severity, string> = {
  informational: 'Informational', low: 'Low', medium: 'Medium', high: 'High', critical: 'High',
};

// Sentinel entity type and the identifier a single column maps to (EntityMappingIdentifiers).
const ENTITY: Partial<Record<EntityType, [string, string]>> = {
  ip: ['IP', 'Address'],
  host: ['Host', 'HostName'],
  account: ['Account', 'Name'],
  process: ['Process', 'CommandLine'],
  file: ['File', 'Name'],
  url: ['URL', 'Url'],
};

/** ATT&CK tactic short name → Sentinel AttackTactic enum (reconnaissance → Reconnaissance). */
export function sentinelTactic(t: string): string {
  return t.split('-').map((w) => (w === 'and' ? 'And' : w[0]!.toUpperCase() + w.slice(1))).join('');
}

export interface SentinelQuery {
  rule: Rule;
  /** Output path of the raw query, e.g. sentinel/ip-block-scan.kql. */
  path: string;
  /** The query text exactly as it appears in the .kql (without its comment header), YAML and ARM. */
  query: string;
  /** The mapping variant (`asim` for network_connection@asim), or undefined for the primary mapping. */
  variant?: string;
  /** The mapping the query was compiled with (the primary or the variant's). */
  mapping: BackendMapping;
}

/** Output stem of a rule's Sentinel files: `sentinel/<slug>` or `sentinel/<slug>.<variant>`. */
export function sentinelStem(slug: string, variant?: string): string {
  return `sentinel/${slug}${variant ? `.${variant}` : ''}`;
}

/** One query of a rule: the primary mapping's, or a variant's. */
function compileQuery(rule: Rule, mapping: BackendMapping, templates: TemplateSet, notes: BackendNote[], variant?: string): SentinelQuery {
  const lets = new Map<string, string>();
  const parts = rule.branches.map((b) => {
    // A variant's approximations are the primary's: report them once.
    const view = buildKqlQuery(rule, b, mapping.sources[b.source]!, variant ? [] : notes);
    view.lets.forEach((v, k) => lets.set(k, v));
    for (const w of view.withheld) {
      notes.push({ rule: rule.file, branch: b.name, backend: 'sentinel', kind: 'approximated', message: `${variant ? `variant @${variant} (${sentinelStem(rule.slug, variant)}.*): ` : ''}${view.table.replace(/\(.*$/, '')} parameter ${w}; the query's own filter applies` });
    }
    return templates.render('query', view).trimEnd();
  });
  const body = parts.length === 1 ? parts[0]! : `union\n${parts.map((p) => `(${p.split('\n').join('\n    ')})`).join(',\n')}`;
  const query = [...[...lets.keys()].sort().map((k) => lets.get(k)!), body].join('\n');
  return { rule, path: `${sentinelStem(rule.slug, variant)}.kql`, query, variant, mapping };
}

/**
 * What one of a rule's queries printed: `first` the notes of compiling its query (and of a variant not emitted),
 * `then` the notes of its files. The build lists every query's `first` notes before any `then` note, as it always has.
 */
interface PrintedQuery {
  variant: string | null;
  first: BackendNote[];
  then: BackendNote[];
  files: Artifact[];
}

const isPrintedQuery = (v: unknown): v is PrintedQuery => {
  const q = v as PrintedQuery;
  return !!q && typeof q === 'object' && (q.variant === null || typeof q.variant === 'string') && Array.isArray(q.first) && q.first.every(isBackendNote) &&
    Array.isArray(q.then) && q.then.every(isBackendNote) && Array.isArray(q.files) && q.files.every(isArtifact);
};
const isPrintedRule = (v: unknown): v is PrintedQuery[] => Array.isArray(v) && v.every(isPrintedQuery);

/** Everything the Sentinel backend prints for one rule: its primary query and each variant's, in variant order. */
function printRule(rule: Rule, ctx: BackendContext, templates: TemplateSet, settings: SentinelSettings, variants: [string, BackendMapping][]): PrintedQuery[] {
  const primary: PrintedQuery = { variant: null, first: [], then: [], files: [] };
  primary.files = queryFiles(compileQuery(rule, ctx.mapping, templates, primary.first), templates, settings, primary.then);
  const out = [primary];
  // Each variant yields a further analytics rule for every rule whose sources and fields it maps.
  for (const [variant, vm] of variants) {
    if (!rule.branches.every((b) => vm.sources[b.source])) continue;
    const printed: PrintedQuery = { variant, first: [], then: [], files: [] };
    out.push(printed);
    const missing = requireMapping(rule, vm, 'sentinel');
    if (missing.length) {
      printed.first.push({ rule: rule.file, branch: '*', backend: 'sentinel', kind: 'dropped', message: `variant @${variant} not emitted: ${missing.map((d) => d.message.replace(/^sentinel: /, '')).join('; ')}` });
      continue;
    }
    const q = compileQuery(rule, vm, templates, printed.first, variant);
    for (const b of rule.branches) {
      const note = vm.sources[b.source]!.settings.note;
      if (note) printed.first.push({ rule: rule.file, branch: b.name, backend: 'sentinel', kind: 'approximated', message: `variant @${variant} (${sentinelStem(rule.slug, variant)}.*): ${String(note).trim()}` });
    }
    printed.files = queryFiles(q, templates, settings, printed.then);
  }
  return out;
}

/** A query's .kql, analytics-rule YAML and ARM template (and for the primary query, its notes on shared lists). */
function queryFiles(q: SentinelQuery, templates: TemplateSet, settings: SentinelSettings, notes: BackendNote[]): Artifact[] {
  const { rule } = q;
  const files: Artifact[] = [];
  const grouping = settings.incidentGrouping ?? {};
  if (rule.severity === 'critical' && !q.variant) {
    notes.push({ rule: rule.file, branch: '*', backend: 'sentinel', kind: 'approximated', message: 'severity critical has no Sentinel equivalent; emitted as High' });
  }
  const entityMappings = rule.entities.flatMap((e) => {
    const m = ENTITY[e.type];
    if (!m) {
      notes.push({ rule: rule.file, branch: '*', backend: 'sentinel', kind: 'dropped', message: `entity type '${e.type}' needs more than one column in Sentinel; not mapped` });
      return [];
    }
    return [{ entityType: m[0], identifier: m[1], columnName: e.column }];
  });
  const connectors = new Map<string, Set<string>>();
  for (const b of rule.branches) {
    const sm = q.mapping.sources[b.source]!;
    // detc.config `sentinel.connectors` names the workspace's connectors; the mapping's are the default.
    const configured = q.variant ? undefined : settings.connectors?.[b.source];
    for (const c of (configured ?? sm.settings.connectors ?? []) as { connectorId: string; dataTypes: string[] }[]) {
      const set = connectors.get(c.connectorId) ?? new Set<string>();
      c.dataTypes.forEach((d) => set.add(d));
      connectors.set(c.connectorId, set);
    }
  }
  const parentTechniques = [...new Set(rule.techniques.map((t) => t.split('.')[0]!))];
  if (parentTechniques.join() !== rule.techniques.join() && !q.variant) {
    notes.push({ rule: rule.file, branch: '*', backend: 'sentinel', kind: 'approximated', message: `the stable alertRules API has no sub-techniques: ARM carries ${parentTechniques.join(', ')}; the analytics-rule YAML keeps ${rule.techniques.join(', ')}` });
  }
  const label = q.variant ? String(rule.branches.map((b) => q.mapping.sources[b.source]!.settings.label ?? q.variant)[0]) : '';
  const view = {
    id: q.variant ? uuidV5(rule.id, `detc:sentinel:@${q.variant}`) : rule.id,
    file: rule.file,
    name: q.variant ? `${rule.name} (${label})` : rule.name,
    variant: q.variant ?? '',
    version: rule.version,
    description: rule.description,
    severity: SEVERITY[rule.severity],
    enabled: rule.status !== 'deprecated',
    connectors: [...connectors].map(([connectorId, d]) => ({ connectorId, dataTypes: [...d] })),
    queryFrequency: kqlTimespan(rule.schedule.frequencySeconds),
    // A first-seen rule reads its baseline too, and a threat-intelligence rule 14 days of indicators.
    queryPeriod: kqlTimespan(sentinelQueryPeriodSeconds(rule)),
    queryFrequencyIso: isoDuration(rule.schedule.frequencySeconds),
    queryPeriodIso: isoDuration(sentinelQueryPeriodSeconds(rule)),
    tactics: rule.tactics.map(sentinelTactic),
    techniques: rule.techniques,
    armTechniques: parentTechniques,
    query: q.query,
    entityMappings,
    entityMappingsArm: entityMappings.map((m) => ({ entityType: m.entityType, fieldMappings: [{ identifier: m.identifier, columnName: m.columnName }] })),
    customDetails: rule.details,
    customDetailsArm: Object.fromEntries(rule.details.map((d) => [d, d])),
    alertTitle: rule.alert.title,
    alertDescription: rule.alert.description,
    branchName: rule.branches.length > 1 ? 'all' : '',
    createIncident: settings.createIncident ?? true,
    grouping: {
      enabled: grouping.enabled ?? false,
      reopenClosedIncident: grouping.reopenClosedIncident ?? false,
      lookbackIso: isoDuration(grouping.lookback ? parseDuration(grouping.lookback)! : rule.schedule.lookbackSeconds),
      matchingMethod: grouping.matchingMethod ?? 'AllEntities',
    },
    suppressionEnabled: settings.suppression?.enabled ?? Boolean(settings.suppression),
    suppressionIso: isoDuration(settings.suppression ? parseDuration(settings.suppression.duration)! : rule.schedule.frequencySeconds),
  };
  const stem = sentinelStem(rule.slug, q.variant);
  files.push({ path: q.path, content: templates.render('kql', view), templates: ['kql', 'query'], rule: rule.id });
  files.push({ path: `${stem}.yaml`, content: templates.render('analytic-rule.yaml', view), templates: ['analytic-rule.yaml', 'query'], rule: rule.id });
  files.push({ path: `${stem}.arm.json`, content: templates.render('arm.json', view), templates: ['arm.json', 'query'], rule: rule.id });
  if (q.variant) return files;
  for (const l of rule.sharedLists.filter((x) => x.external)) {
    notes.push({ rule: rule.file, branch: '*', backend: 'sentinel', kind: 'approximated', message: `$${l.name} is read from ${l.external!.sentinel?.table}: IPv4 and IPv6 indicators whose newest row of the last ${SENTINEL_TI_DAYS} days is active, not deleted and not past ValidUntil, so the rule's queryPeriod is ${SENTINEL_TI_DAYS} days; detc ships no watchlist for it` });
  }
  for (const b of rule.branches) {
    for (const s of b.suppressions) {
      notes.push({ rule: rule.file, branch: b.name, backend: 'sentinel', kind: 'approximated', message: `suppress: the ${s.windows.length} window(s) of $${s.list} are compiled into the query; rebuild and redeploy when the list changes` });
    }
  }
  return files;
}

export const sentinelBackend: Backend = {
  name: 'sentinel',
  compile(rules: Rule[], ctx: BackendContext): BackendResult {
    const diags: Diagnostic[] = rules.flatMap((r) => requireMapping(r, ctx.mapping, 'sentinel'));
    if (diags.length) throw new DiagnosticError(diags);
    const templates = new TemplateSet(ctx.templateDir, {
      yamlAscii: (s: string) => yamlAscii(String(s)),
      yamlText: (s: string, indent: string) => yamlText(String(s), indent),
      armJson: (s: string) => JSON.stringify(armString(String(s))),
      armExprString: (s: string) => `'${String(s).replace(/'/g, "''")}'`,
      oneLine: (s: string) => oneLine(String(s)),
    }, ctx.fallbackTemplateDir);
    const settings = (ctx.settings ?? {}) as SentinelSettings;
    const variants = Object.keys(ctx.mapping.variants ?? {}).sort().map((v): [string, BackendMapping] => [v, variantMapping(ctx.mapping, v)]);
    const cache = new RuleOutputs(ctx, 'sentinel-rule', templates, isPrintedRule);
    const printed = rules.map((rule) => cache.of(rule, () => printRule(rule, ctx, templates, settings, variants)));
    const notes: BackendNote[] = [];
    const files: Artifact[] = [];
    // In the order of a build that compiles every query first (primary queries, then each variant's) and then
    // prints their files: REPORT.md and --verbose list the notes so.
    const order = [null, ...variants.map(([v]) => v)];
    for (const v of order) for (const p of printed) notes.push(...(p.find((q) => q.variant === v)?.first ?? []));
    for (const v of order) {
      for (const p of printed) {
        const q = p.find((x) => x.variant === v);
        if (!q) continue;
        notes.push(...q.then);
        files.push(...q.files);
      }
    }
    // One watchlist per shared value list the rules read: the queries load it with _GetWatchlist('<name>').
    const lists = new Map(rules.flatMap((r) => r.sharedLists).filter((l) => l.type !== 'window' && !l.external).map((l) => [l.name, l]));
    for (const l of [...lists.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const csv = listCsv(l);
      files.push({ path: `sentinel/watchlists/${l.name}.csv`, content: csv });
      files.push({
        path: `sentinel/watchlists/${l.name}.arm.json`,
        content: templates.render('watchlist.arm.json', { alias: l.name, displayName: l.name.replace(/_/g, ' '), description: `${l.description} (detc, from ${l.file})`, csv }),
        templates: ['watchlist.arm.json'],
      });
    }
    return { files, notes };
  },
};
