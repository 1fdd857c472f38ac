import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import type { Severity } from '../ir/types.js';
import { facts, schemaFact } from '../load/diagnostic-facts.js';
import { DiagnosticError, diagnosticAt } from '../load/diagnostics.js';
import { YamlSource } from '../load/yaml-source.js';
import { PACKAGE_ROOT } from '../util/paths.js';

export interface DetcConfig {
  file?: string;
  rules?: string;
  out?: string;
  templates?: string;
  schemas?: string;
  /** The Kusto.Language result cache folder, or false for none. */
  cache?: string | false;
  /** The targets to compile and run (default: all). */
  backends?: string[];
  /** Severity of rules that leave it out. */
  defaultSeverity?: Severity;
  /** Deployment settings of each target, under its name (`sentinel:`, `splunk:`), read by that target's backend. */
  [target: string]: unknown;
}

const NAMES = ['detc.config.json', 'detc.config.yaml', 'detc.config.yml'];
let validate: ReturnType<Ajv['compile']> | undefined;

/** The project's optional detc.config.(json|yaml), validated; problems name file, line and column. */
export function loadConfig(cwd: string): DetcConfig {
  const found = NAMES.filter((n) => existsSync(path.join(cwd, n)));
  if (!found.length) return {};
  if (found.length > 1) throw new DiagnosticError([diagnosticAt({ file: found[1]!, line: 1, col: 1 }, facts.twoConfigFiles(found))]);
  const file = found[0]!;
  // JSON is YAML, so one parser gives positions for both.
  const src = new YamlSource(file, readFileSync(path.join(cwd, file), 'utf8'));
  const syntax = src.syntaxDiagnostics().filter((d) => d.severity === 'error');
  if (syntax.length) throw new DiagnosticError(syntax);
  const data = src.toJS() ?? {};
  validate ??= new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'json-schema/detc-config.schema.json'), 'utf8')));
  if (!validate(data)) {
    throw new DiagnosticError(
      (validate.errors ?? []).map((e) => {
        const p = e.instancePath.slice(1).split('/').filter(Boolean).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
        const key = e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty: string }).additionalProperty) : undefined;
        const allowed = e.keyword === 'enum' ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` : '';
        return src.diagnostic(p, schemaFact(e.keyword)(key ? `unknown setting '${key}'` : `${e.message}${allowed}`), key);
      }),
    );
  }
  return { file, ...(data as DetcConfig) };
}
