import { factByCode } from '../load/diagnostic-facts.js';
import { toJunit } from './junit.js';
import type { CaseResult } from '../verify/run-fixtures.js';
import type { Problem } from './problems.js';

export const REPORTERS = ['human', 'junit', 'json', 'github', 'sarif'] as const;
const HOME = 'https://github.com/detc/detc';
export type ReporterName = (typeof REPORTERS)[number];

export interface ReportInput {
  command: string;
  problems: Problem[];
  results: CaseResult[];
  summary: string;
}

/** GitHub workflow commands: each problem becomes an annotation on its file and line in the pull request. */
export function githubReport(r: ReportInput): string {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string) => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const lines = r.problems.map((p) => `::${p.severity === 'error' ? 'error' : 'warning'} file=${prop(p.file)},line=${p.line},col=${p.col},title=${prop(`${p.code} ${p.title}`)}::${esc(p.message)}`);
  lines.push(r.summary);
  return lines.join('\n');
}

/**
 * SARIF 2.1.0, so problems show as code-scanning alerts on the rule's (or fixture's) line. Each catalogue code used
 * is a reporting rule, so code scanning groups alerts by code and links each to its entry in docs/diagnostics.md.
 */
export function sarifReport(r: ReportInput): string {
  const codes = [...new Set(r.problems.map((p) => p.code))].sort();
  const rules = codes.map((code) => {
    const fact = factByCode(code);
    return {
      id: code,
      name: fact?.name ?? code,
      shortDescription: { text: fact?.title ?? code },
      helpUri: `${HOME}/blob/main/docs/diagnostics.md#${code.toLowerCase()}`,
      defaultConfiguration: { level: fact?.severity ?? 'error' },
    };
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'detc', informationUri: HOME, version: '0.1.0', rules } },
        results: r.problems.map((p) => ({
          ruleId: p.code,
          ruleIndex: codes.indexOf(p.code),
          level: p.severity === 'error' ? 'error' : 'warning',
          message: { text: `${p.title}: ${p.message}` },
          locations: [{ physicalLocation: { artifactLocation: { uri: p.file }, region: { startLine: p.line, startColumn: p.col } } }],
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}

export function jsonReport(r: ReportInput): string {
  return JSON.stringify(
    {
      command: r.command,
      ok: !r.problems.some((p) => p.severity === 'error'),
      summary: r.summary,
      problems: r.problems,
      tests: r.results.map((t) => ({ rule: t.rule, fixture: t.fixture, line: t.line, case: t.name, engine: t.engine, ok: t.ok, message: t.message, seconds: t.seconds })),
    },
    null,
    2,
  );
}

/** JUnit: a test case per rule × fixture case × engine, plus one failed test case per other problem. */
export function junitReport(r: ReportInput): string {
  const others = r.problems.filter((p) => p.kind !== 'fixture' && p.severity === 'error');
  return toJunit(r.results, others.map((p) => ({ name: `${p.file}:${p.line}:${p.col}`, classname: `detc.${p.kind}`, type: p.code, message: p.message })));
}

/** Colour only for a terminal, and never when NO_COLOR is set (no-color.org). */
export function useColor(stream: { isTTY?: boolean }): boolean {
  return !!stream.isTTY && !process.env.NO_COLOR;
}

export function paint(on: boolean, code: number, s: string): string {
  return on ? `\u001b[${code}m${s}\u001b[0m` : s;
}
