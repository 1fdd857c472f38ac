import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compiledLib } from './lib.js';

/**
 * Runs `detc <argv>` as a user does (node bin/detc.js, in a process of its own, in the repository root) and says
 * its exit code and whether it loaded ts-morph and Kusto.Language: what a command loads is a property of a fresh
 * process, so the lazy-loading tests cannot ask this one. `cacheDir` is the run's DETC_CACHE_DIR.
 */
export async function loadedBy(cacheDir: string, ...argv: string[]): Promise<{ code: number | null; tsMorph: boolean; kusto: boolean }> {
  const root = await compiledLib();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'detc-loaded-'));
  try {
    const report = path.join(tmp, 'loaded.json');
    const preload = pathToFileURL(path.join(root, 'test/helpers/report-loaded.mjs')).href;
    const r = spawnSync(process.execPath, ['--import', preload, path.join(root, 'bin/detc.js'), ...argv], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DETC_CACHE_DIR: cacheDir, DETC_LOADED_REPORT: report },
    });
    if (r.error) throw r.error;
    if (!existsSync(report)) throw new Error(`detc ${argv.join(' ')} ended (exit ${r.status}, ${r.signal ?? 'no signal'}) before its exit handlers ran:\n${r.stderr}`);
    const loaded = JSON.parse(readFileSync(report, 'utf8')) as { tsMorph: boolean; kusto: boolean };
    return { code: r.status, ...loaded };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
