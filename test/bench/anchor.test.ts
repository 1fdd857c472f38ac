// The benchmark's anchor means what the rules mean: on small generated files, DuckDB running the hand-written SQL
// of scripts/bench/anchor-sql.mjs and the reference evaluator (through `detc run`, as the benchmark runs every
// engine) raise the same alerts on every output column. The generated files plant the edge cases (thresholds,
// exclusions, suppression windows, lookback edges, window boundaries, follow-up timing), so a SQL that differs
// from the rule in any of them fails here, not in a benchmark run nobody reads closely.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anchorSql, duckdbAlerts } from '../../scripts/bench/anchor-sql.mjs';
import { compareAlerts } from '../../scripts/bench/compare.mjs';
import { generateFollowedBy, generateScanStream, NOW } from '../../scripts/bench/generate.mjs';
import { run } from '../helpers/cli.js';
import { compiledLib } from '../helpers/lib.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// DuckDB is a devDependency with a native binding: where it cannot load, say so and skip.
const duckdb = await import('@duckdb/node-api').then(
  () => true,
  (e: unknown) => {
    console.warn(`test/bench: DuckDB cannot load here, the anchor test is skipped: ${String(e)}`);
    return false;
  },
);
const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-anchor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function referenceAlerts(rule: string, file: string): Promise<Record<string, unknown>[]> {
  const r = await run(root, 'run', rule, '--events', file, '--format', 'sentinel', '--now', NOW, '--engine', 'reference');
  expect(r.code, r.err).toBe(0);
  return r.out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe.skipIf(!duckdb)('the benchmark anchor (DuckDB SQL) equals the reference evaluator', () => {
  // anchorSql reads the shared lists through the compiled lib/.
  beforeAll(compiledLib);
  it('ip-block-scan on a high-cardinality stream: 4 scanners × 12 windows', async () => {
    const file = path.join(dir, 'scan.jsonl');
    generateScanStream(file, { rows: 6000, scanners: 4, seed: 7 });
    const ref = await referenceAlerts('rules/network/ip-block-scan.yml', file);
    const duck = await duckdbAlerts(await anchorSql(root, 'ip-block-scan', file, Date.parse(NOW)));
    expect(duck).toHaveLength(48);
    expect(compareAlerts(ref, duck, Object.keys(ref[0]!))).toMatchObject({ equal: true });
  });

  it('scan-followed-by-access: the join', async () => {
    const file = path.join(dir, 'followed-by.jsonl');
    generateFollowedBy(file, { rows: 3000, scanners: 18, seed: 7 });
    const ref = await referenceAlerts('rules/network/scan-followed-by-access.yml', file);
    const duck = await duckdbAlerts(await anchorSql(root, 'scan-followed-by-access', file, Date.parse(NOW)));
    expect(duck.length).toBeGreaterThan(10);
    expect(compareAlerts(ref, duck, Object.keys(ref[0]!))).toMatchObject({ equal: true });
  });
});
