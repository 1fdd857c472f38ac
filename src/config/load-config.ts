import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import type { BuildOptions } from '../build/compile.js';
import type { Severity } from '../ir/types.js';
import { DiagnosticError } from '../load/diagnostics.js';
import { YamlSource } from '../load/yaml-source.js';
import { PACKAGE_ROOT } from '../paths.js';

export interface DetcConfig {
  file?: string;
  rules?: string;
  out?: string;
  templates?: string;
  schemas?: string;
  backends?: ('sentinel' | 'splunk' | 'sigma')[];
  /** Severity of rules that leave it out. */
  defaultSeverity?: Severity;
  sentinel?: SentinelSettings;
  splunk?: SplunkSettings;
}

/** Deployment settings of the Sentinel analytics rules (see schema/detc-config.schema.json). */
export interface SentinelSettings {
  createIncident?: boolean;
  incidentGrouping?: { enabled?: boolean; lookback?: string; matchingMethod?: 'AllEntities' | 'AnyAlert' | 'Selected'; reopenClosedIncident?: boolean };
  suppression?: { enabled?: boolean; duration: string };
  connectors?: Record<string, { connectorId: string; dataTypes: string[] }[]>;
}

/** Deployment settings of the Splunk app and its saved searches. */
export interface SplunkSettings {
  app?: { id?: string; label?: string; version?: string; author?: string };
  notable?: boolean;
  risk?: boolean;
  scheduleWindow?: 'auto' | number;
  disabled?: boolean;
}

/** Command-line flags that override the config file. */
export interface PathFlags {
  rules?: string;
  templates?: string;
  schemas?: string;
}

/** compileAll's options for this project: flags first, then the config file, then the defaults. */
export function buildOptions(cwd: string, config: DetcConfig, flags: PathFlags = {}): BuildOptions {
  return {
    cwd,
    rulesDir: flags.rules ?? config.rules ?? 'rules',
    templatesDir: flags.templates ?? config.templates,
    schemasDir: flags.schemas ?? config.schemas,
    backends: config.backends,
    defaultSeverity: config.defaultSeverity,
    settings: { sentinel: config.sentinel ?? {}, splunk: config.splunk ?? {} },
  };
}

const NAMES = ['detc.config.json', 'detc.config.yaml', 'detc.config.yml'];
let validate: ReturnType<Ajv['compile']> | undefined;

/** The project's optional detc.config.(json|yaml), validated; problems name file, line and column. */
export function loadConfig(cwd: string): DetcConfig {
  const found = NAMES.filter((n) => existsSync(path.join(cwd, n)));
  if (!found.length) return {};
  if (found.length > 1) throw new DiagnosticError([{ file: found[1]!, line: 1, col: 1, path: '', severity: 'error', message: `two config files: ${found.join(' and ')}; keep one` }]);
  const file = found[0]!;
  // JSON is YAML, so one parser gives positions for both.
  const src = new YamlSource(file, readFileSync(path.join(cwd, file), 'utf8'));
  const syntax = src.syntaxDiagnostics().filter((d) => d.severity === 'error');
  if (syntax.length) throw new DiagnosticError(syntax);
  const data = src.toJS() ?? {};
  validate ??= new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'schema/detc-config.schema.json'), 'utf8')));
  if (!validate(data)) {
    throw new DiagnosticError(
      (validate.errors ?? []).map((e) => {
        const p = e.instancePath.slice(1).split('/').filter(Boolean).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
        const key = e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty: string }).additionalProperty) : undefined;
        const allowed = e.keyword === 'enum' ? `: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` : '';
        return src.diagnostic(p, key ? `unknown setting '${key}'` : `${e.message}${allowed}`, key);
      }),
    );
  }
  return { file, ...(data as DetcConfig) };
}
