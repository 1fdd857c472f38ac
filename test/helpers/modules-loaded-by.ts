// Runs one detc command in this process (argv after the script) and prints, as JSON on stdout, its exit code and
// whether ts-morph (and so the TypeScript compiler) was loaded by it. For the lazy-loading test.
import { createRequire } from 'node:module';
import { main } from '../../src/cli/main.js';

const code = await main(process.argv.slice(2), { cwd: process.cwd(), out: () => undefined, err: (s) => void process.stderr.write(`${s}\n`) });
const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => /[\\/](ts-morph|@ts-morph)[\\/]/.test(k));
process.stdout.write(JSON.stringify({ code, tsMorph: loaded.length > 0 }));
