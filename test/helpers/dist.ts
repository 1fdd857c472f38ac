import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { loadMapping } from '../../src/mapping/mapping.js';
import type { RunOptions } from '../../src/engines/types.js';
import type { Rule } from '../../src/ir/types.js';
import { loadTableSchemas } from '../../src/kql-check/table-schemas.js';
import { loadRules } from '../../src/load/load-rules.js';
import { allTargets, runners } from '../../src/targets/index.js';
import { loadProject, nativeFormats } from '../../src/project.js';

const ROOT = path.resolve(__dirname, '../..');
const SCHEMAS = path.join(ROOT, 'schemas/kql');

/** detc's own mapping of each target. */
export const mappings = {
  sentinel: loadMapping(path.join(ROOT, 'templates/sentinel/mapping.yml')),
  splunk: loadMapping(path.join(ROOT, 'templates/splunk/mapping.yml')),
  sigma: loadMapping(path.join(ROOT, 'templates/sigma/mapping.yml')),
  typescript: loadMapping(path.join(ROOT, 'templates/typescript/mapping.yml')),
};
export const kqlTables = loadTableSchemas(SCHEMAS);

/** Every engine: the reference evaluator first, then each target's. */
export const ENGINES = runners();

const made: string[] = [];

/**
 * Compiles the rules with every backend into a fresh temporary dist-rules/ and returns its path. The files are
 * written straight into the new folder: writeOutput's replacement of a folder in use, under a lock, is tested on
 * its own (test/compile/write-output.test.ts), and here, once per property-test run, it took ten times as long as
 * writing the files (it lists the parent folder, the system's temporary folder, on every call).
 */
export function buildDist(rules: Rule[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-dist-'));
  made.push(dir);
  return compileInto(dir, rules);
}

function compileInto(dir: string, rules: Rule[]): string {
  const files = allTargets().flatMap((t) => t.backend.compile(rules, { templateDir: path.join(ROOT, 'templates', t.name), mapping: mappings[t.name as keyof typeof mappings] }).files);
  for (const f of files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.content);
  }
  return dir;
}

let own: { rules: Rule[]; dist: string } | undefined;

/**
 * detc's own rules (rules/), loaded and compiled with every backend into a temporary dist-rules/ once per worker:
 * six test files compiled the same rules each. Every file the worker runs shares them (the folder is removed after
 * the run): read them, never change a rule or write into the folder; a test that edits gets its own buildDist.
 */
export function ownPack(): { rules: Rule[]; dist: string } {
  if (!own) {
    const rules = loadRules(path.join(ROOT, 'rules'), ROOT).rules;
    own = { rules, dist: compileInto(mkdtempSync(path.join(inject('runDir'), 'own-dist-')), rules) };
  }
  return own;
}

/** Removes every folder buildDist made (call from afterAll). */
export function cleanDists(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function engineOpts(distDir: string, now: number): RunOptions {
  return { now, distDir, mappings, schemasDir: SCHEMAS };
}

/** detc's own repository as a project (its config, templates and schemas). */
export const project = loadProject(ROOT);
/** The export formats of its targets (`sentinel`, `splunk`), for reading native events. */
export const natives = nativeFormats(project);
