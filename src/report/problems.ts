import type { CaseResult } from '../verify/run-fixtures.js';
import type { Diagnostic } from '../load/diagnostics.js';

/** One thing a reporter shows: a rule diagnostic, a failed fixture run or a stale output file, with its place. */
export interface Problem {
  kind: 'rule' | 'fixture' | 'drift';
  severity: 'error' | 'warning';
  file: string;
  line: number;
  col: number;
  title: string;
  message: string;
}

export function fromDiagnostics(ds: Diagnostic[]): Problem[] {
  return ds.map((d) => ({ kind: 'rule', severity: d.severity, file: d.file, line: d.line, col: d.col, title: d.path ? `detc: ${d.path}` : 'detc', message: d.message }));
}

export function fromResults(rs: CaseResult[]): Problem[] {
  return rs
    .filter((r) => !r.ok)
    .map((r) => ({ kind: 'fixture', severity: 'error', file: r.fixture, line: r.line, col: 1, title: `detc test: ${r.rule} › ${r.name} [${r.engine}]`, message: r.message ?? 'failed' }));
}

export function fromDrift(outDir: string, files: { path: string; why: string }[]): Problem[] {
  return files.map((f) => ({ kind: 'drift', severity: 'error', file: `${outDir}/${f.path}`, line: 1, col: 1, title: 'detc check: stale output', message: `${f.why}; run 'npx detc build' and commit the result` }));
}
