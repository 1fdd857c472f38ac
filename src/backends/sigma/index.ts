// Sigma backend: one detection rule per event branch; for aggregating branches a multi-document `mr_*.yml`
// holding the base detection rule and one correlation per threshold. Everything Sigma cannot express is
// reported as a BackendNote (kind dropped / approximated), never silently lost.
import type { Branch, Condition, Rule } from '../../ir/types.js';
import { DATA_SOURCES } from '../../ir/sources.js';
import { DiagnosticError } from '../../load/diagnostics.js';
import { requireMapping } from '../../mapping/mapping.js';
import { TemplateSet } from '../render.js';
import { isBackendResult } from '../result-shape.js';
import { RuleOutputs } from '../rule-outputs.js';
import type { Artifact, Backend, BackendContext, BackendNote, BackendResult } from '../types.js';
import type { SourceMapping } from '../../mapping/types.js';
import { planCorrelations, type CorrelationPlan } from './correlation.js';
import { sigmaUnexpressible } from './limits.js';
import { compileDetection, type SigmaDetection } from './detection.js';
import { sigmaTimespan, yamlString, yamlText } from './escape.js';
import { derivedId } from '../../util/ids.js';
import { oneLine } from '../quote.js';
import { conditionFields } from '../../ir/analysis.js';
import { outsideTaxonomy } from './taxonomy.js';

const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

/** A plain YAML scalar when it is obviously safe (SigmaHQ writes titles and authors unquoted), else quoted. */
export function yamlPlain(s: string): string {
  if (/^[A-Za-z(][A-Za-z0-9 ,.()/&+_-]*[A-Za-z0-9.)]$/.test(s) && !RESERVED.test(s) && !/\s{2}/.test(s)) return s;
  if (/^https?:\/\/[A-Za-z0-9._~:/?=&%+@!$;-]+$/.test(s)) return s; // a URL: no space, '#', quote or flow character
  return yamlString(s);
}

function dateScalar(d: string): string {
  return /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$/.test(d) ? d : yamlString(d);
}

function underscored(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

const PREFIX: Record<string, string> = {
  process_creation: 'proc_creation_',
  firewall: 'net_firewall_',
  network_connection: 'net_connection_',
};

/** SigmaHQ file name: 10–70 characters of [a-z0-9_] plus `.yml`. */
function fileName(stem: string): string {
  let s = underscored(stem).slice(0, 66).replace(/_+$/, '');
  if (s.length < 6) s = `${s}_rule`;
  return `sigma/${s}.yml`;
}

interface DetectionView {
  selections: {
    name: string;
    comments: string[];
    entries: { lead: string; key: string; scalar: string | null; items: string[] | null; itemLead: string }[];
  }[];
  condition: string;
}

function detectionView(d: SigmaDetection): DetectionView {
  return {
    condition: d.condition,
    selections: d.selections.map((s) => ({
      name: s.name,
      comments: s.comments.map(oneLine),
      entries: s.maps.flatMap((m) =>
        m.map((e, ei) => {
          const list = s.maps.length > 1;
          const lead = list ? (ei === 0 ? '        - ' : '          ') : '        ';
          const itemLead = ' '.repeat(lead.length + 4);
          return typeof e.value === 'string'
            ? { lead, key: e.key, scalar: e.value, items: null, itemLead }
            : { lead, key: e.key, scalar: null, items: e.value, itemLead };
        }),
      ),
    })),
  };
}

interface Meta {
  status: string | null;
  description: string | null;
  references: string[];
  author: string | null;
  date: string | null;
  modified: string | null;
  tags: string[];
  falsepositives: string[];
  level: string | null;
}

/**
 * What a Sigma user must know that the Sigma cannot carry, said where they look: the suppression windows as
 * false positives (Sigma has no time conditions), `sigmaNotes` appended to the description.
 */
function ruleMeta(rule: Rule, b?: Branch, sigmaNotes: string[] = []): Meta {
  const description = sigmaNotes.length ? `${rule.description.replace(/\n+$/, '')}\n\n${sigmaNotes.join('\n\n')}` : rule.description;
  const suppressed = (b?.suppressions ?? []).map((s) => {
    const windows = s.windows.map((w) => `${typeof w.match === 'string' ? w.match : w.match.text} from ${isoMinute(w.startMs)} to ${isoMinute(w.endMs)} (${w.ticket})`);
    return `Announced activity of ${s.list} (${windows.join('; ')}): the detc rule suppresses these ${s.field} values inside their windows; Sigma has no time conditions, so this rule does not, and the SIEM must filter them`;
  });
  return {
    status: rule.status,
    description: yamlText(description, 0),
    // SigmaHQ convention: ATT&CK links are expressed by tags, not references.
    references: rule.references.filter((r) => !/^https?:\/\/attack\.mitre\.org\//i.test(r)).map(yamlPlain),
    author: yamlPlain(rule.author),
    date: dateScalar(rule.date),
    modified: rule.modified ? dateScalar(rule.modified) : null,
    tags: [
      ...rule.tactics.map((t) => `attack.${t.toLowerCase().replace(/[\s_]+/g, '-')}`),
      ...rule.techniques.map((t) => `attack.${t.toLowerCase()}`),
    ].filter((t, i, a) => a.indexOf(t) === i),
    falsepositives: [...rule.falsePositives.map((f) => f.description), ...suppressed].map(yamlPlain),
    level: rule.severity,
  };
}

function isoMinute(ms: number): string {
  return new Date(ms).toISOString().replace(/:00\.000Z$/, 'Z').replace(/\.000Z$/, 'Z');
}

const NO_META: Meta = { status: null, description: null, references: [], author: null, date: null, modified: null, tags: [], falsepositives: [], level: null };

function logsourceView(sm: SourceMapping): { key: string; value: string }[] {
  const ls = (sm.settings.logsource ?? {}) as Record<string, unknown>;
  const order = ['category', 'product', 'service', 'definition'];
  const keys = [...order.filter((k) => k in ls), ...Object.keys(ls).filter((k) => !order.includes(k)).sort()];
  return keys.map((k) => ({ key: k, value: yamlPlain(String(ls[k])) }));
}

/** The canonical `where`, plus `by-field exists` for every group key it does not already require (a group needs a value for each key). */
function withGroupKeys(where: Condition | undefined, b: Branch): Condition | undefined {
  if (!b.aggregation) return where;
  const top = where ? (where.kind === 'and' ? where.exprs : [where]) : [];
  const extra: Condition[] = b.aggregation.by
    .filter((k) => !top.some((c) => c.kind === 'exists' && c.exists && c.field === k.field))
    .map((k) => ({ kind: 'exists', field: k.field, exists: true, pos: k.pos }));
  if (!extra.length) return where;
  const all = [...top, ...extra];
  return all.length === 1 ? all[0] : { kind: 'and', exprs: all, pos: b.pos };
}

/** `where` AND `field` exists (present, not null, not ''), unless the top level already requires it. */
function withField(where: Condition, field: string, b: Branch): Condition {
  const top = where.kind === 'and' ? where.exprs : [where];
  if (top.some((c) => c.kind === 'exists' && c.exists && c.field === field)) return where;
  return { kind: 'and', exprs: [...top, { kind: 'exists', field, exists: true, pos: b.pos }], pos: b.pos };
}

/**
 * Why Sigma cannot express a rule at all, so that nothing is emitted for it (a base rule without its threshold would
 * fire on every event), or undefined. The Sigma engine asks the same question.
 */
function compileBranch(rule: Rule, b: Branch, sm: SourceMapping, templates: TemplateSet, multi: boolean, notes: BackendNote[]): Artifact {
  const note = (kind: BackendNote['kind'], message: string) => notes.push({ rule: rule.file, branch: b.name, backend: 'sigma', kind, message });
  const ls = (sm.settings.logsource ?? {}) as Record<string, unknown>;
  const prefix = PREFIX[String(ls.category ?? '')] ?? `${underscored(String(ls.category ?? ls.product ?? 'sigma'))}_`;
  const stem = `${prefix}${underscored(rule.slug)}${multi ? `_${underscored(b.name)}` : ''}`;
  const slugName = underscored(rule.slug) + (multi ? `_${underscored(b.name)}` : '');

  for (const s of b.suppressions) {
    note('dropped', `suppress: Sigma has no time conditions; the ${s.windows.length} window(s) of $${s.list} are not applied (filter them in the SIEM the rule is converted for); the emitted rule lists them under falsepositives`);
  }
  let where = withGroupKeys(b.where, b);
  if (!where) {
    // Sigma needs at least one search identifier: "the event has a time" stands for "every event".
    const time = DATA_SOURCES[b.source]!.time;
    where = { kind: 'exists', field: time, exists: true, pos: b.pos };
    note('approximated', `no where filter: Sigma needs a selection, so the rule matches events whose ${sm.fields[time]?.name ?? time} is set`);
  }
  const detection = detectionView(compileDetection(where, sm));
  {
    // Fields a converting pipeline may not know: those outside the taxonomy of the logsource's category.
    const plan = b.aggregation ? planCorrelations(b.having, b.aggregation, sm) : undefined;
    const counted = plan?.ok ? plan.plans.flatMap((p) => (p.canonical ? [p.canonical] : [])) : [];
    const read = new Set([...conditionFields(where), ...(b.aggregation?.by.map((k) => k.field) ?? []), ...counted]);
    const shown = b.aggregation ? [] : b.output.flatMap((o) => (o.field ? [o.field] : []));
    const named = (cs: Iterable<string>) => [...cs].flatMap((c) => (sm.fields[c] ? [sm.fields[c]!.name] : []));
    const inRule = outsideTaxonomy(String(ls.category ?? ''), named(read)) ?? [];
    const inFields = (outsideTaxonomy(String(ls.category ?? ''), named(shown)) ?? []).filter((n) => !inRule.includes(n));
    if (inRule.length) {
      note('approximated', `fields outside the Sigma taxonomy of ${String(ls.category)}: ${inRule.join(', ')} (the taxonomy has none for what detc reads there): a pipeline converting the rule needs a mapping for each, or it rejects the rule`);
    }
    if (inFields.length) note('approximated', `'fields' lists ${inFields.join(', ')}, outside the Sigma taxonomy of ${String(ls.category)} (shown to the analyst only; conversion does not need them)`);
  }

  if (b.classifications.length) {
    note('dropped', `classification ${b.classifications.map((c) => `${c.as} (${c.cases.length} cases, else '${c.otherwise}')`).join(', ')}: Sigma has no computed columns`);
  }
  if (b.derived.length) note('dropped', `derived columns ${b.derived.map((d) => `${d.as} (${d.kind} ${d.from} → ${d.to})`).join(', ')}: Sigma has no computed columns`);
  if (b.sort.length) note('dropped', `sort ${b.sort.map((s) => `${s.column} ${s.order}`).join(', ')}: Sigma has no result ordering`);
  note('dropped', `lookback ${sigmaTimespan(rule.schedule.lookbackSeconds)} and frequency ${sigmaTimespan(rule.schedule.frequencySeconds)}: Sigma has no schedule; the SIEM's scheduling of the converted rule decides`);

  if (!b.aggregation) {
    const fields: string[] = [];
    for (const o of b.output) {
      const f = o.field ? sm.fields[o.field] : undefined;
      if (f && !fields.includes(f.name)) fields.push(f.name);
    }
    note('dropped', `output column names (${b.output.map((o) => o.name).join(', ')}): Sigma 'fields' lists the taxonomy fields (${fields.join(', ')}) without aliases`);
    const hashed = b.output.filter((o) => o.field && sm.fields[o.field]?.transform === 'hash');
    if (hashed.length) note('approximated', `${hashed.map((o) => `${o.name} (${o.field})`).join(', ')}: shown as the hash list ${[...new Set(hashed.map((o) => sm.fields[o.field!]!.name))].join(', ')}, whose ${hashed.map((o) => sm.fields[o.field!]!.algorithm).join(', ')} entry it is`);
    const based = b.output.filter((o) => o.field && sm.fields[o.field]?.transform === 'basename');
    if (based.length) {
      note('approximated', `${based.map((o) => `${o.name} (${o.field})`).join(', ')}: shown as the full path field ${[...new Set(based.map((o) => sm.fields[o.field!]!.name))].join(', ')}; Sigma has no file-name field`);
    }
    const view = {
      title: yamlPlain(rule.name), id: rule.id, name: null, ...ruleMeta(rule, b),
      logsource: logsourceView(sm), detection, fields: fields.map(yamlPlain),
    };
    return { path: fileName(stem), content: templates.render('rule', multi ? { ...view, id: derivedId(rule.id, `branch/${b.name}`), related: rule.id } : view), templates: ['rule'], rule: rule.id };
  }

  // Aggregation: base rule + correlations.
  const agg = b.aggregation;
  const plan = planCorrelations(b.having, agg, sm);
  if (!plan.ok) throw new Error(`${rule.file}: sigmaUnexpressible() lets through a threshold Sigma cannot express`);
  // One base rule per counted field, which also requires that field: a value_count counts the distinct values its
  // consumer sees, and a consumer that keeps '' (Sentinel's string columns are never null) would count an empty
  // value as one more; the contract counts it as missing (docs/semantics.md). event_count reads the plain base.
  const meta = ruleMeta(rule, b, correlationNotes(b, sm, plan.plans, slugName));
  const bases = new Map<string, string>();
  const docs: string[] = [];
  const baseFor = (p: CorrelationPlan): string => {
    const key = p.canonical ?? '';
    const known = bases.get(key);
    if (known) return known;
    const f = p.canonical ? sm.fields[p.canonical]!.name : undefined;
    const name = f ? `${slugName}_${underscored(f)}_base` : `${slugName}_base`;
    const cond = p.canonical ? withField(where, p.canonical, b) : where;
    docs.push(templates.render('rule', {
      ...NO_META,
      title: yamlPlain(f ? `${rule.name} (base events with a ${f})` : `${rule.name} (base events)`),
      id: derivedId(rule.id, f ? `base/${b.name}/${f}` : `base/${b.name}`),
      name,
      related: rule.id,
      status: meta.status,
      description: yamlString(
        `Base events of the correlations below (detc rule ${rule.id}); not an alert on its own.` +
          (f ? ` Events without a ${f} (absent, null or empty) are left out, so the correlation counts only real values.` : ''),
      ),
      author: meta.author,
      date: meta.date,
      modified: meta.modified,
      // Not an alert on its own: a consumer that also converts base rules (generate: true) gets no alert at the rule's level.
      level: 'informational',
      logsource: logsourceView(sm),
      detection: cond === where ? detection : detectionView(compileDetection(cond, sm)),
      fields: [],
    }));
    bases.set(key, name);
    return name;
  };
  const used = new Set<string>();
  {
    const groupBy = agg.by.map((k) => yamlPlain(sm.fields[k.field]!.name));
    for (const p of plan.plans) used.add(p.column);
    const correlations = plan.plans.map((p) => ({ p, base: baseFor(p) }));
    for (const { p, base } of correlations) {
      docs.push(templates.render('correlation', {
        title: yamlPlain(`${rule.name}: ${p.column} ${p.op === 'gte' ? '>=' : '>'} ${p.value}`),
        id: derivedId(rule.id, `correlation/${b.name}/${p.column}/${p.op}/${p.value}`),
        name: `${slugName}_${underscored(p.column)}`,
        related: rule.id,
        ...meta,
        type: p.type,
        rules: [base],
        groupBy,
        timespan: sigmaTimespan(agg.windowSeconds),
        field: p.field ? yamlPlain(p.field) : null,
        op: p.op,
        value: p.value,
      }));
    }
    if (plan.plans.length > 1) {
      note('approximated', `having (${plan.plans.map(describePlan).join(' OR ')}) becomes ${plan.plans.length} separate correlations: each can alert for the same ${agg.by.map((k) => k.as).join(', ')} and window, where KQL and SPL alert once; each correlation's description says so`);
    }
    note('approximated', `window: tumbling ${sigmaTimespan(agg.windowSeconds)} aligned to the epoch; Sigma 'timespan: ${sigmaTimespan(agg.windowSeconds)}' leaves sliding vs. static windows to the converting backend; the correlations' descriptions say which detc means (docs/semantics.md, Time)`);
  }
  const byFn = (fns: string[]) => agg.aggregates.filter((a) => fns.includes(a.fn) && !used.has(a.as));
  const vals = byFn(['values']);
  if (vals.length) note('dropped', `value sets ${vals.map((a) => `${a.as} (values of ${a.field}, limit ${a.limit ?? 'none'})`).join(', ')}: Sigma correlations produce no value lists`);
  const mm = byFn(['min', 'max', 'any']);
  if (mm.length) note('dropped', `aggregates ${mm.map((a) => `${a.as} (${a.fn} of ${a.field})`).join(', ')}: Sigma correlations have no min/max/any`);
  const counts = byFn(['count', 'distinct_count']);
  if (counts.length) note('dropped', `aggregate columns ${counts.map((a) => `${a.as} (${a.fn}${a.field ? ` of ${a.field}` : ''})`).join(', ')}: used only as output, and Sigma correlations output no columns`);
  note('dropped', `output columns (${b.output.map((o) => o.name).join(', ')}), including the window start ${agg.windowAs}: Sigma correlations define no output`);
  return { path: fileName(`mr_${stem}`), content: docs.join('---\n'), templates: ['rule', 'correlation'], rule: rule.id };
}

/** The description paragraphs of a branch's correlations: the OR split and the windows' meaning. */
function correlationNotes(b: Branch, sm: SourceMapping, plans: CorrelationPlan[], slugName: string): string[] {
  const agg = b.aggregation!;
  const span = sigmaTimespan(agg.windowSeconds);
  const by = agg.by.map((k) => sm.fields[k.field]!.name).join(', ');
  const out: string[] = [];
  if (plans.length > 1) {
    const names = plans.map((p) => `${slugName}_${underscored(p.column)}`);
    out.push(
      `Sigma note: detc raises one alert per ${by} and ${span} window when ${plans.map(describePlan).join(' or ')}. ` +
        `A Sigma correlation holds one threshold, so each is its own correlation (${names.join(', ')}): a group over ` +
        `${plans.length === 2 ? 'both thresholds' : 'several thresholds'} raises one alert per correlation; deduplicate them by ${by} and window in the SIEM.`,
    );
  }
  out.push(
    `Sigma note: the ${span} windows are tumbling windows aligned to the epoch in UTC (${span === '1d' ? 'each day from 00:00 UTC' : `starting at multiples of ${span} since 1970-01-01T00:00Z`}), ` +
      `as pySigma's Splunk and Kusto backends bucket them; a consumer with sliding windows or another time zone alerts on other groups (detc docs/semantics.md, Time).`,
  );
  return out;
}

function describePlan(p: CorrelationPlan): string {
  return `${p.column} ${p.op === 'gte' ? '>=' : '>'} ${p.value}`;
}

export const sigmaBackend: Backend = {
  name: 'sigma',
  compile(rules: Rule[], ctx: BackendContext): BackendResult {
    const diags = rules.flatMap((r) => requireMapping(r, ctx.mapping, 'sigma'));
    if (diags.length) throw new DiagnosticError(diags);
    const templates = new TemplateSet(ctx.templateDir, {}, ctx.fallbackTemplateDir);
    const printed = new RuleOutputs(ctx, 'sigma-rule', templates, isBackendResult);
    const files: Artifact[] = [];
    const notes: BackendNote[] = [];
    for (const rule of rules) {
      const own = printed.of(rule, () => compileRule(rule, ctx, templates));
      files.push(...own.files);
      notes.push(...own.notes);
    }
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { files, notes };
  },
};

/** One rule's Sigma files and notes. */
function compileRule(rule: Rule, ctx: BackendContext, templates: TemplateSet): BackendResult {
  const files: Artifact[] = [];
  const notes: BackendNote[] = [];
  const why = sigmaUnexpressible(rule, ctx.mapping);
  if (why) {
    notes.push({ rule: rule.file, branch: why.branch, backend: 'sigma', kind: 'dropped', wholeRule: true, message: why.message });
    return { files, notes };
  }
  const multi = rule.branches.length > 1;
  if (multi) {
    notes.push({ rule: rule.file, branch: '*', backend: 'sigma', kind: 'approximated', message: `${rule.branches.length} branches become separate Sigma rules (one logsource each), with ids derived from the rule id` });
  }
  for (const b of rule.branches) files.push(compileBranch(rule, b, ctx.mapping.sources[b.source]!, templates, multi, notes));
  const dropped = [
    rule.alert.title || rule.alert.description ? 'alert title/description templates' : '',
    rule.entities.length ? `entity mappings (${rule.entities.map((e) => `${e.type}: ${e.column}`).join(', ')})` : '',
    rule.details.length ? `custom details (${rule.details.join(', ')})` : '',
  ].filter(Boolean);
  if (dropped.length) notes.push({ rule: rule.file, branch: '*', backend: 'sigma', kind: 'dropped', message: `${dropped.join(', ')}: no Sigma equivalent` });
  const techniques = new Set(rule.techniques.map((t) => t.toLowerCase()));
  const otherTags = rule.tags.filter((t) => !techniques.has(t.toLowerCase()));
  if (otherTags.length) notes.push({ rule: rule.file, branch: '*', backend: 'sigma', kind: 'dropped', message: `tags ${otherTags.join(', ')}: Sigma tags need a namespace (attack., detection., ...); only ATT&CK tags are emitted` });
  return { files, notes };
}
