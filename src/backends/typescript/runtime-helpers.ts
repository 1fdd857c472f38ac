// The helpers of templates/typescript/runtime.ts as parts of a module: its top-level statements, parsed once per
// runtime text (one per build), each with its text as written there, leading comments included. A module carries
// those its own code needs (printer.ts, usedParts).
import type { ts as TS } from 'ts-morph';
import { ts } from './ast.js';
import { declaredNames, identifierUses, usesOf, type Printed } from './printer.js';

const byRuntime = new Map<string, { parts: readonly Printed[]; uses: ReadonlyMap<string, number> }>();
const parsed = new Map<string, TS.SourceFile>();

/** The runtime's syntax tree, parsed once per runtime text (the build checks it parses, then takes its parts). */
export function parseRuntime(runtime: string): TS.SourceFile {
  let file = parsed.get(runtime);
  if (!file) {
    const t = ts();
    file = t.createSourceFile('runtime.ts', runtime, t.ScriptTarget.ES2022, true, t.ScriptKind.TS);
    parsed.set(runtime, file);
  }
  return file;
}

/**
 * The runtime's top-level statements, in order (their texts joined are the runtime without its end of file), and
 * their identifier counts together.
 */
export function runtimeParts(runtime: string): { parts: readonly Printed[]; uses: ReadonlyMap<string, number> } {
  let helpers = byRuntime.get(runtime);
  if (!helpers) {
    const file = parseRuntime(runtime);
    // Line ends as in the rest of the module (a runtime saved with CRLF).
    const parts = file.statements.map((s) => ({ text: s.getFullText(file).replace(/\r\n/g, '\n'), names: declaredNames(s), uses: identifierUses(s) }));
    helpers = { parts, uses: usesOf(parts) };
    byRuntime.set(runtime, helpers);
  }
  return helpers;
}
