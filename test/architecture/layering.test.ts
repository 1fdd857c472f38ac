import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The import rules of docs/architecture.md, checked on src/: a module imports only its own layer or lower ones,
// targets are named only by the registry and their own folders, and no import circle exists.
const SRC = path.resolve(__dirname, '../../src');

/** Layers from the bottom up; a folder (or top-level file) of src/ belongs to exactly one. */
const LAYERS: string[][] = [
  ['ir'],
  ['util'],
  ['events'],
  ['load', 'kql-check'],
  ['mapping'],
  ['backends'],
  ['engines'],
  ['reference'],
  ['targets'],
  ['config'],
  ['project'],
  ['compile', 'verify', 'coverage', 'ingest'],
  ['report'],
  ['cli'],
];
/** Target folders: a backend and an engine per target (files directly in backends/ and engines/ are shared). */
const TARGET_FOLDERS = ['backends', 'engines'];

function walk(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = path.join(d, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const rel = (p: string) => path.relative(SRC, p).split(path.sep).join('/');
const files = walk(SRC).map(rel).sort();
const imports = new Map(files.map((f) => {
  const text = readFileSync(path.join(SRC, f), 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)].map((m) => m[1]!);
  return [f, specs.map((s) => rel(path.resolve(SRC, path.dirname(f), s)).replace(/\.js$/, '.ts'))];
}));
const top = (f: string) => f.split('/')[0]!.replace(/\.ts$/, '');
const layerOf = (f: string) => LAYERS.findIndex((l) => l.includes(top(f)));
/** `backends/sentinel`, `engines/kql`, or undefined for a shared file of those folders and everything else. */
const targetFolder = (f: string) => (TARGET_FOLDERS.includes(top(f)) && f.split('/').length > 2 ? f.split('/').slice(0, 2).join('/') : undefined);

describe('layering', () => {
  it('every source file belongs to a layer', () => {
    expect(files.filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('no module imports a higher layer', () => {
    const up = [...imports].flatMap(([f, to]) => to.filter((t) => layerOf(t) > layerOf(f)).map((t) => `${f} → ${t}`));
    expect(up).toEqual([]);
  });

  it('ir/ imports nothing of ours', () => {
    expect([...imports].filter(([f]) => top(f) === 'ir').flatMap(([f, to]) => to.filter((t) => top(t) !== 'ir').map((t) => `${f} → ${t}`))).toEqual([]);
  });

  it("backends never import each other or engines; engines never import backends, each other or the harness's callers", () => {
    const bad = [...imports].flatMap(([f, to]) => {
      const mine = targetFolder(f);
      return to
        .filter((t) => {
          if (top(f) === 'backends') return (targetFolder(t) && targetFolder(t) !== mine) || top(t) === 'engines';
          if (top(f) === 'engines') return top(t) === 'backends' || (mine && (t === 'engines/harness.ts' || (targetFolder(t) && targetFolder(t) !== mine)));
          return false;
        })
        .map((t) => `${f} → ${t}`);
    });
    expect(bad).toEqual([]);
  });

  it('only targets/ imports a target folder (backends/<t>/, engines/<t>/) from outside it', () => {
    const bad = [...imports].flatMap(([f, to]) =>
      to.filter((t) => targetFolder(t) && targetFolder(t) !== targetFolder(f) && top(f) !== 'targets').map((t) => `${f} → ${t}`),
    );
    expect(bad).toEqual([]);
  });

  it("names a target ('sentinel', 'splunk', 'sigma') only in the registry and the targets' own folders", () => {
    const named = files.filter((f) => /'(sentinel|splunk|sigma)'/.test(readFileSync(path.join(SRC, f), 'utf8')));
    expect(named.filter((f) => top(f) !== 'targets' && !targetFolder(f))).toEqual([]);
  });

  it('has no import circle', () => {
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (f: string, trail: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        circles.push([...trail.slice(trail.indexOf(f)), f].join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const t of imports.get(f) ?? []) visit(t, [...trail, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(circles).toEqual([]);
  });
});
