// Runs one detc command in this process (argv after the script) and prints, as JSON on stdout, its exit code and
// whether ts-morph (and so the TypeScript compiler) and Kusto.Language were loaded by it. For the lazy-loading tests.
import { createRequire } from 'node:module';
import { main } from '../../src/cli/main.js';
import { kustoLoaded } from '../../src/kql-check/kusto.js';

const code = await main(process.argv.slice(2), { cwd: process.cwd(), out: () => undefined, err: (s) => void process.stderr.write(`${s}\n`) });
// Its package.json does not count: detc's code version (the key of its caches) reads each dependency's version.
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => /[\\/](ts-morph|@ts-morph)[\\/]/.test(k) && !k.endsWith('package.json'));
process.stdout.write(JSON.stringify({ code, tsMorph: loaded.length > 0, kusto: kustoLoaded() }));
