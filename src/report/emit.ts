import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatPainted } from '../load/diagnostics.js';
import type { Io } from '../util/io.js';
import { formatFailure } from '../verify/run-fixtures.js';
import { githubReport, jsonReport, junitReport, paint, sarifReport, useColor, type ReporterName, type ReportInput } from './reporters.js';

/**
 * Prints or writes a report. `human` goes to the terminal (problems on stderr, summary on stdout, colour only on a
 * TTY without NO_COLOR); the machine formats go to --output FILE, or to stdout.
 */
export function emitReport(reporter: ReporterName, input: ReportInput, io: Io, output?: string): void {
  if (reporter === 'human') {
    const color = useColor(process.stderr);
    for (const p of input.problems.filter((x) => x.kind !== 'fixture')) {
      const line = formatPainted(p, (sev) => paint(color, sev === 'error' ? 31 : 33, sev));
      (p.severity === 'error' ? io.err : io.out)(line);
    }
    for (const r of input.results.filter((x) => !x.ok)) io.err(paint(color, 31, formatFailure(r)));
    const ok = !input.problems.some((p) => p.severity === 'error');
    io.out(paint(useColor(process.stdout), ok ? 32 : 31, input.summary));
    return;
  }
  const text = { junit: junitReport, json: jsonReport, github: githubReport, sarif: sarifReport }[reporter](input);
  if (output) {
    const p = path.resolve(io.cwd, output);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text.endsWith('\n') ? text : text + '\n');
    io.out(input.summary);
  } else {
    io.out(text.trimEnd());
    if (reporter !== 'github') io.err(input.summary);
  }
}
