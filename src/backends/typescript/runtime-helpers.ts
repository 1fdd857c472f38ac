// The helpers of templates/typescript/runtime.ts as parts of a module: its top-level statements, parsed once per
// runtime text (one per build), each with its text as written there, leading comments included. A module carries
// those its own code needs (printer.ts, usedParts).
import { ts } from './ast.js';
import { declaredNames, identifierUses, type Printed } from './printer.js';

const byRuntime = new Map<string, readonly Printed[]>();

/** The runtime's top-level statements, in order. Their texts joined are the runtime without its end of file. */
export function runtimeParts(runtime: string): readonly Printed[] {
  let parts = byRuntime.get(runtime);
  if (!parts) {
    const t = ts();
    const file = t.createSourceFile('runtime.ts', runtime, t.ScriptTarget.ES2022, true, t.ScriptKind.TS);
    // Line ends as in the rest of the module (a runtime saved with CRLF).
    parts = file.statements.map((s) => ({ text: s.getFullText(file).replace(/\r\n/g, '\n'), names: declaredNames(s), uses: identifierUses(s) }));
    byRuntime.set(runtime, parts);
  }
  return parts;
}
