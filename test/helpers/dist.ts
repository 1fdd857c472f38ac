import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadMapping } from '../../src/backends/mapping.js';
import { sentinelBackend } from '../../src/backends/sentinel/index.js';
import { sigmaBackend } from '../../src/backends/sigma/index.js';
import { splunkBackend } from '../../src/backends/splunk/index.js';
import type { Backend } from '../../src/backends/types.js';
import { writeOutput } from '../../src/build/write-output.js';
import type { EngineOptions } from '../../src/engines/types.js';
import type { Rule } from '../../src/ir/types.js';
import { loadTableSchemas } from '../../src/kql-check/table-schemas.js';

const ROOT = path.resolve(__dirname, '../..');
export const BACKENDS_UNDER_TEST: Backend[] = [sentinelBackend, splunkBackend, sigmaBackend];

export const mappings = {
  sentinel: loadMapping(path.join(ROOT, 'templates/sentinel/mapping.yml')),
  splunk: loadMapping(path.join(ROOT, 'templates/splunk/mapping.yml')),
  sigma: loadMapping(path.join(ROOT, 'templates/sigma/mapping.yml')),
};
export const kqlTables = loadTableSchemas(path.join(ROOT, 'schemas/kql'));

const made: string[] = [];

/** Compiles the rules with every backend into a fresh temporary dist-rules/ and returns its path. */
export function buildDist(rules: Rule[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'detc-dist-'));
  made.push(dir);
  const files = BACKENDS_UNDER_TEST.flatMap((b) => b.compile(rules, { templateDir: path.join(ROOT, 'templates', b.name), mapping: mappings[b.name] }).files);
  writeOutput(dir, files);
  return dir;
}

/** Removes every folder buildDist made (call from afterAll). */
export function cleanDists(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function engineOpts(distDir: string, now: number): EngineOptions {
  return { now, distDir, mappings, kqlTables };
}
