import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bumped, compareVersions, compileAtRef, filesOfRule } from '../compile/base-ref.js';
import { compileAll, verifiedLine, type BuildResult } from '../compile/compile.js';
import { YamlSource } from '../load/yaml-source.js';
import { outputDrift } from '../compile/drift.js';
import { writeOutput } from '../compile/write-output.js';
import { loadProject, nativeFormats, runOptions, type Project } from '../project.js';
import { runners } from '../targets/index.js';
import { loadFixtures } from '../verify/load-fixtures.js';
import { runAllFixtures, terminalProgress, type CaseResult, countLine } from '../verify/run-fixtures.js';
import { facts } from '../load/diagnostic-facts.js';
import { DiagnosticError, diagnosticAt, type Diagnostic } from '../load/diagnostics.js';
import { emitReport } from '../report/emit.js';
import { fromDiagnostics, fromDrift, fromResults, type Problem } from '../report/problems.js';
import { REPORTERS, type ReporterName } from '../report/reporters.js';
import { EXIT, UsageError, type Io } from '../util/io.js';

export const CHECK_HELP = `Usage: detc check [--base REF] [--reporter human|junit|json|github|sarif] [--output FILE] [--rules DIR] [--out DIR]

The one command CI runs on a pull request:
  1. validate every rule (JSON Schema, meaning, field mappings) and compile it for every backend;
  2. check every KQL query with Kusto.Language;
  3. compare the compiled output with the committed output folder: any stale, missing or extra file fails;
  4. run every fixture in every engine (${runners().map((e) => e.name).join(', ')}) on the freshly compiled output.
Nothing is written to the output folder.

Options:
  --reporter NAME  human (default), junit (JUnit XML), json, github (workflow annotations on the PR diff),
                   sarif (SARIF 2.1.0 for code scanning)
  --output FILE    write the report to FILE instead of standard output
  --base REF       also fail when a rule's generated output changed since the git ref REF but its version did
                   not (as the Azure-Sentinel repository enforces), naming the bump expected; shared lists
                   (rules/lists/) are taken as they are now, so a list edit alone needs no rule bump
  --rules DIR, --out DIR, --templates DIR, --schemas DIR, --cache DIR, --no-cache, --workers N   as for detc build

Exit codes: 0 all checks pass, 1 a check failed, 2 usage, 3 internal error.
`;

/** `--workers N`: a whole number of threads, at least 1; undefined when not given. */
export function parseWorkers(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,3}$/.test(value)) throw new UsageError(`--workers takes a number of threads from 1 to 9999, not '${value}'`);
  return Number(value);
}

export function parseReporter(value: string | undefined): ReporterName {
  const r = (value ?? 'human') as ReporterName;
  if (!REPORTERS.includes(r)) throw new UsageError(`unknown reporter '${r}' (${REPORTERS.join(', ')})`);
  return r;
}

export async function checkCommand(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      rules: { type: 'string' }, out: { type: 'string' }, templates: { type: 'string' }, schemas: { type: 'string' }, cache: { type: 'string' }, 'no-cache': { type: 'boolean' }, workers: { type: 'string' },
      reporter: { type: 'string' }, output: { type: 'string' }, base: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.out(CHECK_HELP);
    return EXIT.ok;
  }
  const reporter = parseReporter(values.reporter);
  const project = loadProject(io.cwd, { ...values, noCache: values['no-cache'] === true, workers: parseWorkers(values.workers) });
  const engines = runners(project.targets.map((t) => t.target));
  const outName = project.outName;
  const started = Date.now();
  const problems: Problem[] = [];
  let results: CaseResult[] = [];
  let build: BuildResult | undefined;
  try {
    build = compileAll(project);
  } catch (e) {
    if (!(e instanceof DiagnosticError)) throw e;
    problems.push(...fromDiagnostics(e.diagnostics));
  }
  let drift = 0;
  if (build) {
    for (const v of build.verified) if (v.note) io.err(`detc: note: ${v.note}`);
    problems.push(...fromDiagnostics(build.diagnostics));
    const stale = outputDrift(project.outDir, build.files);
    drift = stale.length;
    problems.push(...fromDrift(outName, stale));

    if (values.base) problems.push(...versionProblems(build, values.base, project));

    // Fixtures run on what the rules compile to now, so a test result never depends on a stale folder.
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'detc-check-'));
    try {
      writeOutput(tmp, build.files);
      const { fixtures, diagnostics } = loadFixtures(build.rules, io.cwd, project.rulesDir);
      problems.push(...fromDiagnostics(diagnostics));
      const ctx = { engines, cwd: io.cwd, opts: runOptions(project, tmp), natives: nativeFormats(project) };
      if (!diagnostics.some((d) => d.severity === 'error')) results = await runAllFixtures(fixtures, ctx, terminalProgress());
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    problems.push(...fromResults(results));
  }
  const ruleErrors = problems.filter((p) => p.kind === 'rule' && p.severity === 'error').length;
  const secs = ((Date.now() - started) / 1000).toFixed(2);
  const summary = build
    ? `${[`${build.rules.length} rules`, verifiedLine(build.verified), `${build.files.length} output files`].filter(Boolean).join(', ')} (${drift} out of date${drift ? `: run 'npx detc build' and commit the result` : ''}), ` +
      `${countLine(results)} fixture runs in ${secs}s`
    : `${ruleErrors} error${ruleErrors === 1 ? '' : 's'} in rules; nothing compiled or tested (${secs}s)`;
  emitReport(reporter, { command: 'check', problems, results, summary }, io, values.output);
  return problems.some((p) => p.severity === 'error') ? EXIT.problems : EXIT.ok;
}

/** Rules whose generated files differ from REF's while their version did not go up. */
function versionProblems(build: BuildResult, ref: string, project: Project): Problem[] {
  let base: ReturnType<typeof compileAtRef>;
  try {
    base = compileAtRef(project, ref, true);
  } catch (e) {
    if (e instanceof DiagnosticError) throw new UsageError(`the rules at ${ref} do not compile:\n${e.message}`);
    throw new UsageError(`cannot read the rules at '${ref}': ${String((e as { stderr?: unknown }).stderr ?? (e as Error).message).trim()}`);
  }
  const out: Diagnostic[] = [];
  for (const rule of build.rules) {
    const old = base.rules.find((r) => r.id === rule.id);
    if (!old) continue;
    const now = filesOfRule(rule, build.files);
    const then = filesOfRule(old, base.files);
    const changed = [...new Set([...now.keys(), ...then.keys()])].filter((p) => now.get(p) !== then.get(p)).sort();
    if (!changed.length || compareVersions(rule.version, old.version) > 0) continue;
    // Every backend compiles from one IR, so a logic change always changes the KQL and SPL query texts (minor bump);
    // a change elsewhere only (analytics-rule metadata, Sigma level, ...) is a patch.
    const logic = changed.some((p) => /\.(kql|spl)$/.test(p));
    const want = bumped(old.version, logic ? 'minor' : 'patch');
    const { line, col } = new YamlSource(rule.file, readFileSync(path.resolve(project.cwd, rule.file), 'utf8')).locate(['version']);
    out.push(diagnosticAt({ file: rule.file, line, col, path: 'version' }, facts.versionNotBumped(changed, ref, rule.version, want, logic)));
  }
  return fromDiagnostics(out);
}
