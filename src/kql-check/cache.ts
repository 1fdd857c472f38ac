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
}

/** How many checks a build answered from the cache and how many it analysed. */
export interface CacheStats {
  hits: number;
  misses: number;
}

/**
 * A checker that answers from `dir` when it can and analyses (with the checker `make` builds, on first need) when
 * it cannot, storing the result. Without `dir`, every query is analysed.
 */
export function cachedChecker(make: () => KqlCheck, tables: TableSchema[], functions: FunctionSchema[], dir: string | undefined, stats: CacheStats = { hits: 0, misses: 0 }): KqlCheck {
  let checker: KqlCheck | undefined;
  const analyse = (query: string) => (checker ??= make()).check(query);
  if (!dir) {
    return { check: (q) => (stats.misses++, analyse(q)) };
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
  return {
    check(query) {
      const key = createHash('sha256').update(env).update('\u0000').update(query).digest('hex');
      const file = path.join(folder, `${key}.json`);
      const cached = read(file, key);
      if (cached) {
        stats.hits++;
        return cached;
      }
      stats.misses++;
      const problems = analyse(query);
      write(folder, file, { format: FORMAT, key, problems });
      return problems;
    },
  };
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
