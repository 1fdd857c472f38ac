import path from 'node:path';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadProject, nativeFormats, runOptions } from '../project.js';
import { runners } from '../targets/index.js';
import { loadFixtures } from '../verify/load-fixtures.js';
import { runAllFixtures, terminalProgress, countLine } from '../verify/run-fixtures.js';
import { emitReport } from '../report/emit.js';
import { fromResults, problemAt, type Problem } from '../report/problems.js';
import { parseReporter } from './check-command.js';
import { facts } from '../load/diagnostic-facts.js';
import { DiagnosticError } from '../load/diagnostics.js';
import { loadRules } from '../load/load-rules.js';
import { EXIT, UsageError, type Io } from '../util/io.js';

export const TEST_HELP = `Usage: detc test [--rules DIR] [--dist DIR] [--engine NAME]... [--reporter human|junit] [--output FILE]

Runs every fixture (rules/<dir>/<rule>.test.yml) in every engine: the reference evaluator and the
interpreters of the emitted queries in dist-rules/ as they are on disk (${runners().slice(1).map((e) => e.name).join(', ')}). A case passes when an
engine raises exactly the expected alerts and agrees with the reference evaluator on every column it can express.

Options:
  --rules DIR        rule folder (default: rules)
  --dist DIR         generated queries (default: dist-rules; run 'detc build' first)
  --engine NAME      run only this engine (repeatable): ${runners().map((e) => e.name).join(', ')}
  --rule RULE        run only this rule's fixtures (repeatable): its file (rules/network/ip-block-scan.yml) or name
                     without extension (ip-block-scan)
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
      engine: { type: 'string', multiple: true }, rule: { type: 'string', multiple: true }, reporter: { type: 'string' }, output: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.out(TEST_HELP);
    return EXIT.ok;
  }
  const reporter = parseReporter(values.reporter);
  const project = loadProject(io.cwd, { ...values, out: values.dist });
  const all = runners();
  const available = runners(project.targets.map((t) => t.target));
  const engines = values.engine ? available.filter((e) => values.engine!.includes(e.name)) : available;
  const unknown = (values.engine ?? []).filter((n) => !all.some((e) => e.name === n));
  if (unknown.length) throw new UsageError(`unknown engine '${unknown[0]}' (${all.map((e) => e.name).join(', ')})`);
  if (!engines.some((e) => e.name === 'reference')) engines.unshift(all[0]!);

  if (!existsSync(project.outDir)) {
    io.err(`detc test: ${project.outName}/ does not exist; run 'detc build' first`);
    return EXIT.problems;
  }
  const loaded = loadRules(project.rulesDir, io.cwd, { defaultSeverity: project.defaultSeverity }, project.cacheDir);
  const { fixtures: allFixtures, diagnostics } = loadFixtures(loaded.rules, io.cwd, project.rulesDir);
  const errors = [...loaded.diagnostics, ...diagnostics].filter((d) => d.severity === 'error');
  if (errors.length) throw new DiagnosticError(errors);
  // --rule: a rule named by its slug or its file (as written, or relative to the project).
  const wanted = (values.rule ?? []).map((r) => ({ given: r, file: path.relative(io.cwd, path.resolve(io.cwd, r)).split(path.sep).join('/') }));
  const named = (rule: { slug: string; file: string }) => wanted.some((w) => w.given === rule.slug || w.file === rule.file);
  const missing = wanted.filter((w) => !loaded.rules.some((r) => r.slug === w.given || r.file === w.file));
  if (missing.length) throw new UsageError(`no rule '${missing[0]!.given}' in ${project.rulesDir} (give its file or its name without extension)`);
  const fixtures = wanted.length ? allFixtures.filter((f) => named(f.rule)) : allFixtures;
  const ctx = { engines, cwd: io.cwd, opts: runOptions(project), natives: nativeFormats(project) };
  const results = await runAllFixtures(fixtures, ctx, terminalProgress());

  const failed = results.filter((r) => !r.ok);
  const untested: Problem[] = loaded.rules
    .filter((r) => (!wanted.length || named(r)) && !fixtures.some((f) => f.rule === r))
    .map((r) => problemAt('rule', { file: r.file, line: 1, col: 1 }, 'detc test', facts.noFixtures(r.file.replace(/\.ya?ml$/, '.test.yml'))));
  const cases = fixtures.reduce((n, f) => n + f.cases.length, 0);
  const summary = `${countLine(results)} (${cases} cases × ${engines.length} engines: ${engines.map((e) => e.name).join(', ')})`;
  emitReport(reporter, { command: 'test', problems: [...untested, ...fromResults(results)], results, summary }, io, values.output);
  return failed.length ? EXIT.problems : EXIT.ok;
}
