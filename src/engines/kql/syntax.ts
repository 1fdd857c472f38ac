// Reading Kusto.Language's syntax tree (as revived from plain data, syntax-tree.ts): node kinds, child lists,
// literals. Only the plan compiler reads the tree; no row ever does.
import { toEpochMs } from '../../events/model.js';
import type { LiteralData } from './syntax-tree.js';
import { KqlRuntimeError, parseTimespanLiteral, T, type KValue, type StaticType } from './values.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Node = any;

export function kindOf(n: Node): string {
  return String(n?.$kind ?? '');
}

/** The elements of a syntax list (separated lists hold their element in `.Element`). */
export function list(l: Node): Node[] {
  const out: Node[] = [];
  if (!l) return out;
  for (let i = 0; i < l.Count; i++) {
    const e = l.getItem(i);
    out.push(e.Element !== undefined ? e.Element : e);
  }
  return out;
}

export function text(n: Node): string {
  return String(n.ToString()).trim();
}

/** A literal's value and static type. */
export function literal(n: Node): { value: KValue; type: StaticType } {
  const info = n.LiteralValueInfo as LiteralData | undefined;
  const v = info?.value ?? null;
  const t = info?.text ?? null;
  const typeName = info?.type;
  if (v === null) return typeof t === 'string' && text(n).startsWith('"') ? { value: t, type: T.string } : { value: null, type: T.dynamic };
  if (typeName === 'string') return { value: v, type: T.string };
  if (typeName === 'System.TimeSpan') return { value: parseTimespanLiteral(String(t)), type: T.timespan };
  if (typeName === 'System.Boolean') return { value: v === 'True', type: T.bool };
  // A datetime literal without a zone is UTC in Kusto; Date.parse would read it in the machine's zone.
  if (typeName === 'System.DateTime') return { value: toEpochMs(String(t)) ?? null, type: T.datetime };
  if (typeName === 'System.Int64' || typeName === 'System.Int32') return { value: Number(v), type: T.long };
  if (typeName === 'System.Double') return { value: Number(v), type: T.real };
  throw new KqlRuntimeError(`literal '${text(n)}' is outside the supported subset`);
}
