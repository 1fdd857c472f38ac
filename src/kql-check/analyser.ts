import type { FunctionSchema, TableSchema } from './table-schemas.js';

/** An error Kusto.Language reports in a query. */
export interface KqlProblem {
  code: string;
  message: string;
  severity: string;
  /** 1-based line and column inside the query text. */
  line: number;
  col: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Kusto = any;

/**
 * Kusto.Language with the given tables and functions as the default database: returns the function that parses,
 * binds and reports every error of a query. Self-contained on purpose (no imports, no names from outside its body):
 * the worker pool (pool.ts) ships its source text to each worker thread, so the main thread and the workers run one
 * and the same analysis.
 *
 * Measured alternatives (scripts/bench-kql-analysis.mjs, 1,000-rule repository, same diagnostics): `Parse` then
 * `Analyze` parses twice (about 13 % more CPU); a state without a cache costs about 10 % more; the cache stays at a
 * handful of entries (its call-site maps are bounded), so late queries cost no more than early ones; GetDiagnostics
 * is a walk of the bound tree (about 5 %), needed for the same findings.
 */
export function makeAnalyser(K: Kusto, tables: TableSchema[], functions: FunctionSchema[]): (query: string) => KqlProblem[] {
  const typeName: Record<string, string> = {
    string: 'String', int: 'Int', long: 'Long', real: 'Real', decimal: 'Decimal', datetime: 'DateTime',
    timespan: 'TimeSpan', bool: 'Bool', guid: 'Guid', dynamic: 'Dynamic',
  };
  const S = K.Symbols;
  const symbols = [
    ...tables.map((t) => new S.TableSymbol.$ctor4(t.name, t.columns.map((c) => new S.ColumnSymbol(c.name, S.ScalarTypes[typeName[c.type]!])))),
    // Body-based symbols: Kusto.Language binds the body, so argument count and result columns are checked.
    ...functions.map((f) => new S.FunctionSymbol.$ctor16(f.name, f.parameters, f.body, '')),
  ];
  const db = new S.DatabaseSymbol.ctor('detc', symbols);
  const cluster = new S.ClusterSymbol.ctor('detc', [db]);
  // With its cache: Kusto.Language keeps what it learns binding a query (the expansion and result type of each
  // function call site, the facts of function bodies) in the global state's cache, and a state without one gets a
  // fresh cache per query, so every query bound `_GetWatchlist`'s body again (a fifth of the analysis time).
  // The query grammar is built first without a cache: Kusto.Language then keeps it for the whole thread, where the
  // first parse with a cached state would build it twice (about 0.7 s more in each thread that analyses).
  K.Parsing.QueryGrammar.From(K.GlobalState.Default);
  const globals = K.GlobalState.Default.WithCluster(cluster).WithDatabase(db).WithCache();
  return (query) => {
    const diags = K.KustoCode.ParseAndAnalyze(query, globals).GetDiagnostics();
    const out: KqlProblem[] = [];
    for (let i = 0; i < diags.Count; i++) {
      const d = diags.getItem(i);
      if (d.Severity !== 'Error') continue;
      const before = query.slice(0, d.Start);
      const line = before.split('\n').length;
      const col = d.Start - before.lastIndexOf('\n');
      out.push({ code: d.Code, message: d.Message, severity: d.Severity, line, col });
    }
    return out;
  };
}
