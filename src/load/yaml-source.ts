import { isMap, isPair, isScalar, visit, type Alias, type Document, type Node } from 'yaml';
import { facts, type Finding } from './diagnostic-facts.js';
import { DiagnosticError, type Diagnostic } from './diagnostics.js';
import { LineCounter, parseDocument } from './yaml-library.js';

/** More alias expansions than this in one file is refused (the yaml library's resource-exhaustion guard). */
const MAX_ALIAS_EXPANSION = 100;

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
      // The library's own advice ("please use YAML.parseAllDocuments()") is for programmers, not rule authors.
      const text = e.code === 'MULTIPLE_DOCS' ? "one document per file: remove the second '---' and what follows, or move it to its own file" : e.message.split('\n')[0]!;
      const finding = this.doc.errors.includes(e as never) ? facts.yamlError(text) : facts.yamlWarning(text);
      return { file: this.file, line, col, path: '', ...finding } satisfies Diagnostic;
    });
  }

  /**
   * The plain value. An alias before its anchor, or one that expands into more than MAX_ALIAS_EXPANSION nodes
   * (an alias bomb: a few lines that would take gigabytes), is a DiagnosticError at the alias, not a crash.
   */
  toJS(): unknown {
    try {
      return this.doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
    } catch (e) {
      if (!(e instanceof ReferenceError)) throw e;
      throw new DiagnosticError([this.aliasDiagnostic(e.message)]);
    }
  }

  private aliasDiagnostic(message: string): Diagnostic {
    const unresolved = /Unresolved alias[^:]*: (.+)$/.exec(message)?.[1];
    const seen = new Set<string>();
    let at: Alias | undefined;
    // The first alias whose anchor is not defined before it, or else the first alias at all.
    visit(this.doc, {
      Node: (_key, node) => {
        if (node.anchor) seen.add(node.anchor);
      },
      Alias: (_key, node) => {
        if (at) return visit.BREAK;
        if (unresolved !== undefined ? node.source === unresolved && !seen.has(node.source) : true) at = node;
        return undefined;
      },
    });
    const { line, col } = at?.range ? this.lines.linePos(at.range[0]) : { line: 1, col: 1 };
    const text =
      unresolved !== undefined
        ? `alias *${unresolved} is used before its anchor &${unresolved} is defined (an anchor must come first)`
        : `aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes (an alias bomb?): write the values out`;
    return { file: this.file, line, col, path: '', ...facts.yamlError(text) };
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
