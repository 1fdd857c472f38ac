// The `yaml` library as detc parses with it: the ES module build the package ships beside its Node build (the
// same version and code, package.json `exports` hands it to every platform but Node), because the Node build's
// parser reads `process.env.LOG_TOKENS` (a debugging switch) at every token, and on Node each read of process.env
// is a call into the runtime: about a quarter of parsing a rule file (1,000 rule files: 1.38 → 1.00 CPU s). The
// two builds' nodes are told apart by the same registered symbols, so yaml's isMap/isScalar and the rest work on
// either. Should the file ever move, the Node build is used: slower, the same results. Every YAML detc reads goes
// through here: rules, lists, fixtures and detc.config (yaml-source.ts), and the Sentinel and Sigma files read back.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Yaml from 'yaml';

async function load(): Promise<typeof Yaml> {
  try {
    const manifest = createRequire(import.meta.url).resolve('yaml/package.json');
    return (await import(pathToFileURL(path.join(path.dirname(manifest), 'browser', 'index.js')).href)) as typeof Yaml;
  } catch {
    return import('yaml');
  }
}

const yaml = await load();

export const { LineCounter, parse, parseAllDocuments, parseDocument } = yaml;
