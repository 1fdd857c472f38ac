import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { eventInputs } from '../../src/events/inputs.js';

// `detc run --events` as log exports come: several files, a folder, a glob, gzip-compressed files; all one stream.
const ROOT = path.resolve(__dirname, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'detc-run-inputs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SCAN = 'rules/network/scan-followed-by-access.fixtures/ports-20.jsonl';
const lines = readFileSync(path.join(ROOT, SCAN), 'utf8').trimEnd().split('\n');
const half = Math.ceil(lines.length / 2);

async function run(stdin: string, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['run', 'rules/network/scan-followed-by-access.yml', '--now', '2026-11-23T12:00:00Z', '--threads', '1', ...argv], {
    cwd: ROOT, out: (s) => out.push(s), err: (s) => err.push(s), stdin: Readable.from([stdin]),
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function write(rel: string, text: string | Buffer): string {
  const file = path.join(tmp, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

describe('detc run --events: files, folders, globs, .gz', () => {
  it('the rule raises its alert on the whole file (the baseline of the cases below)', async () => {
    const whole = await run('', '--events', SCAN);
    expect(whole.code).toBe(0);
    expect(whole.out).toMatch(/"SourceIP":"198\.51\.100\.\d+"/);
  });

  it('several files, a folder (name order), a glob and .gz files give the alerts of the one file', async () => {
    const whole = await run('', '--events', SCAN);
    // The scan in the first half, the session that follows it in the second: only one stream of both alerts.
    const a = write('two/1-first.jsonl', lines.slice(0, half).join('\n') + '\n');
    const b = write('two/2-second.jsonl', lines.slice(half).join('\n'));
    expect((await run('', '--events', a, '--events', b)).out).toBe(whole.out);
    expect((await run('', '--events', path.join(tmp, 'two'))).out).toBe(whole.out);
    write('gz/x/1.jsonl.gz', gzipSync(lines.slice(0, half).join('\n') + '\n'));
    write('gz/y/2.jsonl.gz', gzipSync(lines.slice(half).join('\n')));
    const glob = await run('', '--events', `${path.relative(ROOT, tmp)}/gz/**/*.jsonl.gz`);
    expect(glob.err).toBe('');
    expect(glob.out).toBe(whole.out);
    // Each part alone does not raise it.
    expect((await run('', '--events', b)).out).toBe('');
  });

  it('a query that reads its events twice reads standard input twice (spooled), with every engine agreeing', async () => {
    const r = await run(lines.join('\n'), '--events', '-', '--engine', 'all');
    expect(r.code).toBe(0);
    expect(r.out).toBe((await run('', '--events', SCAN)).out);
    expect(r.err).toMatch(/engines agree: 1 alerts from \d+ events/);
  });

  it('an error names the file of the stream and its own line', async () => {
    const a = write('bad/1.jsonl', lines.slice(0, 3).join('\n') + '\n');
    write('bad/2.jsonl.gz', gzipSync(`${lines[3]}\n{"time": oops}\n`));
    const r = await run('', '--events', a, '--events', path.join(tmp, 'bad/*.gz'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\/2\.jsonl\.gz:2: not a JSON object/);
  });

  it('a folder is its files in name order, a glob its matches in path order', () => {
    for (const f of ['order/b.jsonl', 'order/a.jsonl', 'order/c/z.jsonl', 'order/10.jsonl', 'order/c/a.jsonl.gz']) write(f, '');
    const rel = path.relative(ROOT, tmp);
    expect(eventInputs([`${rel}/order`], ROOT, () => process.stdin).map((i) => i.name)).toEqual([`${rel}/order/10.jsonl`, `${rel}/order/a.jsonl`, `${rel}/order/b.jsonl`]);
    expect(eventInputs([`${rel}/order/**/*.jsonl*`], ROOT, () => process.stdin).map((i) => i.name)).toEqual([`${rel}/order/10.jsonl`, `${rel}/order/a.jsonl`, `${rel}/order/b.jsonl`, `${rel}/order/c/a.jsonl.gz`, `${rel}/order/c/z.jsonl`]);
    expect(eventInputs([`${rel}/order/?.jsonl`, `${rel}/order/c/*`], ROOT, () => process.stdin).map((i) => i.name)).toEqual([`${rel}/order/a.jsonl`, `${rel}/order/b.jsonl`, `${rel}/order/c/a.jsonl.gz`, `${rel}/order/c/z.jsonl`]);
  });

  it('a glob matching nothing and an empty folder are bad input, naming them', async () => {
    mkdirSync(path.join(tmp, 'empty'), { recursive: true });
    const none = await run('', '--events', path.join(tmp, 'nothing-*.jsonl'));
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/nothing-\*\.jsonl:1: no file matches this pattern/);
    const empty = await run('', '--events', path.join(tmp, 'empty'));
    expect(empty.code).toBe(1);
    expect(empty.err).toMatch(/empty:1: the folder has no files of events/);
  });

  it('--threads takes a whole number', async () => {
    const r = await run('', '--events', SCAN, '--threads', '0');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--threads needs a whole number/);
  });
});
