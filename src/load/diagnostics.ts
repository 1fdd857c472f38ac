// One problem in one input file, printed in the esbuild/tsc style: `file:line:col: error: message`.

export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  /** Field path inside the file (`query.where.all[1].cidr`), empty for file-level problems. */
  path: string;
  message: string;
  severity: 'error' | 'warning';
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.path ? ` (at ${d.path})` : '';
  return `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}${where}`;
}

/** Thrown when a stage cannot go on; carries every diagnostic found so far. */
export class DiagnosticError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'DiagnosticError';
  }
}

export function errorCount(ds: Diagnostic[]): number {
  return ds.filter((d) => d.severity === 'error').length;
}
