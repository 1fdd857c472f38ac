import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Artifact } from '../backends/types.js';

/**
 * Replaces `outDir` with exactly `files`, atomically from the user's point of view: everything is written to a
 * sibling staging folder first, and the old folder is swapped out only once the new one is complete. A failure
 * before the swap leaves `outDir` byte for byte as it was.
 */
export function writeOutput(outDir: string, files: Artifact[]): void {
  const parent = path.dirname(path.resolve(outDir));
  const base = path.basename(outDir);
  const staging = path.join(parent, `.${base}-staging-${process.pid}`);
  const old = path.join(parent, `.${base}-old-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const f of files) {
      if (f.path.includes('..') || path.isAbsolute(f.path)) throw new Error(`refusing to write outside ${outDir}: ${f.path}`);
      const p = path.join(staging, f.path);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, f.content);
    }
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(staging, outDir);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (existsSync(old) && !existsSync(outDir)) renameSync(old, outDir);
    throw e;
  }
  rmSync(old, { recursive: true, force: true });
}

/** Every file under `dir` as path → content (for drift checks and tests). */
export function readTree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(path.relative(dir, p).split(path.sep).join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}
