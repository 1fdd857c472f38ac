// Where the Kusto.Language analyses of a build run: in the build's own thread when the work is small (a worker
// thread costs a second load of Kusto.Language), else on a pool of worker threads (pool.ts), one per core.
import os from 'node:os';
import type { KqlCheck } from './cache.js';
import { KqlChecker } from './check-kql.js';
import { analyseInPool } from './pool.js';
import type { FunctionSchema, TableSchema } from './table-schemas.js';

/** Below this many queries per thread, one more thread costs more (loading Kusto.Language) than it saves. */
const QUERIES_PER_WORKER = 24;

/**
 * How many threads analyse `work` queries: `workers` when given (`--workers N`), else one per core and per
 * QUERIES_PER_WORKER queries; never more than there are queries. 1 means the build's own thread.
 */
export function threadsFor(work: number, workers?: number): number {
  const wanted = workers ?? Math.min(os.availableParallelism(), Math.floor(work / QUERIES_PER_WORKER));
  return Math.max(1, Math.min(wanted, work));
}

/** A checker for a batch of `work` queries: in this thread, or on a pool sized by threadsFor. */
export function batchChecker(tables: TableSchema[], functions: FunctionSchema[], work: number, workers?: number): KqlCheck {
  const threads = threadsFor(work, workers);
  if (threads <= 1) return new KqlChecker(tables, functions);
  return {
    check: (q) => analyseInPool([q], tables, functions, 1)[0]!,
    checkAll: (queries) => analyseInPool(queries, tables, functions, threads),
  };
}
