#!/usr/bin/env node
// npm run bench:compile: build times at repository scale. Generates repositories of N rules from the project's own
// (each copy under a fresh id and name, with a query of its own), then times whole detc processes: build cold (empty
// cache), warm (the same inputs again), after one rule's name changed, after another rule's threshold changed,
// without the cache on every core and on one thread, and a cold `detc check`. Prints wall seconds, rules/s, CPU
// seconds (worker threads and, on Linux, the native TypeScript compiler's process included) and peak RSS (worker
// threads included, the compiler's process not), and checks that the cached, incremental and multi-threaded builds
// are byte-identical to a build without a cache on one thread (exit 1 if not). BENCH_RULES_N=100,1000 (default) sets
// the sizes. After the cold build it also times Kusto.Language's analysis alone of the build's distinct queries, on
// as many worker threads as the build gives it: the floor a cold build's wall time cannot go below on this machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sizes = (process.env.BENCH_RULES_N ?? '100,1000').split(',').map(Number);
const walk = (d) => readdirSync(d).flatMap((f) => (statSync(path.join(d, f)).isDirectory() ? (f === 'lists' ? [] : walk(path.join(d, f))) : [path.join(d, f)]));
const ruleFiles = walk(path.join(root, 'rules')).filter((f) => /\.ya?ml$/.test(f) && !f.endsWith('.test.yml'));

function uuid(seed) {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A repository of n rules: the project's lists and rules, then copies under fresh ids until there are n. */
function repository(n, dir = mkdtempSync(path.join(os.tmpdir(), `detc-scale-${n}-`))) {
  cpSync(path.join(root, 'rules/lists'), path.join(dir, 'rules/lists'), { recursive: true });
  mkdirSync(path.join(dir, 'rules/gen'), { recursive: true });
  for (let i = 0; i < n; i++) {
    const src = ruleFiles[i % ruleFiles.length];
    // Fresh id and name, and a query of its own (as the rules of a real repository have): the first int parameter
    // or the first string list of the rule takes a value that only this copy has.
    let text = readFileSync(src, 'utf8').replace(/^id: .*$/m, `id: ${uuid(`${i}`)}`).replace(/^name: (.*)$/m, (_, name) => `name: ${name} ${i}`);
    const int = /(\n    type: int\n    value: )(\d+)/.exec(text);
    if (int) text = text.replace(int[0], `${int[1]}${Number(int[2]) + 1000 + i}`);
    else text = text.replace(/(\n    type: string\n(?:    description: .*\n)?    values:\n)/, `$1      - copy-${i}\n`);
    writeFileSync(path.join(dir, 'rules/gen', `${path.basename(src, path.extname(src))}-${i}.yml`), text.replace('$schema=../../json-schema', `$schema=${path.join(root, 'json-schema')}`));
  }
  return dir;
}

/**
 * One detc process (`build` or `check`) in `dir`: wall seconds, CPU seconds and peak RSS (MiB; worker threads
 * included in both), output. CPU seconds vary less than wall seconds on a machine others share.
 */
function detc(dir, command, ...args) {
  // CPU of the child processes the build waited for (the native TypeScript compiler) from /proc (Linux, in ticks of
  // 1/100 s), where there is one: resourceUsage() counts the process and its threads only.
  const wrapper = `import { readFileSync } from 'node:fs'; process.on('exit', () => { const u = process.resourceUsage(); let kids = 0; try { const s = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' '); kids = (Number(s[13]) + Number(s[14])) * 1e4; } catch {} process.stderr.write('\\nMAXRSS ' + u.maxRSS + ' CPU ' + (u.userCPUTime + u.systemCPUTime + kids) + '\\n'); }); const { main } = await import(${JSON.stringify(path.join(root, 'lib/cli/main.js'))}); process.exitCode = await main(${JSON.stringify([command, ...args])}, { cwd: ${JSON.stringify(dir)}, out: (s) => console.log(s), err: (s) => console.error(s) });`;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', wrapper], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`detc ${command} failed in ${dir}:\n${r.stderr.slice(-2000)}${r.stdout.slice(-2000)}`);
  const rss = Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
  const cpu = Number(/ CPU (\d+)/.exec(r.stderr)?.[1] ?? 0) / 1e6;
  return { seconds, cpu, rss, out: r.stdout };
}

/**
 * Kusto.Language alone, in a process of its own: the distinct queries of the `.kql` files in `sentinelDir` (as the
 * build analyses them: without their header) analysed on the build's worker pool, sized as the build sizes it. Wall
 * seconds from the pool's start (the workers' load included), CPU seconds of the process, and the counts.
 */
function kustoAlone(sentinelDir) {
  const script = `
    import { readdirSync, readFileSync } from 'node:fs';
    import path from 'node:path';
    const lib = (p) => import(${JSON.stringify(path.join(root, 'lib'))} + '/' + p);
    const { withoutHeader } = await lib('backends/sentinel/verify.js');
    const { loadTableSchemas, loadFunctionSchemas } = await lib('kql-check/table-schemas.js');
    const { analyseInPool } = await lib('kql-check/pool.js');
    const { threadsFor } = await lib('kql-check/schedule.js');
    const dir = ${JSON.stringify(sentinelDir)};
    const queries = [...new Set(readdirSync(dir).filter((f) => f.endsWith('.kql')).sort().map((f) => withoutHeader(readFileSync(path.join(dir, f), 'utf8'))))];
    const schemas = ${JSON.stringify(path.join(root, 'schemas/kql'))};
    const tables = loadTableSchemas(schemas), functions = loadFunctionSchemas(schemas);
    const threads = threadsFor(queries.length);
    const t0 = performance.now();
    const problems = analyseInPool(queries, tables, functions, threads).flat().length;
    const seconds = (performance.now() - t0) / 1000;
    const u = process.resourceUsage();
    console.log(JSON.stringify({ queries: queries.length, threads, problems, seconds, cpu: (u.userCPUTime + u.systemCPUTime) / 1e6 }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`Kusto.Language alone failed:\n${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** A hash of every file under `dir` (paths and bytes), to compare two builds' outputs. */
function treeHash(dir) {
  const h = createHash('sha256');
  const walkAll = (d) => readdirSync(d).sort().forEach((f) => {
    const p = path.join(d, f);
    if (statSync(p).isDirectory()) walkAll(p);
    else h.update(`${path.relative(dir, p)}\0`).update(readFileSync(p)).update('\0');
  });
  walkAll(dir);
  return h.digest('hex');
}

/** Replaces the first match of `re` in the rule file `file`. */
function edit(file, re, replace) {
  const text = readFileSync(file, 'utf8');
  if (!re.test(text)) throw new Error(`${file}: nothing matches ${re}`);
  writeFileSync(file, text.replace(re, replace));
}

// `--generate N DIR`: only write the repository (for profiling a build of it by hand).
if (process.argv[2] === '--generate') {
  const dir = repository(Number(process.argv[3]), path.resolve(process.argv[4]));
  console.log(dir);
  process.exit(0);
}

execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
console.log(`detc bench:compile (${os.cpus().length} cores, Node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})\n`);
console.log('rules   run                                  seconds   rules/s   CPU s   peak RSS');
let identical = true;
for (const n of sizes) {
  const dir = repository(n);
  const cache = path.join(dir, '.cache');
  try {
    const line = (what, r) => console.log(`${String(n).padStart(5)}   ${what.padEnd(34)} ${r.seconds.toFixed(2).padStart(9)} ${String(Math.round(n / r.seconds)).padStart(9)} ${r.cpu.toFixed(1).padStart(7)} ${`${Math.round(r.rss)} MiB`.padStart(10)}`);
    const same = (what, a, b) => {
      const ok = treeHash(path.join(dir, a)) === treeHash(path.join(dir, b));
      identical &&= ok;
      console.log(`${String(n).padStart(5)}   ${what}: ${ok ? 'byte-identical' : 'DIFFERENT'}`);
    };
    line('build, cold (empty cache)', detc(dir, 'build', '-q', '--cache', cache, '--out', 'cold'));
    const k = kustoAlone(path.join(dir, 'cold/sentinel'));
    console.log(`${String(n).padStart(5)}   ${`Kusto.Language alone (${k.threads} threads)`.padEnd(34)} ${k.seconds.toFixed(2).padStart(9)} ${''.padStart(9)} ${k.cpu.toFixed(1).padStart(7)} ${''.padStart(10)}   ${k.queries} distinct queries, ${k.problems} problems`);
    line('build, warm (same inputs)', detc(dir, 'build', '-q', '--cache', cache, '--out', 'warm'));
    same('warm = cold', 'warm', 'cold');
    const gen = readdirSync(path.join(dir, 'rules/gen')).sort();
    // One rule renamed: every file of the rule changes, its queries do not (no Kusto.Language analysis).
    edit(path.join(dir, 'rules/gen', gen[0]), /^name: (.*)$/m, 'name: $1 renamed');
    line('build, one rule renamed', detc(dir, 'build', '-q', '--cache', cache, '--out', 'cold'));
    // One rule's threshold changed: its queries change and are analysed.
    const tunable = gen.slice(1).find((f) => /\n    type: int\n    value: \d+/.test(readFileSync(path.join(dir, 'rules/gen', f), 'utf8')));
    edit(path.join(dir, 'rules/gen', tunable), /(\n    type: int\n    value: )(\d+)/, (_, a, v) => `${a}${Number(v) + 1}`);
    line("build, one rule's threshold changed", detc(dir, 'build', '-q', '--cache', cache, '--out', 'cold'));
    line('build, no cache', detc(dir, 'build', '-q', '--no-cache', '--out', 'nocache'));
    line('build, no cache, --workers 1', detc(dir, 'build', '-q', '--no-cache', '--workers', '1', '--out', 'one'));
    same('incremental (cache, all cores) = no cache, one thread', 'cold', 'one');
    same('no cache, all cores = no cache, one thread', 'nocache', 'one');
    line('check, cold (empty cache)', detc(dir, 'check', '--cache', path.join(dir, '.cache-check'), '--out', 'one'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (!identical) {
  console.error('\nOutputs differ between builds that must be byte-identical.');
  process.exitCode = 1;
}
