import { parseAllDocuments } from '../../load/yaml-library.js';
import { SigmaRuntimeError } from './values.js';

// Which Sigma documents belong to which detc rule, read from the documents themselves: a document is the rule's
// when its `id` is the rule id (a rule emitted as one detection rule), or when it names the rule id under
// `related` with type `derived` (a base rule, a correlation, a branch: documents with ids of their own). File names
// are not identity: two rules' file names can share a suffix.

export interface SigmaDoc {
  file: string;
  doc: Record<string, unknown>;
}

/** An emitted Sigma file: its path (for messages) and its text. */
export interface SigmaText {
  path: string;
  content: string;
}

/** The detc rule ids a document declares it belongs to (none for a document detc did not emit). */
export function ownersOf(doc: Record<string, unknown>): string[] {
  const out = new Set<string>();
  if (typeof doc.id === 'string') out.add(doc.id);
  if (Array.isArray(doc.related)) {
    for (const r of doc.related as Record<string, unknown>[]) if (r && r.type === 'derived' && typeof r.id === 'string') out.add(r.id);
  }
  return [...out];
}

/** Every YAML document of every file. */
export function parseSigmaFiles(files: SigmaText[]): SigmaDoc[] {
  return files.flatMap((f) =>
    parseAllDocuments(f.content).map((d) => {
      if (d.errors.length) throw new SigmaRuntimeError(`${f.path}: ${d.errors[0]!.message}`);
      return { file: f.path, doc: (d.toJS() ?? {}) as Record<string, unknown> };
    }),
  );
}

/** The documents that belong to the rule with this id, in file order. */
export function docsOfRule(ruleId: string, docs: SigmaDoc[]): SigmaDoc[] {
  return docs.filter((d) => ownersOf(d.doc).includes(ruleId));
}
