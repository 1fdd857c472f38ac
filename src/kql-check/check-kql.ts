import { makeAnalyser } from './analyser.js';
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

/** Kusto.Language with the given tables as the default database: parse, bind and report every error. */
export class KqlChecker {
  private readonly analyse: (query: string) => KqlProblem[];

  constructor(tables: TableSchema[], functions: FunctionSchema[] = []) {
    this.analyse = makeAnalyser(loadKusto(), tables, functions);
  }

  check(query: string): KqlProblem[] {
    return this.analyse(query);
  }
}
