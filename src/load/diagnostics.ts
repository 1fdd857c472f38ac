// One problem in one input file, printed in the tsc style: `file:line:col: error DETC121: message (at field.path)`.

import type { Finding, Severity } from './diagnostic-facts.js';

export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  /** Field path inside the file (`query.where.all[1].cidr`), empty for file-level problems. */
  path: string;
  /** The catalogue code (`DETC121`, see diagnostic-facts.ts and docs/diagnostics.md). */
  code: string;
  message: string;
  severity: Severity;
}

/** A fact's finding at a place. */
export function diagnosticAt(at: { file: string; line: number; col: number; path?: string }, finding: Finding): Diagnostic {
  return { file: at.file, line: at.line, col: at.col, path: at.path ?? '', ...finding };
}

type Printable = Pick<Diagnostic, 'file' | 'line' | 'col' | 'path' | 'code' | 'message' | 'severity'>;

export function formatDiagnostic(d: Printable): string {
  return formatPainted(d, (s) => s);
}

/** The same line with the severity word passed through `paint` (the human reporter colours it on a terminal). */
export function formatPainted(d: Printable, paint: (severity: Severity) => string): string {
  const where = d.path ? ` (at ${d.path})` : '';
  return `${d.file}:${d.line}:${d.col}: ${paint(d.severity)} ${d.code}: ${d.message}${where}`;
}

/** Thrown when a stage cannot go on; carries every diagnostic found so far. */
export class DiagnosticError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'DiagnosticError';
  }
}
