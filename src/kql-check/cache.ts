// A content-addressed cache of Kusto.Language results. An entry is keyed by everything the result depends on: the
// query text, the table schemas and function definitions it was checked against, the Kusto.Language version and
// the entry format. A hit returns exactly what the analysis returned; an entry that does not parse, has another
// shape or names another key is ignored (and rewritten), so a corrupt or foreign file can never change a result.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { KqlProblem } from './check-kql.js';
import type { FunctionSchema, TableSchema } from './table-schemas.js';

const FORMAT = 1;

/** The Kusto.Language package version: a new parser may judge a query differently. */
function kustoVersion(): string {
  const require = createRequire(import.meta.url);
  return String((require('@kusto/language-service-next/package.json') as { version: string }).version);
}

export interface KqlCheck {
  check(query: string): KqlProblem[];
  /** The problems of each query, in order; a checker that can use several cores does (pool.ts). */
  checkAll?(queries: string[]): KqlProblem[][];
}

/** How many checks a build answered from the cache and how many it analysed. */
export interface CacheStats {
  hits: number;
  misses: number;
}

/** What `make` is told: how many queries the checker it builds is about to analyse (to size a worker pool). */
export type MakeChecker = (work: number) => KqlCheck;

/**
 * A checker that answers from `dir` when it can and analyses (with the checker `make` builds, on first need) when
 * it cannot, storing the result. Without `dir`, every query is analysed. `checkAll` looks every query up first and
 * hands the misses to the analyser in one batch.
 */
export function cachedChecker(make: MakeChecker, tables: TableSchema[], functions: FunctionSchema[], dir: string | undefined, stats: CacheStats = { hits: 0, misses: 0 }): Required<KqlCheck> {
  let checker: KqlCheck | undefined;
  const analyseAll = (queries: string[]): KqlProblem[][] => {
    if (!queries.length) return [];
    checker ??= make(queries.length);
    stats.misses += queries.length;
    return checker.checkAll ? checker.checkAll(queries) : queries.map((q) => checker!.check(q));
  };
  if (!dir) {
    return { check: (q) => analyseAll([q])[0]!, checkAll: analyseAll };
  }
  const env = createHash('sha256')
    .update(JSON.stringify({
      format: FORMAT,
      kusto: kustoVersion(),
      tables: [...tables].sort((a, b) => (a.name < b.name ? -1 : 1)).map((t) => [t.name, t.columns.map((c) => [c.name, c.type])]),
      functions: [...functions].sort((a, b) => (a.name < b.name ? -1 : 1)).map((f) => [f.name, f.parameters, f.body]),
    }))
    .digest('hex');
  const folder = path.join(dir, 'kql-check');
  const checkAll = (queries: string[]): KqlProblem[][] => {
    const keys = queries.map((q) => createHash('sha256').update(env).update('\u0000').update(q).digest('hex'));
    const out = keys.map((key) => read(path.join(folder, `${key}.json`), key));
    const missed = out.flatMap((p, i) => (p ? [] : [i]));
    stats.hits += queries.length - missed.length;
    const fresh = analyseAll(missed.map((i) => queries[i]!));
    missed.forEach((i, j) => {
      out[i] = fresh[j]!;
      write(folder, path.join(folder, `${keys[i]}.json`), { format: FORMAT, key: keys[i], problems: fresh[j] });
    });
    return out as KqlProblem[][];
  };
  return { check: (q) => checkAll([q])[0]!, checkAll };
}

function read(file: string, key: string): KqlProblem[] | undefined {
  let entry: unknown;
  try {
    entry = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined; // absent or not JSON: a miss
  }
  const e = entry as { format?: unknown; key?: unknown; problems?: unknown };
  if (e?.format !== FORMAT || e.key !== key || !Array.isArray(e.problems)) return undefined;
  const valid = e.problems.every((p: Record<string, unknown>) =>
    p && typeof p.code === 'string' && typeof p.message === 'string' && typeof p.severity === 'string' && Number.isInteger(p.line) && Number.isInteger(p.col));
  return valid ? (e.problems as KqlProblem[]) : undefined;
}

/** Written beside and renamed into place, so a reader never sees half an entry; a cache that cannot be written is no cache. */
function write(folder: string, file: string, entry: object): void {
  try {
    mkdirSync(folder, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry));
    renameSync(tmp, file);
  } catch {
    // A read-only or full disk: the result is still returned; the next run analyses again.
  }
}
