import { hostname } from 'node:os';
import {
  closeSync, existsSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmdirSync,
  rmSync, statSync, unlinkSync, writeFileSync, writeSync, copyFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Artifact } from '../backends/types.js';
import { facts } from '../load/diagnostic-facts.js';
import { DiagnosticError, diagnosticAt } from '../load/diagnostics.js';
import { displayPath, fsDiagnostic, isFsError } from '../load/file-problems.js';
import { holds, listTree, type Tree } from './output-tree.js';

export interface WriteOptions {
  /** How long to wait for another build's lock before giving up (default 30 s). */
  lockWaitMs?: number;
  /** Paths in diagnostics are relative to this folder. */
  cwd?: string;
}

/**
 * Replaces `outDir` with exactly `files`, so that `outDir` exists at every moment and a failure leaves it as it was.
 *
 * Linux has no atomic exchange of two directories that node can call (renameat2's RENAME_EXCHANGE is not in
 * node:fs), and rename(2) will not replace a non-empty directory. So:
 *  1. under a lock file beside `outDir` (`.<out>.lock`), one build at a time; a lock whose process is gone is
 *     stale and is taken over, and so are staging folders that builds killed mid-write left behind;
 *  2. every file is written into a sibling staging folder (same file system, so renames are atomic); a failure
 *     here (full disk, read-only folder) leaves `outDir` untouched;
 *  3. the old files are hard-linked into a backup folder (no copy), then each new file is renamed over its old
 *     path (rename(2) replaces a file atomically: each path always holds the old or the new content), and files
 *     the new tree lacks are removed last. A failure during this step puts the backed-up files back.
 * `outDir` never disappears; a reader that is not detc may see old and new files side by side for the
 * milliseconds of step 3.
 */
export function writeOutput(outDir: string, files: Artifact[], opts: WriteOptions = {}): void {
  const cwd = opts.cwd ?? process.cwd();
  const out = path.resolve(outDir);
  const parent = path.dirname(out);
  const base = path.basename(out);
  for (const f of files) {
    if (f.path.includes('..') || path.isAbsolute(f.path)) throw new Error(`refusing to write outside ${outDir}: ${f.path}`);
  }
  const staging = path.join(parent, `.${base}-staging-${process.pid}`);
  const backup = path.join(parent, `.${base}-old-${process.pid}`);
  let release: (() => void) | undefined;
  try {
    mkdirSync(parent, { recursive: true });
    release = acquireLock(parent, base, opts.lockWaitMs ?? 30_000, cwd, out);
    removeLeftovers(parent, base);
    // Only files whose bytes change are written (and so get a new mtime): a rebuild after a one-rule change
    // rewrites that rule's files, not the whole tree.
    // The old tree is listed once (with each entry's type, no stat per file); only its regular files can be unchanged.
    const old = existsSync(out) ? listTree(out) : undefined;
    const slash = (p: string) => p.split(path.sep).join('/');
    const changed = old ? files.filter((f) => !holds(out, old, { path: slash(f.path), content: f.content })) : files;
    for (const f of changed) {
      const p = path.join(staging, f.path);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, f.content);
    }
    mkdirSync(staging, { recursive: true });
    if (!old) renameSync(staging, out);
    else swapIn(staging, out, backup, old, changed.map((f) => slash(f.path)), files.map((f) => slash(f.path)));
  } catch (e) {
    if (isFsError(e)) {
      // Name the user's path, not the hidden staging or backup folder it was going to.
      for (const hidden of [staging, backup]) {
        if (e.path?.startsWith(hidden)) e.path = out + e.path.slice(hidden.length);
      }
      throw new DiagnosticError([fsDiagnostic(e, cwd, 'write', out)]);
    }
    throw e;
  } finally {
    // Best effort: a clean-up that fails must not hide the error above (the next build removes leftovers).
    for (const leftover of [staging, backup]) {
      try {
        rmSync(leftover, { recursive: true, force: true });
      } catch {
        /* ignored */
      }
    }
    release?.();
  }
}

/** Moves `changed` from staging over `out` (listed as `old`); removes what `all` (the new tree) lacks. */
function swapIn(staging: string, out: string, backup: string, old: Tree, changed: string[], all: string[]): void {
  const oldPaths = old.paths;
  const keep = new Set(all);
  // Only what this swap replaces or removes is backed up: an unchanged file is never touched (a one-rule rebuild
  // of thousands of files links a handful, not all of them).
  const changedSet = new Set(changed);
  const touched = oldPaths.filter((p) => changedSet.has(p) || !keep.has(p));
  for (const p of touched) {
    const b = path.join(backup, p);
    mkdirSync(path.dirname(b), { recursive: true });
    try {
      linkSync(path.join(out, p), b);
    } catch {
      copyFileSync(path.join(out, p), b); // a file system without hard links
    }
  }
  // An old entry that is not a folder (a file, a link to a folder) where the new tree has a folder goes first: the new
  // files cannot be moved under a file, and under a link they would land in the folder it points to, outside `out`.
  const newDirs = new Set(all.flatMap(parentDirs));
  const moved: string[] = [];
  try {
    for (const p of oldPaths) if (newDirs.has(p)) unlinkSync(path.join(out, p));
    for (const p of changed) {
      const target = path.join(out, p);
      // A folder of the old tree where the new tree has a file (or the reverse) cannot be renamed over.
      if (isDir(target)) rmSync(target, { recursive: true });
      mkdirSync(path.dirname(target), { recursive: true });
      renameSync(path.join(staging, p), target);
      moved.push(p);
    }
    for (const p of oldPaths) if (!keep.has(p) && !newDirs.has(p)) unlinkSync(path.join(out, p));
    if (old.dirs.length) removeEmptyDirs(out, old.dirs);
  } catch (e) {
    // Put the old tree back from the backup, touching only what changed (a read-only folder fails on its first
    // rename, and then nothing needs, or could get, a write).
    try {
      const oldSet = new Set(oldPaths);
      for (const p of moved) if (!oldSet.has(p)) rmSync(path.join(out, p), { force: true });
      for (const p of touched) {
        const target = path.join(out, p);
        if (sameFile(target, path.join(backup, p))) continue;
        // A folder made by this swap where the old tree had a file or a link: it holds nothing but empty folders now.
        if (newDirs.has(p) && isDir(target)) rmSync(target, { recursive: true });
        mkdirSync(path.dirname(target), { recursive: true });
        renameSync(path.join(backup, p), target);
      }
      // Folders the new files were moved into are among them, so the tree is listed again.
      removeEmptyDirs(out, listTree(out).dirs);
    } catch {
      /* the first error is the one to report */
    }
    throw e;
  }
}

/** The folders `p` lies in, outermost first ('a/b/c.txt': 'a', 'a/b'). */
function parentDirs(p: string): string[] {
  const parts = p.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** Whether `p` is a folder itself (not a link to one). */
function isDir(p: string): boolean {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}

function sameFile(a: string, b: string): boolean {
  try {
    const [x, y] = [lstatSync(a), lstatSync(b)];
    return x.ino === y.ino && x.dev === y.dev;
  } catch {
    return false;
  }
}

/** Removes those of `dirs` (sub-folders of `dir`, parents before children) that are now empty, deepest first. */
function removeEmptyDirs(dir: string, dirs: string[]): void {
  for (const d of [...dirs].reverse()) {
    try {
      rmdirSync(path.join(dir, d));
    } catch (e) {
      // Not empty (or gone already): kept.
      if (!['ENOTEMPTY', 'EEXIST', 'ENOENT'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    }
  }
}

/** Staging and backup folders of builds that were killed; only called under the lock, so none is in use. */
function removeLeftovers(parent: string, base: string): void {
  for (const name of readdirSync(parent)) {
    if (name.startsWith(`.${base}-staging-`) || name.startsWith(`.${base}-old-`)) {
      rmSync(path.join(parent, name), { recursive: true, force: true });
    }
  }
}

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Takes `.<base>.lock` in `parent` (O_EXCL create), waiting up to `waitMs` for a live holder; returns the release. */
function acquireLock(parent: string, base: string, waitMs: number, cwd: string, out: string): () => void {
  const lock = path.join(parent, `.${base}.lock`);
  const mine: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      try {
        writeSync(fd, JSON.stringify(mine) + '\n');
      } finally {
        closeSync(fd);
      }
      return () => {
        // Only remove the lock if it is still ours (a holder judged stale could have been replaced).
        if (readLock(lock)?.pid === mine.pid) rmSync(lock, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const held = readLock(lock);
    if (held === undefined) {
      // Unreadable: a holder between its create and its write, or garbage; garbage older than 10 s is stale.
      if (ageMs(lock) > 10_000) rmSync(lock, { force: true });
    } else if (held.host === hostname() && !alive(held.pid)) {
      rmSync(lock, { force: true }); // its build was killed
      continue;
    }
    if (Date.now() >= deadline) {
      const h = held ?? { pid: 0, since: 'unknown' };
      throw new DiagnosticError([
        diagnosticAt({ file: displayPath(out, cwd), line: 1, col: 1 }, facts.outputLocked(h.pid, h.since, displayPath(lock, cwd))),
      ]);
    }
    sleep(50);
  }
}

function readLock(lock: string): LockInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(lock, 'utf8')) as LockInfo;
    return typeof v.pid === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(p: string): number {
  try {
    return Date.now() - statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}
