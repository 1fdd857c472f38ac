import { parseArgs } from 'node:util';
import { compileAll, verifiedLine, type BuildResult } from '../compile/compile.js';
import { loadProject, type Project } from '../project.js';
import { writeOutput } from '../compile/write-output.js';
import { DiagnosticError, formatDiagnostic, type Diagnostic } from '../load/diagnostics.js';
import { fsDiagnostic, isFsError } from '../load/file-problems.js';

import { EXIT, UsageError, type Io } from '../util/io.js';
import { CHECK_HELP, checkCommand, parseReporter, parseWorkers } from './check-command.js';
import { emitReport } from '../report/emit.js';
import { fromDiagnostics } from '../report/problems.js';
import { COVERAGE_HELP, coverageCommand } from './coverage-command.js';
import { DIFF_HELP, diffCommand } from './diff-command.js';
import { INIT_HELP, initCommand } from './init-command.js';
import { TEMPLATES_HELP, templatesCommand } from './templates-command.js';
import { RUN_HELP, runCommand } from './run-command.js';
import { TEST_HELP, testCommand } from './test-command.js';

export { EXIT };

const HELP: Record<string, string> = {
  main: `detc: detection-as-code compiler (YAML rules to KQL, SPL and Sigma)

Usage: detc <command> [options]

Commands:
  init        scaffold a new detection repository (rules, templates, CI workflow)
  build       validate the rules and write dist-rules/ (Sentinel, Splunk, Sigma)
  validate    schema, semantic and Kusto.Language checks; writes nothing
  check       what CI runs: validate, Kusto checks, no drift in dist-rules/, every fixture in every engine
  test        run every fixture in every engine (reference, kql, ...) and check they agree
  run         evaluate one rule on a file of events and print its alerts as JSON lines
  coverage    ATT&CK Navigator layer and Markdown table of the techniques the rules cover
  templates   'templates list': which template (override or detc default) produced each generated file
  diff        rules changed since a git ref: query diffs and what the change does to fixture alerts (Markdown)

Run 'detc <command> --help' for the options of a command.

Exit codes:
  0  success
  1  a rule, mapping, template or generated query has an error (each printed as file:line:col)
  2  wrong command-line usage
  3  internal error (a bug in detc: please report it with the message)
`,
  build: `Usage: detc build [--rules DIR] [--out DIR] [--templates DIR] [--schemas DIR]

Validates every rule, compiles it for each backend through templates/<backend>/*.hbs, checks every KQL
query with Kusto.Language against the table schemas, and replaces the output folder only once every
file is written: if anything fails, the previous output stays byte for byte as it was. Two builds in one
repository take turns (a lock file, .dist-rules.lock, beside the folder).

Options:
  --rules DIR      rule folder (default: rules)
  --out DIR        output folder (default: dist-rules)
  --templates DIR  template folder with one sub-folder per backend (default: ./templates, else detc's own)
  --schemas DIR    KQL table schemas, one '.create table' file (*.csl) per table (default: ./schemas/kql, else detc's own)
  --cache DIR      Kusto.Language result cache (default: node_modules/.cache/detc, or DETC_CACHE_DIR)
  --no-cache       analyse every query again; read and write no cache (a cache never changes an output)
  --workers N      threads for the Kusto.Language analysis (default: one per core, fewer for little work;
                   1: the build's own thread). The output is the same for every N
  -q, --quiet      print errors and warnings only (no summary line)
  --verbose        also print each backend note (what a target dropped or approximated; all are in REPORT.md)
  -h, --help       show this help

Exit codes: 0 written, 1 problems found (nothing written), 2 usage, 3 internal error.
`,
  validate: `Usage: detc validate [--rules DIR] [--templates DIR] [--schemas DIR] [--reporter NAME] [--output FILE]

Runs every check of 'detc build' (JSON Schema, rule semantics, field mappings, templates, Kusto.Language
on every KQL query) without writing anything.

Options:
  --rules DIR      rule folder (default: rules)
  --templates DIR  template folder (default: ./templates, else detc's own)
  --schemas DIR    KQL table schemas (default: ./schemas/kql, else detc's own)
  --cache DIR, --no-cache, --workers N   as for detc build
  --reporter NAME  human (default), junit, json, github (workflow annotations), sarif (SARIF 2.1.0)
  --output FILE    write the report to FILE instead of standard output
  -h, --help       show this help

Exit codes: 0 valid, 1 problems found, 2 usage, 3 internal error.
`,
};

const defaultIo: Io = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n'), cwd: process.cwd() };

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    const topic = rest[0] ?? 'main';
    const helps: Record<string, string> = { test: TEST_HELP, run: RUN_HELP, check: CHECK_HELP, coverage: COVERAGE_HELP, diff: DIFF_HELP, init: INIT_HELP, templates: TEMPLATES_HELP };
    io.out(helps[topic] ?? HELP[topic] ?? HELP.main!);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (command === '--version' || command === '-v') {
    io.out('detc 0.1.0');
    return EXIT.ok;
  }
  const sub: Record<string, [typeof testCommand, string]> = {
    test: [testCommand, TEST_HELP],
    run: [runCommand, RUN_HELP],
    check: [checkCommand, CHECK_HELP],
    coverage: [coverageCommand, COVERAGE_HELP],
    diff: [diffCommand, DIFF_HELP],
    init: [initCommand, INIT_HELP],
    templates: [templatesCommand, TEMPLATES_HELP],
  };
  if (sub[command]) {
    const [handler, help] = sub[command]!;
    try {
      return await handler(rest, io);
    } catch (e) {
      if (e instanceof DiagnosticError) {
        printDiagnostics(e.diagnostics, io);
        io.err(summary(e.diagnostics, 'nothing run'));
        return EXIT.problems;
      }
      if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        io.err(`detc ${command}: ${(e as Error).message}\n\n${help}`);
        return EXIT.usage;
      }
      if (isFsError(e)) {
        const d = [fsDiagnostic(e, io.cwd, 'read')];
        printDiagnostics(d, io);
        io.err(summary(d, 'nothing run'));
        return EXIT.problems;
      }
      if ((e as Error).name === 'EventFormatError') {
        io.err(`detc ${command}: ${(e as Error).message}`);
        return EXIT.problems;
      }
      io.err(`detc: internal error: ${(e as Error).stack ?? String(e)}`);
      return EXIT.internal;
    }
  }
  if (command !== 'build' && command !== 'validate') {
    io.err(`detc: unknown command '${command}'\n\n${HELP.main}`);
    return EXIT.usage;
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        rules: { type: 'string' },
        out: { type: 'string' },
        templates: { type: 'string' },
        schemas: { type: 'string' },
        cache: { type: 'string' },
        'no-cache': { type: 'boolean' },
        workers: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        verbose: { type: 'boolean' },
        reporter: { type: 'string' },
        output: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
    if (command === 'validate' && values.out !== undefined) throw new Error("'--out' is not an option of validate (it writes nothing)");
    if (command === 'build' && (values.reporter !== undefined || values.output !== undefined)) throw new Error("reporters are options of validate, check and test");
    if (command === 'validate' && values.verbose !== undefined) throw new Error("'--verbose' is an option of build (it lists the backend notes)");
    parseReporter(values.reporter as string | undefined);
    parseWorkers(values.workers as string | undefined);
  } catch (e) {
    io.err(`detc ${command}: ${(e as Error).message}\n\n${HELP[command]}`);
    return EXIT.usage;
  }
  if (values.help) {
    io.out(HELP[command]!);
    return EXIT.ok;
  }
  const started = Date.now();
  let result: BuildResult;
  let project: Project;
  try {
    project = loadProject(io.cwd, { ...(values as { rules?: string; out?: string; templates?: string; schemas?: string; cache?: string }), noCache: values['no-cache'] === true, workers: parseWorkers(values.workers as string | undefined) });
    result = compileAll(project);
  } catch (e) {
    if (e instanceof DiagnosticError && command === 'validate') {
      emitReport(parseReporter(values.reporter as string | undefined), { command, problems: fromDiagnostics(e.diagnostics), results: [], summary: summary(e.diagnostics, 'not valid') }, io, values.output as string | undefined);
      return EXIT.problems;
    }
    if (e instanceof DiagnosticError) {
      printDiagnostics(e.diagnostics, io);
      io.err(summary(e.diagnostics, 'nothing written'));
      return EXIT.problems;
    }
    if (isFsError(e)) {
      const d = [fsDiagnostic(e, io.cwd, 'read')];
      printDiagnostics(d, io);
      io.err(summary(d, command === 'build' ? 'nothing written' : 'not valid'));
      return EXIT.problems;
    }
    io.err(`detc: internal error: ${(e as Error).stack ?? String(e)}`);
    return EXIT.internal;
  }
  // How a verifier had to check differently (TypeScript in process: no native compiler): said, never silent.
  for (const v of result.verified) if (v.note) io.err(`detc: note: ${v.note}`);
  const secs = ((Date.now() - started) / 1000).toFixed(2);
  if (command === 'validate') {
    const verified = verifiedLine(result.verified, true);
    const line = `${result.rules.length} rules valid${verified ? `; ${verified}` : ''} (${secs}s)`;
    emitReport(parseReporter(values.reporter as string | undefined), { command, problems: fromDiagnostics(result.diagnostics), results: [], summary: line }, io, values.output as string | undefined);
    return EXIT.ok;
  }
  printDiagnostics(result.diagnostics, io);
  const outDir = project.outName;
  try {
    writeOutput(project.outDir, result.files, { cwd: io.cwd });
  } catch (e) {
    if (!(e instanceof DiagnosticError)) throw e;
    printDiagnostics(e.diagnostics, io);
    io.err(summary(e.diagnostics, 'nothing written'));
    return EXIT.problems;
  }
  if (!values.quiet) {
    // The first of each (rule, backend, message), by a key set: a scan per note was quadratic in thousands of notes.
    const seen = new Set<string>();
    const notes = result.notes.filter((n) => {
      const key = JSON.stringify([n.rule, n.backend, n.message]);
      return !seen.has(key) && !!seen.add(key);
    });
    // The notes (what each backend dropped or approximated) are REPORT.md's content; printing all of them on every
    // build buried the summary, so by default the summary says how many there are and where.
    if (values.verbose) for (const n of notes) io.out(`${n.rule}: ${n.backend}: ${n.kind}: ${n.message}`);
    if (values.verbose) io.out(cacheLine(result));
    const perBackend = [...new Set(notes.map((n) => n.backend))].map((b) => `${b} ${notes.filter((n) => n.backend === b).length}`).join(', ');
    const noteLine = notes.length
      ? `${notes.length} backend notes (${perBackend}) in ${outDir}/REPORT.md${values.verbose ? '' : ', --verbose prints them'}`
      : '';
    io.out(`${result.rules.length} rules → ${result.files.length} files in ${outDir}/ (${[verifiedLine(result.verified), noteLine].filter(Boolean).join('; ')}) in ${secs}s`);
  }
  return EXIT.ok;
}

/** What the build took from the cache: rules not loaded again, files whose check was not run again. */
function cacheLine(result: BuildResult): string {
  const loaded = result.rules.length - result.reused;
  const checks = result.verified.filter((v) => v.cached !== undefined).map((v) => `${v.cached ?? 0} of ${v.count} ${v.what}`).join(', ');
  return `cache: ${result.reused} rules unchanged, ${loaded} loaded; from the cache: ${checks || 'no checks'}`;
}

function printDiagnostics(ds: Diagnostic[], io: Io) {
  const sorted = [...ds].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
  for (const d of sorted) (d.severity === 'error' ? io.err : io.out)(formatDiagnostic(d));
}

function summary(ds: Diagnostic[], outcome: string): string {
  const e = ds.filter((d) => d.severity === 'error').length;
  const w = ds.length - e;
  return `Found ${e} error${e === 1 ? '' : 's'}${w ? ` and ${w} warning${w === 1 ? '' : 's'}` : ''} in ${new Set(ds.map((d) => d.file)).size} file(s); ${outcome}.`;
}
