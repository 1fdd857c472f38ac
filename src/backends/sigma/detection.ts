// A resolved Condition → Sigma search identifiers (named selections) and a condition string that mirrors the
// boolean tree. Every leaf predicate becomes one selection (exists becomes two, see below); a selection under an
// odd number of `not`s is a filter (`filter_main_*`), SigmaHQ style.
import type { Condition, Predicate, StringPredicate } from '../../ir/types.js';
import type { MappedField, SourceMapping } from '../../mapping/types.js';
import { hasRegex, regexLiteral, sigmaValue, yamlScalar } from './escape.js';
import { assertNever } from '../../util/assert-never.js';

/** One `key: value` of a selection map; `value` is a rendered YAML scalar or a list of them. */
export interface SelectionEntry {
  key: string;
  value: string | string[];
}

export interface Selection {
  name: string;
  /** One map (its entries ANDed) or, when longer, a list of maps (ORed). */
  maps: SelectionEntry[][];
  /** YAML comment lines explaining a non-obvious translation. */
  comments: string[];
}

export interface SigmaDetection {
  selections: Selection[];
  condition: string;
}

type Expr =
  | { kind: 'ref'; sel: PendingSelection }
  | { kind: 'and' | 'or'; items: Expr[] }
  | { kind: 'not'; expr: Expr };

interface PendingSelection {
  base: string;
  maps: SelectionEntry[][];
  comments: string[];
  name?: string;
}

const SEP_CLASS = '[\\\\/]'; // regex class: backslash or slash
const NOT_SEP = '[^\\\\/]';

function one(values: string[]): string | string[] {
  return values.length === 1 ? values[0]! : values;
}

function ref(base: string, maps: SelectionEntry[][], comments: string[] = []): Expr {
  return { kind: 'ref', sel: { base, maps, comments } };
}

function fieldOf(sm: SourceMapping, field: string): MappedField {
  const f = sm.fields[field];
  if (!f) throw new Error(`sigma: field '${field}' has no mapping`); // requireMapping reports this first
  return f;
}

/**
 * A canonical field with `transform: basename` (process_name ↔ Image): the canonical value is the part of the
 * full path after its last `\` or `/` (the whole path when it has none).
 * Exact equivalences used:
 *   basename(P) == v  ⇔  P ends with `\v` or `/v`, or P == v            (v without separators)
 *   basename(P) op v  ⇔  P matches `(^|[\\/])X$` where X matches op v within `[^\\/]*` (startswith, endswith, contains, has)
 * A value that contains a separator can never be (part of) a basename and is left out; if none remain the
 * selection is a regex that never matches (`a^`).
 */
function basenameLeaf(p: StringPredicate, f: MappedField): Expr {
  const values = p.values.filter((v) => !/[\\/]/.test(v));
  const cased = p.cased ? '|cased' : '';
  const shown = p.values.length > 3 ? `${p.values.slice(0, 3).join(', ')}, ...` : p.values.join(', ');
  if (!values.length) {
    return ref(p.field, [[{ key: `${f.name}|re`, value: yamlScalar('a^') }]], [
      `${p.field} ${p.op} [${shown}]: every value contains a path separator, so no file name matches`,
    ]);
  }
  if (p.op === 'eq' || p.op === 'in') {
    const suffixes = values.flatMap((v) => [sigmaValue('\\' + v), sigmaValue('/' + v)]);
    return ref(
      p.field,
      [
        [{ key: `${f.name}|endswith${cased}`, value: one(suffixes.map(yamlScalar)) }],
        [{ key: `${f.name}${cased}`, value: one(values.map((v) => yamlScalar(sigmaValue(v)))) }],
      ],
      [`${p.field} (file name of ${f.name}) ${p.op}: ${f.name} ends with \\name or /name, or is exactly name`],
    );
  }
  const res = values.map((v) => {
    const lit = regexLiteral(v);
    const a = /[A-Za-z0-9]/.test(v[0] ?? '');
    const z = /[A-Za-z0-9]/.test(v[v.length - 1] ?? '');
    let body: string;
    if (p.op === 'startswith') body = `${lit}${NOT_SEP}*`;
    else if (p.op === 'endswith') body = `${NOT_SEP}*${lit}`;
    else if (p.op === 'contains') body = `${NOT_SEP}*${lit}${NOT_SEP}*`;
    else body = `${a ? `(${NOT_SEP}*[^A-Za-z0-9\\\\/])?` : `${NOT_SEP}*`}${lit}${z ? `([^A-Za-z0-9\\\\/]${NOT_SEP}*)?` : `${NOT_SEP}*`}`;
    return `(^|${SEP_CLASS})${body}$`;
  });
  return ref(p.field, [[{ key: `${f.name}|re${p.cased ? '' : '|i'}`, value: one(res.map(yamlScalar)) }]], [
    `${p.field} (file name of ${f.name}) ${p.op}: regex on the part of ${f.name} after its last \\ or /`,
  ]);
}

const DIGEST_HEX: Record<string, number> = { MD5: 32, SHA1: 40, SHA256: 64, IMPHASH: 32 };

/**
 * A canonical field with `transform: hash` (sha256 ↔ Hashes, Sysmon's `SHA1=...,MD5=...,SHA256=...`): the canonical
 * value is the entry `ALG=value` of the comma-separated list.
 *   eq/in of a well-formed digest (hex of the algorithm's length): `Hashes|contains: 'ALG=value'`, SigmaHQ's form
 *   (pySigma's pipelines map it to their hash columns); exact, since an entry holds one digest;
 *   any other value or operator: a regex anchored on the entry, `(^|,)ALG=X(,|$)`, X within `[^,]*`.
 * A value with a comma can never be an entry and is left out, as basenameLeaf does with separators.
 */
function hashLeaf(p: StringPredicate, f: MappedField): Expr {
  const alg = f.algorithm!;
  const values = p.values.filter((v) => !v.includes(','));
  const cased = p.cased ? '|cased' : '';
  if (!values.length) {
    return ref(p.field, [[{ key: `${f.name}|re`, value: yamlScalar('a^') }]], [`${p.field} ${p.op}: every value contains a comma, so no ${alg} entry of ${f.name} matches`]);
  }
  const len = DIGEST_HEX[alg.toUpperCase()];
  if ((p.op === 'eq' || p.op === 'in') && len && values.every((v) => new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(v))) {
    return ref(p.field, [[{ key: `${f.name}|contains${cased}`, value: one(values.map((v) => yamlScalar(sigmaValue(`${alg}=${v}`)))) }]], [
      `${p.field} ${p.op}: the ${alg} entry of ${f.name}`,
    ]);
  }
  const NOT_COMMA = '[^,]';
  const res = values.map((v) => {
    const lit = regexLiteral(v);
    const a = /[A-Za-z0-9]/.test(v[0] ?? '');
    const z = /[A-Za-z0-9]/.test(v[v.length - 1] ?? '');
    let body: string;
    if (p.op === 'eq' || p.op === 'in') body = lit;
    else if (p.op === 'startswith') body = `${lit}${NOT_COMMA}*`;
    else if (p.op === 'endswith') body = `${NOT_COMMA}*${lit}`;
    else if (p.op === 'contains') body = `${NOT_COMMA}*${lit}${NOT_COMMA}*`;
    else body = `${a ? `(${NOT_COMMA}*[^A-Za-z0-9,])?` : `${NOT_COMMA}*`}${lit}${z ? `([^A-Za-z0-9,]${NOT_COMMA}*)?` : `${NOT_COMMA}*`}`;
    return `(^|,)${regexLiteral(alg)}=${body}(,|$)`;
  });
  return ref(p.field, [[{ key: `${f.name}|re${p.cased ? '' : '|i'}`, value: one(res.map(yamlScalar)) }]], [`${p.field} ${p.op}: regex on the ${alg} entry of ${f.name}`]);
}

function leaf(p: Predicate, sm: SourceMapping): Expr {
  const f = fieldOf(sm, p.field);
  switch (p.kind) {
    case 'string': {
      if (f.transform === 'basename') return basenameLeaf(p, f);
      if (f.transform === 'hash') return hashLeaf(p, f);
      const cased = p.cased ? '|cased' : '';
      if (p.op === 'eq' || p.op === 'in') {
        // SigmaHQ writes numbers unquoted (sigma check: NumberAsStringIssue); a decimal integer matches the same
        // values either way (no case, no wildcard), so a canonical '58' is written 58.
        const scalar = (v: string) => (!p.cased && /^(0|[1-9][0-9]*)$/.test(v) && Number.isSafeInteger(Number(v)) ? yamlScalar(Number(v)) : yamlScalar(sigmaValue(v)));
        return ref(p.field, [[{ key: `${f.name}${cased}`, value: one(p.values.map(scalar)) }]]);
      }
      switch (p.op) {
        case 'has':
          return ref(p.field, [[{ key: `${f.name}|re${p.cased ? '' : '|i'}`, value: one(p.values.map((v) => yamlScalar(hasRegex(v)))) }]]);
        case 'startswith':
        case 'endswith':
        case 'contains':
          // The canonical operator and the Sigma modifier share their name.
          return ref(p.field, [[{ key: `${f.name}|${p.op}${cased}`, value: one(p.values.map((v) => yamlScalar(sigmaValue(v)))) }]]);
        default:
          return assertNever(p.op, 'string operator');
      }
    }
    case 'number': {
      const mod = p.op === 'eq' || p.op === 'in' ? '' : `|${p.op}`;
      return ref(p.field, [[{ key: `${f.name}${mod}`, value: one(p.values.map(yamlScalar)) }]]);
    }
    case 'cidr':
      return ref(p.field, [[{ key: `${f.name}|cidr`, value: p.ranges.map((r) => yamlScalar(r.text)) }]]);
    case 'exists': {
      // Canonical exists ⇔ present, not null and not ''. Sigma `|exists` only tests presence.
      if (f.transform === 'hash') {
        const entry = ref(p.field, [[{ key: `${f.name}|re|i`, value: yamlScalar(`(^|,)${regexLiteral(f.algorithm!)}=[^,]`) }]], [
          `${p.field} is present: ${f.name} has a non-empty ${f.algorithm} entry`,
        ]);
        return p.exists ? entry : { kind: 'not', expr: entry };
      }
      if (f.transform === 'basename') {
        // The file name is present when the full path ends with something other than a separator
        // (a missing or empty Image, or one ending in \ or /, has no file name); `re` never matches a missing field.
        const named = ref(p.field, [[{ key: `${f.name}|re`, value: yamlScalar('[^\\\\/]$') }]], [
          `${p.field} (file name of ${f.name}) is present: ${f.name} ends with something other than \\ or /`,
        ]);
        return p.exists ? named : { kind: 'not', expr: named };
      }
      const empty = ref(`${p.field}_empty`, [[{ key: f.name, value: "''" }], [{ key: f.name, value: 'null' }]]);
      if (p.exists) {
        return { kind: 'and', items: [ref(p.field, [[{ key: `${f.name}|exists`, value: 'true' }]]), { kind: 'not', expr: empty }] };
      }
      return { kind: 'or', items: [ref(`${p.field}_missing`, [[{ key: `${f.name}|exists`, value: 'false' }]]), empty] };
    }
    default:
      return assertNever(p, 'predicate');
  }
}

function build(c: Condition, sm: SourceMapping): Expr {
  switch (c.kind) {
    case 'and':
    case 'or':
      return { kind: c.kind, items: c.exprs.map((e) => build(e, sm)) };
    case 'not':
      return { kind: 'not', expr: build(c.expr, sm) };
    case 'string':
    case 'number':
    case 'cidr':
    case 'exists':
      return leaf(c, sm);
    default:
      return assertNever(c, 'condition');
  }
}

/** Flattens nested and/or of the same kind and removes double negation. */
function simplify(e: Expr): Expr {
  if (e.kind === 'ref') return e;
  if (e.kind === 'not') {
    const inner = simplify(e.expr);
    return inner.kind === 'not' ? inner.expr : { kind: 'not', expr: inner };
  }
  const items = e.items.map(simplify).flatMap((i) => (i.kind === e.kind ? (i as { items: Expr[] }).items : [i]));
  return items.length === 1 ? items[0]! : { kind: e.kind, items };
}

function sanitize(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'value';
}

function nameSelections(e: Expr): PendingSelection[] {
  const all: { sel: PendingSelection; filter: boolean }[] = [];
  const walk = (x: Expr, neg: boolean) => {
    if (x.kind === 'ref') all.push({ sel: x.sel, filter: neg });
    else if (x.kind === 'not') walk(x.expr, !neg);
    else x.items.forEach((i) => walk(i, neg));
  };
  walk(e, false);
  const used = new Set<string>();
  const positives = all.filter((a) => !a.filter);
  for (const a of all) {
    let base = a.filter ? `filter_main_${sanitize(a.sel.base)}` : positives.length === 1 ? 'selection' : `selection_${sanitize(a.sel.base)}`;
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    a.sel.name = name;
  }
  return all.map((a) => a.sel);
}

function render(e: Expr, top: boolean): string {
  if (e.kind === 'ref') return e.sel.name!;
  if (e.kind === 'not') return `not ${e.expr.kind === 'ref' ? e.expr.sel.name : `(${render(e.expr, true)})`}`;
  const s = e.items.map((i) => render(i, false)).join(` ${e.kind} `);
  return top ? s : `(${s})`;
}

/**
 * SigmaHQ's `selection and not 1 of filter_main_*` when the tree is exactly positives ANDed with negated filters
 * (`not f` items, or `not (f1 or f2)`), and those filters are all the filters there are.
 */
function conditionString(e: Expr, sels: PendingSelection[]): string {
  const items = e.kind === 'and' ? e.items : [e];
  const pos = items.filter((i) => i.kind === 'ref');
  const negRefs: Expr[] = [];
  let negItems = 0;
  for (const i of items) {
    if (i.kind !== 'not') continue;
    if (i.expr.kind === 'ref') negRefs.push(i.expr);
    else if (i.expr.kind === 'or' && i.expr.items.every((x) => x.kind === 'ref')) negRefs.push(...i.expr.items);
    else continue;
    negItems++;
  }
  const filters = sels.filter((s) => s.name!.startsWith('filter_main_'));
  if (negRefs.length >= 1 && pos.length + negItems === items.length && filters.length === negRefs.length) {
    return [...pos.map((i) => render(i, false)), 'not 1 of filter_main_*'].join(' and ');
  }
  return render(e, true);
}

/** Compiles a condition over the canonical fields of one source (already checked by requireMapping). */
export function compileDetection(c: Condition, sm: SourceMapping): SigmaDetection {
  const e = simplify(build(c, sm));
  const pending = nameSelections(e);
  const condition = conditionString(e, pending);
  return {
    selections: pending.map((p) => ({ name: p.name!, maps: p.maps, comments: p.comments })),
    condition,
  };
}
