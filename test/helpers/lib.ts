import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Waits for lib/ (the compiled CLI that bin/detc.js and detc's scripts run) to be current: the global setup
 * compiles it in the background when src/ is newer (test/global-setup.ts). Returns the repository root. A build
 * that wrote no lib/ fails the caller with tsc's output; a type error alone does not (tsc still writes the files,
 * and `npm test` reports it in its own type check).
 */
export async function compiledLib(): Promise<string> {
  const status = inject('libBuild');
  if (status) {
    while (!existsSync(status)) await new Promise((resolve) => setTimeout(resolve, 100));
    const { code, output } = JSON.parse(readFileSync(status, 'utf8')) as { code: number; output: string };
    if (!existsSync(path.join(ROOT, 'lib/cli/main.js'))) throw new Error(`tsc -p tsconfig.build.json wrote no lib/ (exit ${code}):\n${output}`);
  }
  return ROOT;
}
