// What detc's own output depends on besides its inputs: its code, its JSON Schemas and the versions of the packages
// it runs (a new YAML parser may read a file differently). Cached results (rule IR, verified files, parsed Sigma
// documents) are keyed by this, so an upgrade or a local edit of detc never reuses an old result.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ROOT } from './paths.js';

let memo: string | undefined;

/**
 * A hash of detc's package.json, the installed version of each of its dependencies, every module of the running code
 * (lib/, or src/ under the tests) and json-schema/.
 */
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
  const pkg = path.join(PACKAGE_ROOT, 'package.json');
  add(pkg);
  const require = createRequire(import.meta.url);
  const deps = Object.keys((JSON.parse(readFileSync(pkg, 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {}).sort();
  for (const dep of deps) {
    let version: string;
    try {
      // Resolved and read, not required: a required package.json stays in the module cache as if the package (the
      // TypeScript compiler behind ts-morph) had been loaded, and `detc run` reads the rule cache without it.
      version = String((JSON.parse(readFileSync(require.resolve(`${dep}/package.json`), 'utf8')) as { version?: unknown }).version);
    } catch {
      version = 'unknown'; // a package that does not export its package.json: keyed by its name only
    }
    h.update(`\u0000${dep}@${version}`);
  }
  walk(fileURLToPath(new URL('../', import.meta.url)));
  walk(path.join(PACKAGE_ROOT, 'json-schema'));
  return (memo = h.digest('hex'));
}
