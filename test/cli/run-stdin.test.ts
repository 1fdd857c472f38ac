import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

const ROOT = path.resolve(__dirname, '../..');
const SCAN = 'rules/network/ip-block-scan.fixtures/port-scan-20.jsonl';

async function runWithStdin(stdin: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { cwd: ROOT, out: (s) => out.push(s), err: (s) => err.push(s), stdin: Readable.from([stdin]) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('detc run --events -', () => {
  const args = ['run', 'rules/network/ip-block-scan.yml', '--now', '2026-11-23T12:00:00Z'];

  it('reads the events from standard input, as from the file', async () => {
    const fromFile = await runWithStdin('', ...args, '--events', SCAN);
    const fromStdin = await runWithStdin(readFileSync(path.join(ROOT, SCAN), 'utf8'), ...args, '--events', '-');
    expect(fromStdin.err).toBe('');
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.out).toMatch(/"SourceIP":"198\.51\.100\.10"/);
    expect(fromStdin.out).toBe(fromFile.out);
  });

  it('names standard input in an error, with the line', async () => {
    const r = await runWithStdin('{"time":"2026-11-23T11:30:00Z"}\nnot json\n', ...args, '--events', '-');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^detc run: <stdin>:2: not a JSON object/);
  });
});
