import { existsSync, readFileSync } from 'node:fs';
import { readCsvRecords } from '../../events/csv.js';
import path from 'node:path';
import { DATA_SOURCES } from '../../ir/sources.js';
import type { Rule } from '../../ir/types.js';
import { toNativeEvent } from '../native-events.js';
import { lookbackWindow } from '../time.js';
import { sentinelQueryPeriodSeconds } from '../../ir/analysis.js';
import { eventReads, isReiterable } from '../passes.js';
import type { Engine, EngineOptions, EngineResult, Events } from '../types.js';
import { KqlInterpreter, type KRow } from './interpret.js';
import { KqlRuntimeError } from './values.js';
import { variantMapping } from '../../backends/mapping.js';
import type { BackendMapping } from '../../backends/types.js';
import { projectRows } from '../../fixtures/compare.js';
import type { Row } from '../reference/predicates.js';
import { fromEvent, toOutput } from './values.js';

/**
 * Runs dist-rules/sentinel/<rule>.kql, as it is on disk, over the events mapped to the Sentinel tables. The
 * scheduler's queryPeriod is applied first (Sentinel only hands the query rows with TimeGenerated in the period).
 */
export const kqlEngine: Engine = {
  name: 'kql',
  async run(rule: Rule, events: Events, opts: EngineOptions): Promise<EngineResult> {
    const file = path.join(opts.distDir, 'sentinel', `${rule.slug}.kql`);
    const query = readFileSync(file, 'utf8');
    const reads = eventReads(events, 'kql engine');
    const rows = await runKql(rule, query, reads, opts, opts.mappings.sentinel);
    // Mapping variants (sentinel/<rule>.<variant>.kql, e.g. over ASIM) run on the same events through their own
    // field mapping and must raise the same alerts. A one-shot stream can be read once: variants need to read again.
    if (isReiterable(events)) {
      for (const variant of Object.keys(opts.mappings.sentinel.variants ?? {}).sort()) {
        const vfile = path.join(opts.distDir, 'sentinel', `${rule.slug}.${variant}.kql`);
        if (!existsSync(vfile)) continue;
        const vrows = await runKql(rule, readFileSync(vfile, 'utf8'), reads, opts, variantMapping(opts.mappings.sentinel, variant));
        const a = projectRows(rows, Object.keys(rows[0] ?? {}));
        const b = projectRows(vrows, Object.keys(rows[0] ?? {}));
        if (JSON.stringify(a) !== JSON.stringify(b)) {
          throw new KqlRuntimeError(`sentinel/${rule.slug}.${variant}.kql (@${variant}) raises ${vrows.length} alerts where sentinel/${rule.slug}.kql raises ${rows.length}: ${JSON.stringify(b.filter((x) => !a.includes(x)).slice(0, 3))}`);
        }
      }
    }
    const columns = rule.branches[0]!.output.map((o) => o.name);
    return { engine: 'kql', query, keys: columns, rows };
  },
};

/** Runs one KQL file's query over the events, mapped to the tables of `mapping`; rows as the comparison wants them. */
async function runKql(rule: Rule, query: string, events: () => Events, opts: EngineOptions, mapping: BackendMapping): Promise<Row[]> {
  // Sentinel hands the query the rows of its queryPeriod (longer than the lookback when it reads threat intelligence).
  const inWindow = lookbackWindow(rule, opts.now, sentinelQueryPeriodSeconds(rule));
  const tables = new Map<string, () => AsyncIterable<KRow>>();
  for (const b of rule.branches) {
    const sm = mapping.sources[b.source]!;
    // A function call (ASIM's _Im_NetworkSession()) is a table named after the function, shaped like `schema`.
    const table = String(sm.settings.table).replace(/\(\)$/, '');
    if (tables.has(table)) continue;
    const schemaName = String(sm.settings.schema ?? table);
    const schema = opts.kqlTables.find((t) => t.name === schemaName);
    if (!schema) throw new Error(`kql engine: no schema for table ${schemaName}`);
    const timeField = DATA_SOURCES[b.source]!.time;
    const types: Record<string, string> = Object.fromEntries(schema.columns.map((c) => [c.name, c.type]));
    const empty: KRow = Object.fromEntries(schema.columns.map((c) => [c.name, fromEvent(undefined, c.type)]));
    // Rows are made lazily from the event stream: the interpreter's where/extend/project stream them on, and
    // only summarize (open groups) and sort (result rows) hold state.
    tables.set(table, async function* () {
      for await (const e of events()) {
        if (inWindow(e[timeField]) === undefined) continue;
        const native = toNativeEvent(e, b.source, 'sentinel', mapping);
        // Columns the mapping does not fill are empty in every row: they come from a shared prototype.
        const row: KRow = Object.create(empty) as KRow;
        for (const [k, v] of Object.entries(native)) if (k in types) row[k] = fromEvent(v, types[k]!);
        yield row;
      }
    });
  }
  // Threat-intelligence lists live in the SIEM: their sample entries stand for the TI table's active indicators.
  for (const l of rule.sharedLists) {
    const table = l.external?.sentinel?.table;
    const schema = table && opts.kqlTables.find((t) => t.name === table);
    if (!table || !schema || tables.has(table)) continue;
    const rows = l.entries.map((e) => {
      // One current row per sample (republished a day ago, valid for a month), as the table holds a live indicator.
      const raw: Record<string, unknown> = {
        TimeGenerated: opts.now - 86_400_000, Id: `${l.name}:${e.line}`, ObservableKey: e.value.includes(':') ? 'ipv6-addr:value' : 'ipv4-addr:value',
        ObservableValue: e.value, IsActive: true, IsDeleted: false, ValidUntil: opts.now + 30 * 86_400_000, Data: { description: e.comment ?? '' },
      };
      return Object.fromEntries(schema.columns.map((c) => [c.name, fromEvent(raw[c.name], c.type)])) as KRow;
    });
    tables.set(table, async function* () {
      yield* rows;
    });
  }
  // A list's IPv4 and IPv6 lets read the same watchlist: read each file once per run.
  const watchlists = new Map<string, KRow[] | undefined>();
  const watchlist = (alias: string) => {
    if (!watchlists.has(alias)) watchlists.set(alias, readWatchlist(path.join(opts.distDir, 'sentinel', 'watchlists', `${alias}.csv`)));
    return watchlists.get(alias);
  };
  const interp = new KqlInterpreter(opts.now, watchlist);
  const out = await interp.run(query, (name) => tables.get(name)?.());
  return out.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toOutput(v)])));
}

/** A watchlist CSV as `_GetWatchlist()` returns it: SearchKey is the Value column. */
function readWatchlist(file: string): KRow[] | undefined {
  if (!existsSync(file)) return undefined;
  // WatchlistItem (a property bag) is outside the interpreter's value types; detc's queries read SearchKey only.
  return readCsvRecords(readFileSync(file, 'utf8')).map((r) => ({ SearchKey: r.Value ?? '', WatchlistItem: null, LastUpdatedTimeUTC: null, _DTItemId: '' }));
}
