import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRows, type Row } from '../../src/events/model.js';
import { referenceEngine } from '../../src/reference/index.js';
import { runners } from '../../src/targets/index.js';
import { transpiled } from '../../src/engines/typescript/index.js';
import { engineOpts, ownPack } from '../helpers/dist.js';
import { run } from '../helpers/cli.js';
import { loadedBy } from '../helpers/loaded-by.js';

const ROOT = path.resolve(__dirname, '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-ts-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the typescript engine runs the emitted module as it is on disk', () => {
  it('a threshold raised by hand in the emitted .ts fails detc test, in the typescript engine alone', async () => {
    // The rule whose module is edited, with its fixtures and the shared lists: only its fixtures run (--rule), and a
    // build of every rule held this worker silent for twenty seconds.
    for (const p of ['lists', 'network/ip-block-scan.yml', 'network/ip-block-scan.test.yml', 'network/ip-block-scan.fixtures']) {
      cpSync(path.join(ROOT, 'rules', p), path.join(dir, 'rules', p), { recursive: true });
    }
    const b = await run(dir, 'build', '-q');
    expect(b.code, b.err).toBe(0);
    const file = path.join(dir, 'dist-rules/typescript/ip-block-scan.ts');
    const text = readFileSync(file, 'utf8');
    // port_threshold (20) as compiled: the one comparison `n >= 20`.
    expect(text.match(/n >= 20\b/g)).toHaveLength(1);
    writeFileSync(file, text.replace(/n >= 20\b/, 'n >= 21'));
    const t = await run(dir, 'test', '--rule', 'rules/network/ip-block-scan.yml', '--reporter', 'json');
    expect(t.code).toBe(1);
    const failed = (JSON.parse(t.out) as { tests: { engine: string; ok: boolean; rule?: string }[] }).tests.filter((x) => !x.ok);
    expect(failed.length).toBeGreaterThan(0);
    expect(new Set(failed.map((x) => x.engine))).toEqual(new Set(['typescript']));
  }, 240_000);

  it('reads a one-shot stream in one pass, even for followed_by and first_seen (which other engines read twice)', async () => {
    const { rules, dist } = ownPack();
    const ts = runners().find((r) => r.name === 'typescript')!;
    for (const slug of ['scan-followed-by-access', 'first-seen-external-source']) {
      const rule = rules.find((r) => r.slug === slug)!;
      const fixtures = path.join(ROOT, 'rules/network', `${slug}.fixtures`);
      const events: Row[] = readdirJsonl(fixtures);
      const now = Date.parse('2026-11-23T12:00:00Z');
      const ref = await referenceEngine.run(rule, events, engineOpts(dist, now));
      const once = (async function* () {
        yield* events;
      })();
      const got = await ts.run(rule, once, engineOpts(dist, now));
      expect(ref.rows.length, slug).toBeGreaterThan(0);
      expect(projectRows(got.rows, got.keys), slug).toEqual(projectRows(ref.rows, got.keys));
    }
  }, 120_000);

  it('is loaded only by the commands that need it: not by detc --help, nor by detc run --engine kql', async () => {
    // A cache of its own: the typescript engine finds a module it transpiled before there (see below).
    const cacheDir = mkdtempSync(path.join(dir, 'cache-'));
    const ts = async (...argv: string[]) => {
      const { code, tsMorph } = await loadedBy(cacheDir, ...argv);
      return { code, tsMorph };
    };
    const runArgs = ['run', 'rules/network/ip-block-scan.yml', '--events', 'rules/network/ip-block-scan.fixtures/port-scan-20.jsonl', '--now', '2026-11-23T12:00:00Z'];
    expect(await ts('--help')).toEqual({ code: 0, tsMorph: false });
    expect(await ts(...runArgs, '--engine', 'kql')).toEqual({ code: 0, tsMorph: false });
    // The control: the typescript engine does load it, to transpile a module it has not seen.
    expect(await ts(...runArgs, '--engine', 'typescript')).toEqual({ code: 0, tsMorph: true });
    // The same module again: its JavaScript comes from the cache, and TypeScript is not loaded.
    expect(await ts(...runArgs, '--engine', 'typescript')).toEqual({ code: 0, tsMorph: false });
  }, 120_000);

  it('caches the JavaScript of a module by its exact text: an edited module is transpiled anew, a corrupt entry is ignored', () => {
    const cacheDir = mkdtempSync(path.join(dir, 'cache-'));
    const source = 'export const threshold: number = 20;\n';
    const edited = 'export const threshold: number = 21;\n';
    expect(transpiled(source, 'a.ts', cacheDir)).toContain('threshold = 20');
    const entries = () => readdirSync(path.join(cacheDir, 'typescript-js')).filter((f) => f.endsWith('.json'));
    expect(entries()).toHaveLength(1);
    expect(transpiled(edited, 'a.ts', cacheDir)).toContain('threshold = 21');
    expect(entries()).toHaveLength(2);
    for (const f of entries()) writeFileSync(path.join(cacheDir, 'typescript-js', f), '{"format":1,"key":"x","value":"export const threshold = 99;"}');
    expect(transpiled(source, 'a.ts', cacheDir)).toContain('threshold = 20');
    expect(transpiled(edited, 'a.ts', undefined)).toContain('threshold = 21');
  });
});

/** Every canonical JSON-lines event of a fixture folder. */
function readdirJsonl(folder: string): Row[] {
  return readdirSync(folder)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()
    .flatMap((f) => readFileSync(path.join(folder, f), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Row));
}
