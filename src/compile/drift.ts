// What `detc check` reports about the committed output folder: each path where it is not what the rules compile to
// now, that is, each path `detc build` would change.
import { existsSync } from 'node:fs';
import type { Artifact } from '../backends/types.js';
import { holds, listTree, type Tree } from './output-tree.js';

/** One path of the output folder that a build would change, and why. */
export interface Drift {
  path: string;
  why: string;
}

/**
 * The paths of `outDir` that differ from `files`: the stale ones (in the order of `files`), then the missing ones,
 * then the extra ones (in the folder's order). An entry that is not a regular file (a symbolic link, even to the
 * right bytes) is stale where a file belongs, as the build replaces it; a linked folder is not entered: it is an
 * extra entry, and the files the rules compile to under its name are missing.
 */
export function outputDrift(outDir: string, files: Artifact[]): Drift[] {
  const tree: Tree = existsSync(outDir) ? listTree(outDir) : { paths: [], files: new Set(), dirs: [] };
  const committed = new Set(tree.paths);
  const fresh = new Set(files.map((f) => f.path));
  const stale = files.flatMap((f): Drift[] => {
    if (!committed.has(f.path)) return [];
    if (!tree.files.has(f.path)) return [{ path: f.path, why: 'stale: a symbolic link or other non-file, where the rules compile to a file' }];
    return holds(outDir, tree, f) ? [] : [{ path: f.path, why: 'stale: differs from what the rules compile to' }];
  });
  return [
    ...stale,
    ...files.filter((f) => !committed.has(f.path)).map((f) => ({ path: f.path, why: 'missing: the rules compile to it but it is not committed' })),
    ...tree.paths.filter((p) => !fresh.has(p)).map((p) => ({ path: p, why: 'extra: no rule compiles to it' })),
  ];
}
