import type { EntityType, Rule, Severity } from '../../ir/types.js';
import type { SentinelSettings } from './settings.js';
import { SENTINEL_TI_DAYS, sentinelQueryPeriodSeconds } from './schedule.js';
import { DiagnosticError, type Diagnostic } from '../../load/diagnostics.js';
import { parseDuration } from '../../load/duration.js';
import { requireMapping, variantMapping } from '../../mapping/mapping.js';
import { uuidV5 } from '../../util/ids.js';
import { TemplateSet } from '../render.js';
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

/** The KQL of each rule (branches joined with union), without templates for the surrounding files. */
export function sentinelQueries(rules: Rule[], ctx: BackendContext, notes: BackendNote[] = [], templates = new TemplateSet(ctx.templateDir, {}, ctx.fallbackTemplateDir)): SentinelQuery[] {
  const diags: Diagnostic[] = rules.flatMap((r) => requireMapping(r, ctx.mapping, 'sentinel'));
  if (diags.length) throw new DiagnosticError(diags);
  const compile = (rule: Rule, mapping: BackendMapping, variant?: string): SentinelQuery => {
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
  };
  const out = rules.map((rule) => compile(rule, ctx.mapping));
  // Each variant yields a further analytics rule for every rule whose sources and fields it maps.
  for (const variant of Object.keys(ctx.mapping.variants ?? {}).sort()) {
    const vm = variantMapping(ctx.mapping, variant);
    for (const rule of rules) {
      if (!rule.branches.every((b) => vm.sources[b.source])) continue;
      const missing = requireMapping(rule, vm, 'sentinel');
      if (missing.length) {
        notes.push({ rule: rule.file, branch: '*', backend: 'sentinel', kind: 'dropped', message: `variant @${variant} not emitted: ${missing.map((d) => d.message.replace(/^sentinel: /, '')).join('; ')}` });
        continue;
      }
      out.push(compile(rule, vm, variant));
      for (const b of rule.branches) {
        const note = vm.sources[b.source]!.settings.note;
        if (note) notes.push({ rule: rule.file, branch: b.name, backend: 'sentinel', kind: 'approximated', message: `variant @${variant} (${sentinelStem(rule.slug, variant)}.*): ${String(note).trim()}` });
      }
    }
  }
  return out;
}

export const sentinelBackend: Backend = {
  name: 'sentinel',
  compile(rules: Rule[], ctx: BackendContext): BackendResult {
    const templates = new TemplateSet(ctx.templateDir, {
      yamlAscii: (s: string) => yamlAscii(String(s)),
      yamlText: (s: string, indent: string) => yamlText(String(s), indent),
      armJson: (s: string) => JSON.stringify(armString(String(s))),
      armExprString: (s: string) => `'${String(s).replace(/'/g, "''")}'`,
      oneLine: (s: string) => oneLine(String(s)),
    }, ctx.fallbackTemplateDir);
    const notes: BackendNote[] = [];
    const files: Artifact[] = [];
    const settings = (ctx.settings ?? {}) as SentinelSettings;
    const grouping = settings.incidentGrouping ?? {};
    for (const q of sentinelQueries(rules, ctx, notes, templates)) {
      const { rule } = q;
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
      if (q.variant) continue;
      for (const l of rule.sharedLists.filter((x) => x.external)) {
        notes.push({ rule: rule.file, branch: '*', backend: 'sentinel', kind: 'approximated', message: `$${l.name} is read from ${l.external!.sentinel?.table}: IPv4 and IPv6 indicators whose newest row of the last ${SENTINEL_TI_DAYS} days is active, not deleted and not past ValidUntil, so the rule's queryPeriod is ${SENTINEL_TI_DAYS} days; detc ships no watchlist for it` });
      }
      for (const b of rule.branches) {
        for (const s of b.suppressions) {
          notes.push({ rule: rule.file, branch: b.name, backend: 'sentinel', kind: 'approximated', message: `suppress: the ${s.windows.length} window(s) of $${s.list} are compiled into the query; rebuild and redeploy when the list changes` });
        }
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
