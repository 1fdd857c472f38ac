// One rule → one TypeScript module: its exported API (event and alert types, metadata, `detector`, `detect`),
// the helpers of templates/typescript/runtime.ts, and the rule compiled into code (branch.ts). The declarations are
// ts-morph structures and TypeScript syntax trees; ts-morph assembles and formats the file.
import type { Project, SourceFile } from 'ts-morph';
import { fieldsRead } from '../../mapping/mapping.js';
import { DATA_SOURCES } from '../../ir/sources.js';
import type { Rule } from '../../ir/types.js';
import type { BackendMapping } from '../../mapping/types.js';
import { tsMorph } from '../../util/ts-morph.js';
import { alertColumnTypes, branchCode, presentType, type BranchModule } from './branch.js';
import { ModuleScope } from './condition.js';
import {
  arr, arrayOf, arrow, assign, bin, call, constDecl, exprStmt, fn, fnType, forOf, get, id, iface, ifStmt, kw, letDecl, lit, litType, method, newExpr, obj, param, print,
  propName, ret, spread, throwStmt, tref, typeLiteral, union, withDoc, type Expr, type Member, type Stmt, type TypeNode,
} from './ast.js';

/** Where a generated module is written, relative to dist-rules/. */
export function modulePath(rule: Rule): string {
  return `typescript/${rule.slug}.ts`;
}

/** A fresh in-memory ts-morph project for building modules (one per build). */
export function newModuleProject(): Project {
  const { Project, IndentationText, QuoteKind } = tsMorph();
  return new Project({ useInMemoryFileSystem: true, manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single } });
}

/** The canonical fields the rule reads, as the module's events name them (the target's mapping), with types. */
function eventMembers(rule: Rule, mapping: BackendMapping): Member[] {
  const byName = new Map<string, { types: Set<string>; doc: string }>();
  for (const b of rule.branches) {
    const ds = DATA_SOURCES[b.source]!;
    for (const f of fieldsRead(b)) {
      const name = mapping.sources[b.source]!.fields[f]!.name;
      const entry = byName.get(name) ?? { types: new Set<string>(), doc: `${ds.fields[f]!.description} (${b.source}.${f})` };
      entry.types.add(ds.fields[f]!.type);
      byName.set(name, entry);
    }
  }
  return [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, { types, doc }]) => ({
    name,
    readonly: true,
    optional: true,
    type: union([...[...types].sort().map((t) => presentType(t as 'string')), kw('null')]),
    doc: types.has('timestamp') ? `${doc}. ISO 8601 text (without a zone it is UTC), ms since the epoch, or a Date.` : doc,
  }));
}

/** Builds the module text of one rule (formatted). `runtime` is the text of templates/typescript/runtime.ts. */
export function buildModule(project: Project, rule: Rule, mapping: BackendMapping, runtime: string): string {
  const scope = new ModuleScope();
  const external = rule.sharedLists.filter((l) => l.external);
  const m: BranchModule = {
    rule,
    scope,
    native: (source, field) => mapping.sources[source]!.fields[field]!.name,
    externalRanges: (list) => (external.some((l) => l.name === list) ? get('lists', list) : undefined),
  };
  const alertMembers = alertColumnTypes(rule.branches[0]!);
  const branches = rule.branches.map((b, i) => branchCode(m, b, i, rule.branches[0]!.output));
  const readPeriod = rule.schedule.lookbackSeconds + Math.max(0, ...rule.branches.map((b) => b.firstSeen?.baselineSeconds ?? 0));

  const sf = project.createSourceFile(modulePath(rule), '', { overwrite: true });
  try {
    api(sf, rule, eventMembers(rule, mapping), alertMembers, external.map((l) => l.name), branches);
    const apiCount = sf.getStatements().length;
    const constants: Stmt[] = [
      withDoc(constDecl('READ_PERIOD_MS', lit(readPeriod * 1000)), 'How far back a run reads: the lookback, plus a first-seen baseline.'),
      withDoc(constDecl('LOOKBACK_MS', lit(rule.schedule.lookbackSeconds * 1000)), 'Events of the lookback raise alerts; earlier ones only form the baseline.'),
    ];
    if (external.length) {
      constants.push(iface('ListRanges', external.map((l): Member => ({ name: l.name, type: tref('IpRanges'), readonly: true }))));
    }
    sf.addStatements(print([...constants, ...scope.decls, ...branches.flatMap((b) => b.decls)]));
    sf.formatText({ indentSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true });
    // The runtime helpers go between the API and the rule's code after formatting: they are written formatted, and
    // formatting them again in every module would be a third of the build's time.
    // Only the helpers the rule's code needs are inserted: removing the others afterwards re-parsed the module once
    // per removal, most of a build's time. pruneUnused then finds nothing left to remove in a rule's own code.
    // Spliced into the text where ts-morph's insertStatements(apiCount, ...) puts it, without the re-parse and
    // re-wrapping of the whole module that the insertion costs (a third of a module's printing).
    const needed = neededRuntime(runtime, identifierUses(sf.compilerNode));
    const at = sf.getChildSyntaxListOrThrow().getChildren()[apiCount - 1]!.getEnd();
    const formatted = sf.getFullText();
    const written = asWritten(project, needed.text);
    const text = `${formatted.slice(0, at)}\n${written}${formatted.slice(at)}`;
    // The helpers kept are all used (neededRuntime's fixed point), so pruning could only remove a statement of the
    // rule's own; the identifiers of the whole module are those counted already, unless the printer changed the text.
    const prunable = written === needed.text ? sf.compilerNode.statements.some((st) => isUnused(st, needed.uses)) : hasUnused(text);
    if (!prunable) return text;
    sf.replaceWithText(text);
    pruneUnused(sf);
    return sf.getFullText();
  } finally {
    project.removeSourceFile(sf);
  }
}

/**
 * Removes the declarations nothing refers to (runtime helpers a rule does not need, and then what only they used),
 * so that a module also compiles in a project with `noUnusedLocals`. A name counts as used wherever it occurs as an
 * identifier other than its own declaration (a property of that name keeps it: harmless).
 */
function pruneUnused(sf: SourceFile): void {
  for (;;) {
    const uses = identifierUses(sf.compilerNode);
    const unused = sf.getStatements().filter((s) => {
      const names = declaredNames(s.compilerNode);
      return names.length > 0 && names.every((n) => (uses.get(n) ?? 0) <= 1);
    });
    if (!unused.length) return;
    for (const s of unused.reverse()) s.remove();
  }
}

/** pruneUnused's question on a plain parse of `text`: would it remove anything? (Usually not: see buildModule.) */
function hasUnused(text: string): boolean {
  const { ts: t } = tsMorph();
  const file = t.createSourceFile('module.ts', text, t.ScriptTarget.ES2022, false, t.ScriptKind.TS);
  const uses = identifierUses(file);
  return file.statements.some((s) => isUnused(s, uses));
}

/** pruneUnused's test: a statement that declares names, none of them used beyond its own declaration. */
function isUnused(s: import('ts-morph').ts.Statement, uses: Map<string, number>): boolean {
  const names = declaredNames(s);
  return names.length > 0 && names.every((n) => (uses.get(n) ?? 0) <= 1);
}

// Statements text as ts-morph's statement printer writes it (insertStatements), by the text: the runtime helpers a
// rule needs take a handful of forms per build.
const writtenStatements = new Map<string, string>();

/** `statements` as insertStatements would write them after an existing statement (without the leading newline). */
function asWritten(project: Project, statements: string): string {
  let written = writtenStatements.get(statements);
  if (written === undefined) {
    const scratch = project.createSourceFile('/written-statements.ts', 'x;', { overwrite: true });
    try {
      scratch.insertStatements(1, statements);
      written = scratch.getFullText().slice('x;\n'.length);
    } finally {
      project.removeSourceFile(scratch);
    }
    writtenStatements.set(statements, written);
  }
  return written;
}

type TsNode = import('ts-morph').ts.Node;

/** How often each name occurs as an identifier under `node`. */
function identifierUses(node: TsNode, into = new Map<string, number>()): Map<string, number> {
  const { ts: t } = tsMorph();
  const walk = (n: TsNode): void => {
    if (t.isIdentifier(n)) into.set(n.text, (into.get(n.text) ?? 0) + 1);
    n.forEachChild(walk);
  };
  walk(node);
  return into;
}

/**
 * The names a top-level statement declares that pruning may remove: a function, interface or variable that is not
 * exported (read from the syntax alone: asking ts-morph whether it is exported binds symbols, a tenth of a build).
 */
function declaredNames(s: import('ts-morph').ts.Statement): string[] {
  const { ts: t } = tsMorph();
  const exported = (t.canHaveModifiers(s) ? t.getModifiers(s) : undefined)?.some((m) => m.kind === t.SyntaxKind.ExportKeyword);
  if (exported) return [];
  if (t.isFunctionDeclaration(s) || t.isInterfaceDeclaration(s)) return [s.name?.text ?? ''];
  if (t.isVariableStatement(s)) return s.declarationList.declarations.map((d) => (t.isIdentifier(d.name) ? d.name.text : ''));
  return [];
}

/** A top-level statement of the runtime: the names it declares, the identifiers it uses, and its text. */
interface RuntimeStatement {
  names: string[];
  uses: Map<string, number>;
  text: string;
}

// The runtime's statements, by its text (one template per build, parsed once).
const runtimeStatements = new Map<string, RuntimeStatement[]>();

function statementsOf(runtime: string): RuntimeStatement[] {
  let parts = runtimeStatements.get(runtime);
  if (!parts) {
    const { ts: t } = tsMorph();
    const file = t.createSourceFile('runtime.ts', runtime, t.ScriptTarget.ES2022, true);
    parts = file.statements.map((s) => ({
      names: declaredNames(s),
      uses: identifierUses(s),
      text: s.getFullText(file),
    }));
    runtimeStatements.set(runtime, parts);
  }
  return parts;
}

/**
 * The runtime's text without the declarations neither the rule's code (whose identifiers are `ruleUses`) nor a kept
 * helper refers to: pruneUnused's rule, applied to the runtime's statements before they are inserted; with the
 * identifier counts of the rule's code and the kept helpers together.
 */
function neededRuntime(runtime: string, ruleUses: Map<string, number>): { text: string; uses: Map<string, number> } {
  let kept = statementsOf(runtime);
  for (;;) {
    const uses = new Map(ruleUses);
    for (const s of kept) for (const [n, c] of s.uses) uses.set(n, (uses.get(n) ?? 0) + c);
    const next = kept.filter((s) => !(s.names.length > 0 && s.names.every((n) => (uses.get(n) ?? 0) <= 1)));
    if (next.length === kept.length) return { text: kept.map((s) => s.text).join(''), uses };
    kept = next;
  }
}

/** The exported part: metadata, event and alert types, the detector and detect. */
function api(sf: SourceFile, rule: Rule, event: Member[], alert: Member[], lists: string[], branches: { factory: string; toAlert: string }[]): void {
  const { StructureKind, VariableDeclarationKind } = tsMorph();
  const text = (n: TypeNode | Expr) => print([n]);
  const name = (n: string) => print([propName(n)]);
  const safe = (s: string) => s.replace(/\*\//g, '*\\/').replace(/[\r\n\u2028\u2029]+/g, ' ');
  sf.addStatements([`// ${safe(`Generated by detc from ${rule.file}: do not edit, change the rule and run 'detc build'. Imports nothing; see docs/typescript.md.`)}`]);
  sf.addInterface({
    kind: StructureKind.Interface,
    name: 'RuleMetadata',
    isExported: true,
    docs: ['What the rule is: its identity, version, ATT&CK mapping, severity and schedule.'],
    properties: [
      { name: 'id', type: 'string', isReadonly: true },
      { name: 'name', type: 'string', isReadonly: true },
      { name: 'version', type: 'string', isReadonly: true },
      { name: 'severity', type: text(union(['informational', 'low', 'medium', 'high', 'critical'].map(litType))), isReadonly: true },
      { name: 'tactics', type: 'readonly string[]', isReadonly: true },
      { name: 'techniques', type: 'readonly string[]', isReadonly: true },
      { name: 'frequencySeconds', type: 'number', isReadonly: true, docs: ['How often a scheduler should run it.'] },
      { name: 'lookbackSeconds', type: 'number', isReadonly: true, docs: ['How far back each run looks for alerts.'] },
      { name: 'readPeriodSeconds', type: 'number', isReadonly: true, docs: ['How far back each run reads events (the lookback plus a first-seen baseline).'] },
      { name: 'sources', type: 'readonly string[]', isReadonly: true, docs: ['The canonical data sources it reads.'] },
    ],
  });
  const readPeriod = rule.schedule.lookbackSeconds + Math.max(0, ...rule.branches.map((b) => b.firstSeen?.baselineSeconds ?? 0));
  sf.addVariableStatement({
    isExported: true,
    declarationKind: VariableDeclarationKind.Const,
    docs: ['The rule this module detects.'],
    declarations: [{
      name: 'metadata',
      type: 'RuleMetadata',
      initializer: text(obj([
        ['id', lit(rule.id)],
        ['name', lit(rule.name)],
        ['version', lit(rule.version)],
        ['severity', lit(rule.severity)],
        ['tactics', arr(rule.tactics.map(lit))],
        ['techniques', arr(rule.techniques.map(lit))],
        ['frequencySeconds', lit(rule.schedule.frequencySeconds)],
        ['lookbackSeconds', lit(rule.schedule.lookbackSeconds)],
        ['readPeriodSeconds', lit(readPeriod)],
        ['sources', arr([...new Set(rule.branches.map((b) => b.source))].map(lit))],
      ], true)),
    }],
  });
  sf.addInterface({
    kind: StructureKind.Interface,
    name: 'DetectionEvent',
    isExported: true,
    docs: [safe(`An event as the rule reads it: the canonical fields of ${[...new Set(rule.branches.map((b) => b.source))].join(', ')} it uses. Absent, null and '' are missing values.`)],
    properties: event.map((p) => ({ name: name(p.name), type: text(p.type), isReadonly: true, hasQuestionToken: true, docs: p.doc ? [safe(p.doc)] : undefined })),
  });
  sf.addInterface({
    kind: StructureKind.Interface,
    name: 'Alert',
    isExported: true,
    docs: ['One alert: the rule\'s output columns, times as ISO 8601 text in UTC.'],
    properties: alert.map((p) => ({ name: name(p.name), type: text(p.type), isReadonly: true })),
  });
  if (lists.length) {
    sf.addInterface({
      kind: StructureKind.Interface,
      name: 'DetectorOptions',
      isExported: true,
      docs: ['Lists the rule reads from a live store (threat intelligence): their current entries (IP addresses or CIDR ranges).'],
      properties: [{ name: 'lists', isReadonly: true, type: text(typeLiteral(lists.map((l) => ({ name: l, type: arrayOf(kw('string'), true), readonly: true })))) }],
    });
  }
  sf.addInterface({
    kind: StructureKind.Interface,
    name: 'Detector',
    isExported: true,
    docs: ['One run of the rule: push the events of the run\'s read period (in any order), then take the alerts once.'],
    properties: [
      { name: 'push', isReadonly: true, type: text(fnType([['event', tref('DetectionEvent')]], kw('void'))) },
      { name: 'alerts', isReadonly: true, type: text(fnType([], arrayOf(tref('Alert')))) },
    ],
  });
  sf.addStatements(print([detectorFn(lists, branches), detectFn(lists.length > 0)]));
}

const NOW_TYPE = () => union([kw('number'), kw('string'), tref('Date')]);

/** `detector(now, options)`: the branches' runs side by side, fed by one pass over the events. */
function detectorFn(lists: string[], branches: { factory: string; toAlert: string }[]): Stmt {
  const at = id('at');
  const body: Stmt[] = [
    constDecl('at', call('toEpochMs', [id('now')])),
    ifStmt(bin(at, '===', id('undefined')), throwStmt(newExpr('RangeError', [lit('now must be ISO 8601 text, ms since the epoch or a Date')]))),
  ];
  const args: Expr[] = [at];
  if (lists.length) {
    body.push(constDecl('lists', obj(lists.map((l): [string, Expr] => [l, call('ipRanges', [get(get('options', 'lists'), l)])])), tref('ListRanges')));
    args.push(id('lists'));
  }
  branches.forEach((b, i) => body.push(constDecl(`run${i}`, call(b.factory, args))));
  body.push(letDecl('alerts', id('undefined'), union([arrayOf(tref('Alert')), kw('undefined')])));
  const push = arrow([['event', tref('DetectionEvent')]], [
    ifStmt(bin(id('alerts'), '!==', id('undefined')), throwStmt(newExpr('Error', [lit('this run has ended: start a new detector')]))),
    ...branches.map((_, i) => exprStmt(method(`run${i}`, 'push', [id('event')]))),
  ], kw('void'));
  const finish = arrow([], [
    assign(id('alerts'), bin(id('alerts'), '??', arr(branches.map((b, i) => spread(method(method(`run${i}`, 'finish', []), 'map', [id(b.toAlert)])))))),
    ret(id('alerts')),
  ], arrayOf(tref('Alert')));
  body.push(ret(obj([['push', push], ['alerts', finish]], true)));
  const params = [param('now', NOW_TYPE()), ...(lists.length ? [param('options', tref('DetectorOptions'))] : [])];
  return fn('detector', params, tref('Detector'), body, {
    exported: true,
    doc: 'A run of the rule at `now` (the scheduler\'s run time): events in [now - readPeriod, now) are read, alerts come from the lookback.',
  });
}

/** `detect(events, now, options)`: one run over an array or an async iterable (a Node stream, a Kafka consumer). */
function detectFn(withLists: boolean): Stmt {
  const d = id('d');
  const push = [exprStmt(method(d, 'push', [id('e')]))];
  const params = [
    param('events', union([tref('Iterable', [tref('DetectionEvent')]), tref('AsyncIterable', [tref('DetectionEvent')])])),
    param('now', NOW_TYPE()),
    ...(withLists ? [param('options', tref('DetectorOptions'))] : []),
  ];
  return fn('detect', params, tref('Promise', [arrayOf(tref('Alert'))]), [
    constDecl('d', call('detector', withLists ? [id('now'), id('options')] : [id('now')])),
    ifStmt(call('isAsync', [id('events')]), [forOf('e', id('events'), push, true)], [forOf('e', id('events'), push)]),
    ret(method(d, 'alerts', [])),
  ], { exported: true, async: true, doc: 'The alerts of one run over `events` (read once, in one pass), at `now`.' });
}

