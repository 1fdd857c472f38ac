import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KqlChecker } from '../../src/kql-check/check-kql.js';
import { analyseInPool } from '../../src/kql-check/pool.js';
import { threadsFor } from '../../src/kql-check/schedule.js';
import { loadFunctionSchemas, loadTableSchemas } from '../../src/kql-check/table-schemas.js';

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
  it('returns what the analysis in this thread returns, query by query, in order', () => {
    const here = new KqlChecker(tables, functions);
    const expected = queries.map((q) => here.check(q));
    // The queries are meant to exercise both outcomes.
    expect(expected.filter((p) => p.length).length).toBeGreaterThanOrEqual(3);
    expect(expected.filter((p) => !p.length).length).toBeGreaterThanOrEqual(2);
    expect(analyseInPool(queries, tables, functions, 2)).toEqual(expected);
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
      expect(analyseInPool(queries.slice(0, 2), tables, functions, 2)).toEqual(queries.slice(0, 2).map((q) => new KqlChecker(tables, functions).check(q)));
    } finally {
      process.execArgv.pop();
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
