import { parseDuration } from '../../load/duration.js';
import { ExprParser, TOTAL_FUNCTIONS, tokenizeExpr, type Expr } from './eval-expr.js';
import { generated } from './expr-codegen.js';
import { fieldReader, fieldWriter, readField, writeField } from './field-access.js';
import { step, type Stage, type Step } from './plan.js';
import { pickFields } from './row-shape.js';
import { SplRuntimeError, asNumber, type SValue } from './values.js';

// The streaming commands: one row in, that row (changed in place) or nothing out.

/**
 * `eval a=expr, b=expr`: each assignment sees the results of the previous ones (left to right, as Splunk). An eval
 * whose functions are all total (eval-expr.ts) only writes its fields.
 */
export function evalStage(text: string, fields: Set<string>): Stage {
  const calls = new Set<string>();
  const assignments = parseAssignments(text, fields, calls);
  const f = evalStep(assignments);
  const names = new Set(assignments.map(([name]) => name));
  for (const name of names) fields.add(name);
  return step(f, [...calls].every((c) => TOTAL_FUNCTIONS.has(c)) ? { writesOnly: names } : undefined);
}

function evalStep(assignments: [string, Expr][]): Step {
  const exprs = assignments.map(([, expr]) => expr);
  // Each write as field-access.ts writes a field, with the name written in.
  const body = assignments.map(([name], i) => `${writeField('row', name, `f(e${i}(row))`)};`).join(' ');
  const bind = exprs.map((_, i) => `const e${i} = x[${i}];`).join(' ');
  return new Function('x', 'f', `${bind} return function evaluate(row) { ${body} return row; };`)(exprs, fieldValue) as Step;
}

/** An eval result as a field holds it: a null result removes the field; booleans are the texts True and False. */
function fieldValue(v: SValue): SValue | undefined {
  return v === null ? undefined : typeof v === 'boolean' ? (v ? 'True' : 'False') : v;
}

function parseAssignments(text: string, fields: Set<string>, calls: Set<string>): [string, Expr][] {
  const toks = tokenizeExpr(text);
  const out: [string, Expr][] = [];
  let i = 0;
  while (i < toks.length) {
    const name = toks[i];
    const eq = toks[i + 1];
    if (name?.t !== 'id' || eq?.t !== 'op' || eq.v !== '=') throw new SplRuntimeError(`eval expects field=expression: ${text}`);
    const { expr, next } = ExprParser.parsePrefix(toks, i + 2, text, fields, calls);
    out.push([name.v, expr]);
    i = next;
    if (i < toks.length) {
      if (toks[i]!.t !== ',') throw new SplRuntimeError(`unexpected '${toks[i]!.v}' in eval: ${text}`);
      i++;
    }
  }
  return out;
}

/** `where expr`: keeps the rows where it is true (not null, not false), a verdict on the fields it reads. */
export function whereStage(text: string, fields: Set<string>): Stage {
  const reads = new Set<string>();
  const e = generated(ExprParser.parse(text, reads));
  for (const f of reads) fields.add(f);
  return step((row) => (e(row) === true ? row : undefined), { filterReads: reads });
}

/** `bin [span=<n><unit>] <field> [span=...] [AS <newfield>]`: windows aligned to the epoch. */
export function binStep(rest: string, fields: Set<string>): Step {
  const m = /^(?:span=(\d+)(s|m|h|d)\s+)?([A-Za-z_][A-Za-z0-9_.]*)(?:\s+span=(\d+)(s|m|h|d))?(?:\s+AS\s+([A-Za-z_][A-Za-z0-9_.]*))?$/i.exec(rest.trim());
  if (!m || (!m[1] && !m[4])) throw new SplRuntimeError(`only 'bin span=<n><s|m|h|d> <field> [AS <new>]' is supported, got: bin ${rest}`);
  const field = m[3]!;
  const span = parseDuration(m[1] ? `${m[1]}${m[2]}` : `${m[4]}${m[5]}`)!;
  const target = m[6] ?? field;
  fields.add(field).add(target);
  const read = fieldReader(field);
  const write = fieldWriter(target);
  return (row) => {
    const v = read(row);
    const n = typeof v === 'number' ? v : asNumber(v);
    if (n !== undefined) write(row, Math.floor(n / span) * span);
    return row;
  };
}

export function fieldList(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** `rename a AS b, ...`: a row without a keeps its b. */
export function renameStep(rest: string, fields: Set<string>): Step {
  const pairs = rest.split(',').map((p) => {
    const m = /^\s*(\S+)\s+AS\s+(\S+)\s*$/i.exec(p);
    if (!m) throw new SplRuntimeError(`rename expects 'a AS b, ...': ${rest}`);
    return [m[1]!.replace(/^"|"$/g, ''), m[2]!.replace(/^"|"$/g, '')] as const;
  });
  for (const [a, b] of pairs) fields.add(a).add(b);
  const body = pairs.map(([a, b]) => `v = ${readField('row', a)}; if (v !== undefined) { ${writeField('row', b, 'v')}; ${writeField('row', a, 'undefined')}; }`).join(' ');
  return new Function(`return function rename(row) { let v; ${body} return row; };`)() as Step;
}

/** `table f ...` and `fields f ...`: those fields, in that order. */
export function tableStep(fields: string[], mentioned: Set<string>): Step {
  for (const f of fields) mentioned.add(f);
  return pickFields(fields);
}

/** `fields - f ...`: the row without those fields. */
export function dropFieldsStep(fields: string[], mentioned: Set<string>): Step {
  for (const f of fields) mentioned.add(f);
  const body = fields.map((f) => `if (${readField('row', f)} !== undefined) ${writeField('row', f, 'undefined')};`).join(' ');
  return new Function(`return function drop(row) { ${body} return row; };`)() as Step;
}
