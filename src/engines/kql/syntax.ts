// Reading Kusto.Language's syntax tree (a Bridge.NET object graph): node kinds, child lists, literals. Only the
// plan compiler reads the tree; no row ever does.
import { toEpochMs } from '../../events/model.js';
import { loadKusto } from '../../kql-check/kusto.js';
import { KqlRuntimeError, parseTimespanLiteral, T, type KValue, type StaticType } from './values.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Node = any;

/**
 * Parses a query with Kusto.Language's query parser, the one KustoCode.Parse runs, called directly: KustoCode.Parse
 * first builds the grammar of every built-in function and operator (seconds, once per process), which only the
 * semantic analysis needs. Syntax errors are refused with Kusto's message.
 */
export function parseQuery(query: string): Node {
  const K = loadKusto();
  const options = K.ParseOptions.Default.WithAlwaysProduceEndTokens(true);
  const syntax = K.Parsing.QueryParser.ParseQuery(K.Parsing.TokenParser.ParseTokens(query, options), 0, options);
  // An empty list comes back as a plain array, a non-empty one as a .NET collection.
  const diags = syntax.GetContainedSyntaxDiagnostics();
  const count = Array.isArray(diags) ? diags.length : Number(diags.Count);
  if (count > 0) throw new KqlRuntimeError(`syntax error: ${Array.isArray(diags) ? diags[0].Message : diags.getItem(0).Message}`);
  return syntax;
}

export function kindOf(n: Node): string {
  return String(n?.constructor?.$$name ?? '').replace('Kusto.Language.Syntax.', '');
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
  const info = n.LiteralValueInfo;
  const v = info?.Value;
  const t = info?.ValueText;
  const typeName = v?.constructor?.$$name as string | undefined;
  if (v === null || v === undefined) return typeof t === 'string' && text(n).startsWith('"') ? { value: t, type: T.string } : { value: null, type: T.dynamic };
  if (typeof v === 'string') return { value: v, type: T.string };
  if (typeName === 'System.TimeSpan') return { value: parseTimespanLiteral(String(t)), type: T.timespan };
  if (typeName === 'System.Boolean') return { value: String(v) === 'True', type: T.bool };
  // A datetime literal without a zone is UTC in Kusto; Date.parse would read it in the machine's zone.
  if (typeName === 'System.DateTime') return { value: toEpochMs(String(t)) ?? null, type: T.datetime };
  if (typeName === 'System.Int64' || typeName === 'System.Int32') return { value: Number(String(v)), type: T.long };
  if (typeName === 'System.Double') return { value: Number(String(v)), type: T.real };
  throw new KqlRuntimeError(`literal '${text(n)}' is outside the supported subset`);
}
