// Where the Kusto.Language analyses of a build run: on one thread when the work is small (a further worker thread
// costs a further load of Kusto.Language), else on a pool of worker threads (pool.ts), one per core.
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KQL_CACHE_KIND, type KqlCheck } from './cache.js';
import { KqlChecker } from './check-kql.js';
import { kustoLoaded } from './kusto.js';
import { analyseInPool, prestartPool, startInPool } from './pool.js';
import type { FunctionSchema, TableSchema } from './table-schemas.js';

/** Below this many queries per thread, one more thread costs more (loading Kusto.Language) than it saves. */
const QUERIES_PER_WORKER = 24;
/**
 * What one worker holds at its peak, with a margin (Kusto.Language and its global state: about 270 MiB, from the
 * peak RSS of builds with and without the pool). A CI container may report the host's 64 cores but allow a few
 * GiB, so the default never plans more workers than free memory holds, nor more than MAX_DEFAULT_WORKERS.
 */
const BYTES_PER_WORKER = 400 * 2 ** 20;
const MAX_DEFAULT_WORKERS = 8;

/**
 * How many threads analyse `work` queries: `workers` when given (`--workers N`), else one per core and per
 * QUERIES_PER_WORKER queries, within free memory and MAX_DEFAULT_WORKERS; never more than there are queries.
 * 1 means the build's own thread.
 */
export function threadsFor(work: number, workers?: number): number {
  const fit = Math.floor(os.freemem() / BYTES_PER_WORKER);
  const wanted = workers ?? Math.min(os.availableParallelism(), MAX_DEFAULT_WORKERS, fit, Math.floor(work / QUERIES_PER_WORKER));
  return Math.max(1, Math.min(wanted, work));
}

/**
 * A checker for a batch of `work` queries: in this thread, or on a pool sized by threadsFor. Little work started
 * ahead of its answer (`startAll`: a rebuild after one rule's query changed) goes to one worker thread unless one
 * thread was asked for (`--workers 1`) or this thread has Kusto.Language loaded already: loading it takes about
 * 1.5 s, which a worker spends while the build's own thread compiles the other targets, where this thread would
 * spend it after them, waiting. In this thread, Kusto.Language loads at the first query, not before.
 */
export function batchChecker(tables: TableSchema[], functions: FunctionSchema[], work: number, workers?: number): KqlCheck {
  const threads = threadsFor(work, workers);
  if (threads <= 1) {
    let local: KqlChecker | undefined;
    const check = (q: string) => (local ??= new KqlChecker(tables, functions)).check(q);
    if (smallBatchHere(workers)) return { check };
    return { check, startAll: (queries) => startInPool(queries, tables, functions, 1) };
  }
  return {
    check: (q) => analyseInPool([q], tables, functions, 1)[0]!,
    checkAll: (queries) => analyseInPool(queries, tables, functions, threads),
    startAll: (queries) => startInPool(queries, tables, functions, threads),
  };
}

/**
 * Whether a batch too small for several threads is analysed on this thread rather than on one worker: when one thread
 * was asked for (`--workers 1`; more: sized by the work), or when this thread has Kusto.Language loaded already (a
 * `detc test` or `check` in the same process, a test running the CLI in process), so that a worker would load it
 * again for nothing.
 */
function smallBatchHere(workers: number | undefined): boolean {
  return workers !== undefined || kustoLoaded();
}

/**
 * Starts, ahead of a build's analysis, the worker pool it will most likely want, so that the workers load
 * Kusto.Language while the build's own thread loads and compiles the rules. When the result cache in `cacheDir` holds
 * nothing yet (a first build, a fresh CI machine, --no-cache), a pool sized for `rules` rules. When it has entries
 * (a rebuild), one worker, speculatively: a rebuild after a rule's query changed sends its few misses to one worker
 * (batchChecker), which would otherwise start loading only once the Sentinel files exist and keep the build waiting
 * about a second at its end; the build closes it when the Sentinel verifier did not take it (every query in the
 * cache; compile.ts), or once the rules are loaded when no rule changed. None is started where batchChecker keeps
 * such a batch on this thread (smallBatchHere), and no pool when threads were asked for (`--workers`, then sized by
 * the work, not known yet). Returns what closes the pool if the analysis did not take it, or undefined when it
 * started none.
 */
export function prestartFor(rules: number, cacheDir: string | undefined, workers?: number): (() => void) | undefined {
  if (cacheDir !== undefined && hasEntries(path.join(cacheDir, KQL_CACHE_KIND))) return smallBatchHere(workers) ? undefined : prestartPool(1);
  // Each rule has at least one query (most have more: variants, nothing else in common), so this is a floor.
  const threads = threadsFor(rules, workers);
  return threads > 1 ? prestartPool(threads) : undefined;
}

function hasEntries(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}
