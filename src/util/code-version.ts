// What detc's own output depends on besides its inputs: its code and its JSON Schemas. Cached results (rule IR,
// verified files) are keyed by this, so a detc upgrade or a local edit of detc never reuses an old result.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from './paths.js';

let memo: string | undefined;

/** A hash of detc's package.json, every module of the running code (lib/, or src/ under the tests) and json-schema/. */
export function codeVersion(): string {
  if (memo) return memo;
  const h = createHash('sha256');
  const add = (file: string) => h.update(`\u0000${path.relative(PACKAGE_ROOT, file)}\u0000`).update(readFileSync(file));
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(js|ts|json)$/.test(name)) add(p);
    }
  };
  add(path.join(PACKAGE_ROOT, 'package.json'));
  walk(fileURLToPath(new URL('../', import.meta.url)));
  walk(path.join(PACKAGE_ROOT, 'json-schema'));
  return (memo = h.digest('hex'));
}
