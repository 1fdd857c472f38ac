import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { listTree } from '../../src/compile/output-tree.js';

/** The regular files under `dir` as path → content, in listTree's order; empty when `dir` does not exist. */
export function readTree(dir: string): Map<string, string> {
  if (!existsSync(dir)) return new Map();
  return new Map([...listTree(dir).files].map((p) => [p, readFileSync(path.join(dir, p), 'utf8')]));
}
