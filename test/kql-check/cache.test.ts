import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedChecker, type KqlCheck } from '../../src/kql-check/cache.js';
import type { KqlProblem } from '../../src/kql-check/check-kql.js';
import type { TableSchema } from '../../src/kql-check/table-schemas.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'detc-cache-'));
  dirs.push(d);
  return d;
};

const T: TableSchema[] = [{ name: 'T', file: 'T.csl', columns: [{ name: 'A', type: 'string' }] }];
const problem: KqlProblem = { code: 'KS142', message: "The name 'B' does not refer to any known column", severity: 'Error', line: 1, col: 11 };

/** A stand-in analyser that counts its calls: a query naming column B is an error. */
function analyser() {
  const calls: string[] = [];
  const make = (): KqlCheck => ({ check: (q) => (calls.push(q), q.includes('B') ? [problem] : []) });
  return { calls, make };
}
const noAnalysis = (): KqlCheck => {
  throw new Error('analysed although the cache holds the answer');
};

describe('the Kusto.Language result cache', () => {
  it('answers a query it has seen from the cache, with the same problems', () => {
    const dir = tmp();
    const a = analyser();
    expect(cachedChecker(a.make, T, [], dir).check('T | where B == 1')).toEqual([problem]);
    expect(cachedChecker(a.make, T, [], dir).check('T | where A == 1')).toEqual([]);
    expect(a.calls).toHaveLength(2);
    const stats = { hits: 0, misses: 0 };
    const warm = cachedChecker(noAnalysis, T, [], dir, stats);
    expect(warm.check('T | where B == 1')).toEqual([problem]);
    expect(warm.check('T | where A == 1')).toEqual([]);
    expect(stats).toEqual({ hits: 2, misses: 0 });
  });

  it('keys on the schemas: another column list is another entry', () => {
    const dir = tmp();
    const a = analyser();
    cachedChecker(a.make, T, [], dir).check('T | where A == 1');
    const other: TableSchema[] = [{ name: 'T', file: 'T.csl', columns: [{ name: 'A', type: 'long' }] }];
    cachedChecker(a.make, other, [], dir).check('T | where A == 1');
    cachedChecker(a.make, T, [{ name: 'f', file: 'f.csl', parameters: '()', body: '{ T }' }], dir).check('T | where A == 1');
    expect(a.calls).toHaveLength(3);
  });

  it('ignores a corrupt or foreign entry and analyses again', () => {
    const dir = tmp();
    const a = analyser();
    cachedChecker(a.make, T, [], dir).check('T | where B == 1');
    const folder = path.join(dir, 'kql-check');
    const [entry] = readdirSync(folder);
    const file = path.join(folder, entry!);
    // Truncated JSON.
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 20));
    expect(cachedChecker(a.make, T, [], dir).check('T | where B == 1')).toEqual([problem]);
    // A well-formed entry of another key (a copied or forged file) that would hide the error.
    const forged = JSON.parse(readFileSync(file, 'utf8')) as { key: string; value: unknown[] };
    expect(forged.value).toEqual([problem]);
    writeFileSync(file, JSON.stringify({ ...forged, key: '0'.repeat(64), value: [] }));
    expect(cachedChecker(a.make, T, [], dir).check('T | where B == 1')).toEqual([problem]);
    // The right key with problems of the wrong shape.
    writeFileSync(file, JSON.stringify({ ...forged, value: [{ code: 1 }] }));
    expect(cachedChecker(a.make, T, [], dir).check('T | where B == 1')).toEqual([problem]);
    expect(a.calls).toHaveLength(4);
  });

  it('without a folder analyses every query and writes nothing', () => {
    const a = analyser();
    const c = cachedChecker(a.make, T, [], undefined);
    c.check('T | where B == 1');
    c.check('T | where B == 1');
    expect(a.calls).toHaveLength(2);
  });
});
