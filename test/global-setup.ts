import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the build of lib/ started by the global setup writes its outcome; '' when lib/ was up to date. */
    libBuild: string;
    /** A temporary folder for what the test workers share for the whole run (test/helpers/dist.ts), removed after it. */
    runDir: string;
  }
}

const root = path.resolve(__dirname, '..');

/** The newest modification time of a file under `dir` whose name ends in `ext`, or 0. */
function newest(dir: string, ext: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith(ext)) t = Math.max(t, statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return t;
}

/**
 * lib/ exists and was compiled after the last change to src/. tsc rewrites every file it emits, so lib/cli/main.js
 * dates the build (a file left behind by a source since deleted would not).
 */
function libUpToDate(): boolean {
  const main = path.join(root, 'lib/cli/main.js');
  return existsSync(main) && newest(path.join(root, 'src'), '.ts') <= statSync(main).mtimeMs;
}

// vitest runs this setup once for the root and once per project, in one process: one build serves them all.
let started: { status: string; done: Promise<void>; runDir: string } | undefined;

/**
 * Some tests run the compiled CLI (bin/detc.js → lib/) as a user does, and detc's scripts import lib/
 * (scripts/bench/anchor-sql.mjs). A fresh clone has no lib/ until `npm ci` runs the prepare script, and an edit of
 * src/ leaves it behind: then lib/ is compiled here, in the background while the other tests run. The tests that
 * need it wait for it (test/helpers/lib.ts); the others do not.
 */
export default function setup(project: TestProject): () => Promise<void> {
  if (!started) {
    const runDir = mkdtempSync(path.join(os.tmpdir(), 'detc-test-run-'));
    if (libUpToDate()) started = { status: '', done: Promise.resolve(), runDir };
    else {
      const status = path.join(mkdtempSync(path.join(os.tmpdir(), 'detc-lib-build-')), 'status.json');
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      const child = spawn(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      const output: string[] = [];
      child.stdout.on('data', (d: Buffer) => output.push(d.toString()));
      child.stderr.on('data', (d: Buffer) => output.push(d.toString()));
      const done = new Promise<void>((resolve) => {
        child.on('close', (code) => {
          // Written whole, then renamed: a waiting test never reads half of it.
          writeFileSync(`${status}.tmp`, JSON.stringify({ code, output: output.join('') }));
          renameSync(`${status}.tmp`, status);
          resolve();
        });
      });
      started = { status, done, runDir };
    }
  }
  project.provide('libBuild', started.status);
  project.provide('runDir', started.runDir);
  const { status, done, runDir } = started;
  return async () => {
    await done;
    if (status) rmSync(path.dirname(status), { recursive: true, force: true });
    rmSync(runDir, { recursive: true, force: true });
  };
}
