// TypeScript's own printer over the factory's nodes (ast.ts), made once per process: the one path by which a rule's
// values become module text, each literal node escaped by the printer for its place. A module is assembled from
// printed top-level statements, each kept with the names it declares and the identifiers it uses, so that what
// nothing refers to is left out without parsing the module again.
import type { ts as TS } from 'ts-morph';
import { ts } from './ast.js';

/** A top-level statement of a module as text, with what leaving out unused statements needs to know of it. */
export interface Printed {
  readonly text: string;
  /** The names it declares that may be left out when nothing else refers to them (none for an exported one). */
  readonly names: readonly string[];
  /** How often each name occurs in it as an identifier. */
  readonly uses: ReadonlyMap<string, number>;
}

let printer: { print(node: TS.Node): string } | undefined;

function thePrinter(): { print(node: TS.Node): string } {
  if (!printer) {
    const t = ts();
    const file = t.createSourceFile('detc.ts', '', t.ScriptTarget.ES2022, false, t.ScriptKind.TS);
    const p = t.createPrinter({ newLine: t.NewLineKind.LineFeed, removeComments: false });
    printer = { print: (node) => p.printNode(t.EmitHint.Unspecified, node, file) };
  }
  return printer;
}

/**
 * A node as TypeScript source, indented by two spaces a level (the printer indents by four). Only the starts of
 * lines change: a printed literal never spans lines (the printer escapes line breaks) and detc's comments are
 * one line each.
 */
export function printNode(node: TS.Node): string {
  return thePrinter().print(node).replace(/^(?: {4})+/gm, (indent) => indent.slice(indent.length / 2));
}

/** A top-level statement printed, with the names it declares and the identifiers it uses. */
export function printStatement(s: TS.Statement): Printed {
  return { text: printNode(s), names: declaredNames(s), uses: identifierUses(s) };
}

/** How often each name occurs as an identifier under `node` (a parsed node or one made by the factory). */
export function identifierUses(node: TS.Node, into = new Map<string, number>()): Map<string, number> {
  const t = ts();
  const walk = (n: TS.Node): void => {
    if (t.isIdentifier(n)) into.set(n.text, (into.get(n.text) ?? 0) + 1);
    n.forEachChild(walk);
  };
  walk(node);
  return into;
}

/**
 * The names a top-level statement declares that may be left out: a function, interface or variable that is not
 * exported (read from the syntax alone).
 */
export function declaredNames(s: TS.Statement): string[] {
  const t = ts();
  const exported = (t.canHaveModifiers(s) ? t.getModifiers(s) : undefined)?.some((m) => m.kind === t.SyntaxKind.ExportKeyword);
  if (exported) return [];
  if (t.isFunctionDeclaration(s) || t.isInterfaceDeclaration(s)) return [s.name?.text ?? ''];
  if (t.isVariableStatement(s)) return s.declarationList.declarations.map((d) => (t.isIdentifier(d.name) ? d.name.text : ''));
  return [];
}

/** The identifier counts of `parts` together. */
export function usesOf(parts: readonly Printed[]): Map<string, number> {
  const uses = new Map<string, number>();
  for (const p of parts) for (const [n, c] of p.uses) uses.set(n, (uses.get(n) ?? 0) + c);
  return uses;
}

/**
 * Which of `parts` and `shared` stay in a module: every exported one, and every other one whose declared names
 * something else refers to (a name counts as used wherever it occurs as an identifier other than its own
 * declaration; a property of that name keeps it: harmless). Leaving one out can leave others unused, so this runs to
 * a fixed point; the result is what a strict project with `noUnusedLocals` accepts. `shared` are parts every module
 * is offered (the runtime helpers), with their identifier counts summed once (`usesOf`).
 */
export function usedParts(parts: readonly Printed[], shared: { parts: readonly Printed[]; uses: ReadonlyMap<string, number> } = { parts: [], uses: new Map() }): Set<Printed> {
  const uses = new Map(shared.uses);
  for (const p of parts) for (const [n, c] of p.uses) uses.set(n, (uses.get(n) ?? 0) + c);
  const kept = new Set([...parts, ...shared.parts]);
  for (let changed = true; changed;) {
    changed = false;
    for (const p of kept) {
      if (!p.names.length || p.names.some((n) => (uses.get(n) ?? 0) > 1)) continue;
      kept.delete(p);
      for (const [n, c] of p.uses) uses.set(n, uses.get(n)! - c);
      changed = true;
    }
  }
  return kept;
}
