#!/usr/bin/env node
// The DuckDB side of the benchmark in a process of its own (so that its wall time and peak RSS are measured like
// an engine's): node scripts/bench/duckdb-child.mjs <rule slug> <events file> <now ISO>; prints one JSON object
// per alert, with the rule's output column names.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { anchorSql, duckdbAlerts } from './anchor-sql.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [slug, file, now] = process.argv.slice(2);
const rows = await duckdbAlerts(await anchorSql(root, slug, path.resolve(file), Date.parse(now)));
process.stdout.write(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
