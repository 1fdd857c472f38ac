import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { readEventBatches } from '../../src/events/formats.js';
import { lineBatches } from '../../src/events/lines.js';
import { ownText } from '../../src/events/own-text.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Chunks of about a megabyte of `line(i)` lines, as a file is read. */
async function* chunks(count: number, line: (i: number) => string): AsyncGenerator<Buffer> {
  let i = 0;
  for (let c = 0; c < count; c++) {
    const lines: string[] = [];
    for (let size = 0; size < 1 << 20; i++) {
      const l = line(i);
      lines.push(l);
      size += l.length + 1;
    }
    yield Buffer.from(`${lines.join('\n')}\n`);
  }
}

/** Heap growth (MB) while keeping the source address of one event per chunk, as a group keeps its key. */
async function keptHeapMB(format: string, line: (i: number) => string): Promise<number> {
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: unknown[] = [];
  for await (const b of readEventBatches(lineBatches(chunks(32, line)), format, 'network_connection', 'x', {})) kept.push(b.rows[0]!.src_ip);
  gc();
  const grown = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  expect(kept).toHaveLength(32);
  expect(String(kept[1])).toMatch(/^198\.51\.\d+\.\d+$/);
  return grown;
}

const src = (i: number) => `198.51.${(i >> 8) & 255}.${i & 255}`;
const time = (i: number) => 1795431540000 + i;

describe('values cut out of a line hold only their own text', () => {
  it('ownText gives the same text', () => {
    for (const s of ['', 'a', '198.51.100.1', '198.51.100.123', 'x'.repeat(100), '\uD800é\u2028']) expect(ownText(s)).toBe(s);
  });

  it('a kept CEF value does not keep its chunk of the file (32 chunks of a megabyte read)', async () => {
    const grown = await keptHeapMB('cef', (i) => `CEF:0|Acme|FW|1|100|conn|5|rt=${time(i)} src=${src(i)} dst=203.0.113.${i & 255} dpt=${i & 1023} act=deny`);
    expect(grown).toBeLessThan(16); // a chunk each: over 30
  });

  it('a kept Zeek TSV cell does not keep its chunk of the file', async () => {
    const header = (i: number) => (i === 0 ? '#separator \\x09\n#fields\tts\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n' : '');
    const grown = await keptHeapMB('zeek', (i) => `${header(i)}${time(i) / 1000}\t${src(i)}\t40000\t203.0.113.${i & 255}\t${i & 1023}\ttcp`);
    expect(grown).toBeLessThan(16); // a chunk each: over 30
  });
});
