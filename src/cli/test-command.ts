import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveDir } from '../paths.js';
import { ENGINES, enginesFor } from '../engines/registry.js';
import { loadConfig } from '../config/load-config.js';
import { loadFixtures } from '../fixtures/load-fixtures.js';
import { engineOptions, runAllFixtures, terminalProgress, countLine } from '../fixtures/run-fixtures.js';
import { emitReport } from '../report/emit.js';
import { fromResults, type Problem } from '../report/problems.js';
import { parseReporter } from './check-command.js';
import { DiagnosticError } from '../load/diagnostics.js';
import { loadRules } from '../load/load-rules.js';
import { EXIT, UsageError, type Io } from './io.js';

export const TEST_HELP = `Usage: detc test [--rules DIR] [--dist DIR] [--engine NAME]... [--reporter human|junit] [--output FILE]

Runs every fixture (rules/<dir>/<rule>.test.yml) in every engine: the reference evaluator and the
interpreters of the emitted queries in dist-rules/ as they are on disk (kql, spl, sigma). A case passes when an
engine raises exactly the expected alerts and agrees with the reference evaluator on every column it can express.

Options:
  --rules DIR        rule folder (default: rules)
  --dist DIR         generated queries (default: dist-rules; run 'detc build' first)
  --engine NAME      run only this engine (repeatable): ${ENGINES.map((e) => e.name).join(', ')}
  --reporter NAME    human (default), junit (JUnit XML), json, github (workflow annotations), sarif (SARIF 2.1.0)
  --output FILE      write the report to FILE instead of standard output
  -h, --help         show this help

Exit codes: 0 all passed, 1 a case failed or a fixture is invalid, 2 usage, 3 internal error.
`;

export async function testCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      rules: { type: 'string' }, dist: { type: 'string' }, templates: { type: 'string' }, schemas: { type: 'string' },
      engine: { type: 'string', multiple: true }, reporter: { type: 'string' }, output: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.out(TEST_HELP);
    return EXIT.ok;
  }
  const reporter = parseReporter(values.reporter);
  const config = loadConfig(io.cwd);
  values.rules ??= config.rules;
  values.dist ??= config.out;
  values.templates ??= config.templates;
  values.schemas ??= config.schemas;
  const available = enginesFor(config.backends);
  const engines = values.engine ? available.filter((e) => values.engine!.includes(e.name)) : available;
  const unknown = (values.engine ?? []).filter((n) => !ENGINES.some((e) => e.name === n));
  if (unknown.length) throw new UsageError(`unknown engine '${unknown[0]}' (${ENGINES.map((e) => e.name).join(', ')})`);
  if (!engines.some((e) => e.name === 'reference')) engines.unshift(ENGINES[0]!);

  const distDir = path.resolve(io.cwd, values.dist ?? 'dist-rules');
  if (!existsSync(distDir)) {
    io.err(`detc test: ${values.dist ?? 'dist-rules'}/ does not exist; run 'detc build' first`);
    return EXIT.problems;
  }
  const loaded = loadRules(path.resolve(io.cwd, values.rules ?? 'rules'), io.cwd, { defaultSeverity: config.defaultSeverity });
  const { fixtures, diagnostics } = loadFixtures(loaded.rules, io.cwd);
  const all = [...loaded.diagnostics, ...diagnostics].filter((d) => d.severity === 'error');
  if (all.length) throw new DiagnosticError(all);
  const ctx = {
    engines,
    cwd: io.cwd,
    opts: engineOptions(io.cwd, distDir, resolveDir(io.cwd, values.templates, 'templates'), resolveDir(io.cwd, values.schemas, 'schemas/kql')),
  };
  const results = await runAllFixtures(fixtures, ctx, terminalProgress());

  const failed = results.filter((r) => !r.ok);
  const untested: Problem[] = loaded.rules
    .filter((r) => !fixtures.some((f) => f.rule === r))
    .map((r) => ({ kind: 'rule', severity: 'warning', file: r.file, line: 1, col: 1, title: 'detc test', message: `no fixtures: add ${r.file.replace(/\.ya?ml$/, '.test.yml')}` }));
  const cases = fixtures.reduce((n, f) => n + f.cases.length, 0);
  const summary = `${countLine(results)} (${cases} cases × ${engines.length} engines: ${engines.map((e) => e.name).join(', ')})`;
  emitReport(reporter, { command: 'test', problems: [...untested, ...fromResults(results)], results, summary }, io, values.output);
  return failed.length ? EXIT.problems : EXIT.ok;
}
