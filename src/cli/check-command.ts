import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compileAll } from '../build/compile.js';
import { readTree, writeOutput } from '../build/write-output.js';
import { ENGINES } from '../engines/registry.js';
import { loadFixtures } from '../fixtures/load-fixtures.js';
import { engineOptions, formatFailure, runAllFixtures, type CaseResult } from '../fixtures/run-fixtures.js';
import { DiagnosticError, formatDiagnostic } from '../load/diagnostics.js';
import { resolveDir } from '../paths.js';
import { EXIT, type Io } from './io.js';

export const CHECK_HELP = `Usage: detc check [--rules DIR] [--out DIR] [--templates DIR] [--schemas DIR]

The one command CI runs on a pull request:
  1. validate every rule (JSON Schema, meaning, field mappings) and compile it for every backend;
  2. check every KQL query with Kusto.Language;
  3. compare the compiled output with the committed output folder: any stale, missing or extra file fails;
  4. run every fixture in every engine (${ENGINES.map((e) => e.name).join(', ')}) on the freshly compiled output.
Nothing is written to the output folder.

Exit codes: 0 all checks pass, 1 a check failed, 2 usage, 3 internal error.
`;

export async function checkCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { rules: { type: 'string' }, out: { type: 'string' }, templates: { type: 'string' }, schemas: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.out(CHECK_HELP);
    return EXIT.ok;
  }
  const outName = values.out ?? 'dist-rules';
  const started = Date.now();
  const build = compileAll({ cwd: io.cwd, rulesDir: values.rules ?? 'rules', templatesDir: values.templates, schemasDir: values.schemas });
  for (const d of build.diagnostics) io.out(formatDiagnostic(d));
  const problems: string[] = [];

  const committed = readTree(path.resolve(io.cwd, outName));
  const fresh = new Map(build.files.map((f) => [f.path, f.content]));
  const stale = [...fresh.keys()].filter((p) => committed.has(p) && committed.get(p) !== fresh.get(p));
  const missing = [...fresh.keys()].filter((p) => !committed.has(p));
  const extra = [...committed.keys()].filter((p) => !fresh.has(p));
  for (const p of stale) io.err(`${outName}/${p}: stale: differs from what the rules compile to`);
  for (const p of missing) io.err(`${outName}/${p}: missing: the rules compile to it but it is not committed`);
  for (const p of extra) io.err(`${outName}/${p}: extra: no rule compiles to it`);
  const drift = stale.length + missing.length + extra.length;
  if (drift) {
    io.err(`${drift} file(s) in ${outName}/ out of date: run 'npx detc build' and commit the result.`);
    problems.push(`${drift} stale output files`);
  }

  // Fixtures run on what the rules compile to now, so a test result never depends on a stale folder.
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'detc-check-'));
  let results: CaseResult[] = [];
  try {
    writeOutput(tmp, build.files);
    const { fixtures, diagnostics } = loadFixtures(build.rules, io.cwd);
    if (diagnostics.length) throw new DiagnosticError(diagnostics);
    const ctx = {
      engines: ENGINES,
      cwd: io.cwd,
      opts: engineOptions(io.cwd, tmp, resolveDir(io.cwd, values.templates, 'templates'), resolveDir(io.cwd, values.schemas, 'schemas/kql')),
    };
    results = await runAllFixtures(fixtures, ctx);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok);
  for (const r of failed) io.err(formatFailure(r));
  if (failed.length) problems.push(`${failed.length} failed fixture runs`);

  const secs = ((Date.now() - started) / 1000).toFixed(2);
  io.out(
    `${build.rules.length} rules, ${build.kqlChecked} KQL queries checked, ${build.files.length} output files (${drift} out of date), ` +
      `${results.length - failed.length} passed, ${failed.length} failed fixture runs in ${secs}s`,
  );
  return problems.length ? EXIT.problems : EXIT.ok;
}
