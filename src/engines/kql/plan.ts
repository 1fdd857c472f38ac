// The plan a query compiles to: a tabular expression becomes a Plan (the columns of its rows and how to push them
// into a sink). Here are the plans that make rows from tables (reading only the columns a query uses), a union of
// plans, and the shared read that computes several summaries of one table in a single pass.
import { Frame, Layout, lazyCol, type Col, type Row } from './layout.js';
import { rowReader, type ReadColumn } from './row-reader.js';
import { decoder, type KType, type KValue } from './values.js';

/** A table as the interpreter reads it: its declared columns and its items, each read a new pass. */
export interface KqlTable<I = Record<string, unknown>> {
  /**
   * The declared columns. `field`: the property of an item's fields that holds the column (default: its name;
   * null: no item has it, as a declared column the source never fills).
   */
  columns: readonly { name: string; type: string; field?: string | null }[];
  read(): AsyncIterable<I> | Iterable<I>;
  /** The same read in arrays of items (a chunk of the input each), when the source has them: one async step per chunk. */
  batches?(): AsyncIterable<readonly I[]>;
  /**
   * The same read pushed batch by batch, when the source has it: a read that queries running together may share
   * (read-rounds.ts). Preferred to `batches` and `read`.
   */
  feed?(push: (batch: readonly I[]) => void): Promise<void>;
  /** The fields of one item (default: the item is its fields). */
  fields?(item: I): Record<string, unknown>;
}

/** Tables by name (also the parameterless workspace functions, such as ASIM's _Im_NetworkSession). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KqlTables = (name: string) => KqlTable<any> | undefined;

/** Sentinel watchlists by alias, as `_GetWatchlist()` returns them (SearchKey, WatchlistItem, ...). */
export type Watchlists = (alias: string) => KqlTable | undefined;

/** A result row: column → plain value (datetimes as ISO 8601 text, timespans in seconds). */
export type ResultRow = Record<string, unknown>;

export type Sink = (row: Row) => void;

/** A tabular expression compiled: the columns of its rows, and how to run it into a sink. */
export interface Plan {
  layout: Layout;
  /** Pushes every row into `sink`; resolves when the input is exhausted. Called after the whole query is compiled. */
  open(sink: Sink): Promise<void>;
  /** Set when the rows stream straight from one table (through where/extend/project): how to feed them item by item. */
  chain?: Chain;
  /**
   * Set on a summarize: the same rows filtered by `test` (a `where` right after it), computing the columns whose
   * slots are in `first` before the test and the others only for the rows it keeps.
   */
  filtered?(test: (r: Row) => KValue, first: ReadonlySet<number>): Plan;
}

/** A table and how one of its items becomes this plan's row pushed into a sink (made once per read). */
export interface Chain {
  table: KqlTable<unknown>;
  attach(sink: Sink): (item: unknown) => void;
}

/**
 * A summarize over a table's rows, which can be computed before its turn in a read of that table it shares with
 * others: a query that reads its table several times (followed_by's scan and probe summaries) reads it once for all
 * such summaries instead of once each.
 */
export interface SharedSummary {
  table: KqlTable<unknown>;
  /** Starts the summary: the push of one table item, and `done` once the read ends. */
  start(): { push: (item: unknown) => void; done: () => void };
}

/** A plan whose rows stream from its input through `wrap` (where, extend): it feeds from a shared read as its input does. */
export function streaming(input: Plan, layout: Layout, wrap: (sink: Sink) => Sink): Plan {
  const chain = input.chain;
  return {
    layout,
    open: (sink) => input.open(wrap(sink)),
    ...(chain ? { chain: { table: chain.table, attach: (sink: Sink) => chain.attach(wrap(sink)) } } : {}),
  };
}

/** A table's rows: only the columns the query reads are decoded, each by its type's decoder. */
export function tablePlan(table: KqlTable<unknown>): Plan {
  const frame = new Frame();
  const used: ReadColumn[] = [];
  const cols = table.columns.map((c) => lazyCol(frame, c.name, { type: c.type as KType }, (slot) => used.push({ field: c.field === undefined ? c.name : c.field, slot, decode: decoder(c.type as KType) })));
  const attach = (sink: Sink) => {
    const read = rowReader(used);
    const width = frame.width;
    // No consumer keeps rows: one array serves every event.
    const shared: Row | undefined = frame.retains ? undefined : new Array(width);
    const fields = table.fields;
    return (item: unknown) => {
      const rec = (fields ? fields(item) : item) as Record<string, unknown>;
      const row = shared ?? new Array(width);
      read(rec, row);
      sink(row);
    };
  };
  return {
    layout: new Layout(frame, cols),
    open: (sink) => readTable(table, [attach(sink)]),
    chain: { table, attach },
  };
}

/** One read of a table, each item pushed to every consumer in turn. */
async function readTable(table: KqlTable<unknown>, pushes: ((item: unknown) => void)[]): Promise<void> {
  if (table.feed || table.batches) {
    const push = pushes.length === 1 ? pushes[0]! : (item: unknown) => {
      for (const p of pushes) p(item);
    };
    const each = (batch: readonly unknown[]) => {
      for (let i = 0; i < batch.length; i++) push(batch[i]);
    };
    if (table.feed) await table.feed(each);
    else for await (const batch of table.batches!()) each(batch);
    return;
  }
  const items = table.read();
  if (pushes.length === 1) {
    const push = pushes[0]!;
    if (Symbol.asyncIterator in items) for await (const item of items) push(item);
    else for (const item of items) push(item);
    return;
  }
  const all = (item: unknown) => {
    for (const push of pushes) push(item);
  };
  if (Symbol.asyncIterator in items) for await (const item of items) all(item);
  else for (const item of items) all(item);
}

/**
 * Computes ahead, in one read per table, the summaries of a table that two or more of them read (each is then
 * emitted from its groups when its turn comes). A table read by one summary only is left to be read in turn.
 */
export async function readShared(summaries: SharedSummary[]): Promise<void> {
  const byTable = new Map<KqlTable<unknown>, SharedSummary[]>();
  for (const s of summaries) byTable.set(s.table, [...(byTable.get(s.table) ?? []), s]);
  for (const [table, list] of byTable) {
    if (list.length < 2) continue;
    const started = list.map((s) => s.start());
    await readTable(table, started.map((s) => s.push));
    for (const s of started) s.done();
  }
}

/** `union A, B`: the rows of each part in turn, with the columns of all of them (first type wins; absent: null). */
export function unionPlan(parts: Plan[]): Plan {
  const frame = new Frame();
  const cols: Col[] = [];
  const byName = new Map<string, Col>();
  for (const p of parts) {
    for (const c of p.layout.cols) {
      if (byName.has(c.name)) continue;
      // Used after the union: each part must produce it (a table part decodes it).
      const col = lazyCol(frame, c.name, c.type, () => parts.forEach((q) => q.layout.find(c.name)?.slot()));
      byName.set(c.name, col);
      cols.push(col);
    }
  }
  const layout = new Layout(frame, cols);
  return {
    layout,
    async open(sink) {
      const assigned = cols.filter((c) => (c as ReturnType<typeof lazyCol>).assigned() !== undefined);
      for (const p of parts) {
        const copies = assigned.map((c) => ({ dst: c.slot(), src: p.layout.find(c.name)?.slot(), empty: c.type.type === 'string' ? '' : null }));
        await p.open((r) => {
          const out: Row = new Array(frame.width);
          for (const x of copies) out[x.dst] = x.src === undefined ? x.empty : r[x.src]!;
          sink(out);
        });
      }
    },
  };
}
