import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventFiles } from '../../src/events/event-files.js';
import { eventInputs } from '../../src/events/inputs.js';
import { lineRanges, parallelReader, portableNatives } from '../../src/ingest/parallel-read.js';
import { ruleFieldsRead } from '../../src/mapping/mapping.js';
import { ENGINES, engineOpts, natives, ownPack, project } from '../helpers/dist.js';
import { generateScanStream, NOW as BENCH_NOW } from '../../scripts/bench/generate.mjs';
import { NOW } from '../helpers/events.js';

// A multi-threaded read must give every engine exactly the events of a single-threaded one: same alerts, same order,
// same first-seen values and value sets, and the same error line.
const { rules, dist } = ownPack();
const opts = engineOpts(dist, NOW);
const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-threads-'));
let workerUrl: URL;

beforeAll(async () => {
  // Tests run the TypeScript sources; the worker thread needs JavaScript: the worker module, bundled.
  const out = path.join(dir, 'decode-worker.mjs');
  await build({ entryPoints: [path.resolve(__dirname, '../../src/ingest/decode-worker.ts')], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'silent' });
  workerUrl = pathToFileURL(out);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A random firewall stream: a few scanners among many clients, vendors varying, in time order over the hour. */
function randomStream(seed: number, count: number): string {
  let x = seed;
  const rnd = (m: number) => {
    x = (x * 1103515245 + 12345) >>> 0;
    return (x >>> 8) % m;
  };
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const t = new Date(NOW - 3_600_000 + Math.floor((i / count) * 3_600_000)).toISOString();
    const scanner = rnd(4) === 0;
    const src = scanner ? `198.51.100.${rnd(6)}` : rnd(10) === 0 ? `10.0.0.${rnd(50)}` : `100.64.${rnd(8)}.${rnd(40)}`;
    lines.push(JSON.stringify({
      time: t, src_ip: src, dst_ip: `203.0.113.${rnd(scanner ? 30 : 3)}`, dst_port: scanner ? 1 + rnd(200) : [443, 80][rnd(2)],
      protocol: 'TCP', action: rnd(3) ? 'deny' : 'allow', bytes_sent: rnd(5000), bytes_received: rnd(9000),
      device_vendor: ['Palo Alto Networks', 'Fortinet', 'Check Point'][rnd(3)], device_product: ['PAN-OS', 'FortiGate'][rnd(2)],
    }));
  }
  return lines.join('\n') + '\n';
}

function files(file: string, threads: number) {
  const inputs = eventInputs([file], dir, () => process.stdin);
  return new EventFiles(inputs, {
    format: 'canonical',
    source: 'network_connection',
    natives: {},
    // Small ranges, so a few thousand events are cut into many ranges and decoded out of order.
    split: threads > 1 ? parallelReader({ threads, natives: {}, workerUrl, minBytes: 0, rangeBytes: 8 << 10 }) : undefined,
  });
}

describe('detc run --threads', () => {
  const file = path.join(dir, 'random.jsonl');
  writeFileSync(file, randomStream(7, 6000));

  it('cuts ranges at line breaks', () => {
    const ranges = lineRanges(file, Buffer.byteLength(randomStream(7, 6000)), 8 << 10);
    expect(ranges.length).toBeGreaterThan(20);
    expect(ranges[0]![0]).toBe(0);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
  });

  it('hands on the events in file order, each with its time', async () => {
    const read = async (threads: number) => {
      const out: string[] = [];
      for await (const b of files(file, threads).batches()) b.rows.forEach((r, i) => out.push(`${JSON.stringify(r)} ${b.times[i]}`));
      return out;
    };
    const one = await read(1);
    expect(one).toHaveLength(6000);
    expect(await read(3)).toEqual(one);
  });

  for (const slug of ['ip-block-scan', 'scan-followed-by-access']) {
    it(`every engine raises the same alerts, in the same order, on ${slug}`, async () => {
      const rule = rules.find((r) => r.slug === slug)!;
      for (const engine of ENGINES) {
        const one = await engine.run(rule, files(file, 1), opts);
        const two = await engine.run(rule, files(file, 3), opts);
        expect(two.rows.length, engine.name).toBe(one.rows.length);
        expect(JSON.stringify(two.rows), engine.name).toBe(JSON.stringify(one.rows));
        if (engine.name === 'reference') expect(one.rows.length, slug).toBeGreaterThan(0);
      }
    });
  }

  it('a Sentinel export read for the rule\'s fields only, by one thread or several, gives every engine the alerts of the whole events', async () => {
    const sentinel = path.join(dir, 'scan.sentinel.jsonl');
    generateScanStream(sentinel, { rows: 20000, seed: 3, cardinality: 'high' });
    const rule = rules.find((r) => r.slug === 'ip-block-scan')!;
    const read = (threads: number, fields?: ReadonlySet<string>) => new EventFiles(eventInputs([sentinel], dir, () => process.stdin), {
      format: 'sentinel',
      source: 'network_connection',
      natives,
      fields,
      split: threads > 1 ? parallelReader({ threads, natives: portableNatives(project), workerUrl, minBytes: 0, rangeBytes: 256 << 10 }) : undefined,
    });
    const at = { ...opts, now: Date.parse(BENCH_NOW) };
    for (const engine of ENGINES) {
      const whole = JSON.stringify((await engine.run(rule, read(1), at)).rows);
      expect(JSON.stringify((await engine.run(rule, read(1, ruleFieldsRead(rule)), at)).rows), engine.name).toBe(whole);
      expect(JSON.stringify((await engine.run(rule, read(3, ruleFieldsRead(rule)), at)).rows), engine.name).toBe(whole);
      if (engine.name === 'reference') expect(JSON.parse(whole).length).toBeGreaterThan(0);
    }
  });

  it('names the same line of a bad event as a single-threaded read', async () => {
    const lines = randomStream(9, 3000).split('\n');
    lines[2222] = '{"time": "2026-11-23T11:30:00Z", "src_ip": ';
    const bad = path.join(dir, 'bad.jsonl');
    writeFileSync(bad, lines.join('\n'));
    const rule = rules.find((r) => r.slug === 'ip-block-scan')!;
    const reference = ENGINES.find((e) => e.name === 'reference')!;
    await expect(reference.run(rule, files(bad, 1), opts)).rejects.toThrow(/bad\.jsonl:2223: not a JSON object/);
    await expect(reference.run(rule, files(bad, 3), opts)).rejects.toThrow(/bad\.jsonl:2223: not a JSON object/);
  });
});
