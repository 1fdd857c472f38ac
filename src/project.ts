// The project as every command sees it: detc.config and the command-line flags resolved once, into folders, the
// enabled targets, and for each target its templates (the project's, falling back to detc's own file by file),
// its field mapping and its settings. build, validate, check, test, run, diff, coverage and templates all read
// this one value, so no command can compile with one mapping and interpret with another.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, type DetcConfig } from './config/load-config.js';
import type { RunOptions } from './engines/types.js';
import type { NativeFormat } from './events/formats.js';
import type { Severity } from './ir/types.js';
import { facts } from './load/diagnostic-facts.js';
import { DiagnosticError, diagnosticAt } from './load/diagnostics.js';
import { loadMapping } from './mapping/mapping.js';
import { nativeFormatOf } from './mapping/native.js';
import type { BackendMapping } from './mapping/types.js';
import { allTargets, enabledTargets, type Target } from './targets/index.js';
import { PACKAGE_ROOT, resolveDir } from './util/paths.js';

/** Folder flags a command takes; each wins over detc.config, which wins over the defaults. */
export interface ProjectFlags {
  rules?: string;
  /** The output folder (`build --out`, `test --dist`). */
  out?: string;
  templates?: string;
  schemas?: string;
  /** The Kusto.Language result cache folder (`--cache DIR`). */
  cache?: string;
  /** `--no-cache`: analyse every query, read and write no cache. */
  noCache?: boolean;
  /** `--workers N`: threads for the Kusto.Language analysis (default: one per core, fewer for little work). */
  workers?: number;
}

/** One enabled target as this project sets it up. */
export interface TargetSetup {
  target: Target;
  /** The project's templates for the target (`<templates>/<target>`). */
  templateDir: string;
  /** detc's own templates for the target: used for every template `templateDir` does not override. */
  fallbackTemplateDir?: string;
  /** The field mapping: the project's `mapping.yml`, else detc's own. */
  mapping: BackendMapping;
  /** Deployment settings from detc.config (under the target's name), already validated against its schema. */
  settings: object;
}

export interface Project {
  /** Project root: relative paths are resolved against it and diagnostics are relative to it. */
  cwd: string;
  config: DetcConfig;
  /** The rules folder (absolute). */
  rulesDir: string;
  /** The output folder as named (for messages) and absolute. */
  outName: string;
  outDir: string;
  /** The templates folder in use (absolute): flag, config, ./templates, else detc's own. */
  templatesDir: string;
  /** The KQL table schemas folder in use (absolute): flag, config, ./schemas/kql, else detc's own. */
  schemasDir: string;
  /**
   * The Kusto.Language result cache (absolute), or undefined when off: `--cache DIR` / `--no-cache`, detc.config
   * `cache` (a folder, or false), DETC_CACHE_DIR, else node_modules/.cache/detc in the project.
   */
  cacheDir?: string;
  /** Threads for heavy checks (`--workers N`); undefined: one per core, fewer when the work is small. */
  workers?: number;
  /** Severity of rules that leave theirs out (detc.config defaultSeverity). */
  defaultSeverity?: Severity;
  /** The enabled targets, in registry order, each set up. */
  targets: TargetSetup[];
  /** Every registered target set up, enabled or not: a disabled target's export format can still be read. */
  available: TargetSetup[];
  /** Each target's mapping, by target name (what the engines and the export formats read). */
  mappings: Record<string, BackendMapping>;
}

/** Reads detc.config in `cwd` (if any) and resolves the project with the flags. Throws DiagnosticError on bad config. */
export function loadProject(cwd: string, flags: ProjectFlags = {}): Project {
  return resolveProject(cwd, loadConfig(cwd), flags);
}

/** The project for an already loaded config. */
export function resolveProject(cwd: string, config: DetcConfig, flags: ProjectFlags = {}): Project {
  const unknown = (config.backends ?? []).filter((n) => !allTargets().some((t) => t.name === n));
  if (unknown.length) {
    throw new DiagnosticError([diagnosticAt({ file: config.file ?? 'detc.config', line: 1, col: 1, path: 'backends' }, facts.unknownBackend(unknown[0]!, allTargets().map((t) => t.name)))]);
  }
  const templatesDir = resolveDir(cwd, flags.templates ?? config.templates, 'templates');
  const rel = (p: string) => path.relative(cwd, p).split(path.sep).join('/');
  const enabled = enabledTargets(config.backends);
  const available = allTargets().map((target): TargetSetup => {
    const templateDir = path.join(templatesDir, target.name);
    // A project's template folder overrides detc's templates by name; anything it lacks comes from detc's own.
    const fallback = path.join(PACKAGE_ROOT, 'templates', target.name);
    const own = path.join(templateDir, 'mapping.yml');
    const mappingFile = existsSync(own) ? own : path.join(fallback, 'mapping.yml');
    return {
      target,
      templateDir,
      fallbackTemplateDir: path.resolve(fallback) === path.resolve(templateDir) ? undefined : fallback,
      mapping: loadMapping(mappingFile, rel(mappingFile)),
      settings: (config[target.name] as object | undefined) ?? {},
    };
  });
  const outName = flags.out ?? config.out ?? 'dist-rules';
  return {
    cwd,
    config,
    rulesDir: path.resolve(cwd, flags.rules ?? config.rules ?? 'rules'),
    outName,
    outDir: path.resolve(cwd, outName),
    templatesDir,
    schemasDir: resolveDir(cwd, flags.schemas ?? config.schemas, 'schemas/kql'),
    cacheDir: cacheDir(cwd, config, flags),
    workers: flags.workers,
    defaultSeverity: config.defaultSeverity,
    targets: available.filter((t) => enabled.includes(t.target)),
    available,
    mappings: Object.fromEntries(available.map((t) => [t.target.name, t.mapping])),
  };
}

/** What every engine run of this project is given (with `now`): the output folder it reads, mappings, schemas. */
export function runOptions(project: Project, distDir = project.outDir): Omit<RunOptions, 'now'> {
  return { distDir, mappings: project.mappings, schemasDir: project.schemasDir, cacheDir: project.cacheDir };
}

/** The targets' own event export formats (`--format sentinel`), read through the targets' mappings. */
export function nativeFormats(project: Project): Record<string, NativeFormat> {
  return Object.fromEntries(
    project.available.flatMap(({ target, mapping }) =>
      target.exportLayout ? [[target.name, { layout: target.exportLayout, ...nativeFormatOf(mapping, target.native) }]] : [],
    ),
  );
}

function cacheDir(cwd: string, config: DetcConfig, flags: ProjectFlags): string | undefined {
  if (flags.noCache || config.cache === false) return undefined;
  const dir = flags.cache ?? (typeof config.cache === 'string' ? config.cache : undefined) ?? process.env.DETC_CACHE_DIR;
  return path.resolve(cwd, dir ?? 'node_modules/.cache/detc');
}
