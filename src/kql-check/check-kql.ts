import { makeAnalyser, type KqlProblem } from './analyser.js';
import { loadKusto } from './kusto.js';
import type { FunctionSchema, TableSchema } from './table-schemas.js';

export type { KqlProblem } from './analyser.js';

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
