#!/usr/bin/env node
// npm run bench:compile: build times at repository scale. Generates repositories of N rules from the project's own
// (each copy under a fresh id and name), then times whole `detc build` processes: cold (empty cache), warm (the same
// inputs again), after one rule's name changed, and cold without the cache. Prints wall seconds, rules/s and peak RSS.
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

/** One `detc build` process in `dir`: wall seconds and peak RSS (MiB). */
function build(dir, ...args) {
  const wrapper = `process.on('exit', () => process.stderr.write('\\nMAXRSS ' + process.resourceUsage().maxRSS + '\\n')); const { main } = await import(${JSON.stringify(path.join(root, 'lib/cli/main.js'))}); process.exitCode = await main(${JSON.stringify(['build', '-q', ...args])}, { cwd: ${JSON.stringify(dir)}, out: (s) => console.log(s), err: (s) => console.error(s) });`;
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', wrapper], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`detc build failed in ${dir}:\n${r.stderr.slice(-2000)}`);
  const rss = Number(/MAXRSS (\d+)/.exec(r.stderr)?.[1] ?? 0) / 1024;
  return { seconds, rss };
}

// `--generate N DIR`: only write the repository (for profiling a build of it by hand).
if (process.argv[2] === '--generate') {
  const dir = repository(Number(process.argv[3]), path.resolve(process.argv[4]));
  console.log(dir);
  process.exit(0);
}

execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
console.log(`detc bench:compile (${os.cpus().length} cores, Node ${process.version})\n`);
console.log('rules   run                        seconds   rules/s   peak RSS');
for (const n of sizes) {
  const dir = repository(n);
  const cache = path.join(dir, '.cache');
  try {
    const line = (what, r) => console.log(`${String(n).padStart(5)}   ${what.padEnd(24)} ${r.seconds.toFixed(2).padStart(9)} ${String(Math.round(n / r.seconds)).padStart(9)} ${`${Math.round(r.rss)} MiB`.padStart(10)}`);
    line('cold (empty cache)', build(dir, '--cache', cache));
    line('warm (same inputs)', build(dir, '--cache', cache));
    const one = path.join(dir, 'rules/gen', readdirSync(path.join(dir, 'rules/gen'))[0]);
    writeFileSync(one, readFileSync(one, 'utf8').replace(/^name: (.*)$/m, 'name: $1 renamed'));
    line('one rule renamed', build(dir, '--cache', cache));
    line('no cache', build(dir, '--no-cache'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
