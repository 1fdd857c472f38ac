#!/usr/bin/env node
// npm run bench: every detc engine against DuckDB (the anchor) on the same generated files, in the same run.
//
// For each case a Sentinel CommonSecurityLog export (JSON lines) is generated from a seed into a temporary folder
// (removed at the end). DuckDB runs the rule written by hand as SQL (scripts/bench/anchor-sql.mjs: read_json +
// group by + count(distinct), and a join for followed_by); each engine runs as a user runs it, a whole process
// `node bin/detc.js run <rule> --events <file> --format sentinel --now <now> --engine <name>`, so reading the file
// counts. Per case and engine it prints wall ms (spawn to exit), events/s (rows of the file / wall), peak RSS of
// the child (getrusage, via scripts/bench/rss-at-exit.mjs), the ratios to DuckDB's, the alerts, and whether they
// equal DuckDB's on the columns the engine expresses (all output columns, or the alert keys for Sigma).
//
// Cases:
//   high-cardinality  ip-block-scan, 1,000,000 rows: 40 planted scanners, otherwise random sources (480 alerts)
//   low-cardinality   ip-block-scan, 1,000,000 rows: the same scanners among 5,000 recurring clients (480 alerts)
//   followed-by       scan-followed-by-access, 200,000 rows: sweeps, then sessions to probed hosts (a join)
//
// Environment:
//   BENCH_CASES      comma-separated cases (default: all three)
//   BENCH_ENGINES    comma-separated detc engines (default: every engine of runners(): reference, kql, spl, sigma);
//                    DuckDB always runs, since every ratio is to it
//   BENCH_ROWS       rows of the two ip-block-scan cases (default 1000000); followed-by gets a fifth of it
//   BENCH_TIMEOUT_S  per engine and case; an engine still running then is killed and shown as timed out (default 600)
//   BENCH_SEED       seed of the generated files (default 1)
//   BENCH_QUICK=1    a smoke run: 30,000 rows (followed-by 6,000) and a 120 s time limit, unless set otherwise
//
// Exit code 1 when an engine's alerts differ from DuckDB's (a timeout is not a difference), else 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { anchorSql, duckdbAlerts } from './bench/anchor-sql.mjs';
import { compareAlerts } from './bench/compare.mjs';
import { generateFollowedBy, generateScanStream, NOW } from './bench/generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const quick = env.BENCH_QUICK === '1';
const rows = Number(env.BENCH_ROWS ?? (quick ? 30_000 : 1_000_000));
const timeoutS = Number(env.BENCH_TIMEOUT_S ?? (quick ? 120 : 600));
const seed = Number(env.BENCH_SEED ?? 1);

const CASES = {
  'high-cardinality': { rule: 'rules/network/ip-block-scan.yml', rows, generate: (f, n) => generateScanStream(f, { rows: n, seed, cardinality: 'high' }) },
  'low-cardinality': { rule: 'rules/network/ip-block-scan.yml', rows, generate: (f, n) => generateScanStream(f, { rows: n, seed, cardinality: 'low' }) },
  'followed-by': { rule: 'rules/network/scan-followed-by-access.yml', rows: Math.round(rows / 5), generate: (f, n) => generateFollowedBy(f, { rows: n, seed }) },
};
const caseNames = env.BENCH_CASES?.split(',') ?? Object.keys(CASES);
for (const c of caseNames) if (!CASES[c]) throw new Error(`unknown case '${c}' (${Object.keys(CASES).join(', ')})`);

const { runners } = await import(path.join(root, 'lib/targets/index.js'));
const { loadProject, runOptions } = await import(path.join(root, 'lib/project.js'));
const { loadRules } = await import(path.join(root, 'lib/load/load-rules.js'));
const project = loadProject(root);
const available = runners(project.targets.map((t) => t.target));
const engineNames = env.BENCH_ENGINES?.split(',') ?? available.map((e) => e.name);
for (const e of engineNames) if (!available.some((r) => r.name === e)) throw new Error(`unknown engine '${e}' (${available.map((r) => r.name).join(', ')})`);
const rules = loadRules(project.rulesDir, root).rules;

const preload = pathToFileURL(path.join(root, 'scripts/bench/rss-at-exit.mjs')).href;

/** Runs `node <args>` with the RSS preload; wall ms from spawn to exit, peak RSS, stdout; killed at the time limit. */
function measure(args, dir) {
  const rssFile = path.join(dir, `rss-${process.hrtime.bigint()}`);
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', preload, ...args], { cwd: root, env: { ...env, BENCH_RSS_FILE: rssFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const ms = performance.now() - t0;
      let rssKiB;
      try {
        rssKiB = Number(readFileSync(rssFile, 'utf8'));
      } catch {
        rssKiB = undefined;
      }
      resolve({ ms, rssMiB: rssKiB && rssKiB / 1024, code, timedOut, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

const alertsOf = (stdout) => stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

/**
 * What an engine expresses of a rule, asked of the engine itself on no events: its key columns and the parts of the
 * rule it leaves out (`suppress`: Sigma has no suppression windows), or nothing when it cannot express the rule.
 */
async function expressed(engine, rule) {
  // At the cases' own run time: an engine may refuse a run without one (the TypeScript module's detector does).
  const result = await engine.run(rule, [], { ...runOptions(project), now: Date.parse(NOW) });
  return result.ignores?.includes('rule') ? undefined : { keys: result.keys, ignores: result.ignores ?? [] };
}

const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const table = [];
let differs = false;

const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-bench-'));
try {
  console.log(`detc bench: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z; seed ${seed}, time limit ${timeoutS} s\n`);
  for (const name of caseNames) {
    const c = CASES[name];
    const file = path.join(dir, `${name}.sentinel.jsonl`);
    const n = c.generate(file, c.rows);
    const rule = rules.find((r) => r.file === c.rule || path.resolve(root, r.file) === path.resolve(root, c.rule));
    if (!rule) throw new Error(`rule ${c.rule} not found`);
    console.log(`${name}: ${rule.slug}, ${fmt(n)} rows, ${fmt(statSync(file).size / 2 ** 20)} MiB`);
    const duck = await measure([path.join(root, 'scripts/bench/duckdb-child.mjs'), rule.slug, file, NOW], dir);
    if (duck.code !== 0) throw new Error(`DuckDB failed on ${name}:\n${duck.stderr}`);
    const duckAlerts = alertsOf(duck.stdout);
    const line = (engine, r, alerts, same) => {
      const cells = [name, engine, r ? fmt(r.ms) : '', r ? fmt(n / (r.ms / 1000)) : '', r?.rssMiB ? fmt(r.rssMiB) : '',
        r ? `${fmt(r.ms / duck.ms, 1)}×` : '', r?.rssMiB ? `${fmt(r.rssMiB / duck.rssMiB, 1)}×` : '', alerts, same];
      table.push(cells);
      console.log(`  ${engine.padEnd(10)} ${cells.slice(2, 5).map((x) => x.padStart(10)).join(' ')} ${cells.slice(5, 7).map((x) => x.padStart(7)).join(' ')} ${String(alerts).padStart(7)}  ${same}`);
    };
    console.log(`  ${'engine'.padEnd(10)} ${['wall ms', 'events/s', 'RSS MiB'].map((x) => x.padStart(10)).join(' ')} ${['× wall', '× RSS'].map((x) => x.padStart(7)).join(' ')} ${'alerts'.padStart(7)}  alerts = DuckDB's`);
    line('duckdb', duck, duckAlerts.length, '(anchor)');
    for (const engineName of engineNames) {
      const engine = available.find((e) => e.name === engineName);
      const expresses = await expressed(engine, rule);
      if (!expresses) {
        line(engineName, undefined, '', 'not expressible (nothing emitted for this target)');
        continue;
      }
      const r = await measure([path.join(root, 'bin/detc.js'), 'run', c.rule, '--events', file, '--format', 'sentinel', '--now', NOW, '--engine', engineName], dir);
      if (r.timedOut) {
        line(engineName, undefined, '', `timed out after ${timeoutS} s`);
        continue;
      }
      if (r.code !== 0) {
        differs = true;
        line(engineName, r, '', `failed (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-1)[0]}`);
        continue;
      }
      const alerts = alertsOf(r.stdout);
      const { keys, ignores } = expresses;
      // A target that leaves out the suppression windows (documented) is held to the SQL without them: untimed.
      const unsuppressed = ignores.includes('suppress');
      const anchor = unsuppressed ? await duckdbAlerts(await anchorSql(root, rule.slug, file, Date.parse(NOW), { suppress: false })) : duckAlerts;
      const all = keys.length === rule.branches[0].output.length;
      const cmp = compareAlerts(alerts, anchor, keys);
      if (!cmp.equal) differs = true;
      const cols = `${all ? `all ${keys.length} columns` : keys.join(', ')}${unsuppressed ? `; DuckDB without suppression windows: ${anchor.length} alerts` : ''}`;
      line(engineName, r, alerts.length, cmp.equal ? `yes (${cols})` : `NO (${cols}): ${cmp.missing} missing, ${cmp.extra} extra; e.g. DuckDB ${cmp.example.missing ?? '-'} vs ${engineName} ${cmp.example.extra ?? '-'}`);
    }
    console.log();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// The same figures as a Markdown table, for the README's performance section.
console.log('| case | engine | wall ms | events/s | peak RSS MiB | × DuckDB wall | × DuckDB RSS | alerts | alerts = DuckDB\'s |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---|');
for (const cells of table) console.log(`| ${cells.join(' | ')} |`);
process.exitCode = differs ? 1 : 0;
