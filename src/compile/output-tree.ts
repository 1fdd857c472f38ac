// The output folder as it is on disk, listed without following links: detc writes only files and folders there, so
// anything else (a symbolic link, to a file or to a folder) is an entry of its own, which a build replaces or removes
// (write-output.ts) and the drift check reports (drift.ts), never a way into another folder.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** A folder's tree: every entry that is not a folder (files and links), its regular files, and its sub-folders. */
export interface Tree {
  paths: string[];
  files: Set<string>;
  dirs: string[];
}

/**
 * The tree under `dir`, relative paths with '/', in sorted order (folders before their contents). `dir` itself is
 * followed if it is a link (an output folder kept elsewhere, on purpose); nothing under it is.
 */
export function listTree(dir: string): Tree {
  const tree: Tree = { paths: [], files: new Set(), dirs: [] };
  if (!statSync(dir).isDirectory()) {
    throw Object.assign(new Error(`${dir} is not a folder`), { code: 'ENOTDIR', path: dir });
  }
  const walk = (prefix: string) => {
    const entries = readdirSync(prefix ? path.join(dir, prefix) : dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) {
        tree.dirs.push(rel);
        walk(rel);
      } else {
        tree.paths.push(rel);
        if (e.isFile()) tree.files.add(rel);
      }
    }
  };
  walk('');
  return tree;
}

/**
 * Whether `tree` (the listing of `dir`) holds `file` unchanged: a regular file at its path with exactly its content.
 * A file that cannot be read does not (the build rewrites it, the drift check reports it).
 */
export function holds(dir: string, tree: Tree, file: { path: string; content: string }): boolean {
  if (!tree.files.has(file.path)) return false;
  try {
    return readFileSync(path.join(dir, file.path), 'utf8') === file.content;
  } catch {
    return false;
  }
}
