import { loadKusto } from './kusto.js';
import type { FunctionSchema, TableSchema } from './table-schemas.js';

export interface KqlProblem {
  code: string;
  message: string;
  severity: string;
  /** 1-based line and column inside the query text. */
  line: number;
  col: number;
}

const TYPE_NAME: Record<string, string> = {
  string: 'String', int: 'Int', long: 'Long', real: 'Real', decimal: 'Decimal', datetime: 'DateTime',
  timespan: 'TimeSpan', bool: 'Bool', guid: 'Guid', dynamic: 'Dynamic',
};

/** Kusto.Language with the given tables as the default database: parse, bind and report every error. */
export class KqlChecker {
  private readonly globals: unknown;

  constructor(tables: TableSchema[], functions: FunctionSchema[] = []) {
    const K = loadKusto();
    const S = K.Symbols;
    const symbols = [
      ...tables.map((t) => new S.TableSymbol.$ctor4(t.name, t.columns.map((c) => new S.ColumnSymbol(c.name, S.ScalarTypes[TYPE_NAME[c.type]!])))),
      // Body-based symbols: Kusto.Language binds the body, so argument count and result columns are checked.
      ...functions.map((f) => new S.FunctionSymbol.$ctor16(f.name, f.parameters, f.body, '')),
    ];
    const db = new S.DatabaseSymbol.ctor('detc', symbols);
    const cluster = new S.ClusterSymbol.ctor('detc', [db]);
    this.globals = K.GlobalState.Default.WithCluster(cluster).WithDatabase(db);
  }

  check(query: string): KqlProblem[] {
    const K = loadKusto();
    const code = K.KustoCode.ParseAndAnalyze(query, this.globals);
    const diags = code.GetDiagnostics();
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
  }
}
