#!/usr/bin/env node
// node scripts/bench-kql-analysis.mjs DIR [STRIDE]: the CPU time of Kusto.Language's analysis (KqlChecker,
// lib/kql-check/check-kql.js, with detc's schemas/kql tables and functions) of each distinct query of the `.kql` files
// in DIR (a built repository's dist-rules/sentinel, e.g. of `bench:compile --generate 1000`), in this thread, in file
// order; STRIDE n takes every n-th query. Kusto.Language is loaded and the checker made before timing. Prints CPU ms
// per query (all of them, the first and the last 200), GC pause time, the mean per rule family, and a hash of every
// diagnostic, which a change meant to keep the judgement must keep. Run `npm run build` first (it reads lib/).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lib = (p) => import(pathToFileURL(path.join(root, 'lib', p)).href);
const [dir, strideArg] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node scripts/bench-kql-analysis.mjs DIST_RULES_SENTINEL_DIR [STRIDE]');
  process.exit(2);
}
const stride = Number(strideArg ?? 1);

// A .kql file's query as the build analyses it: without its leading `//` lines.
const { withoutHeader } = await lib('backends/sentinel/verify.js');
const family = new Map();
for (const f of readdirSync(dir).filter((f) => f.endsWith('.kql')).sort()) {
  const q = withoutHeader(readFileSync(path.join(dir, f), 'utf8'));
  if (!family.has(q)) family.set(q, f.replace(/-\d+(\.[a-z]+)?\.kql$/, '$1').replace(/\.kql$/, ''));
}
const queries = [...family.keys()].filter((_, i) => i % stride === 0);

const { loadTableSchemas, loadFunctionSchemas } = await lib('kql-check/table-schemas.js');
const { KqlChecker } = await lib('kql-check/check-kql.js');
const schemas = path.join(root, 'schemas/kql');
const checker = new KqlChecker(loadTableSchemas(schemas), loadFunctionSchemas(schemas));

let gc = 0;
new PerformanceObserver((l) => l.getEntries().forEach((e) => (gc += e.duration))).observe({ entryTypes: ['gc'] });
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const gcBefore = gc;
const per = [];
const results = queries.map((q) => {
  const start = cpu();
  const r = checker.check(q);
  per.push(cpu() - start);
  return r;
});
await new Promise((r) => setTimeout(r, 10)); // the last GC entries arrive asynchronously
const mean = (a) => (a.length ? a.reduce((s, x) => s + x, 0) / a.length : 0);
const ms = (x) => x.toFixed(1);
console.log(`${queries.length} queries: ${ms(mean(per))} ms CPU per query (first 200 ${ms(mean(per.slice(0, 200)))}, last 200 ${ms(mean(per.slice(-200)))}), ` +
  `${(per.reduce((s, x) => s + x, 0) / 1000).toFixed(2)} s in all, GC pauses ${((gc - gcBefore) / 1000).toFixed(2)} s, ` +
  `${results.flat().length} problems, diagnostics hash ${createHash('sha256').update(JSON.stringify(results)).digest('hex').slice(0, 16)}`);
const byFamily = new Map();
queries.forEach((q, i) => {
  const f = byFamily.get(family.get(q)) ?? { n: 0, ms: 0, chars: 0 };
  byFamily.set(family.get(q), { n: f.n + 1, ms: f.ms + per[i], chars: f.chars + q.length });
});
for (const [name, f] of [...byFamily].sort((a, b) => b[1].ms / b[1].n - a[1].ms / a[1].n)) {
  console.log(`  ${name.padEnd(40)} ${String(f.n).padStart(5)} × ${ms(f.ms / f.n).padStart(6)} ms  ${(f.chars / f.n / 1000).toFixed(1)} kB`);
}
