import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { facts, schemaFact } from './diagnostic-facts.js';
import type { Diagnostic } from './diagnostics.js';
import type { PathPart, YamlSource } from './yaml-source.js';

// ajv-formats ships CJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

export const RULE_SCHEMA_PATH = fileURLToPath(new URL('../../json-schema/detc-rule.schema.json', import.meta.url));

let cached: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!cached) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    cached = ajv.compile(JSON.parse(readFileSync(RULE_SCHEMA_PATH, 'utf8')));
  }
  return cached;
}

/** Validates a rule document against the published JSON Schema; one diagnostic per problem, with its position. */
export function validateRuleSchema(src: YamlSource, data: unknown): Diagnostic[] {
  const validate = validator();
  if (validate(data)) return [];
  return toDiagnostics(src, validate.errors ?? []);
}

function toDiagnostics(src: YamlSource, errors: ErrorObject[]): Diagnostic[] {
  // Combinator keywords repeat what their branches already said; keep the specific errors.
  const specific = errors.filter((e) => !['if', 'anyOf', 'oneOf', 'allOf'].includes(e.keyword));
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const rootOneOf = errors.find((e) => e.keyword === 'oneOf' && e.instancePath === '');
  if (rootOneOf) out.push(src.diagnostic([], facts.queryOrBranches()));
  for (const e of specific.length ? specific : errors.filter((e) => e !== rootOneOf)) {
    const path = pointerToPath(e.instancePath);
    const d = describe(src, path, e);
    const key = `${d.path}|${d.message}`;
    if (seen.has(key)) continue;
    // anyOf/oneOf branches report the same node several times; the first is enough. Other errors on one node are
    // distinct problems (every missing key of a mapping), all reported in one run.
    const alternative = /\/(anyOf|oneOf)\//.test(e.schemaPath);
    if (alternative && out.some((o) => o.path === d.path && o.line === d.line)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

function describe(src: YamlSource, path: PathPart[], e: ErrorObject): Diagnostic {
  const p = e.params as Record<string, unknown>;
  const fact = schemaFact(e.keyword);
  switch (e.keyword) {
    case 'additionalProperties':
      return src.diagnostic(path, fact(`unknown field '${String(p.additionalProperty)}'`), String(p.additionalProperty));
    case 'required':
      return src.diagnostic(path, fact(`missing required field '${String(p.missingProperty)}'`));
    case 'enum':
      return src.diagnostic(path, fact(`must be one of: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`));
    case 'type':
      return src.diagnostic(path, fact(`must be ${String(p.type).replace(/,/g, ' or ')}, got ${typeName(src.doc.getIn(path))}`));
    case 'pattern':
      return src.diagnostic(path, fact(`${JSON.stringify(src.doc.getIn(path))} does not match ${hint(String(p.pattern))}`));
    case 'format':
      return src.diagnostic(path, fact(`must be a valid ${String(p.format)}`));
    case 'propertyNames':
      return src.diagnostic(path, fact(`invalid name '${String(p.propertyName)}': use letters, digits and _`));
    default:
      return src.diagnostic(path, fact(e.message ?? e.keyword));
  }
}

function hint(pattern: string): string {
  const known: Record<string, string> = {
    '^[1-9][0-9]*[smhd]$': 'a duration such as 5m, 1h or 1d',
    '^\\d+\\.\\d+\\.\\d+$': 'a version X.Y.Z',
    '^\\$[A-Za-z_][A-Za-z0-9_]*$': 'a number or a $parameter reference',
    '^T\\d{4}(\\.\\d{3})?$': 'an ATT&CK technique id such as T1595 or T1595.001',
  };
  return known[pattern] ?? `the pattern ${pattern}`;
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}

function pointerToPath(pointer: string): PathPart[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
