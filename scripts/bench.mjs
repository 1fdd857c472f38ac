#!/usr/bin/env node
// npm run bench: events per second and peak memory of every engine on generated firewall streams
// (ip-block-scan), at several stream sizes so that a memory figure that grows with the input shows.
// Each engine × size runs in its own process; the events are generated lazily and never held in memory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

if (args[0] === '--child') {
  const [, engineName, countText, dist] = args;
  const count = Number(countText);
  const { ENGINES } = await import(path.join(root, 'lib/engines/registry.js'));
  const { engineOptions } = await import(path.join(root, 'lib/fixtures/run-fixtures.js'));
  const { loadRules } = await import(path.join(root, 'lib/load/load-rules.js'));
  const rule = loadRules(path.join(root, 'rules'), root).rules.find((r) => r.slug === 'ip-block-scan');
  const engine = ENGINES.find((e) => e.name === engineName);
  const now = Date.parse('2026-11-23T12:00:00Z');
  const opts = { ...engineOptions(root, dist, path.join(root, 'templates'), path.join(root, 'schemas/kql')), now };
  let peak = 0;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const timer = setInterval(sample, 20);
  // One hour of traffic: a pool of 5,000 benign clients (so the open groups stop growing with the stream), and in
  // every block of 1,000 events a 30-connection burst from one of 40 scanners (a quarter of them private).
  async function* events() {
    for (let i = 0; i < count; i++) {
      if (i % 1024 === 0) await new Promise((r) => setImmediate(r)); // let the memory sampler run
      const t = now - 3_600_000 + Math.floor((i / count) * 3_600_000);
      const k = i % 1000;
      const s = Math.floor(i / 1000) % 40;
      const c = (i * 7919) % 5000;
      yield k < 30
        ? { time: t, src_ip: s % 4 === 0 ? `10.9.0.${s}` : `198.51.100.${s}`, dst_ip: `203.0.113.${k % 16}`, dst_port: 1 + k, protocol: 'TCP', action: 'deny', device_vendor: 'Palo Alto Networks', device_product: 'PAN-OS' }
        : { time: t, src_ip: `100.${64 + (c % 60)}.${Math.floor(c / 60)}.${1 + (c % 250)}`, dst_ip: `203.0.113.${c % 3}`, dst_port: [443, 53, 80][c % 3], protocol: 'TCP', action: 'allow', device_vendor: 'Palo Alto Networks', device_product: 'PAN-OS' };
    }
  }
  const t0 = performance.now();
  const result = await engine.run(rule, events(), opts);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  sample();
  console.log(JSON.stringify({ engine: engineName, events: count, seconds, eventsPerSecond: Math.round(count / seconds), peakRssMiB: Math.round(peak / 1048576), alerts: result.rows.length }));
  process.exit(0);
}

const HEAP_MIB = Number(process.env.BENCH_HEAP_MIB ?? 400);
const sizes = (process.env.BENCH_SIZES ?? '250000,500000,1000000').split(',').map(Number);
const dist = mkdtempSync(path.join(os.tmpdir(), 'detc-bench-'));
try {
  const { compileAll } = await import(path.join(root, 'lib/build/compile.js'));
  const { writeOutput } = await import(path.join(root, 'lib/build/write-output.js'));
  writeOutput(dist, compileAll({ cwd: root, rulesDir: 'rules' }).files);
  const { ENGINES } = await import(path.join(root, 'lib/engines/registry.js'));
  const names = process.env.BENCH_ENGINES?.split(',') ?? ENGINES.map((e) => e.name);
  console.log(`detc bench: ip-block-scan over generated firewall streams (${os.cpus().length} cores, Node ${process.version}, heap capped at ${HEAP_MIB} MiB per run)\n`);
  console.log('engine      events     seconds   events/s   peak RSS   alerts');
  for (const name of names) {
    for (const n of sizes) {
      // A fixed heap cap: an engine whose state grew with the stream would run out of memory instead of
      // just showing a bigger figure (V8 otherwise lets the heap grow lazily, which inflates peak RSS).
      const out = execFileSync(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, fileURLToPath(import.meta.url), '--child', name, String(n), dist], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const r = JSON.parse(out.trim().split('\n').pop());
      console.log(`${r.engine.padEnd(10)} ${String(r.events).padStart(8)} ${r.seconds.toFixed(2).padStart(10)} ${String(r.eventsPerSecond).padStart(10)} ${`${r.peakRssMiB} MiB`.padStart(10)} ${String(r.alerts).padStart(8)}`);
    }
  }
} finally {
  rmSync(dist, { recursive: true, force: true });
}
