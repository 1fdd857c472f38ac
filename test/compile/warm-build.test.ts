import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kustoLoaded } from '../../src/kql-check/kusto.js';
import { standbySize } from '../../src/kql-check/pool.js';
import { prestartFor } from '../../src/kql-check/schedule.js';
import { run } from '../helpers/cli.js';
import { loadedBy } from '../helpers/loaded-by.js';

// Issue 12: heavy modules load only when needed. This file is alone so that no other test loads Kusto.Language into
// this thread first.
const ROOT = path.resolve(__dirname, '../..');
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'detc-warm-'));
  made.push(d);
  mkdirSync(path.join(d, 'rules/network'), { recursive: true });
  cpSync(path.join(ROOT, 'rules/lists'), path.join(d, 'rules/lists'), { recursive: true });
  cpSync(path.join(ROOT, 'rules/network/icmp-ping-sweep.yml'), path.join(d, 'rules/network/icmp-ping-sweep.yml'));
  return d;
}

describe('Kusto.Language is loaded only for a query to analyse', () => {
  it('a rebuild with nothing changed does not load Kusto.Language; one with a changed query does', async () => {
    const d = repo();
    // The cold build analyses on worker threads, so this thread has not loaded Kusto.Language either way.
    expect((await run(d, 'build', '-q', '--cache', 'c', '--workers', '2')).code).toBe(0);
    expect(kustoLoaded()).toBe(false);
    // A rebuild's few changed queries go to one worker, which is therefore started ahead of the build (prestartFor);
    // once this thread has loaded Kusto.Language they stay here, and none is (below).
    const spare = () => {
      const release = prestartFor(3, path.join(d, 'c'));
      const size = standbySize();
      release?.();
      return size;
    };
    expect(spare()).toBe(1);
    // With one worker, any analysis would run in this thread.
    expect((await run(d, 'build', '-q', '--cache', 'c', '--workers', '1')).code).toBe(0);
    expect(kustoLoaded()).toBe(false);
    const file = path.join(d, 'rules/network/icmp-ping-sweep.yml');
    const threshold = (n: number) => writeFileSync(file, readFileSync(file, 'utf8').replace(/(host_threshold:\n    type: int\n    value: )\d+\n/, `$1${n}\n`));
    // By default the few queries of a changed rule are analysed on a worker thread, which loads Kusto.Language while
    // this thread compiles the other targets.
    threshold(117);
    expect((await run(d, 'build', '-q', '--cache', 'c')).code).toBe(0);
    expect(readFileSync(path.join(d, 'dist-rules/sentinel/icmp-ping-sweep.kql'), 'utf8')).toMatch(/>= 117\b/);
    expect(kustoLoaded()).toBe(false);
    // What that worker finds fails the build as the build's own thread would.
    mkdirSync(path.join(d, 'templates/sentinel'), { recursive: true });
    writeFileSync(path.join(d, 'templates/sentinel/query.hbs'), '{{table}}\n| where NoSuchColumn == 1\n{{#each stages}}\n| {{this}}\n{{/each}}');
    const found = await run(d, 'build', '-q', '--cache', 'c');
    expect(found.code).toBe(1);
    expect(found.err).toMatch(/error DETC411: KQL \S+ in dist-rules\/sentinel\/icmp-ping-sweep\.kql .*NoSuchColumn/);
    expect(kustoLoaded()).toBe(false);
    rmSync(path.join(d, 'templates'), { recursive: true });
    threshold(118);
    expect((await run(d, 'build', '-q', '--cache', 'c', '--workers', '1')).code).toBe(0);
    expect(kustoLoaded()).toBe(true);
    expect(spare()).toBe(0);
  });
});

describe('TypeScript (ts-morph) is loaded only for a module to print', () => {
  it('a rebuild whose modules all come from the cache does not load it; one with a changed rule does', async () => {
    const d = repo();
    // loadedBy runs detc in detc's own folder: the rules and the output are named by absolute paths.
    const build = async () => {
      const { code, tsMorph } = await loadedBy(path.join(d, 'c'), 'build', '-q', '--rules', path.join(d, 'rules'), '--out', path.join(d, 'out'));
      return { code, tsMorph };
    };
    // The control: a cold build prints the module, with TypeScript's printer.
    expect(await build()).toEqual({ code: 0, tsMorph: true });
    expect(await build()).toEqual({ code: 0, tsMorph: false });
    const file = path.join(d, 'rules/network/icmp-ping-sweep.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/(host_threshold:\n    type: int\n    value: )\d+\n/, '$1119\n'));
    expect(await build()).toEqual({ code: 0, tsMorph: true });
    expect(readFileSync(path.join(d, 'out/typescript/icmp-ping-sweep.ts'), 'utf8')).toMatch(/>= 119\b/);
  }, 120_000);
});
