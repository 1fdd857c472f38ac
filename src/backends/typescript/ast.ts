// A few builders over TypeScript's node factory: the generated modules are syntax trees, printed by TypeScript's
// own printer. A value from a rule (a list entry, a name) only ever becomes a literal node here, so the printer
// escapes it for its place; no code is ever made by joining text.
import type { ts as TS } from 'ts-morph';
import { typescriptCompiler } from '../../util/ts-morph.js';

export type Expr = TS.Expression;
export type Stmt = TS.Statement;
export type TypeNode = TS.TypeNode;

/** TypeScript's compiler API (bundled with ts-morph), loaded on first use. */
export function ts(): typeof TS {
  return typescriptCompiler();
}
const f = () => ts().factory;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** An identifier the backend made up itself (never a value from a rule; those are checked here all the same). */
export function id(name: string): TS.Identifier {
  if (!IDENTIFIER.test(name)) throw new Error(`internal: '${name}' is not an identifier`);
  return f().createIdentifier(name);
}

/** A literal of a value from a rule: a string, a number (negative ones too), a boolean, null or undefined. */
export function lit(v: string | number | boolean | null | undefined): Expr {
  if (v === undefined) return id('undefined');
  if (v === null) return f().createNull();
  if (typeof v === 'boolean') return v ? f().createTrue() : f().createFalse();
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`internal: ${v} is not a finite number`);
    return v < 0 || Object.is(v, -0) ? f().createPrefixUnaryExpression(ts().SyntaxKind.MinusToken, f().createNumericLiteral(-v)) : f().createNumericLiteral(v);
  }
  return f().createStringLiteral(v);
}

export function arr(items: Expr[]): Expr {
  return f().createArrayLiteralExpression(items, items.length > 4);
}

/** `{ name: value, ... }`; a name that is not an identifier is written as a string literal. */
export function obj(props: [string, Expr][], multiLine = props.length > 3): Expr {
  return f().createObjectLiteralExpression(props.map(([k, v]) => f().createPropertyAssignment(propName(k), v)), multiLine);
}

export function propName(name: string): TS.PropertyName {
  return IDENTIFIER.test(name) ? f().createIdentifier(name) : f().createStringLiteral(name);
}

/** `target.name`, or `target["name"]` for a name that is not an identifier (a project's field names). */
export function get(target: Expr | string, name: string): Expr {
  const t = typeof target === 'string' ? id(target) : target;
  return IDENTIFIER.test(name) ? f().createPropertyAccessExpression(t, name) : f().createElementAccessExpression(t, f().createStringLiteral(name));
}

export function call(fn: Expr | string, args: Expr[], typeArgs?: TypeNode[]): Expr {
  return f().createCallExpression(typeof fn === 'string' ? id(fn) : fn, typeArgs, args);
}

export function method(target: Expr | string, name: string, args: Expr[]): Expr {
  return call(get(target, name), args);
}

export function newExpr(cls: string, args: Expr[], typeArgs?: TypeNode[]): Expr {
  return f().createNewExpression(id(cls), typeArgs, args);
}

type BinaryOp = '&&' | '||' | '===' | '!==' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '??';

export function bin(a: Expr, op: BinaryOp, b: Expr): Expr {
  const K = ts().SyntaxKind;
  const kinds: Record<BinaryOp, TS.BinaryOperator> = {
    '&&': K.AmpersandAmpersandToken, '||': K.BarBarToken, '===': K.EqualsEqualsEqualsToken, '!==': K.ExclamationEqualsEqualsToken,
    '<': K.LessThanToken, '<=': K.LessThanEqualsToken, '>': K.GreaterThanToken, '>=': K.GreaterThanEqualsToken,
    '+': K.PlusToken, '-': K.MinusToken, '*': K.AsteriskToken, '/': K.SlashToken, '??': K.QuestionQuestionToken,
  };
  return f().createBinaryExpression(a, kinds[op], b);
}

// Operands are parenthesised by TypeScript's factory where precedence needs it (its parenthesizer rules).

/** `a && b && ...` (true when empty). */
export function and(xs: Expr[]): Expr {
  return xs.length ? xs.reduce((a, b) => bin(a, '&&', b)) : lit(true);
}

/** `a || b || ...` (false when empty). */
export function or(xs: Expr[]): Expr {
  return xs.length ? xs.reduce((a, b) => bin(a, '||', b)) : lit(false);
}

export function not(x: Expr): Expr {
  return f().createPrefixUnaryExpression(ts().SyntaxKind.ExclamationToken, x);
}

export function cond(test: Expr, yes: Expr, no: Expr): Expr {
  return f().createConditionalExpression(test, undefined, yes, undefined, no);
}

export function arrow(params: [string, TypeNode?][], body: Expr | Stmt[], returns?: TypeNode): Expr {
  return f().createArrowFunction(undefined, undefined, params.map(([n, t]) => param(n, t)), returns, undefined, Array.isArray(body) ? block(body) : body);
}

export function param(name: string, type?: TypeNode, optional = false): TS.ParameterDeclaration {
  return f().createParameterDeclaration(undefined, undefined, id(name), optional ? f().createToken(ts().SyntaxKind.QuestionToken) : undefined, type, undefined);
}

export function block(stmts: Stmt[]): TS.Block {
  return f().createBlock(stmts, true);
}

export function constDecl(name: string, init: Expr, type?: TypeNode, exported = false): Stmt {
  return varDecl(name, init, type, ts().NodeFlags.Const, exported);
}

export function letDecl(name: string, init: Expr | undefined, type?: TypeNode): Stmt {
  return varDecl(name, init, type, ts().NodeFlags.Let);
}

function varDecl(name: string, init: Expr | undefined, type: TypeNode | undefined, flags: TS.NodeFlags, exported = false): Stmt {
  const mods = exported ? [f().createModifier(ts().SyntaxKind.ExportKeyword)] : undefined;
  return f().createVariableStatement(mods, f().createVariableDeclarationList([f().createVariableDeclaration(id(name), undefined, type, init)], flags));
}

export function exprStmt(e: Expr): Stmt {
  return f().createExpressionStatement(e);
}

export function assign(target: Expr, value: Expr): Stmt {
  return exprStmt(f().createBinaryExpression(target, ts().SyntaxKind.EqualsToken, value));
}

export function increment(target: Expr): Stmt {
  return exprStmt(f().createPostfixUnaryExpression(target, ts().SyntaxKind.PlusPlusToken));
}

export function ret(e?: Expr): Stmt {
  return f().createReturnStatement(e);
}

export function throwStmt(e: Expr): Stmt {
  return f().createThrowStatement(e);
}

export function spread(e: Expr): Expr {
  return f().createSpreadElement(e);
}

export function cont(): Stmt {
  return f().createContinueStatement();
}

export function ifStmt(test: Expr, then: Stmt | Stmt[], otherwise?: Stmt | Stmt[]): Stmt {
  const wrap = (s: Stmt | Stmt[]) => (Array.isArray(s) ? block(s) : s);
  return f().createIfStatement(test, wrap(then), otherwise === undefined ? undefined : wrap(otherwise));
}

export function forOf(name: string, of: Expr, body: Stmt[], awaited = false): Stmt {
  const decl = f().createVariableDeclarationList([f().createVariableDeclaration(id(name))], ts().NodeFlags.Const);
  return f().createForOfStatement(awaited ? f().createToken(ts().SyntaxKind.AwaitKeyword) : undefined, decl, of, block(body));
}

export function fn(name: string, params: TS.ParameterDeclaration[], returns: TypeNode | undefined, body: Stmt[], opts: { exported?: boolean; async?: boolean; doc?: string } = {}): Stmt {
  const K = ts().SyntaxKind;
  const mods = [...(opts.exported ? [f().createModifier(K.ExportKeyword)] : []), ...(opts.async ? [f().createModifier(K.AsyncKeyword)] : [])];
  const decl = f().createFunctionDeclaration(mods.length ? mods : undefined, undefined, id(name), undefined, params, returns, block(body));
  return opts.doc ? withDoc(decl, opts.doc) : decl;
}

/** A `/** ... *\/` comment over a node; the text is detc's own wording, with anything that could end it neutralised. */
export function withDoc<T extends TS.Node>(node: T, text: string): T {
  const safe = text.replace(/\*\//g, '*\\/').replace(/[\r\n\u2028\u2029]+/g, ' ');
  return ts().addSyntheticLeadingComment(node, ts().SyntaxKind.MultiLineCommentTrivia, `* ${safe} `, true);
}

// ── types ──

export function tref(name: string, args?: TypeNode[]): TypeNode {
  return f().createTypeReferenceNode(id(name), args);
}

export function kw(k: 'string' | 'number' | 'boolean' | 'unknown' | 'void' | 'null' | 'undefined' | 'bigint'): TypeNode {
  const K = ts().SyntaxKind;
  if (k === 'null') return f().createLiteralTypeNode(f().createNull());
  const kinds = { string: K.StringKeyword, number: K.NumberKeyword, boolean: K.BooleanKeyword, unknown: K.UnknownKeyword, void: K.VoidKeyword, undefined: K.UndefinedKeyword, bigint: K.BigIntKeyword } as const;
  return f().createKeywordTypeNode(kinds[k]);
}

export function union(types: TypeNode[]): TypeNode {
  return types.length === 1 ? types[0]! : f().createUnionTypeNode(types);
}

export function arrayOf(t: TypeNode, readonly = false): TypeNode {
  const a = f().createArrayTypeNode(t.kind === ts().SyntaxKind.UnionType ? f().createParenthesizedType(t) : t);
  return readonly ? f().createTypeOperatorNode(ts().SyntaxKind.ReadonlyKeyword, a) : a;
}

/** A string-literal type (`'medium'`). */
export function litType(v: string): TypeNode {
  return f().createLiteralTypeNode(f().createStringLiteral(v));
}

export interface Member {
  name: string;
  type: TypeNode;
  optional?: boolean;
  readonly?: boolean;
  doc?: string;
}

/** `interface Name { ... }` (exported or not). */
export function iface(name: string, members: Member[], opts: { exported?: boolean; doc?: string } = {}): Stmt {
  const K = ts().SyntaxKind;
  const decl = f().createInterfaceDeclaration(
    opts.exported ? [f().createModifier(K.ExportKeyword)] : undefined,
    id(name),
    undefined,
    undefined,
    members.map((m) => {
      const sig = f().createPropertySignature(m.readonly ? [f().createModifier(K.ReadonlyKeyword)] : undefined, propName(m.name), m.optional ? f().createToken(K.QuestionToken) : undefined, m.type);
      return m.doc ? withDoc(sig, m.doc) : sig;
    }),
  );
  return opts.doc ? withDoc(decl, opts.doc) : decl;
}

/** `{ a: T; b(x: U): V }` as a type literal (for the shape of a branch's state). */
export function typeLiteral(members: Member[]): TypeNode {
  const K = ts().SyntaxKind;
  return f().createTypeLiteralNode(members.map((m) => f().createPropertySignature(m.readonly ? [f().createModifier(K.ReadonlyKeyword)] : undefined, propName(m.name), m.optional ? f().createToken(K.QuestionToken) : undefined, m.type)));
}

export function fnType(params: [string, TypeNode][], returns: TypeNode): TypeNode {
  return f().createFunctionTypeNode(undefined, params.map(([n, t]) => param(n, t)), returns);
}
