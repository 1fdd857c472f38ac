import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DATA_SOURCES } from '../../ir/sources.js';
import type { Rule } from '../../ir/types.js';
import { parseDuration } from '../../load/duration.js';
import { output, projectEvent } from '../../events/output.js';
import { isAbsent, type Row } from '../../events/model.js';
import type { Engine, EngineOutput, EngineRun } from '../types.js';
import { compileCondition } from './condition.js';
import { SigmaRuntimeError, anyOf, type ItemMatcher } from './values.js';
import { CorrelationGroups } from './correlation-groups.js';
import { docsOfRule, type SigmaDoc } from './select.js';
import { cachedSigmaDocs } from './docs-cache.js';
import { detectionOf, selectionCompiler, type EventClock } from './selections.js';

/**
 * The Sigma documents emitted for a rule: every document in dist-rules/sigma that names the rule's id (select.ts),
 * each file's documents from detc's content cache when its text is unchanged (`cacheDir` undefined: parsed).
 */
export function sigmaDocsFor(rule: Rule, distDir: string, cacheDir?: string): SigmaDoc[] {
  const dir = path.join(distDir, 'sigma');
  if (!existsSync(dir)) throw new SigmaRuntimeError(`${dir} does not exist; run 'detc build'`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml')).sort().map((f) => ({ path: f, content: readFileSync(path.join(dir, f), 'utf8') }));
  const docs = docsOfRule(rule.id, cachedSigmaDocs(files, cacheDir));
  if (!docs.length) throw new SigmaRuntimeError(`no Sigma document with id ${rule.id} or related to it (${rule.slug}) in ${dir}`);
  return docs;
}

function compileDetection(d: SigmaDoc, selection: (name: string, sel: unknown) => ItemMatcher): ItemMatcher {
  const det = detectionOf(d);
  const selections = new Map<string, ItemMatcher>();
  for (const [name, sel] of Object.entries(det)) if (name !== 'condition') selections.set(name, selection(name, sel));
  return anyOf((Array.isArray(det.condition) ? det.condition : [det.condition]).map((c) => compileCondition(String(c), selections)));
}

/** One correlation rule: the detection rules it reads (indexes into the tested ones) and what it counts where. */
interface Plan {
  matchers: number[];
  table: Table;
  /** Its Tally in the table. */
  tally: number;
  field: string | undefined;
  test: (n: number) => boolean;
  type: 'value_count' | 'event_count';
}

/** The groups of the correlations with the same group-by fields and timespan, found once per event for all of them. */
interface Table {
  span: number;
  groupBy: string[];
  plans: Plan[];
  /** Scratch: the event's group-by values. */
  keys: unknown[];
  groups: CorrelationGroups;
}

/** Whether any of these detection rules matched the event. */
function hits(matchers: number[], hit: boolean[]): boolean {
  for (let i = 0; i < matchers.length; i++) if (hit[matchers[i]!]) return true;
  return false;
}

function conditionTest(cond: Record<string, unknown>): (n: number) => boolean {
  const ops = Object.keys(cond).filter((k) => k !== 'field');
  if (ops.length !== 1) throw new SigmaRuntimeError(`correlation condition needs exactly one operator, got ${ops.join(', ') || 'none'}`);
  const op = ops[0]!;
  const x = Number(cond[op]);
  switch (op) {
    case 'gt': return (n) => n > x;
    case 'gte': return (n) => n >= x;
    case 'lt': return (n) => n < x;
    case 'lte': return (n) => n <= x;
    case 'eq': return (n) => n === x;
    case 'neq': return (n) => n !== x;
    default: throw new SigmaRuntimeError(`correlation condition operator '${op}' is not in the Sigma specification`);
  }
}

/**
 * Runs the rule's Sigma documents as a Sigma backend would: detection rules match events of the Sigma taxonomy;
 * correlation rules (value_count, event_count) count per group-by tuple in tumbling windows aligned to the epoch
 * (how the Splunk and Kusto Sigma backends bucket `timespan`). Sigma alerts carry what Sigma expresses: for event
 * rules the matching event (shown through the rule's output columns), for correlations the window and group-by
 * values; the comparison keys say so.
 */
export const sigmaEngine: Engine = {
  name: 'sigma',
  async run(run: EngineRun): Promise<EngineOutput> {
    const { rule } = run;
    const branch = rule.branches[0]!;
    const docs = sigmaDocsFor(rule, run.distDir, run.cacheDir);
    const source = DATA_SOURCES[branch.source]!;
    const detections = docs.filter((d) => d.doc.detection);
    const correlations = docs.filter((d) => d.doc.correlation);
    const byRef = new Map<string, ItemMatcher>();
    // Advanced once per event: selections several documents share are tested once per event (selections.ts).
    const clock: EventClock = { n: 0 };
    const selection = selectionCompiler(detections, clock);
    for (const d of detections) {
      const m = compileDetection(d, selection);
      for (const ref of [d.doc.name, d.doc.id]) if (typeof ref === 'string') byRef.set(ref, m);
    }
    const query = docs.map((d) => `# ${d.file}\n${JSON.stringify(d.doc)}`).join('\n');

    if (!correlations.length) {
      const matches = anyOf([...new Set(byRef.values())]);
      const rows: Row[] = [];
      for await (const { native, event } of run.read(branch.source)) {
        clock.n++;
        if (!matches(native)) continue;
        // The alert of a Sigma detection rule is the event itself, shown through the rule's output columns.
        rows.push(output(branch, projectEvent(branch, event, source.time)));
      }
      return { rows, query };
    }

    const agg = branch.aggregation;
    if (!agg) throw new SigmaRuntimeError(`${rule.slug}: correlation rules for a rule without aggregation`);
    const sigmaField = (canonical: string) => run.mapping.sources[branch.source]!.fields[canonical]!.name;
    const columnFor = new Map(agg.by.map((k) => [sigmaField(k.field), k.as]));
    const tests: ItemMatcher[] = [];
    const tables: Table[] = [];
    const plans = correlations.map((c): Plan => {
      const corr = c.doc.correlation as Record<string, unknown>;
      const type = String(corr.type);
      if (type !== 'value_count' && type !== 'event_count') throw new SigmaRuntimeError(`${c.file}: correlation type '${type}' is outside the supported subset`);
      const refs = (corr.rules as string[]) ?? [];
      const matchers = refs.map((r) => {
        const m = byRef.get(r);
        if (!m) throw new SigmaRuntimeError(`${c.file}: correlation refers to unknown rule '${r}'`);
        return m;
      });
      const groupBy = (corr['group-by'] as string[]) ?? [];
      for (const g of groupBy) if (!columnFor.has(g)) throw new SigmaRuntimeError(`${c.file}: group-by field '${g}' is not a by-key of the rule`);
      const span = parseDuration(String(corr.timespan));
      if (!span) throw new SigmaRuntimeError(`${c.file}: bad timespan '${String(corr.timespan)}'`);
      const cond = (corr.condition ?? {}) as Record<string, unknown>;
      if (type === 'value_count' && typeof cond.field !== 'string') throw new SigmaRuntimeError(`${c.file}: value_count needs condition.field`);
      const spanMs = span * 1000;
      let table = tables.find((t) => t.span === spanMs && JSON.stringify(t.groupBy) === JSON.stringify(groupBy));
      if (!table) tables.push((table = { span: spanMs, groupBy, plans: [], keys: new Array<unknown>(groupBy.length), groups: new CorrelationGroups(groupBy.length, 0) }));
      const plan: Plan = { matchers: matchers.map((m) => (tests.includes(m) ? tests.indexOf(m) : tests.push(m) - 1)), table, tally: table.groups.addTally(), field: cond.field as string | undefined, test: conditionTest(cond), type };
      table.plans.push(plan);
      return plan;
    });
    // Each detection rule is tested once per event, however many correlations read it.
    const hit: boolean[] = new Array<boolean>(tests.length).fill(false);
    for await (const batch of run.batches(branch.source)) {
      for (let b = 0; b < batch.length; b++) {
        const { native, time } = batch[b]!;
        clock.n++;
        for (let i = 0; i < tests.length; i++) hit[i] = tests[i]!(native);
        for (let ti = 0; ti < tables.length; ti++) {
          const table = tables[ti]!;
          const { plans: tp, groupBy, keys } = table;
          let any = false;
          for (let p = 0; p < tp.length && !any; p++) any = hits(tp[p]!.matchers, hit);
          if (!any) continue;
          // As a Sigma consumer groups and counts: '' is a value there; only an absent or null field is not.
          let absent = false;
          for (let i = 0; i < groupBy.length; i++) if (isAbsent((keys[i] = native[groupBy[i]!]))) absent = true;
          if (absent) continue;
          const g = table.groups.find(Math.floor(time / table.span) * table.span, keys);
          for (let p = 0; p < tp.length; p++) {
            const plan = tp[p]!;
            if (!hits(plan.matchers, hit)) continue;
            const tally = table.groups.tallies[plan.tally]!;
            tally.count(g);
            if (plan.field !== undefined) {
              const v = native[plan.field];
              if (!isAbsent(v)) tally.addValue(g, v);
            }
          }
        }
      }
    }
    const alerts = new Map<string, Row>();
    for (const p of plans) {
      const { groups, groupBy } = p.table;
      const tally = groups.tallies[p.tally]!;
      for (const g of tally.order) {
        if (!p.test(p.type === 'value_count' ? tally.distinct(g) : tally.counts[g]!)) continue;
        const row: Row = { [agg.windowAs]: new Date(groups.windows[g]!).toISOString() };
        const keys = groups.keysOf(g);
        groupBy.forEach((f, i) => (row[columnFor.get(f)!] = keys[i]));
        alerts.set(JSON.stringify(row), row);
      }
    }
    return { rows: [...alerts.values()], keys: [agg.windowAs, ...agg.by.map((k) => k.as)], query };
  },
};
