import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document, type Node } from 'yaml';
import { facts, type Finding } from './diagnostic-facts.js';
import type { Diagnostic } from './diagnostics.js';

export type PathPart = string | number;

/** A parsed YAML file that can answer "where is this path?" for diagnostics. */
export class YamlSource {
  readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false, uniqueKeys: true });
  }

  /** Syntax errors and warnings from the YAML parser itself. */
  syntaxDiagnostics(): Diagnostic[] {
    return [...this.doc.errors, ...this.doc.warnings].map((e) => {
      const { line, col } = this.lines.linePos(e.pos[0]);
      const text = e.message.split('\n')[0]!;
      const finding = this.doc.errors.includes(e as never) ? facts.yamlError(text) : facts.yamlWarning(text);
      return { file: this.file, line, col, path: '', ...finding } satisfies Diagnostic;
    });
  }

  toJS(): unknown {
    return this.doc.toJS({ maxAliasCount: 100 });
  }

  /** Line and column of the node at `path` (or of the key `key` inside it); falls back to the nearest ancestor. */
  locate(path: PathPart[], key?: string): { line: number; col: number } {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as Node | undefined;
      if (!node || typeof node !== 'object' || !('range' in node) || !node.range) continue;
      if (key !== undefined && n === path.length && isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
        const k = pair && isScalar(pair.key) ? pair.key : undefined;
        if (k?.range) return this.lines.linePos(k.range[0]);
      }
      return this.lines.linePos(node.range[0]);
    }
    return { line: 1, col: 1 };
  }

  /** A fact's finding at `path` (or at the key `key` inside it). */
  diagnostic(path: PathPart[], finding: Finding, key?: string): Diagnostic {
    const { line, col } = this.locate(path, key);
    const full = key !== undefined ? [...path, key] : path;
    return { file: this.file, line, col, path: formatPath(full), ...finding };
  }
}

/** `['query','where','all',1,'cidr']` → `query.where.all[1].cidr` */
export function formatPath(path: PathPart[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s;
}
