import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KqlChecker } from '../../src/kql-check/check-kql.js';
import { loadKusto } from '../../src/kql-check/kusto.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { analyseInPool, prestartPool, standbySize, startInPool } from '../../src/kql-check/pool.js';
import { prestartFor, threadsFor } from '../../src/kql-check/schedule.js';
import { loadFunctionSchemas, loadTableSchemas } from '../../src/kql-check/table-schemas.js';
import { nextTurn } from '../helpers/next-turn.js';

const schemas = path.resolve(__dirname, '../../schemas/kql');
const tables = loadTableSchemas(schemas);
const functions = loadFunctionSchemas(schemas);

// Good and bad queries mixed, so a result landing at the wrong index shows.
const queries = [
  'CommonSecurityLog | where DestinationPort > 1000 | summarize count() by SourceIP',
  'CommonSecurityLog | where NoSuchColumn == 1',
  'CommonSecurityLog\n| where DeviceVendor == "x"\n| extend y = tolong(DestinationPort) + "a"',
  '_GetWatchlist("x") | project SearchKey',
  'CommonSecurityLog | summarize by',
  'DeviceProcessEvents | where FileName =~ "nmap.exe" | project Timestamp, DeviceName',
];

describe('the Kusto.Language worker pool', () => {
  // Each analysis waits for its workers to load Kusto.Language (seconds each on a busy machine) without letting this
  // worker's event loop run: the tests let it run between analyses (test/helpers/next-turn.ts).
  it('returns what the analysis in this thread returns, query by query, in order', async () => {
    const here = new KqlChecker(tables, functions);
    const expected = queries.map((q) => here.check(q));
    // The queries are meant to exercise both outcomes.
    expect(expected.filter((p) => p.length).length).toBeGreaterThanOrEqual(3);
    expect(expected.filter((p) => !p.length).length).toBeGreaterThanOrEqual(2);
    expect(analyseInPool(queries, tables, functions, 2)).toEqual(expected);
    await nextTurn();
    expect(analyseInPool(queries, tables, functions, 1)).toEqual(expected);
  });

  it('reports an analysis that cannot start as an error, not as a clean result', () => {
    // A table the global state cannot be built from (no column list) makes every worker fail before its first query.
    const broken = [{ name: 'T', file: 'T.csl', columns: null as never }];
    expect(() => analyseInPool(queries.slice(0, 2), broken, functions, 2)).toThrow(/Kusto.Language worker: TypeError/);
  });

  it('works when the build runs under --input-type=module (as `node -e` scripts and the benchmark start it)', () => {
    // A worker inherits the parent's options unless told otherwise; its CommonJS source then ran as a module.
    process.execArgv.push('--input-type=module');
    try {
      // One worker is enough to show it (each worker loads Kusto.Language: seconds).
      expect(analyseInPool(queries.slice(0, 2), tables, functions, 1)).toEqual(queries.slice(0, 2).map((q) => new KqlChecker(tables, functions).check(q)));
    } finally {
      process.execArgv.pop();
    }
  });

  it('a pool started before its work (workers loading, no schema yet) answers as one started for it', async () => {
    const expected = queries.map((q) => new KqlChecker(tables, functions).check(q));
    prestartPool(1);
    expect(analyseInPool(queries, tables, functions, 1)).toEqual(expected);
    await nextTurn();
    // Of another size than the analysis wants: closed, and a new pool does the work.
    prestartPool(2);
    expect(analyseInPool(queries.slice(0, 2), tables, functions, 1)).toEqual(expected.slice(0, 2));
    await nextTurn();
    // The schema is sent with the work, after Kusto.Language has loaded: one that cannot be built is still an error.
    prestartPool(1);
    expect(() => analyseInPool(queries.slice(0, 2), [{ name: 'T', file: 'T.csl', columns: null as never }], functions, 1)).toThrow(/Kusto.Language worker: TypeError/);
  });

  it('works while the calling thread does something else, and answers in order when asked', () => {
    const expected = queries.map((q) => new KqlChecker(tables, functions).check(q));
    // Many queries, so that the workers are still busy when start returns; every one is answered, in its place.
    const many = Array.from({ length: 40 }, (_, i) => queries[i % queries.length]!);
    const pending = startInPool(many, tables, functions, 2);
    expect(pending.wait()).toEqual(many.map((_, i) => expected[i % queries.length]));
    // A started analysis whose result is not wanted stops without an answer or an error.
    startInPool(many, tables, functions, 2).cancel();
  });

  it('starts workers ahead of a build: a pool when its result cache is empty and it has enough rules, else one', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-prestart-'));
    try {
      const started = (rules: number, cacheDir: string | undefined, workers?: number) => {
        const release = prestartFor(rules, cacheDir, workers);
        const size = standbySize();
        release?.();
        expect(standbySize()).toBe(0);
        return release === undefined ? 0 : size;
      };
      expect(started(1000, undefined, 2)).toBe(2);
      expect(started(1000, dir, 2)).toBe(2);
      // Little work (one thread by default) or one thread asked for: the build's own thread analyses.
      expect(started(3, undefined)).toBe(0);
      expect(started(1000, undefined, 1)).toBe(0);
      mkdirSync(path.join(dir, 'kql-check'));
      writeFileSync(path.join(dir, 'kql-check', 'entry.json'), '{}');
      // A rebuild: the few queries that changed are analysed on this thread, which has Kusto.Language loaded (as
      // after `detc test` in the same process), so no worker is started for them; where this thread has not loaded
      // it, one worker is (test/compile/warm-build.test.ts). None when threads were asked for (one: this thread;
      // more: sized by the work).
      loadKusto();
      expect(started(1000, dir)).toBe(0);
      expect(started(3, dir)).toBe(0);
      expect(started(1000, dir, 2)).toBe(0);
      expect(started(1000, dir, 1)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('uses one thread for little work and no more threads than queries', () => {
    expect(threadsFor(3)).toBe(1);
    expect(threadsFor(3, 8)).toBe(3);
    expect(threadsFor(500, 2)).toBe(2);
    expect(threadsFor(0, 4)).toBe(1);
    // However many cores the machine reports, the default stays within a handful of workers (each holds its own
    // Kusto.Language); --workers N is taken as given.
    expect(threadsFor(100_000)).toBeLessThanOrEqual(8);
    expect(threadsFor(100_000, 12)).toBe(12);
  });
});
