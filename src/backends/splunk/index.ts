import type { EntityType, Rule, Severity } from '../../ir/types.js';
import type { SplunkSettings } from './settings.js';
import { readPeriodSeconds } from '../../ir/analysis.js';
import { DiagnosticError } from '../../load/diagnostics.js';
import { requireMapping } from '../../mapping/mapping.js';
import { TemplateSet } from '../render.js';
import { isArtifact, isBackendNote } from '../result-shape.js';
import { RuleOutputs } from '../rule-outputs.js';
import type { Artifact, Backend, BackendContext, BackendNote, BackendResult } from '../types.js';
import { confText, confValue, splSpan } from './escape.js';
import { listCsv } from '../list-csv.js';
import { oneLine } from '../quote.js';
import { buildSplCommands, filterMacro } from './query.js';
import { SUMMARIES_DEFAULT, SUMMARIES_MACRO } from './tstats.js';

/** The app folder and id unless detc.config `splunk.app.id` names another. */
export const SPLUNK_APP = 'detc_detections';

const ALERT_SEVERITY: Record<Severity, number> = { informational: 2, low: 3, medium: 4, high: 5, critical: 6 };
const RISK_SCORE: Record<Severity, number> = { informational: 10, low: 25, medium: 50, high: 75, critical: 100 };
const DOMAIN: Record<string, string> = { network_connection: 'network', process_creation: 'endpoint' };

// Enterprise Security risk: entity type → risk object (something to score) or threat object (an indicator).
const RISK: Record<EntityType, { risk?: string; threat?: string }> = {
  ip: { threat: 'ip_address' },
  host: { risk: 'system' },
  account: { risk: 'user' },
  process: { threat: 'process' },
  file: { threat: 'file_name' },
  url: { threat: 'url' },
  hash: { threat: 'file_hash' },
};

/**
 * Cron for a run frequency. Frequencies that cron cannot hit exactly (e.g. 7m, 90m) run at the nearest
 * shorter period that divides the hour or the day, and say so.
 */
export function cronFor(seconds: number, note: (m: string) => void): string {
  const m = seconds / 60;
  if (seconds % 86400 === 0 && seconds === 86400) return '0 0 * * *';
  if (seconds % 3600 === 0 && 24 % (seconds / 3600) === 0) return seconds === 3600 ? '0 * * * *' : `0 */${seconds / 3600} * * *`;
  if (Number.isInteger(m) && m < 60 && 60 % m === 0) return `*/${m} * * * *`;
  const divisors = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440];
  const best = divisors.filter((d) => d <= m).pop() ?? 1;
  note(`schedule: every ${splSpan(seconds)} is not expressible in cron; runs every ${splSpan(best * 60)}`);
  if (best === 1440) return '0 0 * * *';
  if (best === 60) return '0 * * * *';
  return best > 60 ? `0 */${best / 60} * * *` : `*/${best} * * * *`;
}

/** The view of one rule's stanza in savedsearches.conf. */
type SearchView = Record<string, string | number | boolean>;

/** One rule's search: its .spl file, its notes and its savedsearches.conf stanza. */
interface PrintedRule {
  file: Artifact;
  notes: BackendNote[];
  search: SearchView;
}

const isPrintedRule = (v: unknown): v is PrintedRule => {
  const p = v as PrintedRule;
  return !!p && typeof p === 'object' && isArtifact(p.file) && Array.isArray(p.notes) && p.notes.every(isBackendNote) &&
    !!p.search && typeof p.search === 'object' && Object.values(p.search).every((x) => ['string', 'number', 'boolean'].includes(typeof x));
};

function printRule(rule: Rule, ctx: BackendContext, templates: TemplateSet, settings: SplunkSettings): PrintedRule {
  const notes: BackendNote[] = [];
  const parts = rule.branches.map((b) => templates.render('search', { commands: buildSplCommands(rule, b, ctx.mapping.sources[b.source]!, notes, settings.queryForm ?? 'tstats'), filterMacro: filterMacro(rule) }).trimEnd());
  // Several branches: the first search, then each other one appended.
  const spl = parts.length === 1 ? parts[0]! : [parts[0]!, ...parts.slice(1).map((p) => `| append [\n${p}\n]`)].join('\n');
  if (parts.length > 1) {
    notes.push({
      rule: rule.file, branch: '*', backend: 'splunk', kind: 'approximated',
      message: 'branches: every branch after the first runs as an append subsearch (limits.conf [subsearch]: at most maxout rows, default 50000, and maxtime, default 60s); rows are not re-sorted across branches',
    });
  }
  const file: Artifact = { path: `splunk/${rule.slug}.spl`, content: spl + '\n', templates: ['search'], rule: rule.id };
  const note = (message: string) => notes.push({ rule: rule.file, branch: '*', backend: 'splunk', kind: 'approximated', message });
  type RiskEntry = Record<string, string | number>;
  const risk = rule.entities.flatMap((e): RiskEntry[] => {
    const r = RISK[e.type];
    return r.risk
      ? [{ risk_object_field: e.column, risk_object_type: r.risk, risk_score: RISK_SCORE[rule.severity] }]
      : [{ threat_object_field: e.column, threat_object_type: r.threat! }];
  });
  // Risk-based alerting needs a risk object; a rule with only indicators scores the first one as "other".
  if (!risk.some((r) => 'risk_object_field' in r) && rule.entities[0]) {
    risk.unshift({ risk_object_field: rule.entities[0].column, risk_object_type: 'other', risk_score: RISK_SCORE[rule.severity] });
  }
  const tokens = (s: string) => confText(s.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, '$$$1$$'));
  const search: SearchView = {
    // The name is inside the stanza header, so a trailing backslash there is no continuation.
    stanza: `detc - ${oneLine(rule.name)} - Rule`,
    description: confText(rule.description),
    search: confValue(spl),
    cron: cronFor(rule.schedule.frequencySeconds, note),
    earliest: `-${splSpan(readPeriodSeconds(rule))}`,
    alertSeverity: ALERT_SEVERITY[rule.severity],
    annotations: JSON.stringify({ mitre_attack: rule.techniques, kill_chain_phases: rule.tactics.map((t) => t.replace(/-/g, ' ')) }),
    metadata: JSON.stringify({ detection_id: rule.id, detection_version: rule.version, deprecated: rule.status === 'deprecated' ? '1' : '0' }),
    ruleTitle: tokens(rule.alert.title),
    ruleDescription: tokens(rule.alert.description),
    securityDomain: DOMAIN[rule.branches[0]!.source] ?? 'threat',
    notableSeverity: rule.severity,
    nesFields: rule.entities.map((e) => e.column).join(','),
    risk: JSON.stringify(risk),
    riskMessage: tokens(rule.alert.description),
    disabled: rule.status === 'deprecated' || settings.disabled ? 1 : 0,
    scheduleWindow: settings.scheduleWindow ?? 'auto',
    notableAction: settings.notable ?? true,
    riskAction: settings.risk ?? true,
  };
  return { file, notes, search };
}

export const splunkBackend: Backend = {
  name: 'splunk',
  compile(input: Rule[], ctx: BackendContext): BackendResult {
    // One stanza and one macro per rule, in slug order whatever order the rules were loaded in.
    const rules = [...input].sort((a, b) => (a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0));
    const diags = rules.flatMap((r) => requireMapping(r, ctx.mapping, 'splunk'));
    if (diags.length) throw new DiagnosticError(diags);
    const templates = new TemplateSet(ctx.templateDir, {}, ctx.fallbackTemplateDir);
    const settings = (ctx.settings ?? {}) as SplunkSettings;
    const appId = settings.app?.id ?? SPLUNK_APP;
    const notes: BackendNote[] = [];
    const files: Artifact[] = [];
    const searches: SearchView[] = [];
    const printed = new RuleOutputs(ctx, 'splunk-rule', templates, isPrintedRule);
    for (const rule of rules) {
      const own = printed.of(rule, () => printRule(rule, ctx, templates, settings));
      files.push(own.file);
      notes.push(...own.notes);
      searches.push(own.search);
    }
    const app = `splunk/${appId}`;
    files.push({ path: `${app}/default/savedsearches.conf`, content: templates.render('savedsearches.conf', { searches }), templates: ['savedsearches.conf', 'search'] });
    files.push({
      path: `${app}/default/macros.conf`,
      content: templates.render('macros.conf', {
        summaries: { name: SUMMARIES_MACRO, definition: SUMMARIES_DEFAULT },
        macros: rules.map((r) => ({ name: filterMacro(r), description: confText(`Local tuning for "${r.name}" (${r.file}): replace search * with exclusions.`) })),
      }),
      templates: ['macros.conf'],
    });
    files.push({ path: `${app}/default/app.conf`, content: templates.render('app.conf', {
        label: confText(settings.app?.label ?? 'detc detections'),
        version: settings.app?.version ?? '0.1.0',
        author: confText(settings.app?.author ?? 'detc'),
        appId,
      }), templates: ['app.conf'] });
    files.push({ path: `${app}/metadata/default.meta`, content: templates.render('default.meta', {}), templates: ['default.meta'] });
    // One lookup per shared value list the rules read (CIDR matching for IP ranges).
    const lists = new Map(rules.flatMap((r) => r.sharedLists).filter((l) => l.type !== 'window' && !l.external).map((l) => [l.name, l]));
    const sorted = [...lists.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const l of sorted) files.push({ path: `${app}/lookups/${l.name}.csv`, content: listCsv(l, 'value', false) });
    if (sorted.length) {
      files.push({
        path: `${app}/default/transforms.conf`,
        content: templates.render('transforms.conf', { lookups: sorted.map((l) => ({ name: l.name, filename: `${l.name}.csv`, cidr: l.type === 'cidr' })) }),
        templates: ['transforms.conf'],
      });
    }
    for (const rule of rules) {
      for (const l of rule.sharedLists.filter((x) => x.external?.splunk)) {
        notes.push({ rule: rule.file, branch: '*', backend: 'splunk', kind: 'approximated', message: `$${l.name} is read from the ${l.external!.splunk!.lookup} lookup (field ${l.external!.splunk!.field}), which Enterprise Security provides; detc ships no lookup for it` });
      }
      for (const b of rule.branches) {
        for (const s of b.suppressions) {
          notes.push({ rule: rule.file, branch: b.name, backend: 'splunk', kind: 'approximated', message: `suppress: the ${s.windows.length} window(s) of $${s.list} are compiled into the search; rebuild and redeploy when the list changes` });
        }
      }
    }
    return { files, notes };
  },
};
