// Kusto.Language's syntax tree as plain data: what the plan compiler reads of it (kinds, named children, token
// texts, names, literal values) and nothing else. Loading Kusto.Language costs about a second per
// process, so the data of a query text is kept in detc's content cache (keyed by the exact text and detc's code
// version, which includes the parser's package version): a run of an unchanged query never loads the parser. The
// compiler reads the revived tree through the same property names as Kusto's objects (`Expression`, `Name`,
// `SimpleName`, `Operator.Text`, lists' `Count`/`getItem`), so one compiler serves both, and every query is
// compiled from this form whether it came from the parser or from the cache.
import { loadKusto } from '../../kql-check/kusto.js';
import { codeVersion } from '../../util/code-version.js';
import { ContentCache } from '../../util/content-cache.js';
import { KqlRuntimeError } from './values.js';

/** A literal's value as Kusto.Language reads it: the .NET type's name, the value as text, the literal's value text. */
export interface LiteralData {
  type: string | null;
  value: string | null;
  text: string | null;
}

/** One syntax element. Short keys: a tree of a few thousand elements is stored as JSON. */
export interface SyntaxData {
  /** Kind (Kusto's class name without its namespace). */
  k: string;
  /** A token's text (tokens only). */
  x?: string;
  /** SimpleName of a name or name reference. */
  n?: string;
  /** A literal's (or dynamic(...)'s) value. */
  l?: LiteralData;
  /** Children in order, and the name of each (null inside lists). */
  c?: (SyntaxData | null)[];
  m?: (string | null)[];
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type KustoElement = any;

const NAMESPACE = 'Kusto.Language.Syntax.';

/** Kusto.Language's tree of a query as plain data; syntax errors are refused with Kusto's message. */
export function parseToData(query: string): SyntaxData {
  const K = loadKusto();
  const options = K.ParseOptions.Default.WithAlwaysProduceEndTokens(true);
  // The query parser KustoCode.Parse runs, called directly: KustoCode.Parse first builds the grammar of every
  // built-in function (seconds, once per process), which only the semantic analysis needs.
  const syntax = K.Parsing.QueryParser.ParseQuery(K.Parsing.TokenParser.ParseTokens(query, options), 0, options);
  // An empty list comes back as a plain array, a non-empty one as a .NET collection.
  const diags = syntax.GetContainedSyntaxDiagnostics();
  const count = Array.isArray(diags) ? diags.length : Number(diags.Count);
  if (count > 0) throw new KqlRuntimeError(`syntax error: ${Array.isArray(diags) ? diags[0].Message : diags.getItem(0).Message}`);
  return toData(syntax);
}

function toData(n: KustoElement): SyntaxData {
  const d: SyntaxData = { k: String(n.constructor?.$$name ?? '').replace(NAMESPACE, '') };
  if (n.IsToken) {
    d.x = String(n.Text);
    return d;
  }
  if (typeof n.SimpleName === 'string') d.n = n.SimpleName;
  if (d.k === 'LiteralExpression' || d.k === 'DynamicExpression') {
    const info = n.LiteralValueInfo;
    const v = info?.Value;
    const t = info?.ValueText;
    d.l = {
      type: v === null || v === undefined ? null : typeof v === 'string' ? 'string' : String(v.constructor?.$$name ?? typeof v),
      value: v === null || v === undefined ? null : String(v),
      text: typeof t === 'string' ? t : null,
    };
  }
  const count = Number(n.ChildCount);
  if (count > 0) {
    d.c = [];
    d.m = [];
    // A separated list's element names its two children '' (C#: its Element and Separator properties).
    const names = d.k.startsWith('SeparatedElement') ? ['Element', 'Separator'] : undefined;
    for (let i = 0; i < count; i++) {
      const child = n.GetChild(i);
      d.c.push(child ? toData(child) : null);
      d.m.push(names?.[i] ?? ((typeof n.GetName === 'function' ? n.GetName(i) : null) || null));
    }
  }
  return d;
}

/** A revived element: Kusto's property names over plain data (see the file's comment). */
export interface SyntaxNode {
  readonly $kind: string;
  readonly IsToken: boolean;
  readonly Text?: string;
  readonly SimpleName?: string;
  readonly LiteralValueInfo?: LiteralData;
  readonly ChildCount: number;
  /** Named children: `Expression`, `Name`, `Operator`, ... */
  readonly [name: string]: unknown;
  GetChild(i: number): SyntaxNode | null;
  GetFirstToken(): SyntaxNode | null;
  ToString(): string;
  /** A list's elements. */
  readonly Count: number;
  getItem(i: number): SyntaxNode | null;
}

/** The tree of `data`, with Kusto's property names. */
export function revive(data: SyntaxData): SyntaxNode {
  const children = (data.c ?? []).map((c) => (c ? revive(c) : null));
  let shown: string | undefined;
  const node: Record<string, unknown> = {
    $kind: data.k,
    IsToken: data.x !== undefined,
    ChildCount: children.length,
    Count: children.length,
    GetChild: (i: number) => children[i] ?? null,
    getItem: (i: number) => children[i] ?? null,
    GetFirstToken: (): SyntaxNode | null => {
      if (data.x !== undefined) return node as unknown as SyntaxNode;
      for (const c of children) {
        const t = c?.GetFirstToken();
        if (t) return t;
      }
      return null;
    },
    // As Kusto's ToString(): the texts of its tokens, without the trivia (spaces, comments) between them.
    ToString: () => (shown ??= data.x ?? children.map((c) => (c ? c.ToString() : '')).join('')),
  };
  if (data.x !== undefined) node.Text = data.x;
  if (data.n !== undefined) node.SimpleName = data.n;
  if (data.l !== undefined) node.LiteralValueInfo = data.l;
  data.m?.forEach((name, i) => {
    if (name !== null) node[name] = children[i];
  });
  return node as unknown as SyntaxNode;
}

/** The shape of a whole tree, checked on every element (a few thousand): a damaged entry is a miss. */
function isSyntaxData(v: unknown): v is SyntaxData {
  const d = v as SyntaxData;
  if (typeof d !== 'object' || d === null || typeof d.k !== 'string') return false;
  if ((d.x !== undefined && typeof d.x !== 'string') || (d.n !== undefined && typeof d.n !== 'string')) return false;
  if (d.l !== undefined && (typeof d.l !== 'object' || d.l === null || !['type', 'value', 'text'].every((f) => { const x = (d.l as unknown as Record<string, unknown>)[f]; return x === null || typeof x === 'string'; }))) return false;
  if (d.c === undefined) return d.m === undefined;
  return Array.isArray(d.c) && Array.isArray(d.m) && d.c.length === d.m.length && d.c.every((c) => c === null || isSyntaxData(c)) && d.m.every((m) => m === null || typeof m === 'string');
}

/**
 * The tree of a query: from the cache when this exact text was parsed before (by this detc), else parsed with
 * Kusto.Language and kept. `cacheDir` undefined: no cache.
 */
export function queryTree(query: string, cacheDir: string | undefined): SyntaxNode {
  const cache = new ContentCache<SyntaxData>(cacheDir, 'kql-syntax', codeVersion, isSyntaxData);
  return revive(cache.getOrMake([query], () => parseToData(query)));
}
