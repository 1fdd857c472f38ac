// Preloaded (`node --import`) into a run of bin/detc.js by the lazy-loading tests (test/helpers/loaded-by.ts): when
// the process exits, writes to the file named by DETC_LOADED_REPORT whether it loaded ts-morph (and so the
// TypeScript compiler) and Kusto.Language, which defines the global `Kusto` (src/kql-check/kusto.ts).
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const loaded = createRequire(import.meta.url).cache;
process.on('exit', () => {
  // Its package.json does not count: detc's code version (the key of its caches) reads each dependency's version.
  const tsMorph = Object.keys(loaded).some((k) => /[\\/](ts-morph|@ts-morph)[\\/]/.test(k) && !k.endsWith('package.json'));
  writeFileSync(process.env.DETC_LOADED_REPORT, JSON.stringify({ tsMorph, kusto: globalThis.Kusto !== undefined }));
});
