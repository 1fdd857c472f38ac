#!/usr/bin/env node
// node scripts/bench-typescript-modules.mjs [N]: the CPU time of printing the TypeScript target's modules (IR → module
// text, src/backends/typescript/module.ts) for a generated repository of N rules (default 1000; the repository of
// `bench:compile --generate`). The rules are loaded first and not counted; the first module is printed once before
// timing (it loads the TypeScript compiler). Prints CPU ms per module and a hash of all modules' bytes, which a
// change meant to keep the output must keep. Run `npm run build` first (it reads lib/).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lib = (p) => import(pathToFileURL(path.join(root, 'lib', p)).href);
const n = Number(process.argv[2] ?? 1000);
const dir = mkdtempSync(path.join(os.tmpdir(), `detc-modules-${n}-`));
try {
  execFileSync(process.execPath, [path.join(root, 'scripts/bench-compile.mjs'), '--generate', String(n), dir], { stdio: 'ignore' });
  const { loadRules } = await lib('load/load-rules.js');
  const { loadMapping } = await lib('mapping/mapping.js');
  const { typescriptUnexpressible } = await lib('backends/typescript/limits.js');
  const { buildModule } = await lib('backends/typescript/module.js');
  const mapping = loadMapping(path.join(root, 'templates/typescript/mapping.yml'));
  const runtime = readFileSync(path.join(root, 'templates/typescript/runtime.ts'), 'utf8');
  const rules = loadRules(path.join(dir, 'rules'), dir).rules.filter((r) => !typescriptUnexpressible(r, mapping));
  buildModule(rules[0], mapping, runtime);
  const start = process.cpuUsage();
  const modules = rules.map((r) => buildModule(r, mapping, runtime));
  const used = process.cpuUsage(start);
  const ms = (used.user + used.system) / 1000;
  const hash = createHash('sha256');
  for (const m of modules) hash.update(m).update('\u0000');
  console.log(`${modules.length} modules: ${(ms / 1000).toFixed(2)} CPU s, ${(ms / modules.length).toFixed(2)} ms per module (load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  console.log(`sha256 of the modules: ${hash.digest('hex')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
