// A content-addressed cache of Kusto.Language results (util/content-cache.ts). An entry is keyed by everything the
// result depends on: the query text, the table schemas and function definitions it was checked against and the
// Kusto.Language version. A hit returns exactly what the analysis returned; a corrupt or foreign entry is ignored.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { ContentCache } from '../util/content-cache.js';
import type { KqlProblem } from './check-kql.js';
import type { FunctionSchema, TableSchema } from './table-schemas.js';

/** The Kusto.Language package version: a new parser may judge a query differently. */
function kustoVersion(): string {
  const require = createRequire(import.meta.url);
  return String((require('@kusto/language-service-next/package.json') as { version: string }).version);
}

/** A hash of what every Kusto.Language result depends on besides the query: the version, the tables and functions. */
export function kqlEnvironment(tables: TableSchema[], functions: FunctionSchema[]): string {
  return createHash('sha256')
    .update(JSON.stringify({
      kusto: kustoVersion(),
      tables: [...tables].sort((a, b) => (a.name < b.name ? -1 : 1)).map((t) => [t.name, t.columns.map((c) => [c.name, c.type])]),
      functions: [...functions].sort((a, b) => (a.name < b.name ? -1 : 1)).map((f) => [f.name, f.parameters, f.body]),
    }))
    .digest('hex');
}

export interface KqlCheck {
  check(query: string): KqlProblem[];
  /** The problems of each query, in order; a checker that can use several cores does (pool.ts). */
  checkAll?(queries: string[]): KqlProblem[][];
  /** Starts checking every query on other threads and returns at once (pool.ts); `wait` gives checkAll's answer. */
  startAll?(queries: string[]): PendingCheck;
}

/** A check under way: `wait` gives the problems of each query, in order; `cancel` stops it (result unwanted). */
export interface PendingCheck {
  wait(): KqlProblem[][];
  cancel(): void;
}

/** How many checks a build answered from the cache and how many it analysed. */
export interface CacheStats {
  hits: number;
  misses: number;
  /** When given, each query that was analysed (not found in the cache) is added. */
  analysed?: Set<string>;
}

/** The cache's folder under the cache directory. */
export const KQL_CACHE_KIND = 'kql-check';

/** What `make` is told: how many queries the checker it builds is about to analyse (to size a worker pool). */
export type MakeChecker = (work: number) => KqlCheck;

const isProblems = (v: unknown): v is KqlProblem[] =>
  Array.isArray(v) &&
  v.every((p: Record<string, unknown>) =>
    p && typeof p.code === 'string' && typeof p.message === 'string' && typeof p.severity === 'string' && Number.isInteger(p.line) && Number.isInteger(p.col));

/**
 * A checker that answers from `dir` when it can and analyses (with the checker `make` builds, on first need) when
 * it cannot, storing the result. Without `dir`, every query is analysed. `checkAll` looks every query up first and
 * hands the misses to the analyser in one batch.
 */
export function cachedChecker(make: MakeChecker, tables: TableSchema[], functions: FunctionSchema[], dir: string | undefined, stats: CacheStats = { hits: 0, misses: 0 }): Required<KqlCheck> {
  let checker: KqlCheck | undefined;
  const cache = new ContentCache(dir, KQL_CACHE_KIND, kqlEnvironment(tables, functions), isProblems);
  // Looks every query up now; the misses go to the analyser when it can work on other threads (startAll), else when
  // the answer is waited for, so that a build on one thread does the work in the same place as before. An answer
  // wanted at once (checkAll) is not handed to other threads unless they share the work out (checkAll of a pool).
  const lookUp = (queries: string[], background: boolean): PendingCheck => {
    const keys = queries.map((q) => cache.key(q));
    const out = keys.map((key) => cache.get(key));
    const missed = out.flatMap((p, i) => (p ? [] : [i]));
    stats.hits += queries.length - missed.length;
    stats.misses += missed.length;
    if (!missed.length) return { wait: () => out as KqlProblem[][], cancel: () => undefined };
    checker ??= make(missed.length);
    const work = missed.map((i) => queries[i]!);
    const c = checker;
    const pending: PendingCheck = background && c.startAll
      ? c.startAll(work)
      : { wait: () => (c.checkAll ? c.checkAll(work) : work.map((q) => c.check(q))), cancel: () => undefined };
    return {
      wait: () => {
        const fresh = pending.wait();
        missed.forEach((i, j) => {
          stats.analysed?.add(queries[i]!);
          out[i] = fresh[j]!;
          cache.put(keys[i]!, fresh[j]!);
        });
        return out as KqlProblem[][];
      },
      cancel: () => pending.cancel(),
    };
  };
  const startAll = (queries: string[]): PendingCheck => lookUp(queries, true);
  const checkAll = (queries: string[]): KqlProblem[][] => lookUp(queries, false).wait();
  return { check: (q) => checkAll([q])[0]!, checkAll, startAll };
}
