import { execFileSync, spawn } from 'node:child_process';
import * as realFs from 'node:fs';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readTree } from '../helpers/read-tree.js';
import { writeOutput } from '../../src/compile/write-output.js';
import { DiagnosticError, formatDiagnostic } from '../../src/load/diagnostics.js';
import { compiledLib } from '../helpers/lib.js';

// node:fs as write-output.ts sees it: each rename can be observed, and a write can be made to fail like a full disk.
const hooks = vi.hoisted(() => ({
  afterRename: undefined as undefined | (() => void),
  failWrite: undefined as undefined | ((p: string) => Error | undefined),
  failRename: undefined as undefined | ((to: string) => Error | undefined),
}));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    renameSync: (a: realFs.PathLike, b: realFs.PathLike) => {
      const err = hooks.failRename?.(String(b));
      if (err) throw err;
      fs.renameSync(a, b);
      hooks.afterRename?.();
    },
    writeFileSync: (p: realFs.PathOrFileDescriptor, ...rest: unknown[]) => {
      const err = typeof p === 'string' ? hooks.failWrite?.(p) : undefined;
      if (err) throw err;
      return (fs.writeFileSync as (...a: unknown[]) => void)(p, ...rest);
    },
  };
});

const files = (tag: string, n = 5) => Array.from({ length: n }, (_, i) => ({ path: `t${i % 2}/f${i}.txt`, content: `${tag} ${i}\n` }));

describe('writeOutput: the output folder is replaced without a gap, under a lock (issue 13, item 8)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'detc-write-'));
  });
  afterAll(() => {
    hooks.afterRename = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('dist-rules/ exists after every rename of a rebuild, and ends as exactly the new tree', () => {
    const out = path.join(dir, 'gapless', 'dist-rules');
    writeOutput(out, files('old', 6));
    let renames = 0;
    hooks.afterRename = () => {
      renames++;
      expect(existsSync(out)).toBe(true);
    };
    writeOutput(out, [...files('new', 3), { path: 'extra/new.txt', content: 'n\n' }]);
    hooks.afterRename = undefined;
    expect(renames).toBeGreaterThan(0);
    expect(Object.fromEntries(readTree(out))).toEqual(Object.fromEntries([...files('new', 3), { path: 'extra/new.txt', content: 'n\n' }].map((f) => [f.path, f.content])));
    expect(readdirSync(path.dirname(out))).toEqual(['dist-rules']);
  });

  it('staging folders and a lock left by a killed build are removed by the next build', () => {
    const parent = path.join(dir, 'killed');
    const out = path.join(parent, 'dist-rules');
    writeOutput(out, files('old'));
    // A pid that is surely gone: a child that has exited.
    const dead = Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }));
    mkdirSync(path.join(parent, `.dist-rules-staging-${dead}/sentinel`), { recursive: true });
    mkdirSync(path.join(parent, `.dist-rules-old-${dead}`));
    writeFileSync(path.join(parent, '.dist-rules.lock'), JSON.stringify({ pid: dead, host: os.hostname(), since: '2026-01-01T00:00:00Z' }));
    writeOutput(out, files('new'), { lockWaitMs: 0 });
    expect(readdirSync(parent)).toEqual(['dist-rules']);
    expect(readTree(out).get('t0/f0.txt')).toBe('new 0\n');
  });

  it('a lock held by a running build: waits, then one coded line naming the folder, the holder and the lock', async () => {
    const parent = path.join(dir, 'held');
    const out = path.join(parent, 'dist-rules');
    writeOutput(out, files('old'));
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(path.join(parent, '.dist-rules.lock'), JSON.stringify({ pid: holder.pid, host: os.hostname(), since: '2026-12-03T08:00:00.000Z' }));
      let err: unknown;
      try {
        writeOutput(out, files('new'), { lockWaitMs: 200, cwd: parent });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DiagnosticError);
      expect((err as DiagnosticError).diagnostics.map(formatDiagnostic)).toEqual([
        `dist-rules:1:1: error DETC022: another detc build (pid ${holder.pid}, since 2026-12-03T08:00:00.000Z) is writing this folder; wait for it to finish, or delete .dist-rules.lock if that process is not detc`,
      ]);
      expect(readTree(out).get('t0/f0.txt')).toBe('old 0\n');
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('a full disk while writing: one coded line, exit-1 class (not internal), the old output byte for byte', () => {
    const out = path.join(dir, 'full', 'dist-rules');
    writeOutput(out, files('old'));
    hooks.failWrite = (p) => (p.includes('-staging-') && p.endsWith('f3.txt') ? Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write', path: p }) : undefined);
    let err: unknown;
    try {
      writeOutput(out, files('new'), { cwd: dir });
    } catch (e) {
      err = e;
    } finally {
      hooks.failWrite = undefined;
    }
    expect(err).toBeInstanceOf(DiagnosticError);
    expect((err as DiagnosticError).diagnostics.map(formatDiagnostic)[0]).toMatch(/^full\/dist-rules\/t1\/f3\.txt:1:1: error DETC021: cannot write: no space left on device \(ENOSPC\); the previous output is unchanged$/);
    expect(Object.fromEntries(readTree(out))).toEqual(Object.fromEntries(files('old').map((f) => [f.path, f.content])));
    expect(readdirSync(path.dirname(out))).toEqual(['dist-rules']);
  });

  it('a failure half-way through the swap (a read-only sub-folder) puts the old tree back', () => {
    const out = path.join(dir, 'half', 'dist-rules');
    const old = [...files('old', 6), { path: 'gone/only-old.txt', content: 'o\n' }];
    writeOutput(out, old);
    // t1/ is read-only: its first rename fails after t0/f0.txt was replaced, and so would any rename back into it.
    hooks.failRename = (to) => (to.startsWith(path.join(out, 't1')) ? Object.assign(new Error('EACCES: permission denied, rename'), { code: 'EACCES', syscall: 'rename', path: to }) : undefined);
    let err: unknown;
    try {
      writeOutput(out, [...files('new', 6), { path: 'brand/new.txt', content: 'n\n' }], { cwd: dir });
    } catch (e) {
      err = e;
    } finally {
      hooks.failRename = undefined;
    }
    expect((err as DiagnosticError).diagnostics.map(formatDiagnostic)[0]).toMatch(/^half\/dist-rules\/t1\/f1\.txt:1:1: error DETC021: cannot write: permission denied \(EACCES\)/);
    expect(Object.fromEntries(readTree(out))).toEqual(Object.fromEntries(old.map((f) => [f.path, f.content])));
    expect(readdirSync(path.dirname(out))).toEqual(['dist-rules']);
  });

  it('two processes rewriting one folder at once: both succeed, it never disappears, no leftovers', async () => {
    const out = path.join(dir, 'race', 'dist-rules');
    mkdirSync(path.dirname(out));
    await compiledLib();
    const loop = path.resolve(__dirname, '../helpers/write-output-loop.mjs');
    const writer = (tag: string) =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const p = spawn(process.execPath, [loop, out, tag, '25'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        p.stderr.on('data', (d) => (err += d));
        p.on('close', (code) => resolve({ code, err }));
      });
    const a = writer('A');
    const b = writer('B');
    let running = true;
    let seen = 0;
    let missing = 0;
    const watch = (async () => {
      while (running) {
        if (existsSync(path.join(out, 'd0'))) seen++;
        else if (seen) missing++; // after the first build, the folder must always be there
        await new Promise((r) => setImmediate(r));
      }
    })();
    const results = await Promise.all([a, b]);
    running = false;
    await watch;
    expect(results).toEqual([{ code: 0, err: '' }, { code: 0, err: '' }]);
    expect(seen).toBeGreaterThan(0);
    expect(missing).toBe(0);
    const tree = [...readTree(out).values()];
    expect(tree).toHaveLength(40);
    expect(new Set(tree.map((c) => c[0])).size).toBe(1); // one build's output, not a mix
    expect(readdirSync(path.dirname(out))).toEqual(['dist-rules']);
  });

  it('an output path through a file: one coded line naming it', () => {
    writeFileSync(path.join(dir, 'a-file'), '');
    let err: unknown;
    try {
      writeOutput(path.join(dir, 'a-file', 'dist-rules'), files('x'), { cwd: dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DiagnosticError);
    expect((err as DiagnosticError).diagnostics.map(formatDiagnostic)[0]).toMatch(/^a-file:1:1: error DETC021: cannot write: exists and is not a folder \(EEXIST\)/);
  });
});

describe('writeOutput rewrites only the files whose bytes change (issue 12, item 4)', () => {
  it('an unchanged file keeps its inode and mtime; a changed one is replaced; a dropped one is removed', () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'detc-write-incr-')), 'dist');
    try {
      writeOutput(out, [{ path: 'a/same.txt', content: 'same\n' }, { path: 'a/edit.txt', content: 'old\n' }, { path: 'b/gone.txt', content: 'x\n' }]);
      const old = new Date('2020-01-01T00:00:00Z');
      for (const f of ['a/same.txt', 'a/edit.txt']) realFs.utimesSync(path.join(out, f), old, old);
      const before = realFs.statSync(path.join(out, 'a/same.txt'));
      // A link to a file with the right bytes is not the file the build writes.
      realFs.symlinkSync('same.txt', path.join(out, 'a/link.txt'));
      writeOutput(out, [{ path: 'a/same.txt', content: 'same\n' }, { path: 'a/edit.txt', content: 'new\n' }, { path: 'a/link.txt', content: 'same\n' }]);
      const after = realFs.statSync(path.join(out, 'a/same.txt'));
      expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
      expect(realFs.statSync(path.join(out, 'a/edit.txt')).mtimeMs).toBeGreaterThan(old.getTime());
      expect(realFs.lstatSync(path.join(out, 'a/link.txt')).isFile()).toBe(true);
      expect(readTree(out)).toEqual(new Map([['a/edit.txt', 'new\n'], ['a/link.txt', 'same\n'], ['a/same.txt', 'same\n']]));
      // The folder of the dropped file goes with it.
      expect(existsSync(path.join(out, 'b'))).toBe(false);
    } finally {
      rmSync(path.dirname(out), { recursive: true, force: true });
    }
  });
});

describe('writeOutput over entries of dist-rules/ that are not its own files or folders', () => {
  const setup = () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'detc-write-links-'));
    const out = path.join(root, 'dist');
    const elsewhere = path.join(root, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(path.join(elsewhere, 'g.txt'), 'not detc output\n');
    writeOutput(out, [{ path: 'a/f.txt', content: 'f\n' }]);
    // A folder of the output that is a link to another folder, and a file where the new tree has a folder.
    realFs.symlinkSync(elsewhere, path.join(out, 'b'));
    writeFileSync(path.join(out, 'c'), 'a file\n');
    return { root, out, elsewhere };
  };
  const next = [{ path: 'a/f.txt', content: 'f\n' }, { path: 'b/g.txt', content: 'g\n' }, { path: 'b/h.txt', content: 'h\n' }, { path: 'c/d.txt', content: 'd\n' }];

  it('replaces a linked folder by a folder of its own and writes nothing through the link', () => {
    const { root, out, elsewhere } = setup();
    try {
      writeOutput(out, next);
      // Before: the new files were renamed into the linked folder (replacing g.txt there), then the link was removed.
      expect(readdirSync(elsewhere)).toEqual(['g.txt']);
      expect(realFs.readFileSync(path.join(elsewhere, 'g.txt'), 'utf8')).toBe('not detc output\n');
      expect(realFs.lstatSync(path.join(out, 'b')).isDirectory()).toBe(true);
      expect(readTree(out)).toEqual(new Map(next.map((f) => [f.path, f.content])));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('puts the link and the file back when the build fails after moving them aside', () => {
    const { root, out, elsewhere } = setup();
    hooks.failRename = (to) => (to.endsWith(`${path.sep}h.txt`) ? Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC', path: to }) : undefined);
    try {
      expect(() => writeOutput(out, next)).toThrow(DiagnosticError);
      expect(realFs.readlinkSync(path.join(out, 'b'))).toBe(elsewhere);
      expect(realFs.readFileSync(path.join(out, 'c'), 'utf8')).toBe('a file\n');
      expect(readdirSync(elsewhere)).toEqual(['g.txt']);
      expect(readdirSync(out).sort()).toEqual(['a', 'b', 'c']);
    } finally {
      hooks.failRename = undefined;
      rmSync(root, { recursive: true, force: true });
    }
  });
});
