import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outputDrift } from '../../src/compile/drift.js';
import { readTree } from '../helpers/read-tree.js';

// `detc check`'s drift: what `detc build` would change in the committed output folder. The build writes files and
// folders only, and replaces or removes anything else (write-output.ts), so a symbolic link is drift even when it
// leads to the right bytes, and a linked folder is never entered: before, both were followed (a link passed as the
// file it points to, a linked folder's files as committed output) and a dangling link failed the check with ENOENT.

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tree(): { root: string; out: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'detc-drift-'));
  made.push(root);
  const out = path.join(root, 'dist-rules');
  mkdirSync(path.join(out, 'sentinel'), { recursive: true });
  mkdirSync(path.join(root, 'elsewhere'));
  writeFileSync(path.join(out, 'sentinel/a.kql'), 'a\n');
  writeFileSync(path.join(out, 'sentinel/b.kql'), 'old b\n');
  writeFileSync(path.join(root, 'elsewhere/s.yml'), 's\n');
  return { root, out };
}

const files = [
  { path: 'sentinel/a.kql', content: 'a\n' },
  { path: 'sentinel/b.kql', content: 'b\n' },
  { path: 'sentinel/c.kql', content: 'a\n' },
  { path: 'sigma/s.yml', content: 's\n' },
];

describe('the drift of a committed output folder', () => {
  it('names stale, missing and extra files, in that order', () => {
    const { out } = tree();
    writeFileSync(path.join(out, 'sentinel/z.kql'), 'z\n');
    expect(outputDrift(out, files)).toEqual([
      { path: 'sentinel/b.kql', why: 'stale: differs from what the rules compile to' },
      { path: 'sentinel/c.kql', why: 'missing: the rules compile to it but it is not committed' },
      { path: 'sigma/s.yml', why: 'missing: the rules compile to it but it is not committed' },
      { path: 'sentinel/z.kql', why: 'extra: no rule compiles to it' },
    ]);
    expect(outputDrift(path.join(out, 'none'), files.slice(0, 1))).toEqual([{ path: 'sentinel/a.kql', why: 'missing: the rules compile to it but it is not committed' }]);
  });

  it('reports a link where a file belongs as stale, even to the right bytes, and does not enter a linked folder', () => {
    const { root, out } = tree();
    symlinkSync('a.kql', path.join(out, 'sentinel/c.kql'));
    symlinkSync(path.join(root, 'elsewhere'), path.join(out, 'sigma'));
    writeFileSync(path.join(out, 'sentinel/b.kql'), 'b\n');
    expect(outputDrift(out, files)).toEqual([
      { path: 'sentinel/c.kql', why: 'stale: a symbolic link or other non-file, where the rules compile to a file' },
      { path: 'sigma/s.yml', why: 'missing: the rules compile to it but it is not committed' },
      { path: 'sigma', why: 'extra: no rule compiles to it' },
    ]);
    // The reader of output trees leaves links out likewise.
    expect([...readTree(out).keys()]).toEqual(['sentinel/a.kql', 'sentinel/b.kql']);
  });

  it('reports a dangling link or a link loop as an extra entry instead of failing', () => {
    const { out } = tree();
    writeFileSync(path.join(out, 'sentinel/b.kql'), 'b\n');
    symlinkSync('nowhere', path.join(out, 'sentinel/gone.kql'));
    symlinkSync('..', path.join(out, 'sentinel/loop'));
    expect(outputDrift(out, files.slice(0, 2))).toEqual([
      { path: 'sentinel/gone.kql', why: 'extra: no rule compiles to it' },
      { path: 'sentinel/loop', why: 'extra: no rule compiles to it' },
    ]);
  });
});
