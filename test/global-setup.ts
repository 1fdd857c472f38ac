import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

// Some tests run detc's scripts, which import the compiled lib/ (scripts/bench/anchor-sql.mjs). A fresh clone has
// none: compile it once before any test, instead of failing those tests with "Cannot find module".
export default function setup(): void {
  const root = path.resolve(__dirname, '..');
  if (existsSync(path.join(root, 'lib/cli/main.js'))) return;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
}
