#!/usr/bin/env node
// npm run bench: events per second and peak memory of every engine on generated firewall streams, for
// ip-block-scan (one pass, state per open group) and scan-followed-by-access (its follow-ups are kept until the end,
// as a join keeps its side), at several stream sizes so that a memory figure that grows with the input shows.
// Each engine × size runs in its own process; the events are generated lazily and never held in memory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

if (args[0] === '--child') {
  const [, engineName, countText, dist, slug] = args;
  const count = Number(countText);
  const { runners } = await import(path.join(root, 'lib/targets/index.js'));
  const { loadProject, runOptions } = await import(path.join(root, 'lib/project.js'));
  const { loadRules } = await import(path.join(root, 'lib/load/load-rules.js'));
  const project = loadProject(root);
  const rule = loadRules(project.rulesDir, root).rules.find((r) => r.slug === slug);
  const engine = runners().find((e) => e.name === engineName);
  const now = Date.parse('2026-11-23T12:00:00Z');
  const opts = { ...runOptions(project, dist), now };
  let peak = 0;
  const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
  const timer = setInterval(sample, 20);
  // One hour of traffic: a pool of 5,000 benign clients holding sessions (so the open groups stop growing with the
  // stream), and in every block of 1,000 events a 30-connection burst from one of 40 scanners (a quarter of them
  // private), then one session from that scanner to a host it probed.
  async function* events() {
    for (let i = 0; i < count; i++) {
      if (i % 1024 === 0) await new Promise((r) => setImmediate(r)); // let the memory sampler run
      const t = now - 3_600_000 + Math.floor((i / count) * 3_600_000);
      const k = i % 1000;
      const s = Math.floor(i / 1000) % 40;
      const c = (i * 7919) % 5000;
      const scanner = s % 4 === 0 ? `10.9.0.${s}` : `198.51.100.${s}`;
      yield k < 30
        ? { time: t, src_ip: scanner, dst_ip: `203.0.113.${k % 16}`, dst_port: 1 + k, protocol: 'TCP', action: 'deny', device_vendor: 'Palo Alto Networks', device_product: 'PAN-OS' }
        : k === 30
          ? { time: t, src_ip: scanner, dst_ip: '203.0.113.5', dst_port: 443, protocol: 'TCP', action: 'allow', bytes_sent: 900, bytes_received: 5000, device_vendor: 'Palo Alto Networks', device_product: 'PAN-OS' }
          : { time: t, src_ip: `100.${64 + (c % 60)}.${Math.floor(c / 60)}.${1 + (c % 250)}`, dst_ip: `203.0.113.${c % 3}`, dst_port: [443, 53, 80][c % 3], protocol: 'TCP', action: 'allow', bytes_sent: 600 + (c % 400), bytes_received: 4000, device_vendor: 'Palo Alto Networks', device_product: 'PAN-OS' };
    }
  }
  const t0 = performance.now();
  // Re-iterable: a query that reads its table twice (a join, the ASIM variant) starts a new read, as a file would.
  const result = await engine.run(rule, { [Symbol.asyncIterator]: () => events() }, opts);
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  sample();
  console.log(JSON.stringify({ rule: slug, engine: engineName, events: count, seconds, eventsPerSecond: Math.round(count / seconds), peakRssMiB: Math.round(peak / 1048576), alerts: result.rows.length, skipped: result.ignores?.includes('rule') ?? false }));
  process.exit(0);
}

const HEAP_MIB = Number(process.env.BENCH_HEAP_MIB ?? 400);
const sizes = (process.env.BENCH_SIZES ?? '250000,500000,1000000').split(',').map(Number);
const dist = mkdtempSync(path.join(os.tmpdir(), 'detc-bench-'));
try {
  const { compileAll } = await import(path.join(root, 'lib/compile/compile.js'));
  const { writeOutput } = await import(path.join(root, 'lib/compile/write-output.js'));
  const { loadProject } = await import(path.join(root, 'lib/project.js'));
  writeOutput(dist, compileAll(loadProject(root)).files);
  const { runners } = await import(path.join(root, 'lib/targets/index.js'));
  const names = process.env.BENCH_ENGINES?.split(',') ?? runners().map((e) => e.name);
  const slugs = (process.env.BENCH_RULES ?? 'ip-block-scan,scan-followed-by-access').split(',');
  // The followed_by rule reads its table three times per query (and again for the ASIM variant): smaller streams.
  const sizesOf = (slug) => (slug === 'scan-followed-by-access' && !process.env.BENCH_SIZES ? sizes.map((n) => n / 5) : sizes);
  console.log(`detc bench: generated firewall streams (${os.cpus().length} cores, Node ${process.version}, heap capped at ${HEAP_MIB} MiB per run)\n`);
  console.log('rule                     engine      events     seconds   events/s   peak RSS   alerts');
  for (const slug of slugs) for (const name of names) {
    for (const n of sizesOf(slug)) {
      // A fixed heap cap: an engine whose state grew with the stream would run out of memory instead of
      // just showing a bigger figure (V8 otherwise lets the heap grow lazily, which inflates peak RSS).
      const out = execFileSync(process.execPath, [`--max-old-space-size=${HEAP_MIB}`, fileURLToPath(import.meta.url), '--child', name, String(n), dist, slug], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const r = JSON.parse(out.trim().split('\n').pop());
      if (r.skipped) {
        console.log(`${r.rule.padEnd(24)} ${r.engine.padEnd(10)} ${String(r.events).padStart(8)}   (the rule is not expressible for this engine)`);
        break;
      }
      console.log(`${r.rule.padEnd(24)} ${r.engine.padEnd(10)} ${String(r.events).padStart(8)} ${r.seconds.toFixed(2).padStart(10)} ${String(r.eventsPerSecond).padStart(10)} ${`${r.peakRssMiB} MiB`.padStart(10)} ${String(r.alerts).padStart(8)}`);
    }
  }
} finally {
  rmSync(dist, { recursive: true, force: true });
}
