import type { CaseResult } from '../verify/run-fixtures.js';
import { facts, type Finding } from '../load/diagnostic-facts.js';
import type { Diagnostic } from '../load/diagnostics.js';

/** One thing a reporter shows: a rule diagnostic, a failed fixture run or a stale output file, with its place. */
export interface Problem {
  kind: 'rule' | 'fixture' | 'drift';
  /** The catalogue code (docs/diagnostics.md). */
  code: string;
  severity: 'error' | 'warning';
  file: string;
  line: number;
  col: number;
  /** Field path inside the file, empty when the problem is about the whole file. */
  path: string;
  title: string;
  message: string;
}

/** A fact's finding as a problem at the start of `file` (no field path). */
export function problemAt(kind: Problem['kind'], at: { file: string; line: number; col: number }, title: string, finding: Finding): Problem {
  return { kind, ...finding, file: at.file, line: at.line, col: at.col, path: '', title };
}

export function fromDiagnostics(ds: Diagnostic[]): Problem[] {
  return ds.map((d) => ({ kind: 'rule', code: d.code, severity: d.severity, file: d.file, line: d.line, col: d.col, path: d.path, title: d.path ? `detc: ${d.path}` : 'detc', message: d.message }));
}

export function fromResults(rs: CaseResult[]): Problem[] {
  return rs
    .filter((r) => !r.ok)
    .map((r) => problemAt('fixture', { file: r.fixture, line: r.line, col: 1 }, `detc test: ${r.rule} › ${r.name} [${r.engine}]`, facts.fixtureFailed(r.message ?? 'failed')));
}

export function fromDrift(outDir: string, files: { path: string; why: string }[]): Problem[] {
  return files.map((f) => problemAt('drift', { file: `${outDir}/${f.path}`, line: 1, col: 1 }, 'detc check: stale output', facts.staleOutput(f.why)));
}
