import path from 'node:path';
import { parseArgs } from 'node:util';
import { BUILTIN_EVENT_FORMATS, eventFormats, readEvents } from '../events/formats.js';
import { readLines } from '../events/lines.js';
import { projectRows, toEpochMs, type Row } from '../events/model.js';
import { DiagnosticError } from '../load/diagnostics.js';
import { loadRuleText } from '../load/load-rules.js';
import { loadSharedLists } from '../load/shared-lists.js';
import { readUtf8 } from '../load/text-file.js';
import { loadProject, nativeFormats, runOptions } from '../project.js';
import { allTargets, runners } from '../targets/index.js';
import { skipReason } from '../verify/run-fixtures.js';
import { EXIT, UsageError, type Io } from '../util/io.js';

export const RUN_HELP = `Usage: detc run RULE --events FILE [--format F] --now ISO8601 [--engine NAME|all] [--dist DIR]

Evaluates one rule on a file of events and prints one JSON object per alert (JSON lines) with the rule's
output columns; the window start (e.g. TimeGenerated) is an ISO 8601 string.

Options:
  --events FILE    events to read (streamed); - reads standard input
  --format F       ${[BUILTIN_EVENT_FORMATS[0], ...allTargets().filter((t) => t.exportLayout).map((t) => t.name), ...BUILTIN_EVENT_FORMATS.slice(1)].join(' | ')} (default: canonical)
  --now ISO8601    the scheduler's run time; the rule's lookback ends here (required)
  --engine NAME    ${runners().map((e) => e.name).join(' | ')} | all (default: reference). 'all' runs every
                   engine, prints the reference alerts and fails when an engine disagrees
  --dist DIR       generated queries for the interpreters (default: dist-rules)
  --rules DIR      rules folder whose lists/ the rule reads (default: rules, or detc.config's)
  -h, --help       show this help

Exit codes: 0 done (and, with --engine all, all engines agree), 1 disagreement or bad input, 2 usage, 3 internal error.
`;

export async function runCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      events: { type: 'string' }, format: { type: 'string' }, now: { type: 'string' }, engine: { type: 'string' },
      dist: { type: 'string' }, rules: { type: 'string' }, templates: { type: 'string' }, schemas: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    io.out(RUN_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('give exactly one rule file');
  if (!values.events) throw new UsageError('--events FILE is required');
  // The same reading of a time as the events' (no zone: UTC), so --now and the events agree on every machine.
  const now = toEpochMs(values.now);
  if (now === undefined) throw new UsageError('--now needs an ISO 8601 time, e.g. 2026-11-23T12:00:00Z');
  const project = loadProject(io.cwd, { ...values, out: values.dist });
  const natives = nativeFormats(project);
  const format = values.format ?? 'canonical';
  const formats = eventFormats(natives);
  if (!formats.includes(format)) throw new UsageError(`unknown format '${format}' (${formats.join(', ')})`);
  const available = runners(project.targets.map((t) => t.target));
  const engineName = values.engine ?? 'reference';
  const engines = engineName === 'all' ? available : available.filter((e) => e.name === engineName);
  if (!engines.length) throw new UsageError(`unknown engine '${engineName}' (${available.map((e) => e.name).join(', ')}, all)`);

  const ruleFile = path.relative(io.cwd, path.resolve(io.cwd, positionals[0]!)).split(path.sep).join('/');
  // The rule may read shared lists: from the rules folder (config or --rules), as build does.
  const shared = loadSharedLists(project.rulesDir, io.cwd);
  if (shared.diagnostics.some((d) => d.severity === 'error')) throw new DiagnosticError(shared.diagnostics);
  const read = readUtf8(path.resolve(io.cwd, ruleFile), ruleFile);
  if (read.diagnostic) throw new DiagnosticError([read.diagnostic]);
  const loaded = loadRuleText(ruleFile, read.text, { defaultSeverity: project.defaultSeverity, sharedLists: shared.lists });
  if (!loaded.rule) throw new DiagnosticError(loaded.diagnostics);
  const rule = loaded.rule;
  const opts = { ...runOptions(project), now };
  const events: Row[] = [];
  // `-` is standard input (a pipe from a SIEM export); errors name it <stdin>.
  const stdin = values.events === '-';
  const lines = stdin ? readLines(io.stdin ?? process.stdin) : readLines(path.resolve(io.cwd, values.events));
  for await (const e of readEvents(lines, format, rule.branches[0]!.source, stdin ? '<stdin>' : values.events, natives)) events.push(e);

  const results = [];
  for (const engine of engines) results.push(await engine.run(rule, events, opts));
  for (const row of results[0]!.rows) io.out(JSON.stringify(row));
  if (results.length === 1) return EXIT.ok;
  let agree = true;
  const ref = results[0]!;
  let compared = results.length;
  for (const r of results.slice(1)) {
    const skip = await skipReason(rule, r, events, opts, ref);
    if (skip) {
      io.err(`${r.engine} skipped: it ${skip}`);
      compared--;
      continue;
    }
    const a = projectRows(ref.rows, r.keys);
    const b = projectRows(r.rows, r.keys);
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      agree = false;
      io.err(`${r.engine} disagrees with reference: ${r.rows.length} vs ${ref.rows.length} alerts on ${r.keys.join(', ')}`);
    }
  }
  io.err(agree ? `${compared} engines agree: ${ref.rows.length} alerts from ${events.length} events` : 'engines disagree');
  return agree ? EXIT.ok : EXIT.problems;
}
