import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { readCsvRecords } from '../../events/csv.js';
import { projectRows, type Row } from '../../events/model.js';
import { loadTableSchemas, type TableSchema } from '../../kql-check/table-schemas.js';
import { variantMapping } from '../../mapping/mapping.js';
import type { BackendMapping } from '../../mapping/types.js';
import type { Engine, EngineOutput, EngineRun, NativeEvent } from '../types.js';
import { KqlInterpreter, type KqlTable } from './interpret.js';
import { ReadRounds, type BatchSource } from './read-rounds.js';
import { variantFields } from './variant-fields.js';
import { KqlRuntimeError } from './values.js';

// Table schemas by folder: read once per process, whatever the number of runs.
const tablesByDir = new Map<string, TableSchema[]>();
function tablesOf(dir: string): TableSchema[] {
  let t = tablesByDir.get(dir);
  if (!t) tablesByDir.set(dir, (t = loadTableSchemas(dir)));
  return t;
}

/**
 * Runs dist-rules/sentinel/<rule>.kql, as it is on disk, over the events mapped to the Sentinel tables (the harness
 * hands it the rows of the rule's queryPeriod, as Sentinel does).
 */
export const kqlEngine: Engine = {
  name: 'kql',
  async run(run: EngineRun): Promise<EngineOutput> {
    const { rule } = run;
    const query = run.readEmitted(`sentinel/${rule.slug}.kql`);
    // Mapping variants (sentinel/<rule>.<variant>.kql, e.g. over ASIM) run on the same events through their own
    // field mapping and must raise the same alerts. A one-shot stream can be read once: variants need to read again.
    const variants = (run.rereadable ? Object.keys(run.mapping.variants ?? {}).sort() : []).flatMap((variant) => {
      const vfile = path.join(run.distDir, 'sentinel', `${rule.slug}.${variant}.kql`);
      return existsSync(vfile) ? [{ variant, query: readFileSync(vfile, 'utf8'), mapping: variantMapping(run.mapping, variant) }] : [];
    });
    // The query and its variants run together, sharing their reads of the events (read-rounds.ts).
    const events = new EventReads(run);
    const [main, ...others] = await events.rounds.all([
      () => runKql(run, query, run.mapping, events),
      ...variants.map((v) => () => runKql(run, v.query, v.mapping, events)),
    ]);
    const rows = settled(main!);
    for (const [i, { variant }] of variants.entries()) {
      const vrows = settled(others[i]!);
      const a = projectRows(rows, Object.keys(rows[0] ?? {}));
      const b = projectRows(vrows, Object.keys(rows[0] ?? {}));
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        throw new KqlRuntimeError(`sentinel/${rule.slug}.${variant}.kql (@${variant}) raises ${vrows.length} alerts where sentinel/${rule.slug}.kql raises ${rows.length}: ${JSON.stringify(b.filter((x) => !a.includes(x)).slice(0, 3))}`);
      }
    }
    return { query, rows };
  },
};

function settled<T>(r: PromiseSettledResult<T>): T {
  if (r.status === 'rejected') throw r.reason;
  return r.value;
}

/**
 * The reads of the events of one engine run: one source per data source for the main mapping, which a variant
 * whose fields are the main ones renamed reads too (variant-fields.ts); a variant that maps differently reads its
 * own. Reads of one source by queries running together share a pass (read-rounds.ts).
 */
class EventReads {
  readonly rounds = new ReadRounds<NativeEvent>();
  private readonly sources = new Map<string, BatchSource<NativeEvent>>();

  constructor(private readonly run: EngineRun) {}

  /** How `mapping`'s table of `source` is read: its batch source, and its column → main field names when renamed. */
  of(source: string, mapping: BackendMapping): { batches: BatchSource<NativeEvent>; fields?: Map<string, string> } {
    const main = this.run.mapping;
    const fields = mapping === main ? undefined : variantFields(source, main, mapping);
    const shared = mapping === main || fields !== undefined;
    const key = shared ? source : `${source}\u0000${mapping.file}`;
    let batches = this.sources.get(key);
    if (!batches) {
      const m = shared ? main : mapping;
      this.sources.set(key, (batches = () => this.run.batches(source, m)));
    }
    return { batches, ...(fields ? { fields } : {}) };
  }
}

/** Runs one KQL file's query over the events, mapped to the tables of `mapping`; rows as plain values. */
async function runKql(run: EngineRun, query: string, mapping: BackendMapping, events: EventReads): Promise<Row[]> {
  const { rule, now } = run;
  const kqlTables = tablesOf(run.schemasDir);
  const tables = new Map<string, KqlTable<NativeEvent> | KqlTable>();
  for (const b of rule.branches) {
    const sm = mapping.sources[b.source]!;
    // A function call (ASIM's _Im_NetworkSession()) is a table named after the function, shaped like `schema`.
    const table = String(sm.settings.table).replace(/\(\)$/, '');
    if (tables.has(table)) continue;
    const schemaName = String(sm.settings.schema ?? table);
    const schema = kqlTables.find((t) => t.name === schemaName);
    if (!schema) throw new KqlRuntimeError(`kql engine: no schema for table ${schemaName}`);
    // Each read of the table is a new read of the events; the interpreter decodes the columns its query reads.
    const { batches, fields } = events.of(b.source, mapping);
    const columns = fields ? schema.columns.map((c) => ({ ...c, field: fields.get(c.name) ?? null })) : schema.columns;
    const t: KqlTable<NativeEvent> = {
      columns,
      read: () => flattened(batches()),
      batches,
      feed: (push) => events.rounds.read(batches, push),
      fields: (e) => e.native,
    };
    tables.set(table, t);
  }
  // Threat-intelligence lists live in the SIEM: their sample entries stand for the TI table's active indicators.
  for (const l of rule.sharedLists) {
    const table = l.external?.sentinel?.table;
    const schema = table && kqlTables.find((t) => t.name === table);
    if (!table || !schema || tables.has(table)) continue;
    // One current row per sample (republished a day ago, valid for a month), as the table holds a live indicator.
    const rows = l.entries.map((e) => ({
      TimeGenerated: now - 86_400_000, Id: `${l.name}:${e.line}`, ObservableKey: e.value.includes(':') ? 'ipv6-addr:value' : 'ipv4-addr:value',
      ObservableValue: e.value, IsActive: true, IsDeleted: false, ValidUntil: now + 30 * 86_400_000, Data: { description: e.comment ?? '' },
    }));
    tables.set(table, { columns: schema.columns, read: () => rows });
  }
  // A list's IPv4 and IPv6 lets read the same watchlist: read each file once per run.
  const watchlists = new Map<string, KqlTable | undefined>();
  const watchlist = (alias: string) => {
    if (!watchlists.has(alias)) watchlists.set(alias, readWatchlist(path.join(run.distDir, 'sentinel', 'watchlists', `${alias}.csv`)));
    return watchlists.get(alias);
  };
  const interp = new KqlInterpreter(now, watchlist, run.cacheDir);
  const out = await interp.run(query, (name) => tables.get(name));
  return out.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, emptyAsNull(v)])));
}

async function* flattened<I>(batches: AsyncIterable<readonly I[]>): AsyncIterable<I> {
  for await (const b of batches) yield* b;
}

/** Output values: an empty string is no value (KQL strings are never null; the other engines' missing is null). */
function emptyAsNull(v: unknown): unknown {
  if (v === '') return null;
  return Array.isArray(v) ? v.map(emptyAsNull) : v;
}

// WatchlistItem (a property bag of the row) is left null: detc's queries read SearchKey only.
const WATCHLIST_COLUMNS = [
  { name: 'SearchKey', type: 'string' }, { name: 'WatchlistItem', type: 'dynamic' }, { name: 'LastUpdatedTimeUTC', type: 'datetime' }, { name: '_DTItemId', type: 'string' },
];

/** A watchlist CSV as `_GetWatchlist()` returns it: SearchKey is the Value column. */
function readWatchlist(file: string): KqlTable | undefined {
  if (!existsSync(file)) return undefined;
  const rows = readCsvRecords(readFileSync(file, 'utf8')).map((r) => ({ SearchKey: r.Value ?? '' }));
  return { columns: WATCHLIST_COLUMNS, read: () => rows };
}
