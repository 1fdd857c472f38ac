import path from 'node:path';
import { parseArgs } from 'node:util';
import os from 'node:os';
import { EventFiles } from '../events/event-files.js';
import { BUILTIN_EVENT_FORMATS, eventFormats } from '../events/formats.js';
import { eventInputs } from '../events/inputs.js';
import { projectRows, toEpochMs } from '../events/model.js';
import { terminalReadProgress } from './read-progress.js';
import { DiagnosticError } from '../load/diagnostics.js';
import { loadRuleText } from '../load/load-rules.js';
import { RuleLoadCache } from '../load/rule-cache.js';
import type { Diagnostic } from '../load/diagnostics.js';
import type { Rule } from '../ir/types.js';
import { ruleFieldsRead } from '../mapping/mapping.js';
import { loadSharedLists } from '../load/shared-lists.js';
import { parallelReader, portableNatives } from '../ingest/parallel-read.js';
import { readUtf8 } from '../load/text-file.js';
import { loadProject, nativeFormats, runOptions } from '../project.js';
import { allTargets, runners } from '../targets/index.js';
import { skipReason } from '../verify/run-fixtures.js';
import { EXIT, UsageError, type Io } from '../util/io.js';

export const RUN_HELP = `Usage: detc run RULE --events FILE... [--format F] --now ISO8601 [--engine NAME|all] [--dist DIR]

Evaluates one rule on files of events and prints one JSON object per alert (JSON lines) with the rule's
output columns; the window start (e.g. TimeGenerated) is an ISO 8601 string.

Options:
  --events FILE    events to read, streamed (never held in memory): a file, a folder (its files in name order),
                   a glob ('exports/*.json.gz', '**' for any folders) or - for standard input; repeat it for
                   more. Files ending in .gz are decompressed as they are read. All files form one stream, in
                   the order given; an error names the file and line
  --format F       ${[BUILTIN_EVENT_FORMATS[0], ...allTargets().filter((t) => t.exportLayout).map((t) => t.name), ...BUILTIN_EVENT_FORMATS.slice(1)].join(' | ')} (default: canonical)
  --now ISO8601    the scheduler's run time; the rule's lookback ends here (required)
  --engine NAME    ${runners().map((e) => e.name).join(' | ')} | all (default: reference). 'all' runs every
                   engine, prints the reference alerts and fails when an engine disagrees
  --threads N      threads that decode the events (default: the machine's cores, or 1 on two cores or fewer; inputs under 8 MB, and
                   CSV and Zeek files, are read by one)
  --dist DIR       generated queries for the interpreters (default: dist-rules)
  --rules DIR      rules folder whose lists/ the rule reads (default: rules, or detc.config's)
  -h, --help       show this help

On a terminal (not in CI), the bytes and events read, events/s and the time left are shown on standard error.

Exit codes: 0 done (and, with --engine all, all engines agree), 1 disagreement or bad input, 2 usage, 3 internal error.
`;

/**
 * Decoding threads when none are asked for. On two cores the thread that runs the engine is the bottleneck: decoding
 * workers take CPU from it and add the copying of every event between threads (measured on the 1M-row benchmark
 * file, reference engine: 9.4 s with one thread, 13.2 s with two), so they pay only where cores are left over.
 */
export function defaultThreads(cores: number): number {
  return cores > 2 ? cores : 1;
}

export async function runCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      events: { type: 'string', multiple: true }, threads: { type: 'string' }, format: { type: 'string' }, now: { type: 'string' }, engine: { type: 'string' },
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
  if (!values.events?.length) throw new UsageError('--events FILE is required');
  const threads = values.threads === undefined ? defaultThreads(os.availableParallelism()) : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError('--threads needs a whole number of threads, at least 1');
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
  // From the cache when unchanged, as build does: loading anew compiles the JSON Schemas (ajv), a second at start-up.
  const shared = loadSharedLists(project.rulesDir, io.cwd, undefined, project.cacheDir);
  if (shared.diagnostics.some((d) => d.severity === 'error')) throw new DiagnosticError(shared.diagnostics);
  const read = readUtf8(path.resolve(io.cwd, ruleFile), ruleFile);
  if (read.diagnostic) throw new DiagnosticError([read.diagnostic]);
  const loadOptions = { defaultSeverity: project.defaultSeverity, sharedLists: shared.lists };
  const cache = new RuleLoadCache(project.cacheDir, loadOptions);
  let loaded: { rule?: Rule; diagnostics: Diagnostic[] } | undefined = cache.get(ruleFile, read.text);
  if (!loaded) cache.put(ruleFile, read.text, (loaded = loadRuleText(ruleFile, read.text, loadOptions)));
  if (!loaded.rule) throw new DiagnosticError(loaded.diagnostics);
  const rule = loaded.rule;
  const opts = { ...runOptions(project), now };
  // `-` is standard input (a pipe from a SIEM export); errors name it <stdin>. Each engine, and each pass of a
  // query that reads its table twice, reads the files again: memory holds the open groups, not the events.
  const inputs = eventInputs(values.events, io.cwd, () => io.stdin ?? process.stdin);
  const progress = terminalReadProgress();
  const events = new EventFiles(inputs, {
    format,
    source: rule.branches[0]!.source,
    natives,
    // Only what the rule reads is decoded; every engine's query is compiled from the same rule.
    fields: ruleFieldsRead(rule),
    split: threads > 1 ? parallelReader({ threads, natives: portableNatives(project) }) : undefined,
    progress: progress?.update,
  });

  const results = [];
  try {
    for (const engine of engines) results.push(await engine.run(rule, events, opts));
  } finally {
    progress?.done();
  }
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
  io.err(agree ? `${compared} engines agree: ${ref.rows.length} alerts from ${events.count} events` : 'engines disagree');
  return agree ? EXIT.ok : EXIT.problems;
}
